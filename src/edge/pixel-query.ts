import { isEventId } from "../conversions/event-id.js";
import { parseMoney } from "../fields/money.js";
import { parseObjectId } from "../fields/object-id.js";
import { parseHttpUrl } from "../pixels/http-url.js";
import type { PixelRef } from "../pixels/pixel-document.js";
import { looksLikeClickId } from "../signing/click-id.js";

/** A `/px` request with every malformed optional parameter dropped (SPEC section 2). */
export interface PixelQuery {
  pixel: PixelRef | null;
  format: "js" | "img";
  orderId: string | null;
  value: number | null;
  other: string | null;
  redir: URL | null;
  /** `gpc=1`: the page's Global Privacy Control signal, sent by the tag loader. */
  gpc: boolean;
  /** `pxclid` (SPEC 12), not yet verified: its signature is checked after the answer. */
  clickId: string | null;
  /** `event_id`: the conversion's id, shared with a server event of it (SPEC 12). */
  eventId: string | null;
}

const ORDER_ID = /^[A-Za-z0-9_-]{1,36}$/;
const MAX_CODE_LENGTH = 100;
const MAX_OTHER_CHARS = 30;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it strips
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/g;

/** Decoded query parameters by name, as Hono's `c.req.query()` gives them. */
export type QueryParams = Readonly<Record<string, string | undefined>>;

/** `other` as it is kept: control characters out, the first 30 characters, null when empty. */
export function keptOther(other: string | null | undefined): string | null {
  if (!other) return null;
  return Array.from(other.replace(CONTROL_CHARS, "")).slice(0, MAX_OTHER_CHARS).join("") || null;
}

function pixelRef(params: QueryParams): PixelRef | null {
  const id = params.id;
  if (id !== undefined) {
    const pixelId = parseObjectId(id);
    return pixelId === null ? null : { id: pixelId };
  }
  const code = params.code;
  const member = parseObjectId(params.member);
  if (!code || code.length > MAX_CODE_LENGTH || member === null) return null;
  return { code, member_id: member };
}

/** `clickParam`: the parameter that carries the click id (`sspdata` on /sspx). */
export function parsePixelQuery(params: QueryParams, clickParam = "pxclid"): PixelQuery {
  const orderId = params.order_id;
  const other = params.other;
  return {
    pixel: pixelRef(params),
    format: params.t === "1" ? "js" : "img",
    orderId: orderId && ORDER_ID.test(orderId) ? orderId : null,
    value: parseMoney(params.value),
    other: keptOther(other),
    redir: parseHttpUrl(params.redir),
    gpc: params.gpc === "1",
    clickId: looksLikeClickId(params[clickParam]) ? (params[clickParam] ?? null) : null,
    eventId: isEventId(params.event_id) ? params.event_id : null,
  };
}
