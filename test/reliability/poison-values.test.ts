import { join } from "node:path";
import fc from "fast-check";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../src/node/free-port.js";
import { RedisTouchStore } from "../../src/storage/redis/redis-touch-store.js";
import { ApiClient } from "../helpers/api-client.js";
import { metricSum } from "../helpers/prometheus-text.js";
import {
  type ServerProcess,
  startServerProcess,
  until,
  useProcessScope,
} from "../helpers/server-process.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";
import { startTestRedis, type TestRedis } from "../helpers/test-redis.js";

// Hardening (issue 22, item 1): every value an input path accepts is one the store can hold, and
// a batch the store refuses for its data never holds up the fires behind it. The real server,
// its own Redis and PostgreSQL; each hostile request is followed by an ordinary fire, which must
// be in the store within a second, as it is on a quiet service.

const { dir, started, afterwards } = useProcessScope("poison-values");
let redis: TestRedis;
let database: TestDatabase;
let server: ServerProcess;
let base = "";
let metricsPort = 0;
let api: ApiClient;
let sql: pg.Client;
let member = 0;
let advertiser = 0;
let lineItem = 0;
let pixel = 0;
let ordinary = 0;

const USER = "777000111";

async function count(query: string, params: unknown[] = []): Promise<number> {
  return Number((await sql.query(query, params)).rows[0]?.n ?? 0);
}

/** Fires `/px` as a browser would: the GIF, whatever the query. */
async function browser(path: string, user: string | null = USER): Promise<Response> {
  const response = await fetch(`${base}${path}`, {
    headers: user ? { Cookie: `uuid2=${user}` } : {},
    redirect: "manual",
  });
  await response.arrayBuffer();
  return response;
}

/** An ordinary fire after whatever came before: in the store within a second of its answer. */
async function ordinaryFireIsStored(): Promise<number> {
  const order = `ok-${++ordinary}`;
  const response = await browser(`/px?id=${pixel}&order_id=${order}`);
  expect(response.status).toBe(200);
  const answered = Date.now();
  const stored = () => count("SELECT count(*) AS n FROM fires WHERE order_id = $1", [order]);
  await until(async () => (await stored()) === 1, 1000).catch(() => {
    throw new Error(`the ordinary fire ${order} was not stored within a second`);
  });
  return Date.now() - answered;
}

