import type { Context } from "hono";
import { withClick } from "../conversions/click-credit.js";
import type { AcceptedFire } from "../conversions/log-rows.js";
import type { AppDeps } from "../deps.js";
import { decodeClickId } from "../signing/click-id.js";
import { withTimeout } from "../with-timeout.js";

/**
 * How long a fire with a click id waits for the signing secret after its answer (it is read
 * from Redis once when SIGNING_SECRET is unset): past it, the fire is recorded without its
 * click rather than held in memory while Redis is away.
 */
const SECRET_WAIT_MS = 1000;

/**
 * The fire with the click its click id names as a candidate, or as it was when the id is not
 * one of ours (tampered, truncated, another deployment's). Never rejects.
 */
export async function creditClickId(
  c: Context,
  deps: AppDeps,
  fire: AcceptedFire,
  clickId: string | null,
): Promise<AcceptedFire> {
  if (!clickId) return fire;
  const secret = await withTimeout(deps.signingSecret(c), SECRET_WAIT_MS, null);
  return secret === null ? fire : withClick(fire, decodeClickId(secret, clickId));
}
