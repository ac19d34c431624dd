import type { IncomingMessage } from "node:http";
import type { Context } from "hono";

/** What an address that cannot be read or does not look like one counts as. */
const UNKNOWN = "unknown";

/** An IPv4 or IPv6 address as a key part: `::ffff:` dropped, anything else not an address. */
export function normalAddress(raw: string | undefined | null): string {
  const address = (raw ?? "")
    .trim()
    .toLowerCase()
    .replace(/^::ffff:(?=\d+\.)/, "");
  return /^[0-9a-f.:]{2,45}$/.test(address) ? address : UNKNOWN;
}

/**
 * The client address a request came from: the socket's peer, or with `trustProxy` the first
 * `X-Forwarded-For` entry, which only a proxy that sets (not appends to) that header makes
 * trustworthy. `app.request()` in tests has no socket: "unknown" without `trustProxy`.
 */
export function clientAddress(trustProxy: boolean): (c: Context) => string {
  return (c) => {
    if (trustProxy) return normalAddress(c.req.header("x-forwarded-for")?.split(",")[0]);
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    return normalAddress(incoming?.socket.remoteAddress);
  };
}
