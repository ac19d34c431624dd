import { parseHttpUrl } from "../pixels/http-url.js";
import type { PixelRef } from "../pixels/pixel-document.js";
import { OBJECT_ID } from "./object-id.js";

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
}

const ORDER_ID = /^[A-Za-z0-9_-]{1,36}$/;
const VALUE = /^[0-9]{1,15}(?:\.[0-9]{1,10})?$/;
const MAX_CODE_LENGTH = 100;
const MAX_OTHER_CHARS = 30;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it strips
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/g;

/** Decoded query parameters by name, as Hono's `c.req.query()` gives them. */
export type QueryParams = Readonly<Record<string, string | undefined>>;

function pixelRef(params: QueryParams): PixelRef | null {
  const id = params.id;
  if (id !== undefined) return OBJECT_ID.test(id) ? { id: Number(id) } : null;
  const code = params.code;
  const member = params.member;
  if (!code || code.length > MAX_CODE_LENGTH || !member || !OBJECT_ID.test(member)) return null;
  return { code, member_id: Number(member) };
}

export function parsePixelQuery(params: QueryParams): PixelQuery {
  const orderId = params.order_id;
  const value = params.value;
  const other = params.other;
  return {
    pixel: pixelRef(params),
    format: params.t === "1" ? "js" : "img",
    orderId: orderId && ORDER_ID.test(orderId) ? orderId : null,
    value: value && VALUE.test(value) ? Number(value) : null,
    other: other
      ? Array.from(other.replace(CONTROL_CHARS, "")).slice(0, MAX_OTHER_CHARS).join("") || null
      : null,
    redir: parseHttpUrl(params.redir),
    gpc: params.gpc === "1",
  };
}
