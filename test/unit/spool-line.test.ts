import { describe, expect, it } from "vitest";
import type { AcceptedFire } from "../../src/conversions/log-rows.js";
import type { SpoolRecord } from "../../src/spool/spool.js";
import { decodeSpoolLine, encodeSpoolLine } from "../../src/spool/spool-line.js";
import { edgePixel, touchOf } from "../helpers/documents.js";

const fire = (id: string): AcceptedFire => ({
  id,
  user_id: "555",
  ts: 1_795_867_200_000,
  order_id: null,
  value: null,
  requested_pixel_id: 37,
  other: null,
});

const batch = { writer: "w1", seq: 3 };

describe("spool lines", () => {
  it("write each distinct pixel config once per record and read back the same record", () => {
    const a = edgePixel();
    const b = edgePixel({ id: 38 });
    const record: SpoolRecord = {
      kind: "fires",
      batch,
      fires: [
        { fire: fire("1"), pixel: a },
        { fire: fire("2"), pixel: a },
        { fire: fire("3"), pixel: b },
        { fire: fire("4"), pixel: null },
        { fire: fire("5"), ref: { code: "thanks", member_id: 1 } },
      ],
    };
    const line = encodeSpoolLine(record);
    expect(line).not.toContain("\n");
    expect(JSON.parse(line).pixels).toHaveLength(2);
    expect(decodeSpoolLine(line)).toEqual(record);
  });

  it("read a line written before (a config in every fire) as it is", () => {
    const record: SpoolRecord = {
      kind: "fires",
      batch,
      fires: [{ fire: fire("1"), pixel: edgePixel() }],
    };
    expect(decodeSpoolLine(JSON.stringify(record))).toEqual(record);
  });

  it("write touches and decided fires as plain JSON", () => {
    const record: SpoolRecord = {
      kind: "touches",
      batch,
      touches: [touchOf("imp", "555", 1, { campaign_id: null })],
    };
    expect(encodeSpoolLine(record)).toBe(JSON.stringify(record));
    expect(decodeSpoolLine(encodeSpoolLine(record))).toEqual(record);
  });
});