beforeAll(async () => {
  redis = await startTestRedis();
  afterwards(() => redis.stop());
  database = await createTestDatabase();
  afterwards(() => database.drop());
  const port = await freePort();
  metricsPort = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = await startServerProcess(
    {
      PORT: String(port),
      REDIS_URL: redis.url,
      DATABASE_URL: database.url,
      SPOOL_PATH: join(dir, "spool.jsonl"),
      ALLOW_UNSIGNED: "1",
      RATE_LIMIT_WRITE: "0",
      RATE_LIMIT_READ: "0",
      METRICS_PORT: String(metricsPort),
    },
    started,
  );
  sql = new pg.Client({ connectionString: database.url });
  await sql.connect();
  afterwards(() => sql.end());

  api = ApiClient.of(base);
  expect((await api.login("admin", "a long enough admin password")).status).toBe(200);
  member = (await api.post("/member", { member: { name: "Poison" } })).body.response.id;
  advertiser = (
    await api.post(`/advertiser?member_id=${member}`, {
      advertiser: { name: "Shop", redirect_domains: ["shop.example"], append_click_id: true },
    })
  ).body.response.id;
  pixel = (
    await api.post(`/pixel?advertiser_id=${advertiser}&member_id=${member}`, {
      pixel: { name: "Thanks", trigger_type: "hybrid", min_minutes_per_conv: 0 },
    })
  ).body.response.id;
  lineItem = (
    await api.post(`/line-item?advertiser_id=${advertiser}&member_id=${member}`, {
      "line-item": { name: "LI", pixels: [{ id: pixel }] },
    })
  ).body.response.id;
  const touches = await api.post(`/events?member_id=${member}`, {
    events: Array.from({ length: 30 }, (_, i) => ({
      type: "click",
      user_id: String(Number(USER) + i),
      advertiser_id: advertiser,
      line_item_id: lineItem,
      ts: Date.now() - 60_000,
    })),
  });
  expect(touches.body.response.count).toBe(30);
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

describe("values an input accepts and the store cannot hold", () => {
  it("a pixel id beyond int4 from any visitor does not stop the fires behind it", async () => {
    await browser("/px?id=2147483648");
    await browser("/px?id=999999999999999&t=1");
    await browser("/px?code=x&member=2147483648");
    await ordinaryFireIsStored();
  });

  it("revenue beyond int8 micros, by query value, by server event, by a pixel's post_click_value", async () => {
    await browser(`/px?id=${pixel}&value=9999999999999&order_id=big-1`);
    await ordinaryFireIsStored();
    const click = await browser(
      `/click?adv=${advertiser}&li=${lineItem}&redir=${encodeURIComponent("https://shop.example/")}`,
      "777000150",
    );
    const clickId = new URL(click.headers.get("location") ?? "").searchParams.get("pxclid");
    expect(clickId).toBeTruthy();
    await browser(`/px?id=${pixel}&value=9999999999999&pxclid=${clickId}`, null);
    await browser(`/sspx?id=${pixel}&value=9999999999999&sspdata=${clickId}`, null);
    await ordinaryFireIsStored();

    const events = await api.post(`/conversion-events?member_id=${member}`, {
      events: [{ pixel_id: pixel, user_id: "777000101", value: 1e15 }],
    });
    expect(events.status).toBe(200);
    await ordinaryFireIsStored();

    const put = await api.put(`/pixel?id=${pixel}&member_id=${member}`, {
      pixel: { post_click_value: 1e12 },
    });
    expect(put.status).toBe(200);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        browser(`/px?id=${pixel}&order_id=twenty-${i}`, String(Number(USER) + 1 + i)),
      ),
    );
    await ordinaryFireIsStored();
    // Twenty conversions of 1e12 each: stored, and summed exactly in the report aggregates.
    await until(
      async () =>
        (await count("SELECT count(*) AS n FROM conversions WHERE order_id LIKE 'twenty-%'")) ===
        20,
      2000,
    );
    const sum = await sql.query(
      "SELECT sum(post_click_revenue)::text AS s FROM report_quarters WHERE pixel_id = $1",
      [pixel],
    );
    expect(BigInt(sum.rows[0].s.split(".")[0])).toBeGreaterThanOrEqual(20n * 10n ** 12n);
    await api.put(`/pixel?id=${pixel}&member_id=${member}`, { pixel: { post_click_value: null } });
  });

  it("touch ids beyond int4 (POST /events, /imp, /click) credit nothing the store refuses", async () => {
    const user = "777000140";
    await api.post(`/events?member_id=${member}`, {
      events: [
        {
          type: "imp",
          user_id: user,
          advertiser_id: advertiser,
          line_item_id: lineItem,
          campaign_id: 2 ** 53 - 1,
          ts: Date.now(),
        },
        {
          type: "click",
          user_id: user,
          advertiser_id: advertiser,
          line_item_id: lineItem,
          creative_id: 2 ** 31,
          ts: Date.now(),
        },
      ],
    });
    await browser(`/imp?adv=${advertiser}&li=${lineItem}&cp=2147483648&cr=1`, user);
    await browser(
      `/click?adv=${advertiser}&li=${lineItem}&cr=99999999999&redir=https%3A%2F%2Fshop.example%2F`,
      user,
    );
    await browser(`/px?id=${pixel}&order_id=after-touches`, user);
    await ordinaryFireIsStored();
  });

  it("random extreme values at every input path: the next ordinary fire is stored within a second", async () => {
    const digits = fc.stringMatching(/^-?[0-9]{1,25}(\.[0-9]{1,12})?$/);
    const extremeNumber = fc.oneof(
      fc.constantFrom(
        2 ** 31,
        2 ** 31 - 1,
        2 ** 32,
        2 ** 53 - 1,
        2 ** 53 + 2,
        2 ** 63,
        2 ** 64,
        1e12,
        9.2e12,
        9.3e12,
        1e15,
        1e300,
        Number.MAX_VALUE,
        Number.MIN_VALUE,
        -1,
        -0,
        0.5,
      ),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
    );
    const extremeText = fc.oneof(
      digits,
      fc.constantFrom("2147483648", "9223372036854775808", "18446744073709551616", "1e309", "NaN"),
      fc.string({ unit: "binary", maxLength: 40 }),
    );
    const hostile = fc.oneof(
      fc.record({ path: fc.constant("px"), id: extremeText, value: extremeText }),
      fc.record({ path: fc.constant("px-other"), other: fc.string({ unit: "binary" }) }),
      fc.record({
        path: fc.constant("beacon"),
        id: extremeText,
        kind: fc.constantFrom("imp", "click"),
      }),
      fc.record({
        path: fc.constant("events"),
        n: extremeNumber,
        field: fc.constantFrom("campaign_id", "creative_id", "line_item_id", "advertiser_id"),
      }),
      fc.record({ path: fc.constant("user"), user: extremeText }),
      fc.record({
        path: fc.constant("conversion-events"),
        n: extremeNumber,
        other: fc.string({ unit: "binary" }),
      }),
      fc.record({
        path: fc.constant("pixel"),
        n: extremeNumber,
        field: fc.constantFrom("post_click_value", "post_view_value"),
      }),
    );
    const slowest: number[] = [];
    await fc.assert(
      fc.asyncProperty(hostile, async (h) => {
        const q = (v: string) => encodeURIComponent(v);
        switch (h.path) {
          case "px":
            await browser(`/px?id=${q(h.id)}&value=${q(h.value)}`);
            await browser(`/px?id=${pixel}&value=${q(h.value)}&order_id=v${ordinary}`);
            break;
          case "px-other":
            await browser(`/px?id=${pixel}&other=${q(h.other)}&order_id=o${ordinary}`);
            break;
          case "beacon":
            await browser(
              `/${h.kind}?adv=${advertiser}&li=${lineItem}&cp=${q(h.id)}&cr=${q(h.id)}&redir=https%3A%2F%2Fshop.example%2F`,
            );
            break;
          case "events":
            await api.post(`/events?member_id=${member}`, {
              events: [
                {
                  type: "click",
                  user_id: USER,
                  advertiser_id: advertiser,
                  line_item_id: lineItem,
                  ts: Date.now(),
                  [h.field]: h.n,
                },
              ],
            });
            break;
          case "user":
            await api.post(`/events?member_id=${member}`, {
              events: [
                {
                  type: "click",
                  user_id: h.user,
                  advertiser_id: advertiser,
                  line_item_id: lineItem,
                  ts: Date.now(),
                },
              ],
            });
            await browser(`/px?id=${pixel}`, h.user.replace(/[^0-9a-z-]/gi, "") || null);
            break;
          case "conversion-events":
            await api.post(`/conversion-events?member_id=${member}`, {
              events: [{ pixel_id: pixel, user_id: USER, value: h.n, other: h.other }],
            });
            break;
          case "pixel":
            await api.put(`/pixel?id=${pixel}&member_id=${member}`, { pixel: { [h.field]: h.n } });
            await browser(`/px?id=${pixel}&order_id=p${ordinary}`);
            await api.put(`/pixel?id=${pixel}&member_id=${member}`, { pixel: { [h.field]: null } });
            break;
        }
        slowest.push(await ordinaryFireIsStored());
      }),
      { numRuns: 60, seed: 22 },
    );
    console.log(
      `poison property: 60 hostile requests, each next ordinary fire stored in at most ${Math.max(...slowest)} ms`,
    );
    // Nothing the inputs accepted needed the dead-letter backstop: every bound holds in the store.
    expect(await count("SELECT count(*) AS n FROM dead_letters")).toBe(0);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
  }, 120_000);
});

