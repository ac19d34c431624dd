import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { QUARTER_MS } from "../../src/reports/report-counters.js";
import {
  grainLabel,
  intervalRange,
  type TimeGrain,
  timeBuckets,
} from "../../src/reports/service/report-intervals.js";
import { formatDateTime, localTime } from "../../src/reports/time-zone.js";

const at = (iso: string) => Date.parse(iso);
const local = (ms: number, zone: string) => formatDateTime(localTime(ms, zone));

describe("timeBuckets", () => {
  it("gives New York's fall-back day 25 hours in 24 buckets, its repeated 01:00 as one", () => {
    const from = at("2026-11-01T04:00:00Z"); // 00:00 EDT
    const to = at("2026-11-02T05:00:00Z"); // 00:00 EST
    const hours = timeBuckets("hour", from, to, "America/New_York");
    expect(hours.starts).toHaveLength(24);
    const one = hours.starts.indexOf(at("2026-11-01T05:00:00Z"));
    expect(hours.bounds[one + 1]).toBe(at("2026-11-01T07:00:00Z"));
    expect(timeBuckets("day", from, to, "America/New_York").bounds).toEqual([from, to]);
  });

  it("starts Kathmandu's hours at a quarter past and Santiago's day at the DST jump", () => {
    const hours = timeBuckets(
      "hour",
      at("2026-11-28T00:00:00Z"),
      at("2026-11-28T03:00:00Z"),
      "Asia/Kathmandu",
    );
    expect(hours.starts.slice(1).map((ms) => new Date(ms).toISOString())).toEqual([
      "2026-11-28T00:15:00.000Z",
      "2026-11-28T01:15:00.000Z",
      "2026-11-28T02:15:00.000Z",
    ]);
    // Chile sets its clocks forward at midnight on 2026-09-06: that day starts at 01:00.
    const days = timeBuckets(
      "day",
      at("2026-09-05T00:00:00Z"),
      at("2026-09-07T00:00:00Z"),
      "America/Santiago",
    );
    expect(days.starts.slice(1).map((ms) => local(ms, "America/Santiago"))).toEqual([
      "2026-09-05 00:00:00",
      "2026-09-06 01:00:00",
    ]);
  });

  it("cuts months at local midnight of the first", () => {
    const months = timeBuckets(
      "month",
      at("2026-10-15T00:00:00Z"),
      at("2026-12-15T00:00:00Z"),
      "Europe/Paris",
    );
    expect(months.starts.slice(1).map((ms) => new Date(ms).toISOString())).toEqual([
      "2026-10-31T23:00:00.000Z",
      "2026-11-30T23:00:00.000Z",
    ]);
  });
});

/** The definition, walked with Intl at every quarter hour: what timeBuckets must agree with. */
function bucketsByIntl(grain: TimeGrain, from: number, to: number, zone: string): number[] {
  const bounds = [from];
  let previous = grainLabel(grain, localTime(from, zone));
  for (let q = Math.floor(from / QUARTER_MS) * QUARTER_MS + QUARTER_MS; q < to; q += QUARTER_MS) {
    const label = grainLabel(grain, localTime(q, zone));
    if (label !== previous) bounds.push(q);
    previous = label;
  }
  return [...bounds, to];
}

describe("timeBuckets agrees with Intl at every quarter hour", () => {
  // Zones with a DST of 30 minutes, offsets of :45, midnight jumps, a skipped day (Apia left
  // out 2011-12-30), a negative DST (Dublin), two changes a month apart (Casablanca's Ramadan).
  const ZONES = [
    "UTC",
    "America/New_York",
    "America/Santiago",
    "America/Sao_Paulo",
    "Asia/Kathmandu",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "Pacific/Apia",
    "Europe/Dublin",
    "Africa/Casablanca",
  ];
  it.each([
    // Casablanca goes back an hour for Ramadan (mid-February to late March 2026) and returns.
    ["hour", "2026-01-01T00:00:00Z", "2026-05-01T00:00:00Z", "Africa/Casablanca"],
    // Apia skipped 2011-12-30 whole; Sao Paulo's DST began at midnight on 2018-11-04.
    ["day", "2011-12-25T00:00:00Z", "2012-01-05T00:00:00Z", "Pacific/Apia"],
    ["day", "2018-11-01T00:00:00Z", "2018-11-10T00:00:00Z", "America/Sao_Paulo"],
    // Lord Howe moves by half an hour; a whole year of New York hours, both changes.
    ["hour", "2026-03-20T00:00:00Z", "2026-04-20T00:00:00Z", "Australia/Lord_Howe"],
    ["hour", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", "America/New_York"],
    ["month", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", "Pacific/Chatham"],
  ] as const)("%s buckets from %s to %s in %s", (grain, from, to, zone) => {
    expect(timeBuckets(grain, at(from), at(to), zone).bounds).toEqual(
      bucketsByIntl(grain, at(from), at(to), zone),
    );
  });

  it("for random ranges of up to 120 days, any grain, from 2005 to 2030", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2005, 0, 1), max: Date.UTC(2030, 0, 1) }),
        fc.integer({ min: 1, max: 120 * 86_400_000 }),
        fc.constantFrom<TimeGrain>("hour", "day", "month"),
        fc.constantFrom(...ZONES),
        (from, length, grain, zone) => {
          expect(timeBuckets(grain, from, from + length, zone).bounds).toEqual(
            bucketsByIntl(grain, from, from + length, zone),
          );
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("intervalRange", () => {
  const now = at("2026-11-03T15:20:00Z");
  const zone = "America/New_York";
  const range = (name: Parameters<typeof intervalRange>[0]) => {
    const r = intervalRange(name, now, zone, at("2026-01-01T00:00:00Z"));
    return [local(r.from, zone), local(r.to, zone)];
  };
  it.each([
    ["current_hour", "2026-11-03 10:00:00", "2026-11-03 11:00:00"],
    ["last_hour", "2026-11-03 09:00:00", "2026-11-03 10:00:00"],
    ["today", "2026-11-03 00:00:00", "2026-11-04 00:00:00"],
    ["yesterday", "2026-11-02 00:00:00", "2026-11-03 00:00:00"],
    ["last_48_hours", "2026-11-01 11:00:00", "2026-11-03 11:00:00"],
    ["last_7_days", "2026-10-27 00:00:00", "2026-11-03 00:00:00"],
    ["month_to_yesterday", "2026-11-01 00:00:00", "2026-11-03 00:00:00"],
    ["month_to_date", "2026-11-01 00:00:00", "2026-11-04 00:00:00"],
    ["last_month", "2026-10-01 00:00:00", "2026-11-01 00:00:00"],
    ["lifetime", "2025-12-31 19:00:00", "2026-11-04 00:00:00"],
  ] as const)("%s is [%s, %s) in New York", (name, from, to) => {
    expect(range(name)).toEqual([from, to]);
  });
});
