import type { OpenAPIHono } from "@hono/zod-openapi";
import type { CampaignDocument } from "../../objects/documents.js";
import type { ApiDeps } from "../api-deps.js";
import type { ApiEnv } from "../api-env.js";
import { syntaxError } from "../api-error.js";
import { mountAdvertiserObjectRoutes } from "./advertiser-object-routes.js";
import { campaignObject } from "./definitions/campaign.js";
import { creationStamps } from "./timestamps.js";

const TERM = campaignObject.term;

/** A campaign belongs to a line item of its advertiser, and its pixels must be on that line item. */
async function checkCampaign(deps: ApiDeps, campaign: Omit<CampaignDocument, "id">) {
  const lineItem = await deps.stores.lineItems.get(campaign.line_item_id);
  if (
    !lineItem ||
    lineItem.member_id !== campaign.member_id ||
    lineItem.advertiser_id !== campaign.advertiser_id
  )
    throw syntaxError(
      `${TERM}.line_item_id`,
      `is not a line item of advertiser ${campaign.advertiser_id}`,
    );
  for (const [i, pixel] of campaign.pixels.entries())
    if (!lineItem.pixels.some((p) => p.id === pixel.id))
      throw syntaxError(
        `${TERM}.pixels.${i}.id`,
        `pixel ${pixel.id} is not attached to line item ${lineItem.id}`,
      );
}

/** `/campaign?advertiser_id=`: campaigns of a line item, with the pixels they count. */
export function mountCampaignRoutes(api: OpenAPIHono<ApiEnv>, deps: ApiDeps): void {
  mountAdvertiserObjectRoutes(api, deps, campaignObject, deps.stores.campaigns, {
    path: "/campaign",
    codeOwner: "advertiser",
    required: ["name", "line_item_id"],
    create: (values, advertiser, now) => ({
      code: values.code ?? null,
      name: values.name,
      state: values.state ?? "active",
      advertiser_id: advertiser.id,
      member_id: advertiser.member_id,
      line_item_id: values.line_item_id,
      pixels: values.pixels ?? [],
      ...creationStamps(now),
    }),
    appendable: ["pixels"],
    emptiedByNull: ["pixels"],
    check: checkCampaign,
    refused: {
      code: "is already used by another campaign of this advertiser",
      inUse: "The campaign is in use",
      reference: "counts a pixel that is not attached to its line item",
    },
  });
}
