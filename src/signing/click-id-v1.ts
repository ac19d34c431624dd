import { Buffer } from "node:buffer";
import { createHmac, timingSafeEqual } from "node:crypto";
import type { ClickIdContents } from "./click-id-contents.js";

// The first click id format, `1.<adv>.<li>.<cp>.<cr>.<ts>.<user>.<mac>`: signed but readable,
// so the landing page could read the HttpOnly uuid2 in it. No longer issued (click-id.ts
// issues the encrypted `2.` ids); still read, so that the ids issued before keep crediting
// their clicks for as long as a pixel's click window lasts (post_click_expire_mins: at most
// 90 days after this format's last one, then this file can go).

const VERSION = "1";
/** 16 bytes of HMAC-SHA256: forging one is a 2^128 guess. */
const MAC_BYTES = 16;
// Domain separation: the same secret signs beacon URLs, and neither may stand for the other.
const CONTEXT = "pxclid:";

const B36 = /^[0-9a-z]{1,11}$/;
const DECIMAL_USER = /^[1-9][0-9]{0,19}$/;
const HEX_UUID = /^[0-9a-f]{32}$/;

const mac = (secret: string, payload: string): Buffer =>
  createHmac("sha256", secret)
    .update(CONTEXT + payload)
    .digest()
    .subarray(0, MAC_BYTES);

const b36 = (n: number) => n.toString(36);

/** A uuid2 in few characters: decimal ids in base 36 (`d…`), UUIDs as 32 hex digits (`u…`). */
function encodeUser(userId: string | null): string {
  if (userId === null) return "";
  if (DECIMAL_USER.test(userId)) return `d${BigInt(userId).toString(36)}`;
  return `u${userId.replaceAll("-", "").toLowerCase()}`;
}

function decodeUser(text: string): string | null | undefined {
  if (text === "") return null;
  const body = text.slice(1);
  if (text[0] === "d" && /^[0-9a-z]{1,13}$/.test(body)) {
    let n = 0n;
    for (const ch of body) n = n * 36n + BigInt(Number.parseInt(ch, 36));
    const id = n.toString();
    return DECIMAL_USER.test(id) ? id : undefined;
  }
  if (text[0] === "u" && HEX_UUID.test(body))
    return `${body.slice(0, 8)}-${body.slice(8, 12)}-${body.slice(12, 16)}-${body.slice(16, 20)}-${body.slice(20)}`;
  return undefined;
}

/** A positive id in base 36 (required), or null for "" when `optional`. */
function decodeId(text: string | undefined, optional: boolean): number | null | undefined {
  if (text === undefined) return undefined;
  if (text === "") return optional ? null : undefined;
  if (!B36.test(text)) return undefined;
  const n = Number.parseInt(text, 36);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/**
 * A click id in the first format (only tests issue them now, to prove they are still read).
 *
 * @example encodeClickIdV1(secret, { advertiser_id: 2, line_item_id: 382, campaign_id: 17607,
 *   creative_id: 9, ts: 1795867200000, user_id: "42" }) // "1.2.am.dkr.9.mi7a8bk0.d16.…"
 */
export function encodeClickIdV1(secret: string, click: ClickIdContents): string {
  const payload = [
    VERSION,
    b36(click.advertiser_id),
    b36(click.line_item_id),
    click.campaign_id === null ? "" : b36(click.campaign_id),
    click.creative_id === null ? "" : b36(click.creative_id),
    b36(click.ts),
    encodeUser(click.user_id),
  ].join(".");
  return `${payload}.${mac(secret, payload).toString("base64url")}`;
}

/**
 * What a click id of the first format says, or null when it is not one of ours: malformed,
 * truncated, tampered with, signed with another secret. Never throws; its length and
 * characters are checked by decodeClickId first.
 */
export function decodeClickIdV1(secret: string, text: string): ClickIdContents | null {
  const parts = text.split(".");
  if (parts.length !== 8 || parts[0] !== VERSION) return null;
  // Compared as text: base64 has several spellings of the same bytes (unused low bits of
  // the last character), and an id that differs in any character is not ours.
  const given = Buffer.from(parts[7] ?? "");
  const expected = Buffer.from(mac(secret, parts.slice(0, 7).join(".")).toString("base64url"));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const advertiser = decodeId(parts[1], false);
  const lineItem = decodeId(parts[2], false);
  const campaign = decodeId(parts[3], true);
  const creative = decodeId(parts[4], true);
  const ts = decodeId(parts[5], false);
  const user = decodeUser(parts[6] ?? "");
  if (!advertiser || !lineItem || !ts || campaign === undefined || creative === undefined)
    return null;
  if (user === undefined) return null;
  return {
    advertiser_id: advertiser,
    line_item_id: lineItem,
    campaign_id: campaign,
    creative_id: creative,
    ts,
    user_id: user,
  };
}
