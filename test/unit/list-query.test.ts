import { describe, expect, it } from "vitest";
import { ApiError } from "../../src/api/api-error.js";
import { type FieldMeta, listPage, MAX_PAGE } from "../../src/api/list/list-query.js";

const meta: FieldMeta[] = [
  { name: "id", type: "int", sort_by: true, filter_by: true },
  { name: "name", type: "string", sort_by: true, filter_by: true },
  { name: "state", type: "enum", sort_by: false, filter_by: true },
  { name: "min_minutes_per_conv", type: "int", sort_by: false, filter_by: true },
  { name: "notes", type: "string", sort_by: false, filter_by: false },
];

const objects = [
  { id: 1, name: "Alpha", state: "active", min_minutes_per_conv: null, notes: "x" },
  { id: 2, name: "beta", state: "inactive", min_minutes_per_conv: 5, notes: "y" },
  { id: 3, name: "Gamma", state: "active", min_minutes_per_conv: 10, notes: "z" },
];

const ids = (query: Record<string, string>, consumed: string[] = []) =>
  listPage(objects, query, meta, new Set(consumed)).items.map((o) => o.id);

/** The SYNTAX error's field, or null when the list answered. */
function refusal(query: Record<string, string>): string | null {
  try {
    listPage(objects, query, meta, new Set());
    return null;
  } catch (error) {
    if (error instanceof ApiError && error.kind === "SYNTAX") return error.field ?? "";
    throw error;
  }
}

describe("filters", () => {
  it.each([
    [{ id: "2" }, [2]],
    [{ id: "1, 3" }, [1, 3]],
    [{ state: "active" }, [1, 3]],
    [{ min_id: "2" }, [2, 3]],
    [{ max_id: "2" }, [1, 2]],
    [{ like_name: "AMM" }, [3]],
    [{ min_min_minutes_per_conv: "6" }, [3]],
    [{ min_minutes_per_conv: "5" }, [2]],
    [{ state: "active", min_id: "2" }, [3]],
  ])("%j lists %j", (query, expected) => {
    expect(ids(query)).toEqual(expected);
  });

  it("leaves alone the parameters the service handled itself", () => {
    expect(ids({ advertiser_id: "9" }, ["advertiser_id"])).toEqual([1, 2, 3]);
  });

  it.each([
    [{ notes: "x" }, "notes"],
    [{ nope: "1" }, "nope"],
    [{ id: "one" }, "id"],
    [{ min_id: "" }, "min_id"],
  ])("refuses %j (field %s)", (query, field) => {
    expect(refusal(query)).toBe(field);
  });
});

describe("sorting", () => {
  it.each([
    ["id.desc", [3, 2, 1]],
    ["id", [1, 2, 3]],
    ["name.asc", [1, 3, 2]],
  ])("sort=%s lists %j", (sort, expected) => {
    expect(ids({ sort })).toEqual(expected);
  });

  it("puts missing values last", () => {
    const page = listPage(
      [
        { id: 1, name: null },
        { id: 2, name: "b" },
        { id: 3, name: "a" },
      ],
      { sort: "name.asc" },
      meta,
      new Set(),
    );
    expect(page.items.map((o) => o.id)).toEqual([3, 2, 1]);
  });

  it.each([["state.asc"], ["notes"], ["id.up"]])("refuses sort=%s", (sort) => {
    expect(refusal({ sort })).toBe("sort");
  });
});

describe("paging and fields", () => {
  it("pages with start_element and num_elements and counts every match", () => {
    const page = listPage(objects, { start_element: "1", num_elements: "1" }, meta, new Set());
    expect(page).toMatchObject({ count: 3, startElement: 1, numElements: 1 });
    expect(page.items.map((o) => o.id)).toEqual([2]);
  });

  it(`pages by ${MAX_PAGE} at most, unless the caller allows more`, () => {
    const many = Array.from({ length: 150 }, (_, i) => ({ id: i + 1 }));
    expect(listPage(many, {}, meta, new Set()).items).toHaveLength(MAX_PAGE);
    expect(refusal({ num_elements: "101" })).toBe("num_elements");
    expect(listPage(many, { num_elements: "150" }, meta, new Set(), 1000).items).toHaveLength(150);
  });

  it.each([["-1"], ["1.5"], ["x"]])("refuses start_element=%s", (start) => {
    expect(refusal({ start_element: start })).toBe("start_element");
  });

  it("keeps only the fields asked for, null when an object lacks one", () => {
    const page = listPage([{ id: 1 }], { fields: "id, name" }, meta, new Set());
    expect(page.items).toEqual([{ id: 1, name: null }]);
    expect(refusal({ fields: "id,secret" })).toBe("fields");
  });
});
