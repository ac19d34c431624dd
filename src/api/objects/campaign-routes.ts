import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { CampaignDocument } from "../../objects/documents.js";
import type { ApiDeps } from "../api-deps.js";
import type { ApiEnv } from "../api-env.js";
import { syntaxError } from "../api-error.js";
import { documentedRoute, serviceRoutes } from "../documented-route.js";
import { respond, writeResponse } from "../envelope.js";
import { objectIdField } from "../field-schemas.js";
import type { FieldMeta } from "../list/list-query.js";
import { mountMetaRoute } from "../meta-route.js";
import { actingMember } from "../tenancy.js";
import {
  advertiserForWrite,
  changedPixelList,
  namedObject,
  readAdvertiserObjects,
} from "./advertiser-scoped.js";
import { creationStamps } from "./timestamps.js";
import { jsonBody, parseWrite } from "./write-body.js";

export const CAMPAIGN_META: FieldMeta[] = [
  { name: "id", type: "int", sort_by: true, filter_by: true },
  { name: "code", type: "string", sort_by: true, filter_by: true },
  { name: "name", type: "string", sort_by: true, filter_by: true },
  { name: "state", type: "enum", sort_by: true, filter_by: true },
  { name: "advertiser_id", type: "int", sort_by: true, filter_by: true },
  { name: "line_item_id", type: "int", sort_by: true, filter_by: true },
  { name: "pixels", type: "array", sort_by: false, filter_by: false },
  { name: "created_on", type: "timestamp", sort_by: true, filter_by: true },
  { name: "last_modified", type: "timestamp", sort_by: true, filter_by: true },
];

const CampaignInput = z
  .object({
    name: z.string().trim().min(1).max(255),
    code: z.string().trim().min(1).max(100).nullable(),
    state: z.enum(["active", "inactive"]),
    advertiser_id: objectIdField(),
    line_item_id: objectIdField(),
    pixels: z
      .array(
        z
          .object({
            id: objectIdField(),
            state: z.enum(["active", "inactive"]).default("active"),
          })
          .strict(),
      )
      .max(20)
      .nullable(),
  })
  .strict();

const TERM = "campaign";
const READ_ONLY = ["id", "member_id", "created_on", "last_modified"];
const codeOwner = (advertiser: { id: number }) => advertiser.id;

/** A campaign belongs to a line item of its advertiser, and its pixels must be on that line item. */
async function checkCampaign(deps: ApiDeps, campaign: CampaignDocument): Promise<void> {
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

async function save(
  deps: ApiDeps,
  campaign: CampaignDocument,
  previous: CampaignDocument | null,
): Promise<void> {
  await checkCampaign(deps, campaign);
  if (!(await deps.stores.campaigns.put(campaign, previous)))
    throw syntaxError(`${TERM}.code`, "is already used by another campaign of this advertiser");
}

/** `/campaign?advertiser_id=`: campaigns of a line item, with the pixels they count. */
export function mountCampaignRoutes(api: OpenAPIHono<ApiEnv>, deps: ApiDeps): void {
  mountMetaRoute(api, "/campaign", CAMPAIGN_META);
  const store = deps.stores.campaigns;
  const route = serviceRoutes("/campaign", TERM, CampaignInput);

  documentedRoute(api, route("get", "Campaigns"), (c) =>
    readAdvertiserObjects(c, deps, store, { one: TERM, many: "campaigns" }, CAMPAIGN_META),
  );

  documentedRoute(api, route("post", "The new campaign", true), async (c) => {
    const member = await actingMember(c, deps);
    const input = CampaignInput.partial().required({ name: true, line_item_id: true });
    const { values, warnings } = parseWrite(await jsonBody(c.req), TERM, input, READ_ONLY);
    const advertiser = await advertiserForWrite(c, deps, member, values.advertiser_id);
    const campaign: CampaignDocument = {
      id: await store.nextId(),
      code: values.code ?? null,
      name: values.name,
      state: values.state ?? "active",
      advertiser_id: advertiser.id,
      member_id: advertiser.member_id,
      line_item_id: values.line_item_id,
      pixels: values.pixels ?? [],
      ...creationStamps(deps.clock()),
    };
    await save(deps, campaign, null);
    return writeResponse(c, TERM, campaign, warnings);
  });

  documentedRoute(api, route("put", "The campaign as it now stands", true), async (c) => {
    const {
      previous,
      changed: campaign,
      warnings,
    } = await changedPixelList(c, deps, store, TERM, CampaignInput.partial(), READ_ONLY, codeOwner);
    await save(deps, campaign, previous);
    return writeResponse(c, TERM, campaign, warnings);
  });

  documentedRoute(api, route("delete", "Deleted"), async (c) => {
    await store.delete(
      await namedObject(c, deps, await actingMember(c, deps), store, TERM, codeOwner),
    );
    return respond(c, { status: "OK" });
  });
}
