import { keys } from "../storage/keys.js";
import type { Logger } from "../storage/ports.js";
import type { RedisClient } from "../storage/redis/connect.js";
import { bySlot } from "../storage/redis/slot-groups.js";
import type { SqlClient } from "../storage/sql/sql-client.js";

type Doc = Record<string, unknown>;
type Query = Pick<SqlClient, "query">;

/** The marker in service_settings that the import ran (with its counts). */
const DONE = "redis_objects_imported";

/** Object types as versions before PostgreSQL kept them in Redis, and their id tables. */
const TYPES = ["member", "user", "advertiser", "pixel", "line-item", "campaign"] as const;
const TABLES: Record<(typeof TYPES)[number], string> = {
  member: "members",
  user: "users",
  advertiser: "advertisers",
  pixel: "pixels",
  "line-item": "line_items",
  campaign: "campaigns",
};

/** Every document of a type an earlier version stored: its index set, then the documents. */
async function documents(redis: RedisClient, type: string): Promise<Doc[]> {
  const ids = (await redis.smembers(keys.objectIndex(type))).map(Number).sort((a, b) => a - b);
  const keyOf = (id: number) => keys.object(type, id);
  const found: Doc[] = [];
  for (const part of bySlot(redis, ids, keyOf)) {
    const values = await redis.mget(part.map(keyOf));
    for (const json of values) if (json) found.push(JSON.parse(json) as Doc);
  }
  return found;
}

const UTC = (column: string) => `(r.${column}::timestamp AT TIME ZONE 'UTC')`;

/**
 * At the first start on PostgreSQL (SPEC 15): every object an earlier version kept in Redis
 * (members, users, advertisers, pixels, line items with their pixels, campaigns with theirs)
 * copied once with its id, in one transaction, and each id sequence set above both the highest
 * id and the Redis counter (an id once given is never given again). Idempotent: a row already
 * there is left as it is, and a marker records that it ran. Attachments the schema refuses (a
 * pixel of another advertiser, a campaign pixel off its line item, which the API never allowed)
 * are skipped and counted. Nothing in Redis is deleted. Returns the counts, or null when the
 * import had run before.
 */
export async function importRedisObjects(
  redis: RedisClient,
  sql: SqlClient,
  log: Logger,
): Promise<Record<string, number> | null> {
  const [done] = await sql.query("SELECT 1 FROM service_settings WHERE name = $1", [DONE]);
  if (done) return null;
  const docs = Object.fromEntries(
    await Promise.all(TYPES.map(async (type) => [type, await documents(redis, type)] as const)),
  ) as Record<(typeof TYPES)[number], Doc[]>;
  const counters = await Promise.all(TYPES.map((type) => redis.get(keys.sequence(type))));
  const counts = await sql.transaction(async (tx) => {
    const counted: Record<string, number> = {};
    counted.members = await insert(tx, docs.member, MEMBERS);
    counted.users = await insert(tx, docs.user.map(userRow), USERS);
    counted.advertisers = await insert(tx, docs.advertiser, ADVERTISERS);
    counted.pixels = await insert(tx, docs.pixel, PIXELS);
    counted.line_items = await insert(tx, docs["line-item"], LINE_ITEMS);
    const attachments = docs["line-item"].flatMap((li) =>
      ((li.pixels as Doc[] | undefined) ?? []).map((p, position) => ({ ...p, li, position })),
    );
    counted.line_item_pixels = await insert(tx, attachments.map(attachmentRow), LINE_ITEM_PIXELS);
    counted.skipped_line_item_pixels = attachments.length - counted.line_item_pixels;
    counted.campaigns = await insert(tx, docs.campaign, CAMPAIGNS);
    const campaignPixels = docs.campaign.flatMap((cp) =>
      ((cp.pixels as Doc[] | undefined) ?? []).map((p, position) => ({
        member_id: cp.member_id,
        line_item_id: cp.line_item_id,
        campaign_id: cp.id,
        pixel_id: p.id,
        state: p.state ?? "active",
        position,
      })),
    );
    counted.campaign_pixels = await insert(tx, campaignPixels, CAMPAIGN_PIXELS);
    counted.skipped_campaign_pixels = campaignPixels.length - counted.campaign_pixels;
    for (const [i, type] of TYPES.entries()) {
      const table = TABLES[type];
      await tx.query(
        // Past the highest id and the highest an earlier version gave; an empty table starts at 1.
        `SELECT setval(pg_get_serial_sequence('${table}', 'id'), greatest(m, 1), m > 0)
           FROM (SELECT greatest((SELECT coalesce(max(id), 0) FROM ${table}), $1::int) AS m) s`,
        [Number(counters[i] ?? 0)],
      );
    }
    await tx.query("INSERT INTO service_settings (name, value) VALUES ($1, $2)", [
      DONE,
      JSON.stringify({ at: new Date().toISOString(), ...counted }),
    ]);
    return counted;
  });
  log({ level: "info", msg: "objects copied from Redis to PostgreSQL", ...counts });
  return counts;
}

