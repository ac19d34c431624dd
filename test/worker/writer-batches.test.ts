import { describe, expect, it } from "vitest";
import type { Touch } from "../../src/attribution/types.js";
import type { SpoolRecord } from "../../src/spool/spool.js";
import { type WriterBatch, writeToShard } from "../../src/worker/shard-sink.js";
import { WriterBatches } from "../../src/worker/writer-batches.js";
import { touchOf } from "../helpers/documents.js";

// The RPC itself runs in the Miniflare tests (worker.test.ts); here, what goes in each call.
const part = (...users: string[]): WriterBatch => ({
  fires: [],
  touches: users.map((u): Touch => touchOf("imp", u, 1)),
});
const usersOf = (batch: WriterBatch) => batch.touches.map((t) => t.user_id);

const countOf = (r: SpoolRecord) =>
  r.kind === "touches"
    ? r.touches.length
    : r.kind === "decided"
      ? r.entries.length
      : r.fires.length;

describe("the isolate's batches to the writers", () => {
  it("sends what requests add within the window as one call per shard, then opens a new window", async () => {
    const calls: Array<[number, string[]]> = [];
    let answer: () => void = () => {};
    const answered = new Promise<void>((resolve) => {
      answer = resolve;
    });
    const batches = new WriterBatches(5, async (shard, batch) => {
      calls.push([shard, usersOf(batch)]);
      await answered;
    });

    let openerDone = false;
    const opener = batches.add(new Map([[1, part("a")]])).then(() => {
      openerDone = true;
    });
    // Joiners end at once: their writes ride on the opener's request.
    await batches.add(
      new Map([
        [1, part("b")],
        [2, part("c")],
      ]),
    );
    await batches.add(new Map([[2, part("d")]]));
    expect(calls).toEqual([]);

    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls).toEqual([
      [1, ["a", "b"]],
      [2, ["c", "d"]],
    ]);
    // The opener waits until every writer answered.
    expect(openerDone).toBe(false);
    answer();
    await opener;
    expect(openerDone).toBe(true);

    await batches.add(new Map([[1, part("e")]]));
    expect(calls.at(-1)).toEqual([1, ["e"]]);
    expect(calls).toHaveLength(3);
  });
});

describe("a writer that does not answer", () => {
  it("leaves its batch to the spool queue in records a queue message can hold", async () => {
    const sent: SpoolRecord[] = [];
    const logged: Record<string, unknown>[] = [];
    const write = writeToShard(
      {
        idFromName: (name) => name,
        get: () => ({ write: () => Promise.reject(new Error("writer reset")) }),
      },
      { send: async (body) => void sent.push(body as SpoolRecord) },
      (line) => void logged.push(line),
    );
    const fires = Array.from({ length: 250 }, (_, i) => ({
      fire: {
        id: `f${i}`,
        ts: 1,
        user_id: "u",
        requested_pixel_id: 37,
        order_id: null,
        other: null,
        value: null,
      },
      ref: { id: 37 },
    }));
    await write(3, { fires, touches: part("a", "b").touches });

    expect(sent.map((r) => [r.kind, r.kind === "fires" ? r.fires.length : countOf(r)])).toEqual([
      ["fires", 100],
      ["fires", 100],
      ["fires", 50],
      ["touches", 2],
    ]);
    // Each record under a writer id of its own: the queue may deliver them in any order.
    expect(new Set(sent.map((r) => r.batch.writer)).size).toBe(4);
    expect(sent.every((r) => JSON.stringify(r).length < 128 * 1024)).toBe(true);
    expect(logged).toMatchObject([{ msg: "writer failed, spooled", fires: 250, touches: 2 }]);
  });
});