describe("a batch the store refuses for its data", () => {
  it("keeps the refused fire aside, stores the rest of its batch, and holds nothing up", async () => {
    // A touch an earlier version let into Redis, with a creative id no int4 column holds: the
    // fire it credits gets past every input check, and only the store can refuse it.
    const poisoned = "777000199";
    const clean = "777000198";
    await new RedisTouchStore(redis.client).record([
      {
        type: "click",
        user_id: poisoned,
        advertiser_id: advertiser,
        line_item_id: lineItem,
        campaign_id: null,
        creative_id: 2 ** 31,
        ts: Date.now() - 1000,
      },
    ]);
    const deadBefore = await count("SELECT count(*) AS n FROM dead_letters");
    // Both fires in one turn, so most likely one batch: the refused one must not sink the other.
    await Promise.all([
      browser(`/px?id=${pixel}&order_id=poisoned`, poisoned),
      browser(`/px?id=${pixel}&order_id=clean`, clean),
    ]);
    await ordinaryFireIsStored();
    await until(
      async () => (await count("SELECT count(*) AS n FROM fires WHERE order_id = 'clean'")) === 1,
      1000,
    );
    expect(await count("SELECT count(*) AS n FROM fires WHERE order_id = 'poisoned'")).toBe(0);
    expect(await count("SELECT count(*) AS n FROM dead_letters")).toBe(deadBefore + 1);
    const letter = (
      await sql.query("SELECT code, error, entry FROM dead_letters ORDER BY id DESC LIMIT 1")
    ).rows[0];
    expect(letter.code).toBe("check");
    expect(letter.error).toBe("creative_id: not an id the store holds");
    expect(JSON.parse(letter.entry).fire).toMatchObject({
      order_id: "poisoned",
      creative_id: 2 ** 31,
    });

    // Public: a count, not the error.
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    const body = await ready.json();
    expect(body.dead_letters).toBe(deadBefore + 1);
    expect(JSON.stringify(body)).not.toMatch(/creative|int4|range/);
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(metricSum(metrics, "px_dead_letters_total")).toBe(deadBefore + 1);
    // Nothing waits in the spool to be tried again.
    expect(metricSum(metrics, "px_spool_records")).toBe(0);
  });
});
