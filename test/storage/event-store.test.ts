import { readdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DAY_MS } from "../../src/attribution/limits.js";
import { newFireId } from "../../src/conversions/fire-id.js";
import {
  conversionRow,
  type FireLogEntry,
  type FireLogRow,
} from "../../src/conversions/log-rows.js";
import { SqlEventStore } from "../../src/storage/sql/event-store.js";
import { migrate } from "../../src/storage/sql/migrate.js";
import { pgClient } from "../../src/storage/sql/pg-client.js";
import { pgliteClient } from "../../src/storage/sql/pglite-client.js";
import type { SqlClient } from "../../src/storage/sql/sql-client.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";

// One contract, two implementations of the SQL it runs on: a PostgreSQL server (pg) and the
// embedded default (PGlite). Everything is read back through the store's own readers.

const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);
let now = NOW;

function row(overrides: Partial<FireLogRow>): FireLogRow {
  return {
    id: newFireId(),
    ts: NOW,
    pixel_id: 37,
    advertiser_id: 2,
    user_id: "4242",
    order_id: null,
    value: null,
    other: null,
    attributed: false,
    counted: false,
    reason: "no_touch",
    conversion_type: null,
    line_item_id: null,
    campaign_id: null,
    creative_id: null,
    imp_ts: null,
    ...overrides,
  };
}

const credited = (type: "click" | "view", imp: number) => ({
  attributed: true,
  conversion_type: type,
  line_item_id: 382,
  campaign_id: 17607,
  creative_id: 9,
  imp_ts: imp,
});

/** A batch with every kind of fire the edge writes. */
function mixedBatch(at: number): FireLogEntry[] {
  return [
    { fire: row({ ts: at }), revenue: null },
    { fire: row({ ts: at + 1, user_id: "0", reason: "unknown_user" }), revenue: null },
    { fire: row({ ts: at + 2, user_id: "-1", reason: "unknown_user" }), revenue: null },
    {
      fire: row({
        ts: at + 3,
        user_id: "18446744073709551615",
        counted: true,
        reason: "counted",
        order_id: "A-1001",
        value: 49.9,
        other: "spring é <b>",
        ...credited("click", at - 60_000),
      }),
      revenue: 49.9,
    },
    {
      fire: row({
        ts: at + 4,
        user_id: "3f1c9a0b-77d2-4415-8000-00000000002a",
        counted: true,
        reason: "counted",
        ...credited("view", at - 120_000),
      }),
      revenue: 0.1,
    },
    {
      fire: row({ ts: at + 5, reason: "duplicate_order", ...credited("view", at - 1) }),
      revenue: null,
    },
    {
      fire: row({ ts: at + 6, pixel_id: 999, advertiser_id: null, reason: "unknown_pixel" }),
      revenue: null,
    },
  ];
}

/** The number of the last migration file: every one of them is applied at start. */
const LATEST_MIGRATION = Math.max(
  ...readdirSync(new URL("../../src/storage/sql/migrations/", import.meta.url))
    .filter((name) => /^\d+\.do\./.test(name))
    .map((name) => Number.parseInt(name, 10)),
);

