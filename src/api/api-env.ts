import type { UserDocument } from "../objects/documents.js";

/** What a member's request used of its rate limits, which `dbg_info` reports as Xandr's does. */
export interface RateUsage {
  read_limit: number;
  write_limit: number;
  reads: number;
  writes: number;
}

/** Hono variables of an authenticated API request. */
export type ApiEnv = { Variables: { user: UserDocument; rateUsage?: RateUsage } };
