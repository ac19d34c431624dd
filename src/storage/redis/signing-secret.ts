import { randomHex } from "../../random-hex.js";
import { keys } from "../keys.js";
import type { RedisClient } from "./connect.js";

/**
 * The beacon signing secret when SIGNING_SECRET is unset: generated once, kept in Redis, so
 * every instance and every restart signs and verifies with the same one.
 */
export async function sharedSigningSecret(redis: RedisClient): Promise<string> {
  const candidate = randomHex(32);
  await redis.set(keys.signingSecret, candidate, "NX");
  const secret = await redis.get(keys.signingSecret);
  if (!secret) throw new Error("signing secret could not be stored in Redis");
  return secret;
}
