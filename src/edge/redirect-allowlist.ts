import type { EdgePixel } from "../pixels/pixel-document.js";

function hostOf(url: string): string | null {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return null;
  }
}

/**
 * Whether `/px?redir=` may send the browser to this URL: only to a host on the advertiser's
 * `redirect_domains` (or a subdomain of one) or the host of one of the pixel's piggybacks, so
 * the edge is never an open redirector.
 */
export function isAllowedRedirect(redir: URL, pixel: EdgePixel | null): boolean {
  if (!pixel) return false;
  const host = redir.hostname.toLowerCase();
  for (const domain of pixel.redirect_domains) {
    const allowed = domain
      .trim()
      .toLowerCase()
      .replace(/^\*?\./, "");
    if (allowed && (host === allowed || host.endsWith(`.${allowed}`))) return true;
  }
  return pixel.piggyback_pixels.some((p) => hostOf(p.url) === host);
}
