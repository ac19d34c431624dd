import { randomHex } from "../random-hex.js";
import { keys } from "../storage/keys.js";
import type { RedisClient } from "../storage/redis/connect.js";
import type { SqlClient } from "../storage/sql/sql-client.js";

/**
 * The beacon signing secret when SIGNING_SECRET is unset (SPEC 3, 15): generated once and kept
 * in PostgreSQL, so every instance and restart signs and verifies with the same one and a lost
 * Redis loses none. The secret an earlier version kept in Redis is adopted the first time (the
 * URLs and click ids it signed stay good); Redis gets a copy, which Workers and `npm run sign`
 * read.
 */
export async function sharedSigningSecret(
  sql: Pick<SqlClient, "query">,
  redis: RedisClient,
): Promise<string> {
  const earlier = await redis.get(keys.signingSecret);
  await sql.query(
    `INSERT INTO service_settings (name, value) VALUES ('signing_secret', $1)
     ON CONFLICT (name) DO NOTHING`,
    [earlier ?? randomHex(32)],
  );
  const [row] = await sql.query<{ value: string }>(
    "SELECT value FROM service_settings WHERE name = 'signing_secret'",
  );
  if (!row) throw new Error("the signing secret could not be stored");
  if (row.value !== earlier) await redis.set(keys.signingSecret, row.value);
  return row.value;
}
