import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  formatDateTime,
  localTime,
  parseLocalTime,
  ZoneOffsets,
  zonedInstant,
} from "../../src/reports/time-zone.js";

const ZONES = [
  "UTC",
  "Europe/Paris",
  "America/New_York",
  "America/Santiago",
  "Asia/Kolkata",
  "Asia/Kathmandu",
  "Australia/Lord_Howe",
  "Pacific/Chatham",
];

const instant = (text: string, zone: string) => {
  const local = parseLocalTime(text);
  if (!local) throw new Error(`unparsable ${text}`);
  return new Date(zonedInstant(local, zone)).toISOString();
};

describe("zonedInstant", () => {
  it.each([
    ["2026-11-28 00:00:00", "UTC", "2026-11-28T00:00:00.000Z"],
    ["2026-11-28", "Asia/Kolkata", "2026-11-27T18:30:00.000Z"],
    ["2026-11-28", "Asia/Kathmandu", "2026-11-27T18:15:00.000Z"],
    ["2026-11-28", "America/New_York", "2026-11-28T05:00:00.000Z"],
    // Clocks set back in Paris at 03:00 CEST: 02:30 happens twice; the first one counts.
    ["2026-10-25 02:30:00", "Europe/Paris", "2026-10-25T00:30:00.000Z"],
    // Clocks set forward at 02:00 CET: 02:30 never happens; read with the offset before.
    ["2026-03-29 02:30:00", "Europe/Paris", "2026-03-29T01:30:00.000Z"],
    // Santiago skips its midnight: the 6th of September starts at 01:00, the jump itself.
    ["2026-09-06", "America/Santiago", "2026-09-06T04:00:00.000Z"],
  ])("%s in %s is %s", (text, zone, iso) => {
    expect(instant(text, zone)).toBe(iso);
  });

  it("round-trips every wall-clock time a zone shows (2,000 random instants)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2000, 0, 1) / 1000, max: Date.UTC(2040, 0, 1) / 1000 }),
        fc.constantFrom(...ZONES),
        (seconds, zone) => {
          const shown = localTime(seconds * 1000, zone);
          const back = zonedInstant(shown, zone);
          expect(formatDateTime(localTime(back, zone))).toBe(formatDateTime(shown));
          // The first instant that shows it: never later than the one it came from.
          expect(back).toBeLessThanOrEqual(seconds * 1000);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe("parseLocalTime", () => {
  it.each([
    "2026-02-30",
    "2026-13-01",
    "2026-11-28 24:00:00",
    "2026-11-28 12:60",
    "28/11/2026",
    "",
  ])("refuses %j", (text) => {
    expect(parseLocalTime(text)).toBeNull();
  });

  it("takes a date, a date and time, and the ISO T", () => {
    expect(parseLocalTime("2026-11-28T13:05")).toEqual({
      year: 2026,
      month: 11,
      day: 28,
      hour: 13,
      minute: 5,
      second: 0,
    });
  });
});

describe("ZoneOffsets", () => {
  it("shows every instant as Intl does, inside its stretch and outside (2,000 instants)", () => {
    const from = Date.UTC(2024, 0, 1);
    const to = Date.UTC(2027, 0, 1);
    const offsets = new Map(ZONES.map((zone) => [zone, new ZoneOffsets(zone, from, to)]));
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2023, 6, 1), max: Date.UTC(2027, 6, 1) }),
        fc.constantFrom(...ZONES),
        (ms, zone) => {
          expect(offsets.get(zone)?.localTime(ms)).toEqual(localTime(ms, zone));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
