import { describe, expect, it } from "vitest";
import { signUrl } from "../../src/signing/url-signature.js";
import { ADMIN, ApiClient } from "../helpers/api-client.js";
import { twoMembers } from "../helpers/api-world.js";
import { startNodeEdge, TEST_SECRET, useNodeEdge } from "../helpers/node-edge.js";
import { seedPixelAndTouches } from "../helpers/seed-pixel.js";
import { touchHistory } from "../helpers/touch-history.js";

const BASE = "https://px.example";
const fixture = useNodeEdge();
const touchesOf = (user: string) => touchHistory(fixture.redis.client, user, 2);

async function beacon(url: string, cookie = "uuid2=555") {
  const response = await fixture.edge.app.request(url, { headers: { Cookie: cookie } });
  await response.arrayBuffer();
  await fixture.edge.drain();
  return response;
}

describe("signed beacons", () => {
  it("record nothing when tampered with, signed with another secret, or unsigned", async () => {
    const signed = await signUrl(TEST_SECRET, `${BASE}/imp?adv=2&li=382&cp=1&cr=9`);
    const tampered = [
      signed.replace("li=382", "li=383"),
      signed.replace("adv=2", "adv=3"),
      `${signed}&cp=2`, // a second value for a signed parameter
      `${signed}&extra=1`, // an unsigned parameter added
      signed.replace(/sig=[0-9a-f]+/, (s) => `${s.slice(0, -1)}${s.endsWith("0") ? "1" : "0"}`),
      await signUrl("another secret", `${BASE}/imp?adv=2&li=382&cp=1&cr=9`),
      `${BASE}/imp?adv=2&li=382&cp=1&cr=9`,
    ];
    for (const url of tampered) expect((await beacon(url)).status).toBe(200); // still the GIF
    expect(await touchesOf("555")).toEqual([]);
    const click = signed.replace("/imp?", "/click?");
    expect((await beacon(click)).status).toBe(400); // signed for /imp, not /click
  });

  it("replayed by another browser, record the touch for that browser only", async () => {
    const signed = await signUrl(TEST_SECRET, `${BASE}/imp?adv=2&li=382`);
    await beacon(signed, "uuid2=555");
    await beacon(signed, "uuid2=777");
    expect((await touchesOf("555")).map((t) => t.user_id)).toEqual(["555"]);
    expect((await touchesOf("777")).map((t) => t.user_id)).toEqual(["777"]);
  });
});

describe("secrets", () => {
  it("appear in no log line and no answer of a full run, failures included", async () => {
    const secret = "signing-secret-that-must-not-leak-4711";
    const edge = await startNodeEdge(fixture.redis.url, { SIGNING_SECRET: secret });
    try {
      await seedPixelAndTouches(fixture.redis.client, {}, []);
      const answers: string[] = [];
      const keep = async (r: Response | Promise<Response>) => {
        const response = await r;
        answers.push(JSON.stringify([...response.headers]), await response.text());
      };
      const { a } = await twoMembers(edge);
      const userPassword = "alice has a long password";
      const client = new ApiClient(edge.app);
      const login = await client.login("alice", userPassword);
      const token = login.body.response.token as string;
      await keep(
        edge.app.request(`${BASE}/auth`, {
          method: "POST",
          body: `{"auth":{"username":"alice","password":"${userPassword}x"}}`,
        }),
      );
      await keep(edge.app.request(`${BASE}/user`, { headers: { Authorization: token } }));
      await keep(edge.app.request(`${BASE}/user`, { headers: { Authorization: `${token}x` } }));
      await keep(
        edge.app.request(`${BASE}/advertiser`, {
          method: "POST",
          headers: { Authorization: token },
          body: "{not json",
        }),
      );
      await keep(edge.app.request(`${BASE}/imp?adv=2&li=382&sig=00`));
      await keep(
        edge.app.request(
          await signUrl(secret, `${BASE}/click?adv=2&li=382&redir=https%3A%2F%2Fshop.example%2F`),
        ),
      );
      await keep(edge.app.request(`${BASE}/px?id=37&t=1`));
      await keep(edge.app.request(`${BASE}/no-such-path`));
      await a.post("/advertiser", { advertiser: { name: "A" } });
      // And with Redis gone: errors are logged, and must not carry secrets either.
      await fixture.redis.stop(); // the last test of this file: nothing else needs it
      await keep(edge.app.request(`${BASE}/user`, { headers: { Authorization: token } }));
      await keep(edge.app.request(`${BASE}/px?id=37`, { headers: { Cookie: "uuid2=555" } }));
      await edge.drain();

      const logged = edge.log.lines.map((l) => JSON.stringify(l)).join("\n");
      const everything = `${logged}\n${answers.join("\n")}`;
      for (const leak of [secret, userPassword, ADMIN.password, token, "scrypt$"])
        expect(everything, `leaked ${leak.slice(0, 12)}…`).not.toContain(leak);
      // No stack trace reaches a caller or a log line.
      expect(everything).not.toMatch(/\n\s+at [\w.<>]+ \(/);
      expect(edge.log.lines.length).toBeGreaterThan(0);
    } finally {
      await edge.close();
    }
  });
});
