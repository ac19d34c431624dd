import { describe, expect, it } from "vitest";
import {
  canonicalQuery,
  hasValidSignature,
  signatureFor,
  signUrl,
} from "../../src/signing/url-signature.js";

const SECRET = "unit-secret";
const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);

const parts = (url: string) => {
  const parsed = new URL(url);
  return [parsed.pathname, parsed.searchParams] as const;
};

describe("canonicalQuery", () => {
  it("sorts by name then value, percent-encodes, and leaves sig out", () => {
    const params = new URLSearchParams("li=382&adv=2&sig=ff&x=b&x=a&redir=https://s.example/?q=1");
    expect(canonicalQuery("/click", params)).toBe(
      "/click?adv=2&li=382&redir=https%3A%2F%2Fs.example%2F%3Fq%3D1&x=a&x=b",
    );
  });

  it("the order parameters came in does not matter", () => {
    expect(canonicalQuery("/imp", new URLSearchParams("b=2&a=1"))).toBe(
      canonicalQuery("/imp", new URLSearchParams("a=1&b=2")),
    );
  });
});

describe("signUrl and hasValidSignature", () => {
  it("adds ts (epoch seconds) and a 64-hex sig that verifies", async () => {
    const signed = await signUrl(SECRET, "https://px.example/imp?adv=2&li=382", NOW);
    const [path, params] = parts(signed);
    expect(params.get("ts")).toBe(String(NOW / 1000));
    expect(params.get("sig")).toMatch(/^[0-9a-f]{64}$/);
    expect(await hasValidSignature(SECRET, path, params)).toBe(true);
  });

  it("keeps a given ts and replaces an old sig", async () => {
    const signed = await signUrl(SECRET, "https://px.example/imp?adv=2&ts=100&sig=00", NOW);
    const [path, params] = parts(signed);
    expect(params.getAll("ts")).toEqual(["100"]);
    expect(params.getAll("sig")).toHaveLength(1);
    expect(await hasValidSignature(SECRET, path, params)).toBe(true);
  });

  it("accepts the sig in upper case", async () => {
    const [path, params] = parts(await signUrl(SECRET, "https://px.example/imp?adv=2", NOW));
    params.set("sig", (params.get("sig") ?? "").toUpperCase());
    expect(await hasValidSignature(SECRET, path, params)).toBe(true);
  });

  const tampered: Array<[string, (p: URLSearchParams) => void, string, string]> = [
    ["another secret", () => {}, "other-secret", "/imp"],
    ["a changed parameter", (p) => p.set("li", "383"), SECRET, "/imp"],
    ["an added parameter", (p) => p.set("cp", "1"), SECRET, "/imp"],
    ["a younger ts", (p) => p.set("ts", String(NOW / 1000 + 60)), SECRET, "/imp"],
    ["an impression replayed as a click", () => {}, SECRET, "/click"],
    ["a short sig", (p) => p.set("sig", "abc"), SECRET, "/imp"],
    ["no sig", (p) => p.delete("sig"), SECRET, "/imp"],
  ];
  it.each(tampered)("refuses %s", async (_what, tamper, secret, path) => {
    const [, params] = parts(await signUrl(SECRET, "https://px.example/imp?adv=2&li=382", NOW));
    tamper(params);
    expect(await hasValidSignature(secret, path, params)).toBe(false);
  });

  it("is the HMAC of the canonical text: the same for the same beacon", async () => {
    const params = new URLSearchParams("adv=2&li=382&ts=1");
    expect(await signatureFor(SECRET, "/imp", params)).toBe(
      await signatureFor(SECRET, "/imp", new URLSearchParams("ts=1&li=382&adv=2")),
    );
  });
});
