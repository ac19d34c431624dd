import type { EdgePixel } from "../pixels/pixel-document.js";
import type { BatchId } from "../storage/ports.js";
import type { SpooledFire, SpoolRecord } from "./spool.js";

/**
 * A line saying that a record written earlier in the file was taken: a restart skips that
 * record instead of sending it again. `of` names the record's kind, since a batch's `decided`
 * record replaces its `fires` record under the same batch number.
 */
export interface TakenMark {
  kind: "taken";
  of: SpoolRecord["kind"];
  batch: BatchId;
}

/** What identifies a record in the file: its kind and its batch number. */
export const recordKey = (of: SpoolRecord["kind"], batch: BatchId): string =>
  `${of}:${batch.writer}:${batch.seq}`;

/** The line that marks `record` taken. */
export const encodeTakenLine = (record: SpoolRecord): string =>
  JSON.stringify({ kind: "taken", of: record.kind, batch: record.batch } satisfies TakenMark);

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

/** A line of the spool file back as its record (or as the mark of a record taken). */
export function decodeSpoolLine(line: string): SpoolRecord | TakenMark {
  const parsed = JSON.parse(line) as (SpoolRecord | TakenMark) & { pixels?: EdgePixel[] };
  if (parsed.kind !== "fires" || !parsed.pixels) return parsed;
  const { pixels, ...record } = parsed;
  return {
    ...record,
    fires: (record.fires as StoredFire[]).map(({ p, ...rest }) =>
      p === undefined ? rest : { ...rest, pixel: pixels[p] ?? null },
    ),
  };
}
