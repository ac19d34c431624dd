import type { EdgePixel } from "../pixels/pixel-document.js";
import { jsStringLiteral } from "./js-literal.js";
import type { PixelQuery } from "./pixel-query.js";
import { isAllowedRedirect } from "./redirect-allowlist.js";

/** What the browser gets for a fire (SPEC section 5); pure, so every case is a table test. */
export type PixelAnswer =
  | { kind: "gif" }
  | { kind: "redirect"; location: string }
  | { kind: "script"; body: string };

/** Loads each script URL as an async script element and each image URL as an Image. */
export function piggybackScript(scripts: readonly string[], images: readonly string[]): string {
  if (scripts.length === 0 && images.length === 0) return "";
  return [
    "(function(){try{",
    `var s=[${scripts.map(jsStringLiteral).join(",")}],i=[${images.map(jsStringLiteral).join(",")}],d=document,k;`,
    "for(k=0;k<s.length;k++){var e=d.createElement('script');e.async=true;e.src=s[k];",
    "(d.head||d.documentElement).appendChild(e);}",
    "for(k=0;k<i.length;k++){new Image().src=i[k];}",
    "}catch(_){}})();",
  ].join("");
}

export function pixelAnswer(query: PixelQuery, pixel: EdgePixel | null): PixelAnswer {
  const redir = query.redir && isAllowedRedirect(query.redir, pixel) ? query.redir.href : null;
  const piggybacks = pixel?.piggyback_pixels ?? [];
  const images = piggybacks.filter((p) => p.pixel_type === "img").map((p) => p.url);
  if (query.format === "img") {
    // A js piggyback cannot fire from an image pixel.
    const location = redir ?? images[0] ?? null;
    return location ? { kind: "redirect", location } : { kind: "gif" };
  }
  const scripts = piggybacks.filter((p) => p.pixel_type === "js").map((p) => p.url);
  return { kind: "script", body: piggybackScript(scripts, redir ? [...images, redir] : images) };
}
