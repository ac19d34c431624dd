import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { LineItemDocument } from "../../objects/documents.js";
import type { ApiDeps } from "../api-deps.js";
import type { ApiEnv } from "../api-env.js";
import { integrity, notFound, syntaxError } from "../api-error.js";
import { documentedRoute } from "../documented-route.js";
import { respond, writeResponse } from "../envelope.js";
import type { FieldMeta } from "../list/list-query.js";
import { mountMetaRoute } from "../meta-route.js";
import { readObjects } from "../read-objects.js";
import { actingMember, visible } from "../tenancy.js";
import { namedAdvertiser } from "./advertiser-routes.js";
import { refreshAttachments } from "./attachments.js";
import { idList, oneId } from "./id-query.js";
import { creationStamps } from "./timestamps.js";
import { documentedBody, jsonBody, parseWrite } from "./write-body.js";

export const LINE_ITEM_META: FieldMeta[] = [
  { name: "id", type: "int", sort_by: true, filter_by: true },
  { name: "code", type: "string", sort_by: true, filter_by: true },
  { name: "name", type: "string", sort_by: true, filter_by: true },
  { name: "state", type: "enum", sort_by: true, filter_by: true },
  { name: "advertiser_id", type: "int", sort_by: true, filter_by: true },
  { name: "pixels", type: "array", sort_by: false, filter_by: false },
  { name: "created_on", type: "timestamp", sort_by: true, filter_by: true },
  { name: "last_modified", type: "timestamp", sort_by: true, filter_by: true },
];

/** A line item may carry at most this many conversion pixels. */
export const MAX_LINE_ITEM_PIXELS = 20;

const LineItemInput = z
  .object({
    name: z.string().trim().min(1).max(255),
    code: z.string().trim().min(1).max(100).nullable(),
    state: z.enum(["active", "inactive"]),
    advertiser_id: z.number().int().positive(),
    pixels: z
      .array(
        z
          .object({
            id: z.number().int().positive(),
            state: z.enum(["active", "inactive"]).default("active"),
            post_click_revenue: z.number().min(0).nullable().default(null),
            post_view_revenue: z.number().min(0).nullable().default(null),
          })
          .strict(),
      )
      .max(MAX_LINE_ITEM_PIXELS, `a line item has at most ${MAX_LINE_ITEM_PIXELS} pixels`)
      .nullable(),
  })
  .strict();

const TERM = "line-item";
const READ_ONLY = ["id", "member_id", "created_on", "last_modified"];
const body = documentedBody(TERM, LineItemInput);

/** Every pixel must exist, be visible and belong to the line item's advertiser. */
async function checkPixels(deps: ApiDeps, item: LineItemDocument): Promise<void> {
  const ids = item.pixels.map((p) => p.id);
  if (new Set(ids).size !== ids.length) throw syntaxError(`${TERM}.pixels`, "lists a pixel twice");
  const pixels = await deps.stores.pixels.getMany(ids);
  for (const [i, id] of ids.entries()) {
    const pixel = pixels.find((p) => p.id === id);
    if (!pixel || pixel.member_id !== item.member_id || pixel.advertiser_id !== item.advertiser_id)
      throw syntaxError(
        `${TERM}.pixels.${i}.id`,
        `pixel ${id} is not a pixel of advertiser ${item.advertiser_id}`,
      );
  }
}

async function namedLineItem(
  c: Context<ApiEnv>,
  deps: ApiDeps,
  member: number | null,
): Promise<LineItemDocument> {
  const id = oneId(c.req.query("id"), "id");
  const code = c.req.query("code");
  let item: LineItemDocument | null = null;
  if (id !== null) item = await deps.stores.lineItems.get(id);
  else if (code) {
    const advertiser = await namedAdvertiser(c, deps, member, {
      id: "advertiser_id",
      code: "advertiser_code",
    });
    const byCode = await deps.stores.lineItems.idByCode(advertiser.id, code);
    item = byCode === null ? null : await deps.stores.lineItems.get(byCode);
  } else throw syntaxError("id", "name the line item with id or code");
  if (!item || !visible(item, member)) throw notFound("line-item");
  return item;
}

