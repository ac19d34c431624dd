import { describe, expect, it } from "vitest";
import {
  clearCookie,
  identify,
  newUserId,
  optOutCookie,
  readCookie,
  userCookie,
  wantsSecureCookie,
} from "../../src/edge/user-identity.js";
import { isUserId } from "../../src/fields/user-id.js";

const request = (cookieHeader: string | null, gpc: string | null = null, honorGpc = true) => ({
  cookieHeader,
  gpc,
  honorGpc,
  secureCookie: true,
});

describe("readCookie", () => {
  it.each([
    [null, null],
    ["", null],
    ["uuid2=123", "123"],
    ["a=1; uuid2=456; b=2", "456"],
    ["a=1;uuid2=789", "789"],
    ["xuuid2=1; uuid2=2", "2"],
    ["uuid2x=1", null],
    ["a=uuid2=3", null],
    ["uuid2= 42 ", "42"],
  ])("%j gives %j", (header, expected) => {
    expect(readCookie(header, "uuid2")).toBe(expected);
  });
});

describe("isUserId", () => {
  it.each([
    ["1", true],
    ["12345678901234567890", true],
    // The cookie is an unsigned 64-bit decimal: 2^64 − 1 is the largest.
    ["18446744073709551615", true],
    ["18446744073709551616", false],
    ["99999999999999999999", false],
    ["123456789012345678901", false],
    ["0", false],
    ["-1", false],
    ["0123", false],
    ["3f1c9a0b-77d2-e415-0000-00000000002a", true],
    ["3F1C9A0B-77D2-E415-0000-00000000002A", true],
    ["3f1c9a0b77d2e4150000", false],
    ["abc", false],
  ])("%s: %s", (id, valid) => {
    expect(isUserId(id)).toBe(valid);
  });
});

describe("identify", () => {
  it("keeps a valid cookie's id and sets no cookie", () => {
    expect(identify(request("uuid2=555"))).toEqual({
      userId: "555",
      cookieUserId: "555",
      setCookie: null,
    });
  });

  it("records a browser without a cookie as 0 and gives it a fresh id for 90 days", () => {
    const identity = identify(request(null));
    expect(identity.userId).toBe("0");
    expect(identity.cookieUserId).toMatch(/^[1-9][0-9]{0,19}$/);
    expect(identity.setCookie).toBe(
      `uuid2=${identity.cookieUserId}; Max-Age=7776000; Path=/; Secure; SameSite=None; HttpOnly`,
    );
  });

  it("treats a malformed cookie as none", () => {
    expect(identify(request("uuid2=<script>")).userId).toBe("0");
  });

  it("an opted-out cookie or an honoured Sec-GPC is -1, with no cookie", () => {
    const optedOut = { userId: "-1", cookieUserId: null, setCookie: null };
    expect(identify(request("uuid2=-1"))).toEqual(optedOut);
    expect(identify(request("uuid2=555", " 1 "))).toEqual(optedOut);
    expect(identify(request("uuid2=555", "1", false)).userId).toBe("555");
    expect(identify(request("uuid2=555", "0")).userId).toBe("555");
  });
});

describe("cookies", () => {
  it("are Secure and SameSite=None, or Lax for plain-http development", () => {
    expect(userCookie("7", 10, true)).toBe(
      "uuid2=7; Max-Age=10; Path=/; Secure; SameSite=None; HttpOnly",
    );
    expect(userCookie("7", 10, false)).toBe("uuid2=7; Max-Age=10; Path=/; SameSite=Lax; HttpOnly");
    expect(optOutCookie(true)).toContain("uuid2=-1; Max-Age=157680000;");
    expect(clearCookie(true)).toContain("uuid2=; Max-Age=0;");
  });

  it.each([
    ["https://px.example/px", true],
    ["http://px.example/px", true],
    ["http://localhost:8080/px", false],
    ["http://127.0.0.1/px", false],
    ["http://[::1]:80/", false],
    ["http://localhost.evil.example/", true],
    ["https://localhost/", true],
  ])("wantsSecureCookie(%s) is %s", (url, secure) => {
    expect(wantsSecureCookie(url)).toBe(secure);
  });

  it("new user ids are positive 64-bit decimals", () => {
    for (let i = 0; i < 100; i++) {
      const id = newUserId();
      expect(id).toMatch(/^[1-9][0-9]{0,19}$/);
      expect(BigInt(id) < 2n ** 64n).toBe(true);
    }
  });
});
