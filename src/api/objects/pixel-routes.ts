import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AdvertiserDocument } from "../../objects/documents.js";
import type { PixelDocument } from "../../pixels/pixel-document.js";
import type { ApiDeps } from "../api-deps.js";
import type { ApiEnv } from "../api-env.js";
import { integrity, notFound, syntaxError } from "../api-error.js";
import { documentedRoute } from "../documented-route.js";
import { respond, writeResponse } from "../envelope.js";
import { mountMetaRoute } from "../meta-route.js";
import { readObjects } from "../read-objects.js";
import { actingMember, visible } from "../tenancy.js";
import { namedAdvertiser } from "./advertiser-routes.js";
import { idList, oneId } from "./id-query.js";
import { PIXEL_READ_ONLY, PixelInput, type PixelValues } from "./pixel-input.js";
import { PIXEL_META, pixelView } from "./pixel-view.js";
import { creationStamps } from "./timestamps.js";
import { documentedBody, jsonBody, parseWrite } from "./write-body.js";

const CONSUMED = new Set(["id", "code", "advertiser_id", "advertiser_code", "member_id", "append"]);
const body = documentedBody("pixel", PixelInput);
const ADVERTISER_PARAMS = { id: "advertiser_id", code: "advertiser_code" };

/** The advertiser named by `advertiser_id`/`advertiser_code` in the query, else by the body. */
async function advertiserOf(
  c: Context<ApiEnv>,
  deps: ApiDeps,
  member: number | null,
  bodyAdvertiserId: number | undefined,
): Promise<AdvertiserDocument> {
  if (c.req.query("advertiser_id") || c.req.query("advertiser_code"))
    return namedAdvertiser(c, deps, member, ADVERTISER_PARAMS);
  if (bodyAdvertiserId === undefined)
    throw syntaxError("advertiser_id", "name the pixel's advertiser");
  const advertiser = await deps.stores.advertisers.get(bodyAdvertiserId);
  if (!advertiser || !visible(advertiser, member)) throw notFound("advertiser");
  return advertiser;
}

/** The pixel a PUT or DELETE names: `id` (query or body) or `code`, within the member. */
async function namedPixel(
  c: Context<ApiEnv>,
  deps: ApiDeps,
  member: number | null,
  bodyId: unknown,
): Promise<PixelDocument> {
  const id = oneId(c.req.query("id"), "id") ?? (typeof bodyId === "number" ? bodyId : null);
  const code = c.req.query("code");
  let pixel: PixelDocument | null = null;
  if (id !== null) pixel = await deps.stores.pixels.get(id);
  else if (code) {
    const advertiser = await namedAdvertiser(c, deps, member, ADVERTISER_PARAMS);
    const byCode = await deps.stores.pixels.idByCode(advertiser.member_id, code);
    pixel = byCode === null ? null : await deps.stores.pixels.get(byCode);
  } else throw syntaxError("id", "name the pixel with id (or advertiser and code)");
  if (!pixel || !visible(pixel, member)) throw notFound("pixel");
  const advertiserId = oneId(c.req.query("advertiser_id"), "advertiser_id");
  if (advertiserId !== null && advertiserId !== pixel.advertiser_id) throw notFound("pixel");
  return pixel;
}

async function answerPixel(c: Context, deps: ApiDeps, pixel: PixelDocument, warnings: string[]) {
  const [lineItems, campaigns] = await Promise.all([
    deps.stores.lineItems.list(pixel.member_id),
    deps.stores.campaigns.list(pixel.member_id),
  ]);
  return writeResponse(c, "pixel", pixelView(pixel, lineItems, campaigns), warnings);
}

function withDefaults(values: Partial<PixelValues>): Omit<PixelValues, "advertiser_id"> {
  return {
    name: values.name ?? "",
    code: values.code ?? null,
    state: values.state ?? "active",
    trigger_type: values.trigger_type ?? "click",
    min_minutes_per_conv: values.min_minutes_per_conv ?? null,
    post_view_expire_mins: values.post_view_expire_mins ?? null,
    post_click_expire_mins: values.post_click_expire_mins ?? null,
    post_view_value: values.post_view_value ?? null,
    post_click_value: values.post_click_value ?? null,
    piggyback_pixels: values.piggyback_pixels ?? null,
    pixel_conversion_event_id: values.pixel_conversion_event_id ?? null,
  };
}

