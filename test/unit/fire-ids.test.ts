import { describe, expect, it } from "vitest";
import { fireIdAsUuid, newFireId } from "../../src/conversions/fire-id.js";
import { newWriterId } from "../../src/conversions/fire-queue.js";
import { randomHex } from "../../src/random-hex.js";
import { fireKey } from "../../src/storage/redis/fire-key.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("fire ids", () => {
  it("are UUIDs sharing the process's prefix, counting up", () => {
    const a = newFireId();
    const b = newFireId();
    expect(a).toMatch(UUID);
    expect(b.slice(0, 18)).toBe(a.slice(0, 18));
    expect(BigInt(`0x${b.slice(19).replace("-", "")}`)).toBe(
      BigInt(`0x${a.slice(19).replace("-", "")}`) + 1n,
    );
  });

  it.each([
    ["3F1C9A0B-77D2-E415-0000-00000000002A", "3f1c9a0b-77d2-e415-0000-00000000002a"],
    ["3f1c9a0b77d2e415-16", "3f1c9a0b-77d2-e415-0000-00000000002a"],
    ["3f1c9a0b77d2e415-0", "3f1c9a0b-77d2-e415-0000-000000000000"],
    ["not-an-id", null],
    ["3f1c9a0b77d2e41-1", null],
  ])("%s as a UUID is %j", (id, uuid) => {
    expect(fireIdAsUuid(id)).toBe(uuid);
  });
});

describe("fireKey", () => {
  it("XORs a UUID's halves into 16 hex characters", () => {
    expect(fireKey("3f1c9a0b-77d2-e415-0000-00000000002a")).toBe("3f1c9a0b77d2e43f");
  });

  it("is the same for an earlier id and its UUID, and 16 hex for anything else", () => {
    expect(fireKey("3f1c9a0b77d2e415-16")).toBe(fireKey("3f1c9a0b-77d2-e415-0000-00000000002a"));
    expect(fireKey("some other id")).toMatch(/^[0-9a-f]{16}$/);
    expect(fireKey("some other id")).toBe(fireKey("some other id"));
    expect(fireKey("some other id")).not.toBe(fireKey("some other ie"));
  });
});

describe("randomHex", () => {
  it("gives two hex digits a byte, different each time", () => {
    expect(randomHex(8)).toMatch(/^[0-9a-f]{16}$/);
    expect(randomHex(32)).toHaveLength(64);
    expect(newWriterId()).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(Array.from({ length: 50 }, () => randomHex(8))).size).toBe(50);
  });
});
