// Values an older version, a hand edit or another tool may have stored as a piggyback URL, and
// what the edge must send for each (null: nothing, the GIF): shared by the Node server's test
// (hostile-headers.test.ts) and the Worker's (worker.test.ts).
import { expect } from "vitest";

/**
 * Header values the edge may send: visible ASCII, and a cookie of our own making (Secure unless
 * on plain http to a loopback host).
 */
export function expectValidHeaders(response: Response): void {
  for (const [name, value] of response.headers) {
    expect(value, name).toMatch(/^[\x20-\x7e]*$/);
  }
  const cookie = response.headers.get("set-cookie");
  if (cookie)
    expect(cookie).toMatch(
      /^uuid2=\d+; Max-Age=7776000; Path=\/; (Secure; SameSite=None|SameSite=Lax); HttpOnly$/,
    );
}

export const HOSTILE_URLS: Array<[string, string, string | null]> = [
  [
    "Cyrillic in the query",
    "https://t.example/p?q=привет",
    "https://t.example/p?q=%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82",
  ],
  ["a Latin-1 character", "https://t.example/p?q=é", "https://t.example/p?q=%C3%A9"],
  ["quotes and angle brackets", `https://t.example/p?q="'<>`, "https://t.example/p?q=%22%27%3C%3E"],
  [
    "CR LF and a header after it",
    "https://t.example/p?q=a\r\nSet-Cookie: x=1",
    "https://t.example/p?q=aSet-Cookie:%20x=1",
  ],
  ["a control character", "https://t.example/p?q=a\u0001b", "https://t.example/p?q=a%01b"],
  ["a lone surrogate", "https://t.example/\ud800", "https://t.example/%EF%BF%BD"],
  ["a Unicode host", "https://пример.рф/p", "https://xn--e1afmkfd.xn--p1ai/p"],
  ["an emoji in the fragment", "https://t.example/p#🎉", "https://t.example/p#%F0%9F%8E%89"],
  ["not a URL", "not a url ✓", null],
  ["another scheme", "javascript:alert(1)", null],
];
