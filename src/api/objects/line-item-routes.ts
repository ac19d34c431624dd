import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { LineItemDocument } from "../../objects/documents.js";
import type { ApiDeps } from "../api-deps.js";
import type { ApiEnv } from "../api-env.js";
import { integrity, syntaxError } from "../api-error.js";
import { documentedRoute, serviceRoutes } from "../documented-route.js";
import { respond, writeResponse } from "../envelope.js";
import { moneyField, objectIdField } from "../field-schemas.js";
import type { FieldMeta } from "../list/list-query.js";
import { mountMetaRoute } from "../meta-route.js";
import { actingMember } from "../tenancy.js";
import {
  advertiserForWrite,
  changedPixelList,
  namedObject,
  readAdvertiserObjects,
} from "./advertiser-scoped.js";
import { refreshAttachments } from "./attachments.js";
import { creationStamps } from "./timestamps.js";
import { jsonBody, parseWrite } from "./write-body.js";

export const LINE_ITEM_META: FieldMeta[] = [
  { name: "id", type: "int", sort_by: true, filter_by: true },
  { name: "code", type: "string", sort_by: true, filter_by: true },
  { name: "name", type: "string", sort_by: true, filter_by: true },
  { name: "state", type: "enum", sort_by: true, filter_by: true },
  { name: "advertiser_id", type: "int", sort_by: true, filter_by: true },
  { name: "pixels", type: "array", sort_by: false, filter_by: false },
  { name: "created_on", type: "timestamp", sort_by: true, filter_by: true },
  { name: "last_modified", type: "timestamp", sort_by: true, filter_by: true },
];

/** A line item may carry at most this many conversion pixels. */
export const MAX_LINE_ITEM_PIXELS = 20;

const LineItemInput = z
  .object({
    name: z.string().trim().min(1).max(255),
    code: z.string().trim().min(1).max(100).nullable(),
    state: z.enum(["active", "inactive"]),
    advertiser_id: objectIdField(),
    pixels: z
      .array(
        z
          .object({
            id: objectIdField(),
            state: z.enum(["active", "inactive"]).default("active"),
            post_click_revenue: moneyField().nullable().default(null),
            post_view_revenue: moneyField().nullable().default(null),
          })
          .strict(),
      )
      .nullable(),
  })
  .strict();

const TERM = "line-item";
const READ_ONLY = ["id", "member_id", "created_on", "last_modified"];
const codeOwner = (advertiser: { id: number }) => advertiser.id;

/** At most 20 pixels, each once, each a pixel of the line item's advertiser. */
async function checkPixels(deps: ApiDeps, item: LineItemDocument): Promise<void> {
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

/** A campaign may only count pixels on its line item: a change that strands one is refused. */
async function checkCampaigns(deps: ApiDeps, item: LineItemDocument): Promise<void> {
  const campaigns = (await deps.stores.campaigns.list(item.member_id)).filter(
    (cp) => cp.line_item_id === item.id,
  );
  const stranded = campaigns.find((cp) =>
    cp.pixels.some((p) => !item.pixels.some((q) => q.id === p.id)),
  );
  if (stranded)
    throw integrity(
      `Campaign ${stranded.id} counts a pixel this change removes; change the campaign first`,
    );
}

async function save(
  deps: ApiDeps,
  item: LineItemDocument,
  previous: LineItemDocument | null,
): Promise<void> {
  if (!(await deps.stores.lineItems.put(item, previous)))
    throw syntaxError(`${TERM}.code`, "is already used by another line item of this advertiser");
  await refreshAttachments(
    deps,
    [...(previous?.pixels ?? []), ...item.pixels].map((p) => p.id),
  );
}

/** `/line-item?advertiser_id=`: line items and the conversion pixels attached to them. */
export function mountLineItemRoutes(api: OpenAPIHono<ApiEnv>, deps: ApiDeps): void {
  mountMetaRoute(api, "/line-item", LINE_ITEM_META);
  const store = deps.stores.lineItems;
  const route = serviceRoutes("/line-item", TERM, LineItemInput);

  documentedRoute(api, route("get", "Line items"), (c) =>
    readAdvertiserObjects(c, deps, store, { one: TERM, many: "line-items" }, LINE_ITEM_META),
  );

  documentedRoute(api, route("post", "The new line item", true), async (c) => {
    const member = await actingMember(c, deps);
    const input = LineItemInput.partial().required({ name: true });
    const { values, warnings } = parseWrite(await jsonBody(c.req), TERM, input, READ_ONLY);
    const advertiser = await advertiserForWrite(c, deps, member, values.advertiser_id);
    const item: LineItemDocument = {
      id: await store.nextId(),
      code: values.code ?? null,
      name: values.name,
      state: values.state ?? "active",
      advertiser_id: advertiser.id,
      member_id: advertiser.member_id,
      pixels: values.pixels ?? [],
      ...creationStamps(deps.clock()),
    };
    await checkPixels(deps, item);
    await save(deps, item, null);
    return writeResponse(c, TERM, item, warnings);
  });

  documentedRoute(api, route("put", "The line item as it now stands", true), async (c) => {
    const {
      previous,
      changed: item,
      warnings,
    } = await changedPixelList(c, deps, store, TERM, LineItemInput.partial(), READ_ONLY, codeOwner);
    await checkPixels(deps, item);
    await checkCampaigns(deps, item);
    await save(deps, item, previous);
    return writeResponse(c, TERM, item, warnings);
  });

  documentedRoute(api, route("delete", "Deleted"), async (c) => {
    const item = await namedObject(c, deps, await actingMember(c, deps), store, TERM, codeOwner);
    const campaigns = (await deps.stores.campaigns.list(item.member_id)).filter(
      (cp) => cp.line_item_id === item.id,
    );
    if (campaigns.length) throw integrity("The line item still has campaigns; delete those first");
    await store.delete(item);
    await refreshAttachments(
      deps,
      item.pixels.map((p) => p.id),
    );
    return respond(c, { status: "OK" });
  });
}
