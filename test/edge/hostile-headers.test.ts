import { type AddressInfo, connect } from "node:net";
import fc from "fast-check";
import { Hono } from "hono";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { keys } from "../../src/storage/keys.js";
import { adminWithAdvertiser } from "../helpers/api-world.js";
import { pixelDocument } from "../helpers/documents.js";
import { expectValidHeaders, HOSTILE_URLS } from "../helpers/hostile-urls.js";
import { captureLog, serveOnLoopback, useNodeEdge } from "../helpers/node-edge.js";
import { seedPixels } from "../helpers/seed-pixel.js";

// SPEC 14: no stored value can make a response header invalid, and no request can end the
// process. Everything here goes through @hono/node-server on a real socket, where the crash was.

const fixture = useNodeEdge(undefined, { env: { RATE_LIMIT_WRITE: "0" } });
let served: Awaited<ReturnType<typeof serveOnLoopback>>;
const serverLog = captureLog();

beforeAll(async () => {
  served = await serveOnLoopback(fixture.edge.app, serverLog);
});
afterAll(async () => {
  await served?.close();
});
beforeEach(() => {
  fixture.edge.pixelCache.invalidate("*");
});

async function fire(path: string, method: "GET" | "HEAD" = "GET"): Promise<Response> {
  const response = await fetch(`${served.origin}${path}`, { method, redirect: "manual" });
  await response.arrayBuffer();
  return response;
}

/** Stores a pixel's copy with these piggybacks straight in Redis, as an older version or a hand edit could. */
async function storeHostile(piggybacks: unknown): Promise<void> {
  await seedPixels(fixture.redis.client, [pixelDocument({ min_minutes_per_conv: 0 })]);
  const stored = JSON.parse((await fixture.redis.client.get(keys.edgePixel(37))) ?? "{}");
  stored.piggyback_pixels = piggybacks;
  await fixture.redis.client.set(keys.edgePixel(37), JSON.stringify(stored));
}

describe("hostile piggyback URLs stored in Redis", () => {
  describe.each(HOSTILE_URLS)("%s", (_name, url, sent) => {
    it.each(["GET", "HEAD"] as const)(
      "%s /px?t=2 redirects to its serialisation, cached or not",
      async (method) => {
        await storeHostile([{ pixel_type: "img", url }]);
        for (const round of ["not cached", "cached"]) {
          const response = await fire("/px?id=37&t=2", method);
          expectValidHeaders(response);
          if (sent === null) {
            expect(response.status, round).toBe(200);
            expect(response.headers.get("content-type")).toBe("image/gif");
          } else {
            expect(response.status, round).toBe(302);
            expect(response.headers.get("location")).toBe(sent);
          }
        }
      },
    );

    it("GET /px?t=1 embeds the serialisation in the script", async () => {
      await storeHostile([{ pixel_type: "img", url }]);
      for (const _round of ["not cached", "cached"]) {
        const response = await fetch(`${served.origin}/px?id=37&t=1`);
        const body = await response.text();
        expect(response.status).toBe(200);
        expect(response.headers.get("content-type")).toBe("application/javascript; charset=utf-8");
        expectValidHeaders(response);
        if (sent === null) expect(body).toBe("");
        else expect(body).toContain(JSON.stringify(sent));
      }
    });
  });

  it.each([
    ["a number for the list", 42],
    ["a string for the list", "https://t.example/"],
    [
      "entries of the wrong shape",
      [null, 7, { pixel_type: "img" }, { pixel_type: "gif", url: "https://t.example/" }],
    ],
    ["a number for the URL", [{ pixel_type: "img", url: 42 }]],
  ])("ignores %s and answers the GIF", async (_name, piggybacks) => {
    await storeHostile(piggybacks);
    for (const method of ["GET", "HEAD", "GET"] as const) {
      const response = await fire("/px?id=37&t=2", method);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("image/gif");
    }
  });
});

describe("HEAD on the edge", () => {
  it("answers /px and /imp like GET and records nothing", async () => {
    await storeHostile(null);
    for (const path of ["/px?id=37&t=2", "/px?id=37&t=1", "/imp?adv=2&li=382&sig=x"]) {
      const head = await fire(path, "HEAD");
      const get = await fetch(`${served.origin}${path}`, { redirect: "manual" });
      await get.arrayBuffer();
      expect(head.status, path).toBe(get.status);
      expect(head.headers.get("content-type"), path).toBe(get.headers.get("content-type"));
    }
    await fixture.edge.drain();
    // The two GET fires are the only ones; the HEADs left nothing.
    expect(await fixture.edge.fireLog.fires(37)).toHaveLength(2);
  });
});

