import { keys } from "../keys.js";
import type { RedisClient } from "./connect.js";

/**
 * The beacon signing secret when SIGNING_SECRET is unset: generated once, kept in Redis, so
 * every instance and every restart signs and verifies with the same one.
 */
export async function sharedSigningSecret(redis: RedisClient): Promise<string> {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const candidate = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  await redis.set(keys.signingSecret, candidate, "NX");
  const secret = await redis.get(keys.signingSecret);
  if (!secret) throw new Error("signing secret could not be stored in Redis");
  return secret;
}
