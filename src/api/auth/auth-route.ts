import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { setCookie } from "hono/cookie";
import { keys } from "../../storage/keys.js";
import type { ApiDeps } from "../api-deps.js";
import type { ApiEnv } from "../api-env.js";
import { ApiError, noAuth } from "../api-error.js";
import { documentedRoute } from "../documented-route.js";
import { respond } from "../envelope.js";
import { jsonBody, parseWrite } from "../objects/write-body.js";
import { verifyPassword } from "./password.js";
import { TOKEN_COOKIE } from "./require-auth.js";
import { TOKEN_LIFETIME_MS } from "./tokens.js";

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

/** `POST /auth`: throttled per user; every failure answers alike, however it failed. */
export function mountAuthRoute(api: OpenAPIHono<ApiEnv>, deps: ApiDeps): void {
  documentedRoute(api, route, async (c) => {
    const { username, password } = parseWrite(
      await jsonBody(c.req),
      "auth",
      Credentials,
      [],
    ).values;
    const verdict = await deps.stores.logins.check(username);
    if (!verdict.allowed)
      throw new ApiError(
        "RATE_EXCEEDED",
        "Too many logins for this user; try again later",
        undefined,
        verdict.retryAfter,
      );
    if (verdict.delayMs > 0) await new Promise((r) => setTimeout(r, verdict.delayMs));

    const id = await deps.redis.get(keys.userByName(username));
    const user = id === null ? null : await deps.stores.users.get(Number(id));
    const valid = user ? await verifyPassword(password, user.password_hash) : false;
    await deps.stores.logins.record(username, valid ? "ok" : "fail");
    if (!user || !valid) throw noAuth("Authentication failed: wrong username or password");

    const token = await deps.stores.tokens.issue(user.id);
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
