import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { deleteCookie, getCookie } from "hono/cookie";
import type { ApiDeps } from "../api-deps.js";
import type { ApiEnv } from "../api-env.js";
import { noAuth } from "../api-error.js";
import { documentedRoute } from "../documented-route.js";
import { respond } from "../envelope.js";
import { presentedToken, TOKEN_COOKIE } from "./require-auth.js";

const route = createRoute({
  method: "delete",
  path: "/auth",
  tags: ["auth"],
  summary: "Log out: the token this request carries stops working",
  responses: { 200: { description: "Revoked" } },
});

/** `DELETE /auth`: revokes the caller's token (SPEC 14); 401 when it carries no live one. */
export function mountLogoutRoute(api: OpenAPIHono<ApiEnv>, deps: ApiDeps): void {
  documentedRoute(api, route, async (c) => {
    const token = presentedToken(c.req.header("Authorization"), getCookie(c, TOKEN_COOKIE));
    if (!token || token.length > 200) throw noAuth();
    if ((await deps.stores.tokens.revoke(token)) === null)
      throw noAuth("Authentication failed: the token is unknown or expired");
    deleteCookie(c, TOKEN_COOKIE, { path: "/" });
    return respond(c, { status: "OK" });
  });
}
