import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { CampaignDocument } from "../../objects/documents.js";
import type { ApiDeps } from "../api-deps.js";
import type { ApiEnv } from "../api-env.js";
import { notFound, syntaxError } from "../api-error.js";
import { documentedRoute } from "../documented-route.js";
import { respond, writeResponse } from "../envelope.js";
import type { FieldMeta } from "../list/list-query.js";
import { mountMetaRoute } from "../meta-route.js";
import { readObjects } from "../read-objects.js";
import { actingMember, visible } from "../tenancy.js";
import { namedAdvertiser } from "./advertiser-routes.js";
import { idList, oneId } from "./id-query.js";
import { creationStamps } from "./timestamps.js";
import { documentedBody, jsonBody, parseWrite } from "./write-body.js";

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
    advertiser_id: z.number().int().positive(),
    line_item_id: z.number().int().positive(),
    pixels: z
      .array(
        z
          .object({
            id: z.number().int().positive(),
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
const body = documentedBody(TERM, CampaignInput);
const ADVERTISER_PARAMS = { id: "advertiser_id", code: "advertiser_code" };

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

async function namedCampaign(
  c: Context<ApiEnv>,
  deps: ApiDeps,
  member: number | null,
): Promise<CampaignDocument> {
  const id = oneId(c.req.query("id"), "id");
  const code = c.req.query("code");
  let campaign: CampaignDocument | null = null;
  if (id !== null) campaign = await deps.stores.campaigns.get(id);
  else if (code) {
    const advertiser = await namedAdvertiser(c, deps, member, ADVERTISER_PARAMS);
    const byCode = await deps.stores.campaigns.idByCode(advertiser.id, code);
    campaign = byCode === null ? null : await deps.stores.campaigns.get(byCode);
  } else throw syntaxError("id", "name the campaign with id or code");
  if (!campaign || !visible(campaign, member)) throw notFound("campaign");
  return campaign;
}

/** `/campaign?advertiser_id=`: campaigns of a line item, with the pixels they count. */
export function mountCampaignRoutes(api: OpenAPIHono<ApiEnv>, deps: ApiDeps): void {
  mountMetaRoute(api, "/campaign", CAMPAIGN_META);
  const store = deps.stores.campaigns;

  documentedRoute(
    api,
    createRoute({
      method: "get",
      path: "/campaign",
      tags: ["campaign"],
      responses: { 200: { description: "Campaigns" } },
    }),
    async (c) => {
      const member = await actingMember(c, deps);
      let campaigns = await store.list(member);
      if (c.req.query("advertiser_id") || c.req.query("advertiser_code")) {
        const advertiser = await namedAdvertiser(c, deps, member, ADVERTISER_PARAMS);
        campaigns = campaigns.filter((cp) => cp.advertiser_id === advertiser.id);
      }
      const ids = idList(c.req.query("id"));
      if (ids) campaigns = campaigns.filter((cp) => ids.includes(cp.id));
      const consumed = new Set(["id", "advertiser_id", "advertiser_code", "member_id"]);
      return readObjects(
        c,
        { one: "campaign", many: "campaigns" },
        campaigns,
        CAMPAIGN_META,
        consumed,
        ids?.length === 1,
      );
    },
  );

  documentedRoute(
    api,
    createRoute({
      method: "post",
      path: "/campaign",
      tags: ["campaign"],
      request: { body },
      responses: { 200: { description: "The new campaign" } },
    }),
    async (c) => {
      const member = await actingMember(c, deps);
      const { values, warnings } = parseWrite(
        await jsonBody(c.req),
        TERM,
        CampaignInput.partial().required({ name: true, line_item_id: true }),
        READ_ONLY,
      );
      const advertiser =
        c.req.query("advertiser_id") || c.req.query("advertiser_code")
          ? await namedAdvertiser(c, deps, member, ADVERTISER_PARAMS)
          : await deps.stores.advertisers.get(values.advertiser_id ?? 0);
      if (!advertiser || !visible(advertiser, member)) throw notFound("advertiser");
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
      await checkCampaign(deps, campaign);
      if (!(await store.put(campaign, null)))
        throw syntaxError(`${TERM}.code`, "is already used by another campaign of this advertiser");
      return writeResponse(c, TERM, campaign, warnings);
    },
  );

  documentedRoute(
    api,
    createRoute({
      method: "put",
      path: "/campaign",
      tags: ["campaign"],
      request: { body },
      responses: { 200: { description: "The campaign as it now stands" } },
    }),
    async (c) => {
      const member = await actingMember(c, deps);
      const previous = await namedCampaign(c, deps, member);
      const { values, warnings } = parseWrite(
        await jsonBody(c.req),
        TERM,
        CampaignInput.partial(),
        READ_ONLY,
      );
      if (values.advertiser_id !== undefined && values.advertiser_id !== previous.advertiser_id)
        throw syntaxError(`${TERM}.advertiser_id`, "a campaign cannot move to another advertiser");
      const changes = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
      if (c.req.query("append") === "true" && values.pixels)
        changes.pixels = [...previous.pixels, ...values.pixels];
      if (changes.pixels === null) changes.pixels = [];
      const campaign: CampaignDocument = {
        ...previous,
        ...changes,
        last_modified: creationStamps(deps.clock()).last_modified,
      };
      await checkCampaign(deps, campaign);
      if (!(await store.put(campaign, previous)))
        throw syntaxError(`${TERM}.code`, "is already used by another campaign of this advertiser");
      return writeResponse(c, TERM, campaign, warnings);
    },
  );

  documentedRoute(
    api,
    createRoute({
      method: "delete",
      path: "/campaign",
      tags: ["campaign"],
      responses: { 200: { description: "Deleted" } },
    }),
    async (c) => {
      const member = await actingMember(c, deps);
      await store.delete(await namedCampaign(c, deps, member));
      return respond(c, { status: "OK" });
    },
  );
}
