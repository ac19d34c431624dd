import { type FileHandle, mkdir, open, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { LogOnceASecond } from "../log-once-a-second.js";
import type { Logger } from "../storage/ports.js";
import { countFires, type Spool, type SpoolHealth, type SpoolRecord } from "./spool.js";
import { decodeSpoolLine, encodeSpoolLine, encodeTakenLine, recordKey } from "./spool-line.js";
import { lockSpool } from "./spool-lock.js";

/**
 * The file is rewritten with only the records still waiting once the dead lines (records
 * taken, their marks) weigh as much as those records, or this much if that is more, and at
 * most a quarter of `maxBytes`: a rewrite costs what waits, so it comes once at least a
 * quarter as much was appended (4 bytes written per byte spooled, at worst), and the file
 * stays within 1.25 × `maxBytes`.
 */
const REWRITE_SLACK_BYTES = 1 << 20;
/** After a failed write the next one waits this long: a full disk would refuse each of them. */
const RETRY_FAILED_MS = 1000;

/** A record the spool holds, with its line and where that line is. */
interface Held {
  record: SpoolRecord;
  line: string;
  bytes: number;
  /** pending: not handed to a write yet; writing: in a write; written: in the file. */
  state: "pending" | "writing" | "written";
}

export interface FileSpoolOptions {
  path: string;
  /**
   * The records never take more than this (records that would not fit are refused), nor the
   * file more than 1.25 times this.
   */
  maxBytes: number;
  /** Longest a record waits before it is written and fsynced (batched fsync). */
  syncEveryMs?: number;
  log: Logger;
}

/**
 * A spool in an append-only file of JSON lines, mirrored in memory. Writes are batched and
 * fsynced together (every `syncEveryMs`); a line is logged as `spooled` once it is on disk, so
 * what was acknowledged survives a crash. A record taken is marked taken by a line of its own
 * (a restart skips it: it was stored); the file is rewritten with only what still waits once
 * those dead lines weigh enough (REWRITE_SLACK_BYTES), and emptied when the last record is
 * taken. `bytes` and `full` count the records waiting, never the dead lines. A write that fails (a full or read-only disk) keeps the records in memory, is logged
 * once a second with a count, makes `health` "failing", and is tried again a second later by
 * rewriting the whole file (the failed write may have left half a line).
 */
export class FileSpool implements Spool {
  private records: Held[] = [];
  /** Added and not handed to a write yet, in the order added. */
  private pending: Held[] = [];
  /** Marks of records taken whose lines are in the file (or on their way). */
  private taken: string[] = [];
  private liveBytes = 0;
  /** What the file holds: lines waiting, lines of records taken, marks. */
  private fileBytes = 0;
  private refused = false;
  /** When the last write failed, until one succeeds. */
  private failedAt: number | null = null;
  /** The file's end is unknown (a failed write, a torn line): the next write rewrites it. */
  private rewriteNext = false;
  private closed = false;
  private io: Promise<void> = Promise.resolve();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly notices: LogOnceASecond;

  private constructor(
    private file: FileHandle | null,
    private readonly options: FileSpoolOptions,
    private readonly unlock: () => Promise<void>,
  ) {
    this.notices = new LogOnceASecond(options.log);
  }

  /**
   * Opens (or creates) the spool file, locked to this process (src/spool/spool-lock.ts), and
   * reads back what a previous run left in it and did not mark taken.
   */
  static async open(options: FileSpoolOptions): Promise<FileSpool> {
    await mkdir(dirname(options.path), { recursive: true });
    const unlock = await lockSpool(options.path);
    let file: FileHandle | null = null;
    let text: string;
    try {
      file = await open(options.path, "a+");
      text = await file.readFile("utf8");
    } catch (error) {
      await file?.close().catch(() => {});
      await unlock();
      throw error;
    }
    const spool = new FileSpool(file, options, unlock);
    spool.fileBytes = Buffer.byteLength(text);
    const taken = new Set<string>();
    const found: Held[] = [];
    for (const line of text.split("\n")) {
      if (!line) continue;
      try {
        const decoded = decodeSpoolLine(line);
        if (decoded.kind === "taken") taken.add(recordKey(decoded.of, decoded.batch));
        else
          found.push({
            record: decoded,
            line: `${line}\n`,
            bytes: Buffer.byteLength(line) + 1,
            state: "written",
          });
      } catch {
        // A line cut short by a crash was never acknowledged: nothing to replay.
      }
    }
    // A line cut short by a crash must not swallow the next one: the file is rewritten first.
    if (text.length > 0 && !text.endsWith("\n")) spool.rewriteNext = true;
    const writers = new Map<string, number>();
    for (const { record } of found)
      if (!writers.has(record.batch.writer)) writers.set(record.batch.writer, writers.size);
    // A writer's batches go back in the order it numbered them; writers in the order they came.
    found.sort(
      (x, y) =>
        (writers.get(x.record.batch.writer) ?? 0) - (writers.get(y.record.batch.writer) ?? 0) ||
        x.record.batch.seq - y.record.batch.seq,
    );
    // A record Redis decided and the store refused was spooled again as its decisions: those
    // are what stands for that batch (its fires must not be decided a second time).
    const decided = new Set(
      found
        .filter((f) => f.record.kind === "decided")
        .map((f) => recordKey("fires", f.record.batch)),
    );
    spool.records = found.filter((f) => {
      const key = recordKey(f.record.kind, f.record.batch);
      return !taken.has(key) && !decided.has(key);
    });
    spool.liveBytes = spool.records.reduce((n, r) => n + r.bytes, 0);
    // What was taken (or a torn line) is dropped from the file now, not at the next record.
    if (spool.fileBytes > spool.liveBytes) spool.sync(true);
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

  /** What the records waiting take in the file (records taken do not count). */
  get bytes(): number {
    return this.liveBytes;
  }

  /** True once a record was refused, until the spool has been emptied. */
  get full(): boolean {
    return this.refused || this.liveBytes >= this.options.maxBytes;
  }

  get health(): SpoolHealth {
    return this.failedAt === null ? "ok" : "failing";
  }

  add(record: SpoolRecord): boolean {
    const line = `${encodeSpoolLine(record)}\n`;
    const bytes = Buffer.byteLength(line);
    if (this.liveBytes + bytes > this.options.maxBytes) {
      this.refused = true;
      return false;
    }
    this.liveBytes += bytes;
    const held: Held = { record, line, bytes, state: "pending" };
    // A batch that was sent before the spool began comes back with its older number: it goes
    // before the ones numbered since (the file is put in order when it is read back).
    let at = this.records.length;
    while (at > 0) {
      const before = this.records[at - 1]?.record.batch;
      if (before?.writer !== record.batch.writer || before.seq < record.batch.seq) break;
      at--;
    }
    this.records.splice(at, 0, held);
    this.pending.push(held);
    this.schedule(this.options.syncEveryMs ?? 20);
    return true;
  }

  peek(): SpoolRecord | undefined {
    return this.records[0]?.record;
  }

  remove(record: SpoolRecord): void {
    const at = this.records.findIndex((r) => r.record === record);
    const held = this.records[at];
    if (!held) return;
    this.records.splice(at, 1);
    this.liveBytes -= held.bytes;
    if (held.state === "pending") {
      // Taken before it was written: it never reaches the file.
      const waiting = this.pending.indexOf(held);
      if (waiting >= 0) this.pending.splice(waiting, 1);
    } else this.taken.push(`${encodeTakenLine(record)}\n`);
    if (this.records.length === 0) this.refused = false;
    this.schedule(this.options.syncEveryMs ?? 20);
  }

  flushed(): Promise<void> {
    this.sync(true);
    return this.io;
  }

  async close(): Promise<void> {
    // What is left is written alone, without the lines of what was taken: the next start (or
    // a version that knows no "taken" lines) reads only what waits.
    if (this.fileBytes > this.liveBytes) this.rewriteNext = true;
    await this.flushed();
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.notices.flush();
    await this.file?.close();
    this.file = null;
    await this.unlock();
  }

  /** The file, unless a rewrite failed to open it again (then the next write rewrites it). */
  private opened(): FileHandle {
    if (!this.file) throw new Error("the spool file is not open");
    return this.file;
  }

  private schedule(ms: number): void {
    if (!this.closed) this.timer ??= setTimeout(() => this.sync(), ms);
  }

  /**
   * Hands what changed since the last write to the next one; `now` even when the last write
   * failed less than RETRY_FAILED_MS ago.
   */
  private sync(now = false): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.failedAt !== null && !now) {
      const wait = this.failedAt + RETRY_FAILED_MS - Date.now();
      if (wait > 0) {
        this.schedule(wait);
        return;
      }
    }
    const changed =
      this.pending.length > 0 ||
      this.taken.length > 0 ||
      this.rewriteNext ||
      (this.records.length === 0 && this.fileBytes > 0);
    if (changed) this.io = this.io.then(() => this.write());
  }

  /** One write, chosen when it runs (records come and go while earlier writes run). */
  private async write(): Promise<void> {
    if (this.records.length === 0 && !this.rewriteNext) {
      this.taken = [];
      if (this.fileBytes > 0)
        await this.attempt(async () => {
          await this.opened().truncate(0);
          this.fileBytes = 0;
        }, []);
      return;
    }
    const appending =
      this.pending.reduce((n, h) => n + h.bytes, 0) +
      this.taken.reduce((n, line) => n + Buffer.byteLength(line), 0);
    if (appending === 0 && !this.rewriteNext) return;
    const dead = this.fileBytes + appending - this.liveBytes;
    const deadAllowed = Math.min(
      this.options.maxBytes / 4,
      Math.max(this.liveBytes, REWRITE_SLACK_BYTES),
    );
    if (this.rewriteNext || dead > deadAllowed) await this.rewrite();
    else await this.append();
  }

  private async append(): Promise<void> {
    const lines = this.pending;
    const text = lines.map((h) => h.line).join("") + this.taken.join("");
    this.pending = [];
    this.taken = [];
    for (const held of lines) held.state = "writing";
    await this.attempt(async () => {
      const file = this.opened();
      await file.appendFile(text);
      await file.datasync();
      this.fileBytes += Buffer.byteLength(text);
    }, lines);
  }

  /**
   * Writes what waits to a file beside the spool and renames it over the spool: a crash
   * leaves either file whole.
   */
  private async rewrite(): Promise<void> {
    const live = [...this.records];
    const fresh = live.filter((h) => h.state === "pending");
    this.pending = [];
    this.taken = [];
    for (const held of live) held.state = "writing";
    const text = live.map((h) => h.line).join("");
    const temporary = `${this.options.path}.rewrite`;
    await this.attempt(
      async () => {
        try {
          const handle = await open(temporary, "w");
          try {
            await handle.writeFile(text);
            await handle.datasync();
          } finally {
            await handle.close();
          }
          await rename(temporary, this.options.path);
        } catch (error) {
          await rm(temporary, { force: true }).catch(() => {});
          throw error;
        }
        await syncFolder(dirname(this.options.path));
        const previous = this.file;
        this.file = null;
        await previous?.close().catch(() => {});
        this.file = await open(this.options.path, "a");
        this.fileBytes = Buffer.byteLength(text);
        this.rewriteNext = false;
      },
      live,
      fresh,
    );
  }

  /**
   * Runs one write. On success, `held` are in the file and `fresh` (the records new to it,
   * `held` by default) are logged as spooled; on failure they are kept in memory only, the
   * failure is logged (once a second, with a count), and the next write rewrites the file.
   */
  private async attempt(
    work: () => Promise<void>,
    held: Held[],
    fresh: Held[] = held,
  ): Promise<void> {
    const fires = fresh.reduce((n, h) => n + countFires(h.record), 0);
    try {
      await work();
      for (const h of held) if (h.state === "writing") h.state = "written";
      this.failedAt = null;
      // During an outage a sync every 20 ms would be 50 lines a second: one, with the counts.
      if (fresh.length > 0)
        this.notices.note({ level: "warn", msg: "spooled", records: fresh.length, fires });
    } catch (error) {
      for (const h of held) if (h.state === "writing") h.state = "pending";
      this.failedAt = Date.now();
      this.rewriteNext = true;
      this.notices.note({
        level: "error",
        msg: "spool write failed",
        records: fresh.length,
        fires,
        error: String(error),
      });
      // Tried again without waiting for a new record: what is held must reach the disk.
      this.schedule(RETRY_FAILED_MS);
    }
  }
}

/** Makes a rename in `folder` durable; a file system that cannot is left as it is. */
async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, "r").catch(() => null);
  await handle?.sync().catch(() => {});
  await handle?.close();
}
