import type { UserDocument } from "../objects/documents.js";

/** Hono variables of an authenticated API request. */
export type ApiEnv = { Variables: { user: UserDocument } };
