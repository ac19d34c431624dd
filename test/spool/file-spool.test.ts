import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FileSpool } from "../../src/spool/file-spool.js";
import type { SpoolRecord } from "../../src/spool/spool.js";
import { edgePixel } from "../helpers/documents.js";
import { captureLog } from "../helpers/node-edge.js";

let dir = "";
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "spool-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const touches = (writer: string, seq: number): SpoolRecord => ({
  kind: "touches",
  batch: { writer, seq },
  touches: [
    {
      type: "imp",
      user_id: "555",
      advertiser_id: 2,
      line_item_id: 382,
      campaign_id: null,
      creative_id: null,
      ts: seq,
    },
  ],
});

const open = (maxBytes = 1 << 20) =>
  FileSpool.open({ path: join(dir, "spool.jsonl"), maxBytes, log: captureLog() });

describe("FileSpool", () => {
  it("keeps records on disk across a restart, in each writer's order, past a torn last line", async () => {
    const spool = await open();
    spool.add(touches("a", 1));
    spool.add(touches("a", 3));
    spool.add(touches("a", 2)); // sent before the spool began: goes before 3
    spool.add(touches("b", 1));
    await spool.close();
    appendFileSync(join(dir, "spool.jsonl"), '{"kind":"touches","batch":{"wri'); // a crash mid-write
    const again = await open();
    again.add(touches("c", 1)); // written after the torn line, read back whole
    await again.close();
    const third = await open();
    const order: string[] = [];
    for (let r = third.peek(); r; r = third.peek()) {
      order.push(`${r.batch.writer}${r.batch.seq}`);
      third.remove(r);
    }
    expect(order).toEqual(["a1", "a2", "a3", "b1", "c1"]);
    await third.close();
    expect(statSync(join(dir, "spool.jsonl")).size).toBe(0); // emptied once all was taken
  });

  it("refuses what would pass its bound, and says it is full", async () => {
    const line = Buffer.byteLength(`${JSON.stringify(touches("a", 1))}\n`);
    const spool = await open(line * 3);
    expect([1, 2, 3, 4].map((seq) => spool.add(touches("a", seq)))).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(spool.full).toBe(true);
    await spool.close();
    expect(readFileSync(join(dir, "spool.jsonl"), "utf8").split("\n")).toHaveLength(4);
  });

  it("counts only what waits: a record taken before its line was written leaves no bytes, and a restart finds nothing", async () => {
    const spool = await open();
    const [first, second] = [touches("a", 1), touches("a", 2)];
    spool.add(first);
    await spool.flushed();
    spool.add(second); // taken by the replay before its 20 ms sync
    spool.remove(first);
    spool.remove(second);
    await spool.flushed();
    expect([spool.size, spool.bytes]).toEqual([0, 0]);
    expect(statSync(join(dir, "spool.jsonl")).size).toBe(0);
    await spool.close();
    const again = await open();
    expect(again.peek()).toBeUndefined();
    await again.close();
  });

  it("under a steady flow through it, stays within its bound and a restart without close finds only what waits", async () => {
    const line = Buffer.byteLength(`${JSON.stringify(touches("a", 1))}\n`);
    const spool = await open(line * 4);
    // An outage's replay under load: each record is taken while the next comes in.
    let previous: SpoolRecord | null = null;
    const refused: number[] = [];
    for (let seq = 1; seq <= 100; seq++) {
      const record = touches("a", seq);
      if (!spool.add(record)) refused.push(seq);
      await spool.flushed();
      if (previous) spool.remove(previous);
      previous = record;
    }
    spool.add(touches("a", 101));
    await spool.flushed();
    expect(refused).toEqual([]);
    expect(spool.full).toBe(false);
    const waiting = [100, 101].reduce(
      (n, seq) => n + Buffer.byteLength(`${JSON.stringify(touches("a", seq))}\n`),
      0,
    );
    expect([spool.size, spool.bytes]).toEqual([2, waiting]);
    // Records taken are dropped from the file as it goes: it stays within 1.25 × its bound.
    expect(statSync(join(dir, "spool.jsonl")).size).toBeLessThanOrEqual(line * 5);
    // A crash now (no close): the next start sends again only the two records still waiting.
    const again = await open();
    const found: number[] = [];
    for (let r = again.peek(); r; r = again.peek()) {
      found.push(r.batch.seq);
      again.remove(r);
    }
    expect(found).toEqual([100, 101]);
    await again.close();
    await spool.close();
  });

  it("leaves only what waits in the file when closed", async () => {
    const spool = await open();
    const records = [1, 2, 3].map((seq) => touches("a", seq));
    for (const record of records) spool.add(record);
    await spool.flushed();
    spool.remove(records[0] as SpoolRecord);
    await spool.close();
    const lines = readFileSync(join(dir, "spool.jsonl"), "utf8").trimEnd().split("\n");
    expect(lines.map((line) => JSON.parse(line).batch.seq)).toEqual([2, 3]);
  });

  it("belongs to one process: a live owner's lock refuses, a dead owner's is taken over", async () => {
    const lock = join(dir, "spool.jsonl.lock");
    writeFileSync(lock, String(process.ppid)); // alive: the process that started this test
    await expect(open()).rejects.toThrow(
      /is in use by process \d+: give each server process its own SPOOL_PATH/,
    );
    writeFileSync(lock, "4194000"); // no such process
    const spool = await open();
    expect(readFileSync(lock, "utf8")).toBe(String(process.pid));
    await spool.close();
    expect(existsSync(lock)).toBe(false);
  });
});

describe("fires on disk", () => {
  it("write each pixel config once per record, and read back exactly what was spooled", async () => {
    const pixel = (id: number) => edgePixel({ id });
    const [p37, p38] = [pixel(37), pixel(38)];
    const accepted = (
      i: number,
      id = `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
    ) => ({
      id,
      ts: 1_764_000_000_000 + i,
      user_id: String(4000 + i),
      requested_pixel_id: i % 2 ? 38 : 37,
      order_id: null,
      other: null,
      value: null,
    });
    const fires = Array.from({ length: 100 }, (_, i) => ({
      fire: accepted(i),
      pixel: i % 2 ? p38 : p37,
    }));
    const record: SpoolRecord = {
      kind: "fires",
      batch: { writer: "w", seq: 1 },
      fires: [
        ...fires,
        { fire: accepted(0, "x"), ref: { id: 39 } },
        { fire: accepted(0, "y"), pixel: null },
      ],
    };
    const spool = await open();
    expect(spool.add(record)).toBe(true);
    await spool.close();
    const bytes = statSync(join(dir, "spool.jsonl")).size;
    // A config in every fire would be several times larger.
    expect(bytes).toBeLessThan(JSON.stringify(record).length / 2);
    const again = await open();
    expect(again.peek()).toEqual(record);
    await again.close();
  });
});
