import { describe, expect, it } from "vitest";
import { ensureAdmin } from "../../src/api/objects/users.js";
import { normalAddress } from "../../src/node/client-address.js";
import { ADMIN } from "../helpers/api-client.js";
import { serveOnLoopback, useNodeEdge } from "../helpers/node-edge.js";

const fixture = useNodeEdge(); // TRUST_PROXY unset: the socket's peer is the address

describe("the client address the login throttle counts", () => {
  it("is an IPv4 or IPv6 address, or 'unknown'", () => {
    expect(normalAddress(" 203.0.113.7 ")).toBe("203.0.113.7");
    expect(normalAddress("::ffff:127.0.0.1")).toBe("127.0.0.1");
    expect(normalAddress("2001:DB8::1")).toBe("2001:db8::1");
    for (const junk of ["", null, "evil}{key", "x".repeat(46), "1.2.3.4\r\nX: y"])
      expect(normalAddress(junk)).toBe("unknown");
  });

  it("is the socket's peer without TRUST_PROXY: X-Forwarded-For changes nothing", async () => {
    await ensureAdmin(fixture.edge.api, ADMIN, () => {});
    const served = await serveOnLoopback(fixture.edge.app);
    try {
      const statuses = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          fetch(`${served.origin}/auth`, {
            method: "POST",
            headers: { "Content-Type": "application/json", "X-Forwarded-For": `198.51.100.${i}` },
            body: JSON.stringify({ auth: { username: ADMIN.username, password: "wrong" } }),
          }).then((r) => r.status),
        ),
      );
      // All from 127.0.0.1: 10 checked, the rest refused.
      expect(statuses.filter((s) => s === 401)).toHaveLength(10);
      expect(statuses.filter((s) => s === 429)).toHaveLength(10);
    } finally {
      await served.close();
    }
  });
});