/** `/line-item?advertiser_id=`: line items and the conversion pixels attached to them. */
export function mountLineItemRoutes(api: OpenAPIHono<ApiEnv>, deps: ApiDeps): void {
  mountMetaRoute(api, "/line-item", LINE_ITEM_META);
  const store = deps.stores.lineItems;

  documentedRoute(
    api,
    createRoute({
      method: "get",
      path: "/line-item",
      tags: ["line-item"],
      responses: { 200: { description: "Line items" } },
    }),
    async (c) => {
      const member = await actingMember(c, deps);
      let items = await store.list(member);
      if (c.req.query("advertiser_id") || c.req.query("advertiser_code")) {
        const advertiser = await namedAdvertiser(c, deps, member, {
          id: "advertiser_id",
          code: "advertiser_code",
        });
        items = items.filter((li) => li.advertiser_id === advertiser.id);
      }
      const ids = idList(c.req.query("id"));
      if (ids) items = items.filter((li) => ids.includes(li.id));
      const consumed = new Set(["id", "advertiser_id", "advertiser_code", "member_id"]);
      return readObjects(
        c,
        { one: "line-item", many: "line-items" },
        items,
        LINE_ITEM_META,
        consumed,
        ids?.length === 1,
      );
    },
  );

  documentedRoute(
    api,
    createRoute({
      method: "post",
      path: "/line-item",
      tags: ["line-item"],
      request: { body },
      responses: { 200: { description: "The new line item" } },
    }),
    async (c) => {
      const member = await actingMember(c, deps);
      const { values, warnings } = parseWrite(
        await jsonBody(c.req),
        TERM,
        LineItemInput.partial().required({ name: true }),
        READ_ONLY,
      );
      const advertiser =
        c.req.query("advertiser_id") || c.req.query("advertiser_code")
          ? await namedAdvertiser(c, deps, member, { id: "advertiser_id", code: "advertiser_code" })
          : await deps.stores.advertisers.get(values.advertiser_id ?? 0);
      if (!advertiser || !visible(advertiser, member)) throw notFound("advertiser");
      const item: LineItemDocument = {
        id: await store.nextId(),
        code: values.code ?? null,
        name: values.name,
        state: values.state ?? "active",
        advertiser_id: advertiser.id,
        member_id: advertiser.member_id,
        pixels: values.pixels ?? [],
        ...creationStamps(deps.clock()),
      };
      await checkPixels(deps, item);
      if (!(await store.put(item, null)))
        throw syntaxError(
          `${TERM}.code`,
          "is already used by another line item of this advertiser",
        );
      await refreshAttachments(
        deps,
        item.pixels.map((p) => p.id),
      );
      return writeResponse(c, TERM, item, warnings);
    },
  );

  documentedRoute(
    api,
    createRoute({
      method: "put",
      path: "/line-item",
      tags: ["line-item"],
      request: { body },
      responses: { 200: { description: "The line item as it now stands" } },
    }),
    async (c) => {
      const member = await actingMember(c, deps);
      const previous = await namedLineItem(c, deps, member);
      const { values, warnings } = parseWrite(
        await jsonBody(c.req),
        TERM,
        LineItemInput.partial(),
        READ_ONLY,
      );
      if (values.advertiser_id !== undefined && values.advertiser_id !== previous.advertiser_id)
        throw syntaxError(`${TERM}.advertiser_id`, "a line item cannot move to another advertiser");
      const changes = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
      if (c.req.query("append") === "true" && values.pixels)
        changes.pixels = [...previous.pixels, ...values.pixels];
      if (changes.pixels === null) changes.pixels = [];
      const item: LineItemDocument = {
        ...previous,
        ...changes,
        last_modified: creationStamps(deps.clock()).last_modified,
      };
      if (item.pixels.length > MAX_LINE_ITEM_PIXELS)
        throw syntaxError(
          `${TERM}.pixels`,
          `a line item has at most ${MAX_LINE_ITEM_PIXELS} pixels`,
        );
      await checkPixels(deps, item);
      const campaigns = (await deps.stores.campaigns.list(item.member_id)).filter(
        (cp) => cp.line_item_id === item.id,
      );
      const stranded = campaigns.find((cp) =>
        cp.pixels.some((p) => !item.pixels.some((q) => q.id === p.id)),
      );
      if (stranded)
        throw integrity(
          `Campaign ${stranded.id} counts a pixel this change removes; change the campaign first`,
        );
      if (!(await store.put(item, previous)))
        throw syntaxError(
          `${TERM}.code`,
          "is already used by another line item of this advertiser",
        );
      await refreshAttachments(
        deps,
        [...previous.pixels, ...item.pixels].map((p) => p.id),
      );
      return writeResponse(c, TERM, item, warnings);
    },
  );

  documentedRoute(
    api,
    createRoute({
      method: "delete",
      path: "/line-item",
      tags: ["line-item"],
      responses: { 200: { description: "Deleted" } },
    }),
    async (c) => {
      const member = await actingMember(c, deps);
      const item = await namedLineItem(c, deps, member);
      const campaigns = (await deps.stores.campaigns.list(item.member_id)).filter(
        (cp) => cp.line_item_id === item.id,
      );
      if (campaigns.length)
        throw integrity("The line item still has campaigns; delete those first");
      await store.delete(item);
      await refreshAttachments(
        deps,
        item.pixels.map((p) => p.id),
      );
      return respond(c, { status: "OK" });
    },
  );
}
