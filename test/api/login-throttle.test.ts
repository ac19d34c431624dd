import { describe, expect, it } from "vitest";
import { ensureAdmin } from "../../src/api/objects/users.js";
import { ADMIN, ApiClient } from "../helpers/api-client.js";
import { useNodeEdge } from "../helpers/node-edge.js";

// TRUST_PROXY=1: the client address is the first X-Forwarded-For entry, so one test can speak
// from several addresses.
// The throttle counts in fixed 5-minute windows of the service's clock: a clock that stands
// still keeps a test's bursts in one window (on the real clock, a burst that straddled a
// window's end was counted half in each, and the per-user bound was not reached).
const STILL = Date.parse("2026-12-02T02:02:30Z");
const fixture = useNodeEdge(() => STILL, { env: { TRUST_PROXY: "1" } });

/** A client that says it comes from `address` (through a trusted proxy). */
function from(address: string): ApiClient {
  const client = new ApiClient(fixture.edge.app);
  client.headers["X-Forwarded-For"] = `${address}, 10.0.0.1`;
  return client;
}

async function burst(address: string, count: number, password = "wrong password") {
  const started = performance.now();
  const answers = await Promise.all(
    Array.from({ length: count }, () => from(address).login(ADMIN.username, password)),
  );
  return { statuses: answers.map((a) => a.status), ms: performance.now() - started };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? 0;

describe("login throttling (SPEC 14)", () => {
  it("evaluates at most 10 passwords of a burst of 40 wrong ones from one address", async () => {
    await ensureAdmin(fixture.edge.api, ADMIN, () => {});
    const { statuses, ms } = await burst("203.0.113.7", 40);
    const evaluated = statuses.filter((s) => s !== 429).length;
    console.info(
      `burst of 40: ${evaluated} evaluated (401), ${40 - evaluated} refused, ${ms.toFixed(0)} ms`,
    );
    expect(evaluated).toBeLessThanOrEqual(10);
    expect(evaluated).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
  });

  it("does not lock the user out from another address", async () => {
    await ensureAdmin(fixture.edge.api, ADMIN, () => {});
    const attack = await burst("198.51.100.66", 50);
    const locked = await from("198.51.100.66").login(ADMIN.username, ADMIN.password);
    const elsewhere = await from("192.0.2.10").login(ADMIN.username, ADMIN.password);
    console.info(
      `after 50 wrong from one address: ${attack.statuses.filter((s) => s === 401).length} evaluated; that address ${locked.status}, another address ${elsewhere.status}`,
    );
    expect(locked.status).toBe(429);
    expect(elsewhere.status).toBe(200);
  });

  it("keeps the user's usual address open when many addresses guess at once", async () => {
    await ensureAdmin(fixture.edge.api, ADMIN, () => {});
    expect((await from("192.0.2.10").login(ADMIN.username, ADMIN.password)).status).toBe(200);
    // 12 addresses of 10 failures each: past the per-user bound of 100.
    await Promise.all(Array.from({ length: 12 }, (_, i) => burst(`198.51.100.${i + 1}`, 10)));
    const fresh = await from("198.51.100.200").login(ADMIN.username, ADMIN.password);
    const usual = await from("192.0.2.10").login(ADMIN.username, ADMIN.password);
    console.info(
      `after 120 distributed failures: a new address ${fresh.status}, the usual one ${usual.status}`,
    );
    expect(fresh.status).toBe(429);
    expect(usual.status).toBe(200);
  });

  it("costs a wrong password the same time whether or not the user exists", async () => {
    await ensureAdmin(fixture.edge.api, ADMIN, () => {});
    const known: number[] = [];
    const unknown: number[] = [];
    // Nine of each, interleaved: a median a busy machine's pauses do not move much.
    for (let i = 0; i < 9; i++) {
      for (const [username, times] of [
        [ADMIN.username, known],
        [`nobody-${i}`, unknown],
      ] as const) {
        // A fresh address each time: no failure delay, only the password check.
        const client = from(`192.0.2.${100 + 2 * i + (times === known ? 0 : 1)}`);
        const started = performance.now();
        expect((await client.login(username, "wrong password")).status).toBe(401);
        times.push(performance.now() - started);
      }
    }
    const [k, u] = [median(known), median(unknown)];
    console.info(`median of 9: existing user ${k.toFixed(1)} ms, unknown user ${u.toFixed(1)} ms`);
    expect(u).toBeGreaterThan(k * 0.5);
    expect(u).toBeLessThan(k * 1.5);
  });
});