/** One table's rows from JSON, with what the schema refuses (a broken reference) left out. */
async function insert(tx: Query, rows: readonly Doc[], statement: string): Promise<number> {
  if (rows.length === 0) return 0;
  const inserted = await tx.query(statement, [JSON.stringify(rows)]);
  return inserted.length;
}

const userRow = (u: Doc): Doc => ({
  ...u,
  member_id: u.user_type === "admin" || !u.member_id ? null : u.member_id,
  advertiser_id: u.user_type === "advertiser" ? (u.advertiser_id ?? null) : null,
  state: u.state ?? "active",
});

const attachmentRow = (p: Doc & { li: Doc; position: number }): Doc => ({
  member_id: p.li.member_id,
  advertiser_id: p.li.advertiser_id,
  line_item_id: p.li.id,
  pixel_id: p.id,
  position: p.position,
  state: p.state ?? "active",
  post_click_revenue: p.post_click_revenue ?? null,
  post_view_revenue: p.post_view_revenue ?? null,
});

const MEMBERS = `INSERT INTO members (id, name, created_on, last_modified)
  SELECT r.id, r.name, ${UTC("created_on")}, ${UTC("last_modified")}
    FROM json_to_recordset($1::json) AS r(id int, name text, created_on text, last_modified text)
  ON CONFLICT DO NOTHING RETURNING 1`;

const USERS = `INSERT INTO users (id, username, password_hash, user_type, member_id, advertiser_id,
    state, created_on, last_modified)
  SELECT r.id, r.username, r.password_hash, r.user_type, r.member_id, r.advertiser_id, r.state,
         ${UTC("created_on")}, ${UTC("last_modified")}
    FROM json_to_recordset($1::json) AS r(id int, username text, password_hash text,
      user_type text, member_id int, advertiser_id int, state text, created_on text,
      last_modified text)
   WHERE r.member_id IS NULL OR EXISTS (SELECT FROM members m WHERE m.id = r.member_id)
  ON CONFLICT DO NOTHING RETURNING 1`;

const ADVERTISERS = `INSERT INTO advertisers (member_id, id, code, name, state, redirect_domains,
    append_click_id, created_on, last_modified)
  SELECT r.member_id, r.id, r.code, r.name, coalesce(r.state, 'active'),
         coalesce(ARRAY(SELECT json_array_elements_text(r.redirect_domains)), '{}'),
         coalesce(r.append_click_id, false), ${UTC("created_on")}, ${UTC("last_modified")}
    FROM json_to_recordset($1::json) AS r(member_id int, id int, code text, name text,
      state text, redirect_domains json, append_click_id boolean, created_on text,
      last_modified text)
   WHERE EXISTS (SELECT FROM members m WHERE m.id = r.member_id)
  ON CONFLICT DO NOTHING RETURNING 1`;

