import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, ApiClient } from "../helpers/api-client.js";
import { twoMembers } from "../helpers/api-world.js";
import { pixelDocument } from "../helpers/documents.js";
import { useNodeEdge } from "../helpers/node-edge.js";
import { seedPixels } from "../helpers/seed-pixel.js";

// Random input at every beacon and at the API's byte level: bytes that are not UTF-8, huge
// values, wrong types, hostile cookies and headers. No 5xx, no hang, no unbounded memory.

const fixture = useNodeEdge(undefined, { resetBeforeEach: false });
let cases = 0;
let heapBefore = 0;
let slowestMs = 0;
let token = "";

beforeAll(async () => {
  await seedPixels(fixture.redis.client, [
    pixelDocument({ piggyback_pixels: [{ pixel_type: "img", url: "https://tags.example/p.gif" }] }),
  ]);
  await twoMembers(fixture.edge);
  const admin = new ApiClient(fixture.edge.app);
  token = (await admin.login(ADMIN.username, ADMIN.password)).body.response.token;
  heapBefore = process.memoryUsage().heapUsed;
});
afterAll(() => {
  const grownMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
  console.log(
    `edge fuzz: ${cases} requests, slowest ${slowestMs.toFixed(1)} ms, heap ${grownMb >= 0 ? "+" : ""}${grownMb.toFixed(1)} MB`,
  );
});

/** Any bytes, percent-encoded as they would cross the wire (most are not UTF-8). */
const rawBytes = fc
  .uint8Array({ maxLength: 64 })
  .map((bytes) => Array.from(bytes, (b) => `%${b.toString(16).padStart(2, "0")}`).join(""));
const value = fc.oneof(
  rawBytes,
  fc.string({ unit: "grapheme", maxLength: 40 }).map(encodeURIComponent),
  fc.constantFrom(
    "",
    "-1",
    "0",
    "1",
    "2",
    "NaN",
    "1e309",
    "9".repeat(400),
    "%",
    "%E0%A4%A",
    "%C0%AF",
    "https://evil.example/",
    "javascript:alert(1)",
  ),
  fc.integer({ min: 1000, max: 60_000 }).map((n) => "x".repeat(n)),
);
const name = fc.oneof(
  fc.constantFrom(
    "id",
    "code",
    "member",
    "t",
    "order_id",
    "value",
    "other",
    "redir",
    "gpc",
    "adv",
    "li",
    "cp",
    "cr",
    "sig",
    "undo",
    "__proto__",
    "constructor",
  ),
  rawBytes,
);
const query = fc
  .array(fc.tuple(name, value), { maxLength: 8 })
  .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join("&"));
const headers = fc.record(
  {
    Cookie: fc.oneof(
      fc.string({ maxLength: 200 }),
      value.map((v) => `uuid2=${v}`),
      fc.constantFrom("uuid2=-1", "uuid2=555; uuid2=556", "uuid2"),
    ),
    "Sec-GPC": fc.constantFrom("1", "0", "yes", ""),
    "If-None-Match": fc.string({ maxLength: 50 }),
    "Accept-Encoding": fc.constantFrom("gzip", "br", "*", ""),
  },
  { requiredKeys: [] },
);

async function timed(request: () => Response | Promise<Response>): Promise<Response> {
  const started = performance.now();
  const response = await request();
  await response.arrayBuffer();
  slowestMs = Math.max(slowestMs, performance.now() - started);
  cases++;
  return response;
}

describe("random input", () => {
  it("at /px, /imp, /click, /optout and /tag.js: the browser's answer, never a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("/px", "/imp", "/click", "/optout", "/tag.js"),
        query,
        headers,
        async (path, q, h) => {
          // Headers must be ISO-8859-1 to be sent at all: a browser cannot send others.
          const sendable = Object.fromEntries(
            Object.entries(h).filter(([, v]) => /^[\u0020-\u007e\u00a0-\u00ff]*$/.test(v)),
          );
          const response = await timed(() =>
            fixture.edge.app.request(`https://px.example${path}?${q}`, { headers: sendable }),
          );
          if (path === "/click") expect([302, 400]).toContain(response.status);
          else expect([200, 304]).toContain(response.status);
        },
      ),
      { numRuns: 3000 },
    );
    await fixture.edge.drain();
  });

  it("as bodies and queries of the API's writes and reports: the envelope, never a 5xx", async () => {
    const targets = [
      ["POST", "/events"],
      ["POST", "/auth"],
      ["POST", "/advertiser"],
      ["PUT", "/pixel?id=1"],
      ["POST", "/line-item?advertiser_id=1"],
      ["GET", "/conversion"],
      ["GET", "/report/pixel"],
    ] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...targets),
        fc.oneof(
          fc.uint8Array({ maxLength: 2048 }),
          fc.json().map((j) => new TextEncoder().encode(j)),
        ),
        query,
        async ([method, path], body, q) => {
          const response = await timed(() =>
            fixture.edge.app.request(
              `https://api.example${path}${path.includes("?") ? "&" : "?"}${q}`,
              {
                method,
                headers: { Authorization: token, "Content-Type": "application/json" },
                body: method === "GET" ? undefined : body,
              },
            ),
          );
          expect(response.status).toBeLessThan(500);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it("stays bounded: no request took a second, the heap did not run away", () => {
    expect(slowestMs).toBeLessThan(1000);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(512 * 2 ** 20);
  });
});
