import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { piggybackScript, pixelAnswer } from "../../src/edge/piggyback-response.js";
import { parsePixelQuery } from "../../src/edge/pixel-query.js";
import type { EdgePixel, PiggybackPixel } from "../../src/pixels/pixel-document.js";
import { edgePixel } from "../helpers/documents.js";

/** Pixel 37 with these piggybacks and redirect domains (none unless given). */
const withPiggybacks = (piggybacks: PiggybackPixel[], redirectDomains: string[] = []): EdgePixel =>
  edgePixel({ piggyback_pixels: piggybacks, redirect_domains: redirectDomains });

const img = (url: string): PiggybackPixel => ({ pixel_type: "img", url });
const js = (url: string): PiggybackPixel => ({ pixel_type: "js", url });
const query = (q: string) => parsePixelQuery(Object.fromEntries(new URLSearchParams(q)));

/** Runs a piggyback script against a stand-in DOM and returns what it loaded. */
function load(script: string): { scripts: string[]; images: string[] } {
  const scripts: string[] = [];
  const images: string[] = [];
  const element = { async: false, src: "" };
  const document = {
    head: { appendChild: (e: typeof element) => scripts.push(e.src) },
    createElement: () => ({ ...element }),
  };
  class Image {
    set src(url: string) {
      images.push(url);
    }
  }
  runInNewContext(script, { document, Image });
  return { scripts, images };
}

describe("the image pixel (t=2)", () => {
  it.each([
    ["no piggyback, no redir", [], "", { kind: "gif" }],
    [
      "an img piggyback",
      [img("https://a.example/p.gif")],
      "",
      { kind: "redirect", location: "https://a.example/p.gif" },
    ],
    [
      "a js piggyback cannot fire from an image",
      [js("https://a.example/p.js")],
      "",
      { kind: "gif" },
    ],
    [
      "an allowed redir wins over the piggyback",
      [img("https://a.example/p.gif")],
      "&redir=https%3A%2F%2Fshop.example%2Fok",
      { kind: "redirect", location: "https://shop.example/ok" },
    ],
    [
      "a subdomain of an allowed domain",
      [],
      "&redir=https%3A%2F%2Fwww.shop.example%2F",
      { kind: "redirect", location: "https://www.shop.example/" },
    ],
    [
      "the host of a piggyback",
      [img("https://a.example/p.gif")],
      "&redir=https%3A%2F%2Fa.example%2Fother",
      { kind: "redirect", location: "https://a.example/other" },
    ],
    [
      "a redir to another host is ignored",
      [],
      "&redir=https%3A%2F%2Fevil.example%2F",
      { kind: "gif" },
    ],
    [
      "a look-alike host is ignored",
      [],
      "&redir=https%3A%2F%2Fevilshop.example%2F",
      { kind: "gif" },
    ],
    [
      "a host that only ends with the domain text",
      [],
      "&redir=https%3A%2F%2Fshop.example.evil.example%2F",
      { kind: "gif" },
    ],
    ["a non-http redir is ignored", [], "&redir=javascript%3Aalert(1)", { kind: "gif" }],
  ])("%s", (_name, piggybacks, extra, expected) => {
    const pixel = withPiggybacks(piggybacks as PiggybackPixel[], ["shop.example"]);
    expect(pixelAnswer(query(`id=37&t=2${extra}`), pixel)).toEqual(expected);
  });

  it("never redirects for an unknown pixel", () => {
    expect(pixelAnswer(query("id=9&redir=https%3A%2F%2Fshop.example%2F"), null)).toEqual({
      kind: "gif",
    });
  });
});

describe("the JavaScript pixel (t=1)", () => {
  it("loads js piggybacks as scripts, img piggybacks and an allowed redir as images", () => {
    const pixel = withPiggybacks([js("https://a.example/x.js"), js("https://b.example/y.js")]);
    const answer = pixelAnswer(query("id=37&t=1&redir=https%3A%2F%2Fa.example%2Fthanks"), pixel);
    if (answer.kind !== "script") throw new Error("expected a script");
    expect(load(answer.body)).toEqual({
      scripts: ["https://a.example/x.js", "https://b.example/y.js"],
      images: ["https://a.example/thanks"],
    });
  });

  it("answers an empty script when there is nothing to fire", () => {
    expect(pixelAnswer(query("id=37&t=1"), withPiggybacks([]))).toEqual({
      kind: "script",
      body: "",
    });
  });

  it("embeds hostile URLs so they cannot break out of the string or the script", () => {
    const hostile = [
      "https://a.example/</script><script>alert(1)</script>",
      'https://a.example/"+alert(1)+"',
      "https://a.example/'+alert(1)+'",
      "https://a.example/\u2028alert(1)\u2029",
      'https://a.example/\\"<!--',
    ];
    const body = piggybackScript(hostile, hostile);
    expect(body).not.toMatch(/<\/script/i);
    expect(body).not.toContain("<!--");
    expect(body).not.toMatch(/[\u2028\u2029]/);
    expect(load(body)).toEqual({ scripts: hostile, images: hostile });
  });
});
