import { expect } from "vitest";
import { signUrl } from "../../src/signing/url-signature.js";
import { TEST_SECRET } from "./node-edge.js";

export const EDGE_ORIGIN = "https://px.example";
/** A landing URL with a query and a fragment the click id must leave byte for byte. */
export const LANDING = "https://shop.example/spring?utm_source=ads&q=a%20b#top";

/**
 * Clicks through a signed /click (line item 382, campaign 17607, creative 9) with no cookie,
 * signed at `signedAt`; answers the landing URL the edge redirected to and the new uuid2.
 */
export async function clickThrough(
  request: (url: string) => Promise<Response>,
  landing = LANDING,
  signedAt = Date.now(),
): Promise<{ location: string; uuid2: string }> {
  const url = await signUrl(
    TEST_SECRET,
    `${EDGE_ORIGIN}/click?adv=2&li=382&cp=17607&cr=9&redir=${encodeURIComponent(landing)}`,
    signedAt,
  );
  const response = await request(url);
  expect(response.status).toBe(302);
  const uuid2 = /uuid2=(\d+)/.exec(response.headers.get("set-cookie") ?? "")?.[1] ?? "";
  return { location: response.headers.get("location") ?? "", uuid2 };
}

/** The click id the edge appended to a landing URL. */
export const clickIdOf = (location: string) => new URL(location).searchParams.get("pxclid") ?? "";