const PIXELS = `INSERT INTO pixels (member_id, id, advertiser_id, code, name, state, trigger_type,
    min_minutes_per_conv, post_view_expire_mins, post_click_expire_mins, post_view_value,
    post_click_value, piggyback_pixels, pixel_conversion_event_id, created_on, last_modified)
  SELECT r.member_id, r.id, r.advertiser_id, r.code, r.name, r.state, r.trigger_type,
         r.min_minutes_per_conv, r.post_view_expire_mins, r.post_click_expire_mins,
         r.post_view_value, r.post_click_value, r.piggyback_pixels::jsonb,
         r.pixel_conversion_event_id, ${UTC("created_on")}, ${UTC("last_modified")}
    FROM json_to_recordset($1::json) AS r(member_id int, id int, advertiser_id int, code text,
      name text, state text, trigger_type text, min_minutes_per_conv int,
      post_view_expire_mins int, post_click_expire_mins int, post_view_value numeric,
      post_click_value numeric, piggyback_pixels json, pixel_conversion_event_id int,
      created_on text, last_modified text)
   WHERE EXISTS (SELECT FROM advertisers a WHERE a.member_id = r.member_id AND a.id = r.advertiser_id)
  ON CONFLICT DO NOTHING RETURNING 1`;

const LINE_ITEMS = `INSERT INTO line_items (member_id, id, advertiser_id, code, name, state,
    created_on, last_modified)
  SELECT r.member_id, r.id, r.advertiser_id, r.code, r.name, r.state, ${UTC("created_on")},
         ${UTC("last_modified")}
    FROM json_to_recordset($1::json) AS r(member_id int, id int, advertiser_id int, code text,
      name text, state text, created_on text, last_modified text)
   WHERE EXISTS (SELECT FROM advertisers a WHERE a.member_id = r.member_id AND a.id = r.advertiser_id)
  ON CONFLICT DO NOTHING RETURNING 1`;

const LINE_ITEM_PIXELS = `INSERT INTO line_item_pixels (member_id, advertiser_id, line_item_id,
    pixel_id, position, state, post_click_revenue, post_view_revenue)
  SELECT r.member_id, r.advertiser_id, r.line_item_id, r.pixel_id, r.position, r.state,
         r.post_click_revenue, r.post_view_revenue
    FROM json_to_recordset($1::json) AS r(member_id int, advertiser_id int, line_item_id int,
      pixel_id int, position int, state text, post_click_revenue numeric, post_view_revenue numeric)
   WHERE EXISTS (SELECT FROM pixels p WHERE p.member_id = r.member_id
                   AND p.advertiser_id = r.advertiser_id AND p.id = r.pixel_id)
     AND EXISTS (SELECT FROM line_items l WHERE l.member_id = r.member_id AND l.id = r.line_item_id)
  ON CONFLICT DO NOTHING RETURNING 1`;

const CAMPAIGNS = `INSERT INTO campaigns (member_id, id, advertiser_id, line_item_id, code, name,
    state, created_on, last_modified)
  SELECT r.member_id, r.id, r.advertiser_id, r.line_item_id, r.code, r.name, r.state,
         ${UTC("created_on")}, ${UTC("last_modified")}
    FROM json_to_recordset($1::json) AS r(member_id int, id int, advertiser_id int,
      line_item_id int, code text, name text, state text, created_on text, last_modified text)
   WHERE EXISTS (SELECT FROM line_items l WHERE l.member_id = r.member_id
                   AND l.advertiser_id = r.advertiser_id AND l.id = r.line_item_id)
  ON CONFLICT DO NOTHING RETURNING 1`;

const CAMPAIGN_PIXELS = `INSERT INTO campaign_pixels (member_id, line_item_id, campaign_id,
    pixel_id, position, state)
  SELECT r.member_id, r.line_item_id, r.campaign_id, r.pixel_id, r.position, r.state
    FROM json_to_recordset($1::json) AS r(member_id int, line_item_id int, campaign_id int,
      pixel_id int, position int, state text)
   WHERE EXISTS (SELECT FROM line_item_pixels lp WHERE lp.member_id = r.member_id
                   AND lp.line_item_id = r.line_item_id AND lp.pixel_id = r.pixel_id)
     AND EXISTS (SELECT FROM campaigns c WHERE c.member_id = r.member_id AND c.id = r.campaign_id
                   AND c.line_item_id = r.line_item_id)
  ON CONFLICT DO NOTHING RETURNING 1`;
