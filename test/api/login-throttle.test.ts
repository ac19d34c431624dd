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

// Each evaluated password is an scrypt of about 50 ms on an idle core; a test of a hundred of
// them on a loaded 2-core machine needs more than the default 20 s.
describe("login throttling (SPEC 14)", { timeout: 60_000 }, () => {
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

  it("lets a user with no failures log in from an address that has failed 100 times", async () => {
    await ensureAdmin(fixture.edge.api, ADMIN, () => {});
    const admin = from("192.0.2.10");
    await admin.login(ADMIN.username, ADMIN.password);
    const member = (await admin.post("/member", { member: { name: "M" } })).body.response.id;
    const carol = { username: "carol", password: "carol has a long password" };
    await admin.post("/user", { user: { ...carol, user_type: "member", member_id: member } });
    // One address (a proxy with TRUST_PROXY=0 looks like this) fails 100 times: 4 wrong
    // passwords for each of 25 usernames, twice its budget of 50.
    const guesses = await Promise.all(
      Array.from({ length: 25 }, async (_, i) => {
        const statuses: number[] = [];
        for (let k = 0; k < 4; k++)
          statuses.push((await from("203.0.113.50").login(`guess-${i}`, "wrong")).status);
        return statuses;
      }),
    );
    const evaluated = guesses.flat().filter((s) => s === 401).length;
    const carolThere = await from("203.0.113.50").login(carol.username, carol.password);
    const adminThere = await from("203.0.113.50").login(ADMIN.username, ADMIN.password);
    const guessedAgain = await from("203.0.113.50").login("guess-0", "wrong");
    console.info(
      `after 100 wrong from one address (${evaluated} evaluated): carol ${carolThere.status}, admin ${adminThere.status}, a username that failed there ${guessedAgain.status}`,
    );
    // Neither had failed from there: the address's budget slows its guessers, not them.
    expect(carolThere.status).toBe(200);
    expect(adminThere.status).toBe(200);
    // The address's guessing stays bounded: a username it failed on is refused once the
    // budget is spent, and 25 usernames got at most one guess each beyond the 50.
    expect(guessedAgain.status).toBe(429);
    expect(evaluated).toBeLessThanOrEqual(50 + 25);
    // Atomic: of a burst at a username new to the spent address, one password is checked.
    const burst = await Promise.all(
      Array.from({ length: 10 }, () => from("203.0.113.50").login("dave", "wrong")),
    );
    expect(burst.filter((a) => a.status === 401)).toHaveLength(1);
  });

  it("bounds a spray of one address over many usernames: one guess each past its budget", async () => {
    // Three rounds of one wrong password over the same 40 usernames from one address.
    const rounds: number[][] = [];
    for (let round = 0; round < 3; round++)
      rounds.push(
        await Promise.all(
          Array.from(
            { length: 40 },
            async (_, i) =>
              (await from("203.0.113.60").login(`user-${i}`, `season${round}`)).status,
          ),
        ),
      );
    const evaluated = rounds.map((r) => r.filter((s) => s === 401).length);
    console.info(`spray of 3 x 40 usernames from one address: evaluated per round ${evaluated}`);
    // The first round meets 40 usernames with no failures there: all are checked. They count
    // toward the address's 50, so the second round gets 10, the third none.
    expect(evaluated).toEqual([40, 10, 0]);
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