function contract(name: string, open: () => Promise<{ sql: SqlClient; close(): Promise<void> }>) {
  describe(name, () => {
    let opened: { sql: SqlClient; close(): Promise<void> };
    let store: SqlEventStore;

    beforeAll(async () => {
      opened = await open();
      expect(await migrate(opened.sql)).toBe(LATEST_MIGRATION);
      // A second start finds the schema in place.
      expect(await migrate(opened.sql)).toBe(LATEST_MIGRATION);
      store = new SqlEventStore(
        opened.sql,
        { logDays: 90, statsDays: 400 },
        () => now,
        () => {},
      );
    });
    afterAll(async () => {
      await opened?.close();
    });

    it("reads back every fire, conversion and quarter it wrote, once per batch", async () => {
      const batch = mixedBatch(NOW);
      expect(await store.append(batch, { writer: "w1", seq: 1 })).toBe(true);
      // The same batch again (a lost reply, a spool replay) adds nothing.
      expect(await store.append(batch, { writer: "w1", seq: 1 })).toBe(false);

      const known = batch.filter((e) => e.fire.pixel_id === 37).map((e) => e.fire);
      expect(await store.fires(37)).toEqual(known);
      expect(await store.fires("unknown")).toEqual([batch[6]?.fire]);
      const counted = batch.filter((e) => e.fire.counted);
      expect(await store.conversions(37)).toEqual(counted.map(conversionRow).reverse());
      const quarterStart = Math.floor(NOW / 900_000) * 900_000;
      expect(await store.reportCounts(37, NOW - DAY_MS, NOW + DAY_MS)).toEqual([
        [
          quarterStart,
          {
            fires: 6,
            unattributed_fires: 3,
            post_view_convs: 1,
            post_click_convs: 1,
            post_view_revenue_micros: 100_000,
            post_click_revenue_micros: 49_900_000,
          },
        ],
      ]);
    });

    it("takes a batch sent by two callers at once exactly once", async () => {
      const batch = mixedBatch(NOW + 3_600_000);
      const results = await Promise.all([
        store.append(batch, { writer: "w2", seq: 7 }),
        store.append(batch, { writer: "w2", seq: 7 }),
        store.append(batch, { writer: "w2", seq: 7 }),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const range = { from: NOW + 3_600_000, to: NOW + 3_600_000 + 100 };
      expect(await store.fires(37, range)).toHaveLength(6);
    });

    it("sums revenue exactly across batches in one quarter", async () => {
      const at = NOW + 2 * DAY_MS;
      for (let seq = 1; seq <= 3; seq++)
        await store.append(
          [
            {
              fire: row({
                ts: at + seq,
                counted: true,
                reason: "counted",
                ...credited("view", at),
              }),
              revenue: 0.1,
            },
          ],
          { writer: "w3", seq },
        );
      const [[, counts] = [0, null]] = await store.reportCounts(37, at, at + 900_000);
      expect(counts?.post_view_revenue_micros).toBe(300_000);
    });

    it("keeps fires in day partitions, drops whole days past retention, and stores no older fire", async () => {
      const old = NOW - 100 * DAY_MS;
      // Written while that day was still within retention…
      now = old + DAY_MS;
      expect(
        await store.append([{ fire: row({ ts: old }), revenue: null }], { writer: "w4", seq: 1 }),
      ).toBe(true);
      now = NOW;
      expect(await store.fires(37, { from: old, to: old })).toHaveLength(1);
      // …and gone with its partition once it is not.
      const { dropped } = await store.applyRetention();
      expect(dropped).toEqual(expect.arrayContaining(["conversions_20260820", "fires_20260820"]));
      expect(await store.fires(37, { from: old, to: old })).toHaveLength(0);
      // A spool replay of a fire that old is not stored again.
      expect(
        await store.append([{ fire: row({ ts: old }), revenue: null }], { writer: "w4", seq: 2 }),
      ).toBe(true);
      expect(await store.fires(37, { from: old, to: old })).toHaveLength(0);
      const partitions = await opened.sql.query<{ name: string }>(
        "SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid ORDER BY 1",
      );
      expect(partitions.map((p) => p.name)).not.toContain("fires_20260820");
      expect(partitions.map((p) => p.name)).toContain("fires_20261128");
    });

    it("keeps aside the fires the store refuses, stores the rest of their batch, once", async () => {
      const at = NOW + 4 * DAY_MS;
      // What no input check knows: a rule the database holds (a DBA's constraint, a column
      // narrowed by a later migration). The store must find the fires it refuses by itself.
      await opened.sql.script(
        "ALTER TABLE fires ADD CONSTRAINT no_poison CHECK (order_id IS DISTINCT FROM 'poison')",
      );
      try {
        const batch = Array.from({ length: 100 }, (_, i) => ({
          fire: row({ ts: at + i, order_id: i % 37 === 5 ? "poison" : `fine-${i}` }),
          revenue: null,
        }));
        // And one the store's own check refuses before trying: an id beyond int4.
        batch.push({ fire: row({ ts: at + 100, creative_id: 2 ** 31 }), revenue: null });
        let keptAside = 0;
        const counting = new SqlEventStore(
          opened.sql,
          { logDays: 90, statsDays: 400 },
          () => now,
          () => {},
          (fires) => {
            keptAside += fires;
          },
        );
        expect(await counting.append(batch, { writer: "w6", seq: 1 })).toBe(true);
        const stored = await counting.fires(37, { from: at, to: at + 200 });
        expect(stored.map((f) => f.order_id)).toEqual(
          batch.filter((_, i) => i < 100 && i % 37 !== 5).map((e) => e.fire.order_id),
        );
        expect(keptAside).toBe(4);
        const letters = await opened.sql.query<{ code: string; entry: string }>(
          "SELECT code, entry FROM dead_letters WHERE writer = 'w6' ORDER BY id",
        );
        expect(letters.map((l) => l.code).sort()).toEqual(["23514", "23514", "23514", "check"]);
        expect(letters.map((l) => JSON.parse(l.entry).fire.order_id).sort()).toEqual([
          null,
          "poison",
          "poison",
          "poison",
        ]);
        expect(await counting.deadLetters()).toBe(4);
        // Replayed after a lost reply: taken already, nothing added, nothing kept twice.
        expect(await counting.append(batch, { writer: "w6", seq: 1 })).toBe(false);
        expect(await counting.fires(37, { from: at, to: at + 200 })).toHaveLength(97);
        expect(await counting.deadLetters()).toBe(4);
      } finally {
        await opened.sql.script("ALTER TABLE fires DROP CONSTRAINT no_poison");
      }
    });

    it("holds text the edge could not: U+0000 and lone surrogates are kept aside, not retried", async () => {
      const at = NOW + 5 * DAY_MS;
      const batch = [
        { fire: row({ ts: at, other: "nul\u0000here" }), revenue: null },
        { fire: row({ ts: at + 1, order_id: "half\ud800" }), revenue: null },
        { fire: row({ ts: at + 2, other: "emoji 😀 fine" }), revenue: null },
      ];
      expect(await store.append(batch, { writer: "w7", seq: 1 })).toBe(true);
      const stored = await store.fires(37, { from: at, to: at + 10 });
      expect(stored.map((f) => f.other)).toEqual(["emoji 😀 fine"]);
      const [letter] = await opened.sql.query<{ entry: string }>(
        "SELECT entry FROM dead_letters WHERE writer = 'w7' ORDER BY id LIMIT 1",
      );
      expect(JSON.parse(letter?.entry ?? "{}").fire.other).toBe("nul\u0000here");
    });

    it("sums revenue beyond 2^53 millionths exactly, and beyond int8", async () => {
      const at = NOW + 6 * DAY_MS;
      const batch = Array.from({ length: 20 }, (_, i) => ({
        fire: row({
          ts: at + i,
          counted: true,
          reason: "counted" as const,
          ...credited("click", at),
        }),
        revenue: 1e12,
      }));
      expect(await store.append(batch, { writer: "w8", seq: 1 })).toBe(true);
      const [row0] = await opened.sql.query<{ s: string }>(
        "SELECT sum(post_click_revenue)::text AS s FROM report_quarters WHERE quarter >= to_timestamp($1)",
        [at / 1000],
      );
      expect(row0?.s).toMatch(/^20000000000000(\.0+)?$/);
    });

    it("stores the fire ids of earlier versions (from an old spool) as their UUID", async () => {
      const at = NOW + 3 * DAY_MS;
      await store.append([{ fire: row({ ts: at, id: "00112233445566ff-2s" }), revenue: null }], {
        writer: "w5",
        seq: 1,
      });
      const [fire] = await store.fires(37, { from: at, to: at });
      expect(fire?.id).toBe("00112233-4455-66ff-0000-000000000064");
    });
  });
}

let database: TestDatabase;
contract("on a PostgreSQL server", async () => {
  database = await createTestDatabase();
  const sql = pgClient(database.url, () => {});
  return {
    sql,
    close: async () => {
      await sql.close();
      await database.drop();
    },
  };
});

contract("on the embedded PGlite", async () => {
  const sql = await pgliteClient("memory://");
  return { sql, close: () => sql.close() };
});
