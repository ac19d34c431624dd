import { fireIdAsUuid } from "../../conversions/fire-id.js";
import type { FireLogEntry } from "../../conversions/log-rows.js";
import { QUARTER_MS, toMicros } from "../../reports/report-counters.js";

/** fire_reasons.code of each reason (migrations 001 and 002). */
export const REASON_CODES: Readonly<Record<FireLogEntry["fire"]["reason"], number>> = {
  counted: 0,
  duplicate_order: 1,
  repeat_user: 2,
  repeat_interval: 3,
  no_touch: 4,
  unknown_user: 5,
  inactive_pixel: 6,
  no_line_item: 7,
  unknown_pixel: 8,
  duplicate_event: 9,
};

/** User ids numeric keeps exactly (no leading zero): uuid2 values, 0 and -1; others as text. */
const DECIMAL_USER = /^(?:0|-1|[1-9][0-9]{0,19})$/;

/**
 * One statement writes a batch, atomically: its row in applied_batches first, and the fires,
 * conversions and aggregates only when that row is new, so a batch replayed after a lost
 * reply adds nothing. Each column travels as one array parameter (a multi-row insert without
 * a statement per row). Aggregates come summed per key and sorted, so two batches updating
 * the same quarters lock their rows in the same order.
 * $1 writer, $2 seq, $3 fires in the batch; fires $4–$18; conversions $19–$31; quarters
 * $32–$44 (revenue in millionths, summed exactly as BigInt and sent as numeric, so no sum
 * overflows; the quarter's last fire last).
 */
export const APPEND_BATCH_SQL = appendSql(`
  INSERT INTO applied_batches (writer, seq, fires) VALUES ($1, $2, $3)
  ON CONFLICT DO NOTHING RETURNING 1`);

/**
 * The same rows without claiming the batch: for the transaction that writes a batch the store
 * refused in parts (event-store.ts), which claims it once and then tries its fires by halves.
 */
export const APPEND_ROWS_SQL = appendSql("SELECT $1::text, $2::int8, $3::int4");

function appendSql(batch: string): string {
  return `
WITH batch AS (${batch}
), f AS (
  INSERT INTO fires (ts, imp_ts, id, pixel_id, advertiser_id, line_item_id, campaign_id,
    creative_id, reason, attributed, counted, conversion_type, user_id, user_key, value,
    order_id, other)
  SELECT to_timestamp(ts / 1000), to_timestamp(imp / 1000), id, px, adv, li, cp, cr, reason,
    reason IN (0, 1, 2, 3, 9), reason = 0, ctype, duser::numeric, uuser, val, ord, oth
  FROM unnest($4::float8[], $5::float8[], $6::uuid[], $7::int4[], $8::int4[], $9::int4[],
    $10::int4[], $11::int4[], $12::int2[], $13::text[], $14::text[], $15::text[],
    $16::numeric[], $17::text[], $18::text[])
    AS r(ts, imp, id, px, adv, li, cp, cr, reason, ctype, duser, uuser, val, ord, oth)
  WHERE EXISTS (SELECT FROM batch)
), c AS (
  INSERT INTO conversions (conversion_time, imp_time, id, pixel_id, advertiser_id, line_item_id,
    campaign_id, creative_id, conversion_type, user_id, order_id, other, revenue)
  SELECT to_timestamp(ts / 1000), to_timestamp(imp / 1000), id, px, adv, li, cp, cr, ctype,
    usr, ord, oth, rev
  FROM unnest($19::float8[], $20::float8[], $21::uuid[], $22::int4[], $23::int4[], $24::int4[],
    $25::int4[], $26::int4[], $27::text[], $28::text[], $29::text[], $30::text[],
    $31::numeric[])
    AS r(ts, imp, id, px, adv, li, cp, cr, ctype, usr, ord, oth, rev)
  WHERE EXISTS (SELECT FROM batch)
), q AS (
  INSERT INTO report_quarters AS t (quarter, pixel_id, line_item_id, campaign_id, creative_id,
    advertiser_id, fires, unattributed_fires, post_view_convs, post_click_convs,
    post_view_revenue, post_click_revenue, last_fire)
  SELECT to_timestamp(qs / 1000), px, li, cp, cr, adv, n, u, v, k, vr / 1000000,
    kr / 1000000, to_timestamp(lf / 1000)
  FROM unnest($32::float8[], $33::int4[], $34::int4[], $35::int4[], $36::int4[], $37::int4[],
    $38::int8[], $39::int8[], $40::int8[], $41::int8[], $42::numeric[], $43::numeric[],
    $44::float8[])
    AS r(qs, px, li, cp, cr, adv, n, u, v, k, vr, kr, lf)
  WHERE EXISTS (SELECT FROM batch)
  ON CONFLICT (pixel_id, quarter, line_item_id, campaign_id, creative_id) DO UPDATE SET
    fires = t.fires + excluded.fires,
    unattributed_fires = t.unattributed_fires + excluded.unattributed_fires,
    post_view_convs = t.post_view_convs + excluded.post_view_convs,
    post_click_convs = t.post_click_convs + excluded.post_click_convs,
    post_view_revenue = t.post_view_revenue + excluded.post_view_revenue,
    post_click_revenue = t.post_click_revenue + excluded.post_click_revenue,
    last_fire = greatest(t.last_fire, excluded.last_fire)
)
SELECT count(*)::int AS taken FROM batch`;
}

