import type { EdgePixel } from "../pixels/pixel-document.js";
import type { SpooledFire, SpoolRecord } from "./spool.js";

/** A spooled fire on disk: its pixel config as an index into the record's `pixels`. */
type StoredFire = Omit<SpooledFire, "pixel"> & { pixel?: EdgePixel | null; p?: number };

/**
 * A spool record as one line of the spool file. The fires of a record mostly share a few
 * pixels, and a config is several times a fire's size: each distinct config is written once
 * per record (`pixels`), the fires refer to it by index. Lines written before this (a config
 * in every fire) read back as they are.
 *
 * @example encodeSpoolLine({ kind: "fires", batch, fires }) // '{"kind":"fires",…,"pixels":[…]}'
 */
export function encodeSpoolLine(record: SpoolRecord): string {
  if (record.kind !== "fires") return JSON.stringify(record);
  const index = new Map<EdgePixel, number>();
  const pixels: EdgePixel[] = [];
  const fires: StoredFire[] = record.fires.map((spooled) => {
    const { pixel, ...rest } = spooled;
    if (!pixel) return spooled;
    let at = index.get(pixel);
    if (at === undefined) {
      at = pixels.push(pixel) - 1;
      index.set(pixel, at);
    }
    return { ...rest, p: at };
  });
  return JSON.stringify({ ...record, fires, pixels });
}

/** A line of the spool file back as its record. */
export function decodeSpoolLine(line: string): SpoolRecord {
  const parsed = JSON.parse(line) as SpoolRecord & { pixels?: EdgePixel[] };
  if (parsed.kind !== "fires" || !parsed.pixels) return parsed;
  const { pixels, ...record } = parsed;
  return {
    ...record,
    fires: (record.fires as StoredFire[]).map(({ p, ...rest }) =>
      p === undefined ? rest : { ...rest, pixel: pixels[p] ?? null },
    ),
  };
}
