import type { Hono } from "hono";
import { TAG_ETAG, TAG_SCRIPT, TAG_SCRIPT_GZIP_BASE64 } from "../tag/generated/tag-script.js";

/**
 * A day in browsers and shared caches, then a 304 revalidation by ETag: every browser has a new
 * loader within a day of a deploy, and most days cost a 304 at most. The stale window keeps the
 * old loader working while that revalidation is in flight.
 */
const TAG_CACHE_CONTROL = "public, max-age=86400, stale-while-revalidate=604800";

const GZIPPED = Uint8Array.from(atob(TAG_SCRIPT_GZIP_BASE64), (ch) => ch.charCodeAt(0));

export interface TagRouteOptions {
  /**
   * Send the gzipped build to browsers that accept it. Node sets it; Cloudflare compresses a
   * Worker's responses itself.
   */
  gzip: boolean;
}

/** `GET /tag.js`: the queue-style loader (SPEC section 9), built from src/tag/loader.ts. */
export function mountTagRoute(app: Hono, options: TagRouteOptions): void {
  app.get("/tag.js", (c) => {
    const headers: Record<string, string> = {
      "Content-Type": "application/javascript; charset=utf-8",
      "Cache-Control": TAG_CACHE_CONTROL,
      ETag: TAG_ETAG,
      Vary: "Accept-Encoding",
    };
    if (matchesEtag(c.req.header("if-none-match")))
      return new Response(null, { status: 304, headers });
    if (options.gzip && /\bgzip\b/.test(c.req.header("accept-encoding") ?? "")) {
      headers["Content-Encoding"] = "gzip";
      return new Response(GZIPPED, { status: 200, headers });
    }
    return new Response(TAG_SCRIPT, { status: 200, headers });
  });
}

/** `If-None-Match` lists ETags, possibly weak (`W/`) ones after a proxy recompressed. */
function matchesEtag(header: string | undefined): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((tag) => tag.trim().replace(/^W\//, "") === TAG_ETAG);
}