export interface BatchColumns {
  fires: unknown[][];
  conversions: unknown[][];
  quarters: unknown[][];
}

interface Quarter {
  key: string;
  cells: [number, number, number, number, number, number];
  fires: number;
  unattributed: number;
  views: number;
  clicks: number;
  /** In millionths, exactly: a sum of many amounts passes 2^53. */
  viewRevenue: bigint;
  clickRevenue: bigint;
  /** Epoch ms of the latest fire. */
  lastFire: number;
}

/** A batch's parameters, column by column. Unknown pixels have fires but no aggregates. */
export function batchColumns(entries: readonly FireLogEntry[]): BatchColumns {
  const fires: unknown[][] = Array.from({ length: 15 }, () => []);
  const conversions: unknown[][] = Array.from({ length: 13 }, () => []);
  const quarters = new Map<string, Quarter>();
  for (const { fire, revenue } of entries) {
    const id = fireIdAsUuid(fire.id) ?? crypto.randomUUID();
    const decimalUser = DECIMAL_USER.test(fire.user_id);
    const values = [
      fire.ts,
      fire.imp_ts,
      id,
      fire.pixel_id,
      fire.advertiser_id,
      fire.line_item_id,
      fire.campaign_id,
      fire.creative_id,
      REASON_CODES[fire.reason],
      fire.conversion_type,
      decimalUser ? fire.user_id : null,
      decimalUser ? null : fire.user_id,
      fire.value,
      fire.order_id,
      fire.other,
    ];
    pushRow(fires, values);
    if (fire.counted)
      pushRow(conversions, [
        fire.ts,
        fire.imp_ts ?? fire.ts,
        id,
        fire.pixel_id,
        fire.advertiser_id,
        fire.line_item_id ?? 0,
        fire.campaign_id,
        fire.creative_id,
        fire.conversion_type ?? "view",
        fire.user_id,
        fire.order_id,
        fire.other,
        revenue,
      ]);
    if (fire.reason === "unknown_pixel" || fire.pixel_id === null) continue;
    addToQuarter(quarters, fire, revenue);
  }
  const sorted = [...quarters.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
  const quarterColumns: unknown[][] = Array.from({ length: 13 }, () => []);
  for (const q of sorted)
    pushRow(quarterColumns, [
      ...q.cells,
      q.fires,
      q.unattributed,
      q.views,
      q.clicks,
      q.viewRevenue.toString(),
      q.clickRevenue.toString(),
      q.lastFire,
    ]);
  return { fires, conversions, quarters: quarterColumns };
}

/** Appends one row's values to their columns. */
function pushRow(columns: unknown[][], values: readonly unknown[]): void {
  for (let i = 0; i < values.length; i++) columns[i]?.push(values[i]);
}

function addToQuarter(
  quarters: Map<string, Quarter>,
  fire: FireLogEntry["fire"],
  revenue: number | null,
): void {
  const start = Math.floor(fire.ts / QUARTER_MS) * QUARTER_MS;
  const cells: Quarter["cells"] = [
    start,
    fire.pixel_id ?? 0,
    fire.line_item_id ?? 0,
    fire.campaign_id ?? 0,
    fire.creative_id ?? 0,
    fire.advertiser_id ?? 0,
  ];
  const key = cells.slice(0, 5).join(":");
  let q = quarters.get(key);
  if (!q) {
    q = {
      key,
      cells,
      fires: 0,
      unattributed: 0,
      views: 0,
      clicks: 0,
      viewRevenue: 0n,
      clickRevenue: 0n,
      lastFire: fire.ts,
    };
    quarters.set(key, q);
  }
  q.fires += 1;
  if (fire.ts > q.lastFire) q.lastFire = fire.ts;
  if (!fire.attributed) q.unattributed += 1;
  if (!fire.counted) return;
  if (fire.conversion_type === "click") {
    q.clicks += 1;
    q.clickRevenue += BigInt(toMicros(revenue ?? 0));
  } else {
    q.views += 1;
    q.viewRevenue += BigInt(toMicros(revenue ?? 0));
  }
}
