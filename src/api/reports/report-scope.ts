import type { Context } from "hono";
import type { ApiDeps } from "../api-deps.js";
import type { ApiEnv } from "../api-env.js";
import { notFound } from "../api-error.js";
import { namedAdvertiser } from "../objects/advertiser-routes.js";
import { scopeForQuery } from "../objects/advertiser-scoped.js";
import type { ApiPixel } from "../objects/definitions/pixel.js";
import { idList } from "../objects/id-query.js";
import { actingMember, boundAdvertiser } from "../tenancy.js";

/** The query parameters that choose a report's pixels. */
export const SCOPE_PARAMS = ["member_id", "advertiser_id", "advertiser_code", "pixel_id"];

/**
 * The pixels a report or conversion list covers: the acting member's, narrowed by
 * `advertiser_id`/`advertiser_code` and `pixel_id=1,2`; an advertiser user's, its advertiser's
 * only. A named pixel the caller cannot see answers NOTFOUND, as any other object would.
 */
export async function reportPixels(c: Context<ApiEnv>, deps: ApiDeps): Promise<ApiPixel[]> {
  const member = await actingMember(c, deps);
  const bound = boundAdvertiser(c.var.user);
  const { scope } = await scopeForQuery(c, deps, member);
  if (bound !== null && scope.advertiser === undefined) scope.advertiser = bound;
  const objects = (await deps.stores.pixels.all({ ...scope, ids: undefined })).filter(
    (p) => bound === null || p.advertiser_id === bound,
  );
  // Another advertiser, named by an advertiser user, answers as one that does not exist.
  if (bound !== null && (c.req.query("advertiser_id") || c.req.query("advertiser_code"))) {
    const named = await namedAdvertiser(c, deps, member, {
      id: "advertiser_id",
      code: "advertiser_code",
    });
    if (named.id !== bound) throw notFound("advertiser");
  }
  const ids = idList(c.req.query("pixel_id"), "pixel_id");
  if (!ids) return objects;
  const byId = new Map(objects.map((p) => [p.id, p]));
  return ids.map((id) => {
    const pixel = byId.get(id);
    if (!pixel) throw notFound(`pixel ${id}`);
    return pixel;
  });
}
