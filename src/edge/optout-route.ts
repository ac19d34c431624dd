import type { Hono } from "hono";
import { NO_CACHE_HEADERS } from "./responses.js";
import { clearCookie, optOutCookie, wantsSecureCookie } from "./user-identity.js";

const page = (title: string, text: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head>` +
  `<body><h1>${title}</h1><p>${text}</p></body></html>`;

/** `GET /optout` stores the opt-out cookie (`uuid2=-1`); `?undo=1` removes it. */
export function mountOptOutRoute(app: Hono): void {
  app.get("/optout", (c) => {
    const secure = wantsSecureCookie(c.req.url);
    const undo = c.req.query("undo") === "1";
    const headers = new Headers({
      ...NO_CACHE_HEADERS,
      "Content-Type": "text/html; charset=utf-8",
    });
    headers.append("Set-Cookie", undo ? clearCookie(secure) : optOutCookie(secure));
    const body = undo
      ? page("Opt-out removed", "This browser is no longer opted out of conversion tracking.")
      : page(
          "You are opted out",
          "This browser is opted out: its conversions are no longer tied to its ads. " +
            "Clearing cookies removes the opt-out.",
        );
    return new Response(body, { status: 200, headers });
  });
}
