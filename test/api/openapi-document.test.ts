import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SwaggerParser from "@apidevtools/swagger-parser";
import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNodeEdge } from "../helpers/node-edge.js";
import { startTestRedis, type TestRedis } from "../helpers/test-redis.js";

// The OpenAPI document (SPEC 13): valid, complete (every route the app serves, with its query
// parameters, schemas and the token schemes), and good enough to generate a typed client from.

type Doc = {
  paths: Record<
    string,
    Record<string, { parameters?: Array<{ name: string; in: string }>; security?: unknown[] }>
  >;
  components: { securitySchemes: Record<string, { type: string; in: string; name: string }> };
};
let redis: TestRedis;
let edge: Awaited<ReturnType<typeof startNodeEdge>>;
let doc: Doc;

beforeAll(async () => {
  redis = await startTestRedis();
  edge = await startNodeEdge(redis.url);
  doc = (await (await edge.app.request("/openapi.json")).json()) as Doc;
});
afterAll(async () => {
  await edge?.close();
  await redis?.stop();
});

const queryOf = (path: string, method: string) =>
  (doc.paths[path]?.[method]?.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name);

describe("/openapi.json", () => {
  it("passes the OpenAPI validator", async () => {
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
  });

  it("lists every route the app serves, edge routes included", () => {
    const served = edge.app.routes
      .filter((r) => r.method !== "ALL" && !r.path.includes("*"))
      .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, "{$1}")}`);
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.keys(ops).map((m) => `${m} ${path}`),
      ),
    );
    expect(served.length).toBeGreaterThan(40);
    expect(served.filter((route) => !documented.has(route))).toEqual([]);
    for (const edgeRoute of [
      "get /px",
      "head /px",
      "get /imp",
      "get /click",
      "get /optout",
      "get /tag.js",
    ])
      expect(documented).toContain(edgeRoute);
  });

  it("names the query parameters the handlers read", () => {
    expect(queryOf("/conversion", "get")).toEqual(
      expect.arrayContaining([
        "advertiser_id",
        "pixel_id",
        "line_item_id",
        "start_date",
        "end_date",
        "timezone",
        "format",
        "start_element",
        "num_elements",
        "sort",
        "fields",
      ]),
    );
    expect(queryOf("/report/pixel", "get")).toEqual(
      expect.arrayContaining(["interval", "format", "timezone"]),
    );
    expect(queryOf("/conversion-feed", "get")).toEqual(
      expect.arrayContaining(["cursor", "num_elements"]),
    );
    expect(queryOf("/pixel", "put")).toEqual(
      expect.arrayContaining(["id", "code", "advertiser_id", "append"]),
    );
    expect(queryOf("/px", "get")).toEqual(
      expect.arrayContaining(["id", "code", "member", "t", "order_id", "value", "other", "redir"]),
    );
    expect(queryOf("/imp", "get")).toEqual(
      expect.arrayContaining(["adv", "li", "ts", "sig", "aid"]),
    );
  });

  it("describes the token schemes, required everywhere but the login and the edge", () => {
    expect(doc.components.securitySchemes.token).toMatchObject({
      type: "apiKey",
      in: "header",
      name: "Authorization",
    });
    expect(doc.components.securitySchemes.cookie).toMatchObject({ type: "apiKey", in: "cookie" });
    expect(doc.paths["/auth"]?.post?.security).toEqual([]);
    expect(doc.paths["/px"]?.get?.security).toEqual([]);
    expect(doc.paths["/pixel"]?.get?.security).toEqual([{ token: [] }, { cookie: [] }]);
  });

  it("generates a TypeScript client that compiles, with typed queries and answers", async () => {
    const dir = mkdtempSync(join(tmpdir(), "openapi-client-"));
    try {
      writeFileSync(
        join(dir, "api.d.ts"),
        astToString(await openapiTS(structuredClone(doc) as never)),
      );
      writeFileSync(
        join(dir, "client.ts"),
        `import type { paths } from "./api";
type Query<P extends keyof paths> = paths[P]["get"] extends { parameters: { query?: infer Q } } ? Q : never;
type Answer<P extends keyof paths> = paths[P]["get"] extends { responses: { 200: { content: { "application/json": infer A } } } } ? A : never;
export async function get<P extends keyof paths>(base: string, path: P, query: Query<P>, token: string): Promise<Answer<P>> {
  const search = new URLSearchParams(Object.entries(query ?? {}).map(([k, v]) => [k, String(v)]));
  const response = await fetch(base + path + "?" + search, { headers: { Authorization: token } });
  return (await response.json()) as Answer<P>;
}
export async function pixelNames(base: string, token: string): Promise<string[]> {
  const answer = await get(base, "/pixel", { advertiser_id: 1, num_elements: 50 }, token);
  return (answer.response.pixels ?? []).map((p) => p.name ?? String(p.id));
}
export const csv: Query<"/conversion"> = { advertiser_id: 1, format: "csv", start_date: "2026-11-01" };
// @ts-expect-error: an interval the report does not have
export const wrong: Query<"/report/pixel"> = { interval: "week" };
// @ts-expect-error: a pixel's trigger_type is one of three
export const badPixel: NonNullable<Answer<"/pixel">["response"]["pixel"]> = { id: 1, trigger_type: "sometimes" };
`,
      );
      const program = ts.createProgram([join(dir, "client.ts")], {
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.ESNext,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
        lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
        types: [],
      });
      const errors = ts
        .getPreEmitDiagnostics(program)
        .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      expect(errors).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
