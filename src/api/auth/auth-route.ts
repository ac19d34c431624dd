import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { setCookie } from "hono/cookie";
import { type LoginRefusal, TOKEN_LIFETIME_MS } from "../../storage/ports.js";
import type { ApiDeps } from "../api-deps.js";
import type { ApiEnv } from "../api-env.js";
import { ApiError, noAuth } from "../api-error.js";
import { documentedRoute } from "../documented-route.js";
import { respond } from "../envelope.js";
import { isActive } from "../objects/users.js";
import { jsonBody, parseWrite } from "../objects/write-body.js";
import { DUMMY_HASH, verifyPassword } from "./password.js";
import { TOKEN_COOKIE } from "./require-auth.js";

const Credentials = z.object({
  username: z.string().min(1).max(100),
  password: z.string().min(1).max(200),
});
const AuthBody = z.object({ auth: Credentials });

const route = createRoute({
  method: "post",
  path: "/auth",
  tags: ["auth"],
  summary: "Log in: a token in the response and in an HttpOnly cookie",
  // Parsed in the handler too: `curl -d` sends JSON labelled as a form, and must work.
  request: { body: { content: { "application/json": { schema: AuthBody } } } },
  responses: { 200: { description: "The token" } },
});

const tooMany = (refusal: LoginRefusal) =>
  new ApiError(
    "RATE_EXCEEDED",
    "Too many logins for this user; try again later",
    undefined,
    refusal.retryAfter,
  );

/**
 * `POST /auth`: throttled per user and client address
 * (src/storage/redis/redis-login-throttle.ts); every failure answers alike and takes as long,
 * however it failed.
 */
export function mountAuthRoute(api: OpenAPIHono<ApiEnv>, deps: ApiDeps): void {
  documentedRoute(api, route, async (c) => {
    const { username, password } = parseWrite(
      await jsonBody(c.req),
      "auth",
      Credentials,
      [],
    ).values;
    const ticket = await deps.stores.logins.reserve(username, deps.clientAddress(c));
    if (!ticket.allowed) throw tooMany(ticket);
    if (ticket.delayMs > 0) await new Promise((r) => setTimeout(r, ticket.delayMs));

    const user = await deps.stores.users.byUsername(username);
    // An unknown user costs one hash check too, so timing does not tell which users exist.
    const matches = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH);
    if (!user || !matches || !isActive(user)) {
      await deps.stores.logins.settle(ticket, "fail");
      // Only the right password learns that the user is disabled.
      throw noAuth(
        user && matches
          ? "Authentication failed: this user is inactive"
          : "Authentication failed: wrong username or password",
      );
    }
    const settled = await deps.stores.logins.settle(ticket, "ok");
    if (!settled.allowed) throw tooMany(settled);

    const token = await deps.stores.tokens.issue(user.id);
    // A password change or a disabling meanwhile may have revoked the user's tokens before
    // this one was listed: checked again now, so such a login does not outlive it.
    const now = await deps.stores.users.get(user.id);
    if (!now || now.password_hash !== user.password_hash || !isActive(now)) {
      await deps.stores.tokens.revoke(token);
      throw noAuth("Authentication failed: wrong username or password");
    }
    setCookie(c, TOKEN_COOKIE, token, {
      httpOnly: true,
      path: "/",
      sameSite: "Lax",
      secure: c.req.url.startsWith("https:"),
      maxAge: TOKEN_LIFETIME_MS / 1000,
    });
    return respond(c, { status: "OK", token, dbg_info: { output_term: "auth" } });
  });
}
