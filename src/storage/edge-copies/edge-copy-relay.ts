import { LogOnceASecond } from "../../log-once-a-second.js";
import type { Logger, PixelChangeNotices } from "../ports.js";
import type { SqlClient } from "../sql/sql-client.js";
import { SqlEdgeConfigs } from "../sql/sql-edge-configs.js";
import type { EdgeCopyTarget } from "./edge-copy-target.js";

/** Rows one pass takes from the outbox. */
const PASS_ROWS = 1000;
/** Any constant: the advisory lock that lets one relay of all processes write copies at a time. */
const RELAY_LOCK = 7_413_002;
/** More changed pixels than this in one pass are announced as "everything changed". */
const ANNOUNCE_EACH_MAX = 100;

interface OutboxRow {
  id: string;
  member_id: number;
  kind: "pixel" | "advertiser";
  object_id: number;
  old_code: string | null;
}

/**
 * Carries committed changes to the edge's copies (SPEC 15): reads the outbox rows the object
 * tables' triggers add in each writing transaction, rebuilds each named pixel and advertiser
 * from PostgreSQL as it stands, writes the copies to every target (Redis, KV), tells the Node
 * edges to drop their cached configs, and deletes the rows. A crash before the delete leaves the
 * rows for the next pass: copies are rewritten whole, so doing one twice changes nothing. One
 * relay writes at a time across processes (an advisory lock), so an older state never overwrites
 * a newer one.
 */
export class EdgeCopyRelay {
  private readonly configs: SqlEdgeConfigs;
  private running: Promise<void> = Promise.resolve();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  /** Why a pass failed, once a minute at most (a store or Redis away says so every 2 s). */
  private readonly retries: LogOnceASecond;

  constructor(
    private readonly sql: SqlClient,
    private readonly targets: readonly EdgeCopyTarget[],
    private readonly notices: PixelChangeNotices | null,
    log: Logger,
    /** Told, after each pass, which pixels' copies were rewritten. */
    private readonly copied: (pixelIds: readonly number[]) => void = () => {},
  ) {
    this.retries = new LogOnceASecond(log, 60_000);
    this.configs = new SqlEdgeConfigs(sql);
  }

  /**
   * Writes every change committed so far to the copies. The API awaits it before answering a
   * write, so that the edge serves the change from the answer on.
   */
  flush(): Promise<void> {
    const next = this.running.then(() => this.drain());
    this.running = next.catch(() => {});
    return next;
  }

  /** Flushes every `everyMs` (changes another process committed and could not copy, a crash). */
  start(everyMs: number): void {
    const tick = async () => {
      if (this.stopped) return;
      try {
        await this.flush();
      } catch (error) {
        this.retries.note({
          level: "warn",
          msg: "edge copies: retrying",
          error: String((error as Error).message ?? error),
        });
      }
      if (!this.stopped) {
        this.timer = setTimeout(tick, everyMs);
        this.timer.unref?.();
      }
    };
    void tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Marks every pixel and advertiser changed, then flushes: `npm run rebuild-edge`. */
  async rebuildAll(): Promise<{ pixels: number; advertisers: number }> {
    const everything = await this.configs.everything();
    await this.sql.query(
      `INSERT INTO edge_outbox (member_id, kind, object_id)
       SELECT member_id, 'advertiser', id FROM advertisers
       UNION ALL SELECT member_id, 'pixel', id FROM pixels`,
    );
    await this.flush();
    return { pixels: everything.pixels.length, advertisers: everything.advertisers.length };
  }

  private async drain(): Promise<void> {
    await this.sql.session(async (session) => {
      await session.query("SELECT pg_advisory_lock($1)", [RELAY_LOCK]);
      try {
        while (await this.pass()) {
          // until the outbox is empty
        }
      } finally {
        await session.query("SELECT pg_advisory_unlock($1)", [RELAY_LOCK]);
      }
    });
  }

  /** One batch of outbox rows carried out; false when there was none. */
  private async pass(): Promise<boolean> {
    const rows = await this.sql.query<OutboxRow>(
      "SELECT id::text AS id, member_id, kind, object_id, old_code FROM edge_outbox ORDER BY id LIMIT $1",
      [PASS_ROWS],
    );
    if (rows.length === 0) return false;
    const advertiserIds = unique(
      rows.filter((r) => r.kind === "advertiser").map((r) => r.object_id),
    );
    const pixelIds = unique([
      ...rows.filter((r) => r.kind === "pixel").map((r) => r.object_id),
      ...(await this.configs.pixelsOfAdvertisers(advertiserIds)),
    ]);
    const [pixels, advertisers] = await Promise.all([
      this.configs.pixels(pixelIds),
      this.configs.advertisers(advertiserIds),
    ]);
    const found = new Set(pixels.map((p) => p.config.id));
    const foundAdvertisers = new Set(advertisers.map((a) => a.id));
    for (const target of this.targets) {
      // Codes a pixel gave up go first: the pixel that holds one now is written after.
      for (const row of rows)
        if (row.kind === "pixel" && row.old_code)
          await target.dropCode(row.member_id, row.old_code);
      for (const { config, code } of pixels) await target.putPixel(config, code);
      for (const id of pixelIds) if (!found.has(id)) await target.dropPixel(id);
      for (const advertiser of advertisers) await target.putAdvertiser(advertiser);
      for (const id of advertiserIds)
        if (!foundAdvertisers.has(id)) await target.dropAdvertiser(id);
    }
    if (this.notices) {
      if (advertiserIds.length > 0 || pixelIds.length > ANNOUNCE_EACH_MAX)
        await this.notices.announce("*");
      else for (const id of pixelIds) await this.notices.announce(id);
    }
    this.copied(pixelIds);
    await this.sql.query("DELETE FROM edge_outbox WHERE id = ANY($1::int8[])", [
      rows.map((r) => r.id),
    ]);
    return rows.length === PASS_ROWS;
  }
}

const unique = (ids: readonly number[]) => [...new Set(ids.map(Number))];
