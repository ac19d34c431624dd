// `npx tsx bench/store-ingest.ts`: how fast one process hands decided fires to PostgreSQL
// through the event store's write path, and what a stored fire costs on disk with its
// indexes. A private PostgreSQL cluster (or DATABASE_URL, whose database it must own) and,
// with BENCH_PGLITE=1, the embedded PGlite as well. Figures go to bench/results/store.json.
import { newFireId } from "../src/conversions/fire-id.js";
import type { FireLogEntry, FireLogRow } from "../src/conversions/log-rows.js";
import { SqlEventStore } from "../src/storage/sql/event-store.js";
import { migrate } from "../src/storage/sql/migrate.js";
import { pgClient } from "../src/storage/sql/pg-client.js";
import { pgliteClient } from "../src/storage/sql/pglite-client.js";
import type { SqlClient } from "../src/storage/sql/sql-client.js";
import { startPrivatePostgres } from "../test/helpers/private-postgres.js";
import { writeResults } from "./results.js";

const FIRES = Number(process.env.BENCH_STORE_FIRES || 1_000_000);
const BATCH = Number(process.env.BENCH_STORE_BATCH || 512);
const IN_FLIGHT = Number(process.env.BENCH_STORE_IN_FLIGHT || 2);
/** Share of fires that are counted conversions (the rest: unattributed, as most fires are). */
const COUNTED_SHARE = 0.02;

const START = Date.UTC(2026, 10, 30, 0, 0, 0);

/** The fire mix of a busy site: 100 pixels, cookie users, a few conversions. */
function entry(i: number): FireLogEntry {
  const counted = i % Math.round(1 / COUNTED_SHARE) === 0;
  const fire: FireLogRow = {
    id: newFireId(),
    ts: START + Math.floor(i / 20),
    pixel_id: 1 + (i % 100),
    advertiser_id: 1 + (i % 10),
    user_id: String(1_000_000_000_000_000_000n + BigInt(i * 7919)),
    order_id: counted ? `order-${i}` : null,
    value: null,
    other: null,
    attributed: counted,
    counted,
    reason: counted ? "counted" : "no_touch",
    conversion_type: counted ? "click" : null,
    line_item_id: counted ? 100 + (i % 3) : null,
    campaign_id: counted ? 1 + (i % 7) : null,
    creative_id: counted ? 1 + (i % 5) : null,
    imp_ts: counted ? START - 60_000 : null,
  };
  return { fire, revenue: counted ? 10 : null };
}

async function measure(name: string, sql: SqlClient) {
  await migrate(sql);
  const store = new SqlEventStore(
    sql,
    { logDays: 90, statsDays: 400 },
    () => START,
    () => {},
  );
  const batches: FireLogEntry[][] = [];
  for (let i = 0; i < FIRES; i += BATCH)
    batches.push(Array.from({ length: Math.min(BATCH, FIRES - i) }, (_, j) => entry(i + j)));
  // Warm up (partitions, plans), then time the rest.
  await store.append(batches[0] ?? [], { writer: "bench", seq: 0 });
  const started = process.hrtime.bigint();
  const cpuBefore = process.cpuUsage();
  let next = 1;
  const worker = async () => {
    while (next < batches.length) {
      const seq = next++;
      await store.append(batches[seq] ?? [], { writer: "bench", seq });
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  const written = FIRES - (batches[0]?.length ?? 0);
  const [size] = await sql.query<Record<string, string>>(
    `SELECT (SELECT count(*) FROM fires)::text AS fires,
            (SELECT count(*) FROM conversions)::text AS conversions,
            (SELECT sum(pg_total_relation_size(c.oid)) FROM pg_inherits i
               JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
              WHERE p.relname = 'fires')::text AS fire_bytes,
            (SELECT sum(pg_total_relation_size(c.oid)) FROM pg_inherits i
               JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
              WHERE p.relname = 'conversions')::text AS conversion_bytes,
            pg_total_relation_size('report_quarters')::text AS quarter_bytes,
            pg_total_relation_size('applied_batches')::text AS batch_bytes`,
  );
  const stored = Number(size?.fires);
  const figures = {
    fires: stored,
    conversions: Number(size?.conversions),
    batch: BATCH,
    inFlight: IN_FLIGHT,
    seconds: Number(seconds.toFixed(2)),
    firesPerSecond: Math.round(written / seconds),
    clientCpuMicrosPerFire: Number(((cpu.user + cpu.system) / written).toFixed(2)),
    bytesPerFire: Number((Number(size?.fire_bytes) / stored).toFixed(1)),
    bytesPerConversion: Number(
      (Number(size?.conversion_bytes) / Number(size?.conversions)).toFixed(1),
    ),
    aggregateBytes: Number(size?.quarter_bytes),
    appliedBatchBytes: Number(size?.batch_bytes),
  };
  console.log(
    `${name}: ${figures.firesPerSecond.toLocaleString("en")} fires/s (batches of ${BATCH}, ${IN_FLIGHT} in flight), ` +
      `${figures.clientCpuMicrosPerFire} µs client CPU per fire; ${figures.bytesPerFire} bytes per stored fire, ` +
      `${figures.bytesPerConversion} per conversion row (with indexes)`,
  );
  return figures;
}

const results: Record<string, unknown> = {};
const cluster = process.env.DATABASE_URL ? null : await startPrivatePostgres();
const server = pgClient(process.env.DATABASE_URL ?? cluster?.url ?? "", () => {}, {
  max: IN_FLIGHT,
});
try {
  results.postgres = await measure("PostgreSQL server", server);
} finally {
  await server.close();
  await cluster?.destroy();
}
if (process.env.BENCH_PGLITE === "1") {
  const embedded = await pgliteClient("memory://");
  try {
    results.pglite = await measure("embedded PGlite", embedded);
  } finally {
    await embedded.close();
  }
}
console.log(`written to ${writeResults("store", results)}`);
