import type { MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import type { ApiDeps } from "../api-deps.js";
import type { ApiEnv } from "../api-env.js";
import { noAuth } from "../api-error.js";
import { isActive } from "../objects/users.js";
import { requireMemberUnlessReport } from "../tenancy.js";

export const TOKEN_COOKIE = "token";

/** The token from `Authorization: <token>` (a `Bearer ` prefix is accepted too) or the cookie. */
export function presentedToken(
  authorization: string | undefined,
  cookie: string | undefined,
): string | null {
  const header = authorization?.trim().replace(/^Bearer\s+/i, "");
  return header || cookie || null;
}

/**
 * Lets a request through only with a live token; the user it belongs to goes in `c.var.user`.
 * An advertiser user gets no further than its reports.
 */
export function requireAuth(deps: ApiDeps): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const token = presentedToken(c.req.header("Authorization"), getCookie(c, TOKEN_COOKIE));
    if (!token || token.length > 200) throw noAuth();
    const userId = await deps.stores.tokens.resolve(token);
    const user = userId === null ? null : await deps.stores.users.get(userId);
    // A disabled user's tokens are revoked too; this also covers one issued meanwhile.
    if (!user || !isActive(user))
      throw noAuth("Authentication failed: the token is unknown or expired");
    c.set("user", user);
    requireMemberUnlessReport(user, c.req.path, c.req.method);
    await next();
  };
}