describe("other headers the edge writes", () => {
  it("/tag.js has its content-hash ETag and type on GET and HEAD", async () => {
    for (const method of ["GET", "HEAD"] as const) {
      const response = await fire("/tag.js", method);
      expect(response.status).toBe(200);
      expect(response.headers.get("etag")).toMatch(/^"[0-9a-f]{16}"$/);
      expect(response.headers.get("content-type")).toBe("application/javascript; charset=utf-8");
    }
  });

  it("a cookie that is not ours (raw UTF-8 bytes) gets a fresh uuid2", async () => {
    await storeHostile(null);
    const { port } = served.server.address() as AddressInfo;
    const raw = Buffer.concat([
      Buffer.from(
        "GET /px?id=37&t=2 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nCookie: uuid2=",
      ),
      Buffer.from('привет"; x=\u00e9', "utf8"),
      Buffer.from("\r\n\r\n"),
    ]);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, "127.0.0.1", () => socket.write(raw));
      const chunks: Buffer[] = [];
      socket.on("data", (chunk) => chunks.push(chunk));
      socket.on("end", () => resolve(Buffer.concat(chunks).toString("latin1")));
      socket.on("error", reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(answer).toMatch(
      /\r\nSet-Cookie: uuid2=\d+; Max-Age=7776000; Path=\/; SameSite=Lax; HttpOnly\r\n/i,
    );
  });
});

describe("the pixel API", () => {
  it("stores piggyback URLs percent-encoded, and refuses one too long once encoded", async () => {
    const { admin, advertiser } = await adminWithAdvertiser(fixture.edge);
    const created = await admin.post(`/pixel?advertiser_id=${advertiser}`, {
      pixel: {
        name: "P",
        piggyback_pixels: [{ pixel_type: "img", url: "https://t.example/p?q=привет" }],
      },
    });
    expect(created.status).toBe(200);
    expect(created.body.response.pixel.piggyback_pixels).toEqual([
      { pixel_type: "img", url: "https://t.example/p?q=%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82" },
    ]);
    const long = await admin.post(`/pixel?advertiser_id=${advertiser}`, {
      pixel: {
        name: "Q",
        piggyback_pixels: [{ pixel_type: "img", url: `https://t.example/${"я".repeat(60)}` }],
      },
    });
    expect(long.status).toBe(400);
    expect(long.body.response.error).toContain("piggyback_pixels");
    expect(long.body.response.error).toContain("percent-encoded");
  });

  it("never lets a random Unicode URL make /px answer a 5xx (property)", async () => {
    const { admin, advertiser } = await adminWithAdvertiser(fixture.edge);
    const created = await admin.post(`/pixel?advertiser_id=${advertiser}`, {
      pixel: { name: "Prop" },
    });
    const pixelId = created.body.response.id as number;
    await admin.put(`/advertiser?id=${advertiser}`, {
      advertiser: { redirect_domains: ["t.example", "пример.рф"] },
    });
    const unicode = fc.string({ unit: fc.constantFrom("grapheme", "binary"), maxLength: 40 });
    const url = fc
      .tuple(fc.constantFrom("https://t.example/", "http://пример.рф/", "https://"), unicode)
      .map(([a, b]) => a + b);
    let stored = 0;
    await fc.assert(
      fc.asyncProperty(url, url, fc.constantFrom("img", "js"), async (piggyback, redir, type) => {
        const put = await admin.put(`/pixel?advertiser_id=${advertiser}&id=${pixelId}`, {
          pixel: { piggyback_pixels: [{ pixel_type: type, url: piggyback }] },
        });
        expect([200, 400]).toContain(put.status);
        if (put.status === 200) stored++;
        for (const t of ["1", "2"]) {
          for (const method of ["GET", "HEAD"] as const) {
            const response = await fire(
              `/px?id=${pixelId}&t=${t}&redir=${encodeURIComponent(redir)}`,
              method,
            );
            expect(response.status).toBeLessThan(400);
            expectValidHeaders(response);
          }
        }
      }),
      { numRuns: 150 },
    );
    expect(stored).toBeGreaterThan(20);
    expect(serverLog.lines.filter((l) => l.msg === "response failed")).toEqual([]);
  }, 60_000);
});

describe("the Node server's last guard", () => {
  it("answers a beacon whose headers Node refuses with the GIF, and goes on serving", async () => {
    const app = new Hono();
    app.get(
      "/px",
      () => new Response(null, { status: 302, headers: { Location: "https://t.example/привет" } }),
    );
    app.get("/api", () => new Response("{}", { headers: { "X-Bad": "é\u0100" } }));
    const log = captureLog();
    const bad = await serveOnLoopback(app, log);
    try {
      for (let i = 0; i < 3; i++) {
        const beacon = await fetch(`${bad.origin}/px?id=1`, { redirect: "manual" });
        expect(beacon.status).toBe(200);
        expect(beacon.headers.get("content-type")).toBe("image/gif");
        expect((await beacon.arrayBuffer()).byteLength).toBe(43);
        const api = await fetch(`${bad.origin}/api`);
        expect(api.status).toBe(500);
        expect((await api.json()).response.error_id).toBe("SYSTEM");
      }
      expect(log.lines.filter((l) => l.msg === "response failed")).toHaveLength(6);
      expect(log.lines[0]).toMatchObject({ route: "/px", error: "ERR_INVALID_CHAR" });
    } finally {
      await bad.close();
    }
  });
});
