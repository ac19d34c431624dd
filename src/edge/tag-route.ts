import type { Hono } from "hono";
import { TAG_ETAG, TAG_SCRIPT, TAG_SCRIPT_GZIP_BASE64 } from "../tag/generated/tag-script.js";
import { serveBuiltScript } from "./built-script.js";

/**
 * A day in browsers and shared caches, then a 304 revalidation by ETag: every browser has a new
 * loader within a day of a deploy, and most days cost a 304 at most. The stale window keeps the
 * old loader working while that revalidation is in flight.
 */
const TAG_CACHE_CONTROL = "public, max-age=86400, stale-while-revalidate=604800";

const TAG = { source: TAG_SCRIPT, gzipBase64: TAG_SCRIPT_GZIP_BASE64, etag: TAG_ETAG };

/** `GET /tag.js`: the queue-style loader (SPEC section 9), built from src/tag/loader.ts. */
export function mountTagRoute(app: Hono, options: { gzip: boolean }): void {
  app.get("/tag.js", (c) =>
    serveBuiltScript(c, TAG, { gzip: options.gzip, cacheControl: TAG_CACHE_CONTROL }),
  );
}
