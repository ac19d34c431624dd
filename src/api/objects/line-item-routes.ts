import type { OpenAPIHono } from "@hono/zod-openapi";
import type { LineItemDocument } from "../../objects/documents.js";
import type { ApiDeps } from "../api-deps.js";
import type { ApiEnv } from "../api-env.js";
import { syntaxError } from "../api-error.js";
import { mountAdvertiserObjectRoutes } from "./advertiser-object-routes.js";
import { lineItemObject, MAX_LINE_ITEM_PIXELS } from "./definitions/line-item.js";
import { creationStamps } from "./timestamps.js";

const TERM = lineItemObject.term;

/** At most 20 pixels, each once, each a pixel of the line item's advertiser. */
async function checkPixels(deps: ApiDeps, item: Omit<LineItemDocument, "id">): Promise<void> {
  const ids = item.pixels.map((p) => p.id);
  if (ids.length > MAX_LINE_ITEM_PIXELS)
    throw syntaxError(`${TERM}.pixels`, `a line item has at most ${MAX_LINE_ITEM_PIXELS} pixels`);
  if (new Set(ids).size !== ids.length) throw syntaxError(`${TERM}.pixels`, "lists a pixel twice");
  const pixels = await deps.stores.pixels.getMany(ids);
  for (const [i, id] of ids.entries()) {
    const pixel = pixels.find((p) => p.id === id);
    if (!pixel || pixel.member_id !== item.member_id || pixel.advertiser_id !== item.advertiser_id)
      throw syntaxError(
        `${TERM}.pixels.${i}.id`,
        `pixel ${id} is not a pixel of advertiser ${item.advertiser_id}`,
      );
  }
}

/** `/line-item?advertiser_id=`: line items and the conversion pixels attached to them. */
export function mountLineItemRoutes(api: OpenAPIHono<ApiEnv>, deps: ApiDeps): void {
  mountAdvertiserObjectRoutes(api, deps, lineItemObject, deps.stores.lineItems, {
    path: "/line-item",
    codeOwner: "advertiser",
    required: ["name"],
    create: (values, advertiser, now) => ({
      code: values.code ?? null,
      name: values.name,
      state: values.state ?? "active",
      advertiser_id: advertiser.id,
      member_id: advertiser.member_id,
      pixels: values.pixels ?? [],
      ...creationStamps(now),
    }),
    appendable: ["pixels"],
    emptiedByNull: ["pixels"],
    check: checkPixels,
    refused: {
      code: "is already used by another line item of this advertiser",
      inUse:
        "The line item still has campaigns, or a campaign counts a pixel this change removes; change the campaigns first",
      reference: "names a pixel that is not one of its advertiser's",
    },
  });
}
