import type { Context } from "hono";

/** A script compiled by scripts/build-browser.ts, as its generated module exports it. */
export interface BuiltScript {
  source: string;
  gzipBase64: string;
  etag: string;
}

export interface ScriptServing {
  /** Send the gzipped build to browsers that accept it (Node; Cloudflare compresses Workers). */
  gzip: boolean;
  cacheControl: string;
}

/**
 * Answers a built script: a `304` when the browser holds this build (`If-None-Match`), the
 * gzipped bytes when allowed and accepted, else the text.
 */
export function serveBuiltScript(c: Context, script: BuiltScript, serving: ScriptServing) {
  const headers: Record<string, string> = {
    "Content-Type": "application/javascript; charset=utf-8",
    "Cache-Control": serving.cacheControl,
    ETag: script.etag,
    Vary: "Accept-Encoding",
  };
  if (matchesEtag(c.req.header("if-none-match"), script.etag))
    return new Response(null, { status: 304, headers });
  if (serving.gzip && /\bgzip\b/.test(c.req.header("accept-encoding") ?? "")) {
    headers["Content-Encoding"] = "gzip";
    return new Response(gzippedBytes(script), { status: 200, headers });
  }
  return new Response(script.source, { status: 200, headers });
}

const decoded = new WeakMap<BuiltScript, Uint8Array<ArrayBuffer>>();

/** The gzipped bytes, decoded from base64 once per script. */
function gzippedBytes(script: BuiltScript): Uint8Array<ArrayBuffer> {
  let bytes = decoded.get(script);
  if (!bytes) {
    bytes = Uint8Array.from(atob(script.gzipBase64), (ch) => ch.charCodeAt(0));
    decoded.set(script, bytes);
  }
  return bytes;
}

/** `If-None-Match` lists ETags, possibly weak (`W/`) ones after a proxy recompressed. */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((tag) => tag.trim().replace(/^W\//, "") === etag);
}
