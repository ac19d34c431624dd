import { gunzipSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { describeEdges } from "../helpers/edge-matrix.js";
import { useNodeEdge } from "../helpers/node-edge.js";

const TAG = "https://px.example/tag.js";

describeEdges("GET /tag.js", (edge) => {
  const get = (headers: Record<string, string> = {}) => edge.request(TAG, { headers });

  it("is at most 2 KB gzipped", async () => {
    const body = Buffer.from(await (await get()).arrayBuffer());
    const gzipped = gzipSync(body).length;
    console.log(`${edge.runtime}: tag.js ${body.length} bytes, ${gzipped} bytes gzipped`);
    expect(body.toString()).toContain("/px?");
    expect(gzipped).toBeLessThanOrEqual(2048);
  });

  it("is cached for a day and revalidated by ETag, so a new build reaches browsers", async () => {
    const first = await get();
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toBe("application/javascript; charset=utf-8");
    expect(first.headers.get("cache-control")).toBe(
      "public, max-age=86400, stale-while-revalidate=604800",
    );
    const etag = first.headers.get("etag") ?? "";
    expect(etag).toMatch(/^"[0-9a-f]{16}"$/);

    const same = await get({ "If-None-Match": `W/${etag}` });
    expect(same.status).toBe(304);
    expect(await same.text()).toBe("");
    const older = await get({ "If-None-Match": '"0000000000000000"' });
    expect(older.status).toBe(200);
    expect(await older.text()).toBe(await first.text());
  });
});

// Node gzips the build itself; on Workers, Cloudflare compresses at its edge.
describe("GET /tag.js on Node", () => {
  const fixture = useNodeEdge();
  const get = (headers: Record<string, string> = {}) => fixture.edge.app.request(TAG, { headers });

  it("sends the gzipped build to a browser that accepts it", async () => {
    const plain = await (await get()).text();
    const zipped = await get({ "Accept-Encoding": "gzip, deflate, br" });
    expect(zipped.headers.get("content-encoding")).toBe("gzip");
    expect(zipped.headers.get("vary")).toBe("Accept-Encoding");
    expect(gunzipSync(Buffer.from(await zipped.arrayBuffer())).toString()).toBe(plain);
  });
});