/** `/pixel`: the twelve endpoints of the AppNexus Pixel Service (SPEC section 6). */
export function mountPixelRoutes(api: OpenAPIHono<ApiEnv>, deps: ApiDeps): void {
  const store = deps.stores.pixels;

  mountMetaRoute(api, "/pixel", PIXEL_META);

  documentedRoute(
    api,
    createRoute({
      method: "get",
      path: "/pixel",
      tags: ["pixel"],
      responses: { 200: { description: "Pixels" } },
    }),
    async (c) => {
      const member = await actingMember(c, deps);
      let pixels = await store.list(member);
      if (c.req.query("advertiser_id") || c.req.query("advertiser_code")) {
        const advertiser = await namedAdvertiser(c, deps, member, ADVERTISER_PARAMS);
        pixels = pixels.filter((p) => p.advertiser_id === advertiser.id);
      }
      const ids = idList(c.req.query("id"));
      if (ids) pixels = pixels.filter((p) => ids.includes(p.id));
      const code = c.req.query("code");
      if (code !== undefined) pixels = pixels.filter((p) => p.code === code);
      const [lineItems, campaigns] = await Promise.all([
        deps.stores.lineItems.list(member),
        deps.stores.campaigns.list(member),
      ]);
      const views = pixels.map((p) => pixelView(p, lineItems, campaigns));
      const single = ids?.length === 1 || (code !== undefined && !ids);
      return readObjects(c, { one: "pixel", many: "pixels" }, views, PIXEL_META, CONSUMED, single);
    },
  );

  documentedRoute(
    api,
    createRoute({
      method: "post",
      path: "/pixel",
      tags: ["pixel"],
      request: { body },
      responses: { 200: { description: "The new pixel" } },
    }),
    async (c) => {
      const member = await actingMember(c, deps);
      const { values, warnings } = parseWrite(
        await jsonBody(c.req),
        "pixel",
        PixelInput.partial().required({ name: true }),
        PIXEL_READ_ONLY,
      );
      const advertiser = await advertiserOf(c, deps, member, values.advertiser_id);
      const pixel: PixelDocument = {
        id: await store.nextId(),
        ...withDefaults(values),
        advertiser_id: advertiser.id,
        member_id: advertiser.member_id,
        line_items: [],
        campaigns: [],
        ...creationStamps(deps.clock()),
      };
      if (!(await store.put(pixel, null)))
        throw syntaxError("pixel.code", "is already used by another pixel of this member");
      await deps.syncPixels({ pixels: [pixel] });
      return answerPixel(c, deps, pixel, warnings);
    },
  );

  documentedRoute(
    api,
    createRoute({
      method: "put",
      path: "/pixel",
      tags: ["pixel"],
      request: { body },
      responses: { 200: { description: "The pixel as it now stands" } },
    }),
    async (c) => {
      const member = await actingMember(c, deps);
      const raw = await jsonBody(c.req);
      const bodyId = (raw as { pixel?: { id?: unknown } } | null)?.pixel?.id;
      const previous = await namedPixel(c, deps, member, bodyId);
      const { values, warnings } = parseWrite(raw, "pixel", PixelInput.partial(), PIXEL_READ_ONLY);
      if (values.advertiser_id !== undefined && values.advertiser_id !== previous.advertiser_id)
        throw syntaxError("pixel.advertiser_id", "a pixel cannot move to another advertiser");
      const changes = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
      if (c.req.query("append") === "true" && values.piggyback_pixels) {
        const all = [...(previous.piggyback_pixels ?? []), ...values.piggyback_pixels];
        changes.piggyback_pixels = parseWrite(
          { pixel: { piggyback_pixels: all } },
          "pixel",
          PixelInput.pick({ piggyback_pixels: true }),
          [],
        ).values.piggyback_pixels;
      }
      const pixel: PixelDocument = {
        ...previous,
        ...changes,
        last_modified: creationStamps(deps.clock()).last_modified,
      };
      if (!(await store.put(pixel, previous)))
        throw syntaxError("pixel.code", "is already used by another pixel of this member");
      await deps.syncPixels({ pixels: [previous, pixel] });
      return answerPixel(c, deps, pixel, warnings);
    },
  );

  documentedRoute(
    api,
    createRoute({
      method: "delete",
      path: "/pixel",
      tags: ["pixel"],
      responses: { 200: { description: "Deleted" } },
    }),
    async (c) => {
      const member = await actingMember(c, deps);
      const pixel = await namedPixel(c, deps, member, undefined);
      const lineItems = await deps.stores.lineItems.list(pixel.member_id);
      const users = lineItems.filter((li) => li.pixels.some((p) => p.id === pixel.id));
      if (users.length)
        throw integrity(
          `Pixel ${pixel.id} is used by line item ${users.map((li) => li.id).join(", ")}; remove it there first`,
        );
      await store.delete(pixel);
      await deps.syncPixels({ pixels: [pixel] });
      return respond(c, { status: "OK" });
    },
  );
}
