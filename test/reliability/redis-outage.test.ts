import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StartedRedis, startRedisServer } from "../../src/node/find-redis.js";
import { freePort } from "../../src/node/free-port.js";
import { signUrl } from "../../src/signing/url-signature.js";
import { FileSpool } from "../../src/spool/file-spool.js";
import { connectRedis, type RedisClient } from "../../src/storage/redis/connect.js";
import { pixelDocument } from "../helpers/documents.js";
import { captureLog, startNodeEdge, TEST_SECRET } from "../helpers/node-edge.js";
import { seedPixels } from "../helpers/seed-pixel.js";

// One stream of impressions, clicks and fires, played twice: against a Redis that stays up,
// and against one frozen (SIGSTOP) for 10 s in the middle. Frozen, not gone: commands sent
// before and during the freeze sit in the socket and run when it thaws, after the edge gave
// up on them, so the replay must recognise what Redis took on its own.

const T0 = Date.UTC(2026, 10, 28, 9, 0, 0);
const USERS = 60;
const EVENTS = 1500;
const FREEZE_AT = 400;
const FREEZE_MS = 10_000;

type Event = { kind: "imp" | "click"; user: number } | { kind: "px"; user: number; path: string };

/** The same pseudo-random stream every run (a linear congruential generator). */
function stream(): Event[] {
  let x = 42;
  const next = (n: number) => {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    // The high bits: an LCG's low bits repeat with a short period.
    return Math.floor((x / 2 ** 31) * n);
  };
  return Array.from({ length: EVENTS }, () => {
    const user = 1000 + next(USERS);
    const roll = next(100);
    if (roll < 35) return { kind: "imp", user };
    if (roll < 45) return { kind: "click", user };
    const pixel = next(2) === 0 ? 37 : 38;
    const order = next(4) === 0 ? `&order_id=o-${next(20)}` : "";
    const value = next(3) === 0 ? `&value=${next(100)}.5` : "";
    return { kind: "px", user, path: `/px?id=${pixel}${order}${value}` };
  });
}

async function seed(redis: RedisClient) {
  await seedPixels(redis, [
    pixelDocument(),
    pixelDocument({ id: 38, code: "p38", min_minutes_per_conv: 0 }),
  ]);
}

/** How many lines of one message were written, and from the first to the last how long. */
interface LineCount {
  lines: number;
  spanMs: number;
}

function lineCount(log: ReturnType<typeof captureLog>, msg: string): LineCount {
  const at = log.times.filter((_, i) => log.lines[i]?.msg === msg);
  return { lines: at.length, spanMs: at.length ? (at.at(-1) ?? 0) - (at[0] ?? 0) : 0 };
}

interface Run {
  fires: Array<{ id: string; pixel: number; reason: string }>;
  conversions: string[];
  slowestMs: number;
  frozenEvents: number;
  spooled: number;
  /** Log lines about the outage: "spooled" and "write failed, spooling". */
  outageLines: { spooled: LineCount; failed: LineCount };
  /** From the thaw to an empty spool. */
  replayMs: number;
}

type Outage = "none" | "frozen" | "restarted";

async function stopServer(server: StartedRedis): Promise<void> {
  if (server.process.exitCode !== null) return;
  const exited = new Promise((resolve) => server.process.once("exit", resolve));
  server.process.kill("SIGTERM"); // Redis writes its append-only file and exits
  await exited;
}

/**
 * Plays the stream on a fresh Redis (persisting to an append-only file) and edge. `frozen`
 * pauses Redis with SIGSTOP for FREEZE_MS; `restarted` stops it and starts it again on the
 * same port and data after FREEZE_MS.
 */
