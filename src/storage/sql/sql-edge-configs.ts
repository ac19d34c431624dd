import { toEdgePixel } from "../../pixels/edge-config.js";
import type { EdgePixel, PixelDocument, PixelRef } from "../../pixels/pixel-document.js";
import type { EdgeAdvertiser } from "../ports.js";
import type { SqlClient } from "./sql-client.js";

const PIXEL_SQL = `
SELECT p.id, p.member_id, p.advertiser_id, p.code, p.name, p.state, p.trigger_type,
       p.min_minutes_per_conv, p.post_view_expire_mins, p.post_click_expire_mins,
       p.post_view_value::float8 AS post_view_value, p.post_click_value::float8 AS post_click_value,
       p.piggyback_pixels, p.pixel_conversion_event_id,
       coalesce((SELECT json_agg(json_build_object('line_item_id', lp.line_item_id,
                                                   'attachment_state', lp.state)
                                 ORDER BY lp.line_item_id)
                   FROM line_item_pixels lp
                  WHERE lp.member_id = p.member_id AND lp.pixel_id = p.id), '[]'::json) AS attachments,
       a.redirect_domains
  FROM pixels p JOIN advertisers a ON a.member_id = p.member_id AND a.id = p.advertiser_id`;

/**
 * What the edge reads, built from the system of record (SPEC 15): a pixel's config (its rules,
 * piggybacks, attachments and its advertiser's redirect allowlist, through the one derivation in
 * src/pixels/edge-config.ts) and an advertiser's click settings. The edge copy relay writes them
 * to Redis and KV; a Node edge reads through here on a Redis miss.
 */
export class SqlEdgeConfigs {
  constructor(private readonly sql: Pick<SqlClient, "query">) {}

  async get(ref: PixelRef): Promise<EdgePixel | null> {
    const rows =
      "id" in ref
        ? await this.sql.query(`${PIXEL_SQL} WHERE p.id = $1`, [ref.id])
        : await this.sql.query(`${PIXEL_SQL} WHERE p.member_id = $1 AND p.code = $2`, [
            ref.member_id,
            ref.code,
          ]);
    const [row] = rows;
    return row ? edgePixelOf(row) : null;
  }

  /** The configs of these pixels that exist, with the code each has now. */
  async pixels(ids: readonly number[]): Promise<Array<{ config: EdgePixel; code: string | null }>> {
    if (ids.length === 0) return [];
    const rows = await this.sql.query(`${PIXEL_SQL} WHERE p.id = ANY($1::int4[])`, [[...ids]]);
    return rows.map((row) => ({
      config: edgePixelOf(row),
      code: (row.code as string | null) ?? null,
    }));
  }

  /** The pixels of these advertisers (their configs embed the advertiser's allowlist). */
  async pixelsOfAdvertisers(ids: readonly number[]): Promise<number[]> {
    if (ids.length === 0) return [];
    const rows = await this.sql.query<{ id: number }>(
      "SELECT id FROM pixels WHERE advertiser_id = ANY($1::int4[])",
      [[...ids]],
    );
    return rows.map((r) => Number(r.id));
  }

  async advertisers(ids: readonly number[]): Promise<EdgeAdvertiser[]> {
    if (ids.length === 0) return [];
    return this.sql.query<EdgeAdvertiser>(
      `SELECT id, member_id, state, append_click_id FROM advertisers WHERE id = ANY($1::int4[])`,
      [[...ids]],
    );
  }

  /** Every pixel and advertiser id: what `npm run rebuild-edge` rewrites. */
  async everything(): Promise<{ pixels: number[]; advertisers: number[] }> {
    const [pixels, advertisers] = await Promise.all([
      this.sql.query<{ id: number }>("SELECT id FROM pixels ORDER BY id"),
      this.sql.query<{ id: number }>("SELECT id FROM advertisers ORDER BY id"),
    ]);
    return {
      pixels: pixels.map((r) => Number(r.id)),
      advertisers: advertisers.map((r) => Number(r.id)),
    };
  }
}

function edgePixelOf(row: Record<string, unknown>): EdgePixel {
  const pixel = { ...row, id: Number(row.id) } as unknown as PixelDocument;
  return toEdgePixel(pixel, {
    redirect_domains: (row.redirect_domains as string[] | null) ?? [],
  } as Parameters<typeof toEdgePixel>[1]);
}
