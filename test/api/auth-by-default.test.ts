import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import type { ApiEnv } from "../../src/api/api-env.js";
import { documentedRoute } from "../../src/api/documented-route.js";
import { useNodeEdge } from "../helpers/node-edge.js";

// Issue 17: auth by default. Every operation the OpenAPI document lists needs a token unless
// it is one of these; a new service is protected without anyone remembering to list it.
const PUBLIC = [
  "GET /click",
  "GET /docs",
  "GET /docs/assets/{name}",
  "GET /healthz",
  "GET /imp",
  "GET /openapi.json",
  "GET /optout",
  "GET /px",
  "GET /readyz",
  "GET /sspx",
  "GET /tag.js",
  "GET /ui",
  "GET /ui/dashboard.js",
  "HEAD /px",
  "POST /auth",
];

const fixture = useNodeEdge(undefined, { resetBeforeEach: false });

type Operation = { security?: unknown[] };

describe("the API's operations", () => {
  it("all answer 401 without a token, but the listed public ones", async () => {
    const doc = (await (
      await fixture.edge.app.request("http://api.example/openapi.json")
    ).json()) as {
      paths: Record<string, Record<string, Operation>>;
    };
    const open: string[] = [];
    const guarded: string[] = [];
    for (const [path, operations] of Object.entries(doc.paths))
      for (const [method, operation] of Object.entries(operations)) {
        const name = `${method.toUpperCase()} ${path}`;
        if (Array.isArray(operation.security) && operation.security.length === 0) {
          open.push(name);
          continue;
        }
        guarded.push(name);
        const answer = await fixture.edge.app.request(
          `http://api.example${path.replace(/\{\w+\}/g, "x")}`,
          {
            method: method.toUpperCase(),
            ...(method === "get" || method === "delete"
              ? {}
              : { body: "{}", headers: { "Content-Type": "application/json" } }),
          },
        );
        expect(answer.status, name).toBe(401);
        expect(
          ((await answer.json()) as { response: { error_id: string } }).response.error_id,
        ).toBe("NOAUTH");
      }
    expect(open.sort()).toEqual(PUBLIC);
    // The document is not empty by accident: the services are all there.
    expect(guarded.length).toBeGreaterThan(30);
    expect(guarded).toEqual(
      expect.arrayContaining(["POST /report", "GET /report-download", "POST /conversion-events"]),
    );
  });

  it("cannot be mounted on an API without guards", () => {
    const bare = new OpenAPIHono<ApiEnv>();
    const route = createRoute({
      method: "get",
      path: "/forgotten",
      responses: { 200: { description: "x" } },
    });
    expect(() => documentedRoute(bare, route, (c) => c.text("x"))).toThrow(/without guards/);
  });
});
