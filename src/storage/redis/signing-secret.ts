import { randomHex } from "../../random-hex.js";
import { keys } from "../keys.js";
import type { RedisClient } from "./connect.js";

/**
 * The beacon signing secret when SIGNING_SECRET is unset, as a Worker (or `npm run sign`) reads
 * it: the copy the Node service keeps in Redis of the one in PostgreSQL
 * (src/node/signing-secret.ts); a deployment without a Node service generates it here once.
 */
export async function sharedSigningSecret(redis: RedisClient): Promise<string> {
  const candidate = randomHex(32);
  await redis.set(keys.signingSecret, candidate, "NX");
  const secret = await redis.get(keys.signingSecret);
  if (!secret) throw new Error("signing secret could not be stored in Redis");
  return secret;
}