async function play(outage: Outage): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), "outage-"));
  const port = await freePort();
  let server = await startRedisServer(port, join(dir, "redis"));
  const redis = connectRedis({ url: server.url });
  redis.on("error", () => {}); // it reconnects by itself after a restart
  const log = captureLog();
  const spool = await FileSpool.open({ path: join(dir, "spool.jsonl"), maxBytes: 64 << 20, log });
  let now = T0;
  const edge = await startNodeEdge(server.url, {}, () => now, { spool });
  try {
    await seed(redis);
    let frozenAt = 0;
    let thawedAt = 0;
    let frozenEvents = 0;
    let slowestMs = 0;
    for (const [i, event] of stream().entries()) {
      now = T0 + i * 1000;
      if (outage !== "none" && i === FREEZE_AT) {
        if (outage === "frozen") process.kill(server.process.pid ?? 0, "SIGSTOP");
        else await stopServer(server);
        frozenAt = Date.now();
      }
      if (frozenAt && Date.now() - frozenAt >= FREEZE_MS) {
        if (outage === "frozen") process.kill(server.process.pid ?? 0, "SIGCONT");
        else server = await startRedisServer(port, join(dir, "redis"));
        frozenAt = 0;
        thawedAt = Date.now();
      }
      if (frozenAt) {
        frozenEvents++;
        // Paced so that the freeze spans most of the stream's second part, not its end.
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const path =
        event.kind === "px"
          ? event.path
          : await signUrl(
              TEST_SECRET,
              `https://px.example/${event.kind}?adv=2&li=382&cp=5&cr=${1 + (event.user % 3)}` +
                (event.kind === "click" ? "&redir=https%3A%2F%2Fshop.example%2F" : ""),
              now, // signed when the ad was served: at the edge's clock
            );
      const started = performance.now();
      const response = await edge.app.request(
        event.kind === "px" ? `https://px.example${path}` : path,
        { headers: { Cookie: `uuid2=${event.user}` } },
      );
      await response.arrayBuffer();
      slowestMs = Math.max(slowestMs, performance.now() - started);
      expect(response.status).toBeLessThan(400);
      // One event at a time, as a browser would: each written (or spooled) before the next.
      await edge.drain();
    }
    expect(frozenAt).toBe(0); // thawed before the stream ended
    await edge.fires.drain(true);
    const replayMs = thawedAt ? Date.now() - thawedAt : 0;
    const fires = [];
    for (const pixel of [37, 38])
      for (const row of await edge.fireLog.fires(pixel, { limit: 100_000 }))
        fires.push({ id: row.id, pixel, reason: row.reason });
    const conversions = [];
    for (const pixel of [37, 38])
      for (const c of await edge.fireLog.conversions(pixel, { limit: 100_000 }))
        conversions.push(
          [
            c.pixel_id,
            c.user_id,
            c.conversion_time,
            c.post_click_or_post_view_conv,
            c.line_item_id,
            c.imp_time,
            c.order_id,
            c.post_click_or_post_view_revenue,
          ].join("|"),
        );
    const spooled = log.lines
      .filter((l) => l.msg === "spooled")
      .reduce((n, l) => n + Number(l.fires), 0);
    const outageLines = {
      spooled: lineCount(log, "spooled"),
      failed: lineCount(edge.log, "write failed, spooling"),
    };
    return {
      fires,
      conversions: conversions.sort(),
      slowestMs,
      frozenEvents,
      spooled,
      replayMs,
      outageLines,
    };
  } finally {
    await edge.close();
    await spool.close();
    redis.disconnect();
    await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  }
}

let reference: Run;
const runs: Partial<Record<Outage, Run>> = {};
beforeAll(async () => {
  reference = await play("none");
  runs.frozen = await play("frozen");
  runs.restarted = await play("restarted");
}, 180_000);
afterAll(() => {
  for (const [outage, run] of Object.entries(runs))
    console.log(
      `redis ${outage} for ${FREEZE_MS / 1000} s: ${EVENTS} events, ${run.frozenEvents} during the outage, ` +
        `${run.spooled} fires spooled, slowest answer ${run.slowestMs.toFixed(1)} ms, ` +
        `spool empty ${run.replayMs} ms after Redis came back; ` +
        `${run.fires.length} fires, ${run.conversions.length} conversions (with Redis up: ` +
        `${reference.fires.length}, ${reference.conversions.length})`,
    );
});

describe.each([
  ["frozen (SIGSTOP) for 10 s mid-stream", "frozen"],
  ["stopped and started again 10 s later, mid-stream", "restarted"],
] as const)("Redis %s", (_name, outage) => {
  const run = () => runs[outage] as Run;

  it("answers every request fast meanwhile", () => {
    expect(run().frozenEvents).toBeGreaterThan(50);
    expect(run().spooled).toBeGreaterThan(0);
    // The edge's wait on storage is 100 ms; the rest is margin for a busy machine.
    expect(run().slowestMs).toBeLessThan(1000);
  });

  it("logs the outage once a second at most, with counts, not a line per batch", () => {
    // Hundreds of batches over the outage and its replay: one line of each kind a second at
    // most, however long a busy machine makes them last (a timer may fire a millisecond early).
    const { spooled, failed } = run().outageLines;
    console.log(
      `redis ${outage}: ${spooled.lines} "spooled" lines over ${spooled.spanMs} ms, ${failed.lines} "write failed" lines over ${failed.spanMs} ms`,
    );
    for (const { lines, spanMs } of [spooled, failed])
      expect(lines).toBeLessThanOrEqual(Math.floor((spanMs + 50) / 1000) + 1);
    expect(failed.lines).toBeGreaterThan(0);
    expect(spooled.lines).toBeGreaterThan(0);
  });

  it("logs every accepted fire exactly once", () => {
    const sent = stream().filter((e) => e.kind === "px").length;
    expect(run().fires).toHaveLength(sent);
    expect(new Set(run().fires.map((f) => f.id)).size).toBe(sent);
    expect(reference.fires).toHaveLength(sent);
  });

  it("counts the same conversions as with Redis up, at their original times", () => {
    expect(reference.conversions.length).toBeGreaterThan(50);
    expect(run().conversions).toEqual(reference.conversions);
  });
});
