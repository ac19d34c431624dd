import { type FileHandle, mkdir, open } from "node:fs/promises";
import { dirname } from "node:path";
import { LogOnceASecond } from "../log-once-a-second.js";
import type { Logger } from "../storage/ports.js";
import { countFires, type Spool, type SpoolRecord } from "./spool.js";
import { decodeSpoolLine, encodeSpoolLine } from "./spool-line.js";
import { lockSpool } from "./spool-lock.js";

const batchKey = (record: SpoolRecord) => `${record.batch.writer}:${record.batch.seq}`;

export interface FileSpoolOptions {
  path: string;
  /** The file never grows past this; records that would not fit are refused. */
  maxBytes: number;
  /** Longest a record waits before it is written and fsynced (batched fsync). */
  syncEveryMs?: number;
  log: Logger;
}

/**
 * A spool in an append-only file of JSON lines, mirrored in memory. Writes are batched and
 * fsynced together (every `syncEveryMs`); a line is logged as `spooled` once it is on disk, so
 * what was acknowledged survives a crash. The file is emptied when the last record is taken;
 * until then a restart reads it back and replays it (replays are idempotent).
 */
export class FileSpool implements Spool {
  private records: Array<{ record: SpoolRecord; bytes: number }> = [];
  private pendingLines: string[] = [];
  private pendingFires = 0;
  private totalBytes = 0;
  private refused = false;
  private io: Promise<void> = Promise.resolve();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly notices: LogOnceASecond;

  private constructor(
    private readonly file: FileHandle,
    private readonly options: FileSpoolOptions,
    private readonly unlock: () => Promise<void>,
  ) {
    this.notices = new LogOnceASecond(options.log);
  }

  /**
   * Opens (or creates) the spool file, locked to this process (src/spool/spool-lock.ts), and
   * reads back what a previous run left in it.
   */
  static async open(options: FileSpoolOptions): Promise<FileSpool> {
    await mkdir(dirname(options.path), { recursive: true });
    const unlock = await lockSpool(options.path);
    const file = await open(options.path, "a+");
    const spool = new FileSpool(file, options, unlock);
    const text = await file.readFile("utf8");
    // A line cut short by a crash must not swallow the next record written after it.
    if (text.length > 0 && !text.endsWith("\n")) await file.appendFile("\n");
    const writers = new Map<string, number>();
    const found: Array<{ record: SpoolRecord; bytes: number }> = [];
    for (const line of text.split("\n")) {
      if (!line) continue;
      try {
        const record = decodeSpoolLine(line);
        if (!writers.has(record.batch.writer)) writers.set(record.batch.writer, writers.size);
        found.push({ record, bytes: Buffer.byteLength(line) + 1 });
      } catch {
        // A line cut short by a crash was never acknowledged: nothing to replay.
      }
    }
    // A writer's batches go back in the order it numbered them; writers in the order they came.
    found.sort(
      (x, y) =>
        (writers.get(x.record.batch.writer) ?? 0) - (writers.get(y.record.batch.writer) ?? 0) ||
        x.record.batch.seq - y.record.batch.seq,
    );
    // A record Redis decided and the store refused was spooled again as its decisions: those
    // are what stands for that batch (its fires must not be decided a second time).
    const decided = new Set(
      found.filter((f) => f.record.kind === "decided").map((f) => batchKey(f.record)),
    );
    spool.records = found.filter(
      (f) => f.record.kind !== "fires" || !decided.has(batchKey(f.record)),
    );
    spool.totalBytes = text.length === 0 ? 0 : Buffer.byteLength(text);
    if (spool.records.length > 0)
      options.log({
        level: "warn",
        msg: "spool found",
        records: spool.records.length,
        fires: spool.records.reduce((n, r) => n + countFires(r.record), 0),
      });
    return spool;
  }

  get size(): number {
    return this.records.length;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  /** True once a record was refused, until the spool has been emptied. */
  get full(): boolean {
    return this.refused || this.totalBytes >= this.options.maxBytes;
  }

  add(record: SpoolRecord): boolean {
    const line = `${encodeSpoolLine(record)}\n`;
    const bytes = Buffer.byteLength(line);
    if (this.totalBytes + bytes > this.options.maxBytes) {
      this.refused = true;
      return false;
    }
    this.totalBytes += bytes;
    // A batch that was sent before the spool began comes back with its older number: it goes
    // before the ones numbered since (the file is put in order when it is read back).
    let at = this.records.length;
    while (at > 0) {
      const before = this.records[at - 1]?.record.batch;
      if (before?.writer !== record.batch.writer || before.seq < record.batch.seq) break;
      at--;
    }
    this.records.splice(at, 0, { record, bytes });
    this.pendingLines.push(line);
    this.pendingFires += countFires(record);
    this.timer ??= setTimeout(() => this.sync(), this.options.syncEveryMs ?? 20);
    return true;
  }

  peek(): SpoolRecord | undefined {
    return this.records[0]?.record;
  }

  remove(record: SpoolRecord): void {
    const at = this.records.findIndex((r) => r.record === record);
    if (at >= 0) this.records.splice(at, 1);
    if (this.records.length > 0) return;
    // Everything in the file has been taken: start it over (after any write still going).
    this.io = this.io.then(async () => {
      if (this.records.length > 0 || this.pendingLines.length > 0) return;
      await this.file.truncate(0);
      this.totalBytes = 0;
      this.refused = false;
    });
  }

  flushed(): Promise<void> {
    this.sync();
    return this.io;
  }

  async close(): Promise<void> {
    await this.flushed();
    this.notices.flush();
    await this.file.close();
    await this.unlock();
  }

  /** Writes and fsyncs the lines added since the last sync, as one write. */
  private sync(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pendingLines.length === 0) return;
    const lines = this.pendingLines;
    const fires = this.pendingFires;
    this.pendingLines = [];
    this.pendingFires = 0;
    this.io = this.io.then(async () => {
      try {
        await this.file.appendFile(lines.join(""));
        await this.file.datasync();
        // During an outage a sync every 20 ms would be 50 lines a second: one, with the counts.
        this.notices.note({ level: "warn", msg: "spooled", records: lines.length, fires });
      } catch (error) {
        this.options.log({
          level: "error",
          msg: "spool write failed",
          records: lines.length,
          fires,
          error: String(error),
        });
      }
    });
  }
}
