import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { PixelDocument } from "../../pixels/pixel-document.js";
import type { ApiDeps } from "../api-deps.js";
import type { ApiEnv } from "../api-env.js";
import { integrity, syntaxError } from "../api-error.js";
import { documentedRoute, serviceRoutes } from "../documented-route.js";
import { respond, writeResponse } from "../envelope.js";
import { mountMetaRoute } from "../meta-route.js";
import { readObjects } from "../read-objects.js";
import { actingMember } from "../tenancy.js";
import {
  advertiserForWrite,
  applyChanges,
  namedObject,
  objectsForQuery,
  SCOPE_PARAMS,
} from "./advertiser-scoped.js";
import { PIXEL_READ_ONLY, PixelInput, type PixelValues } from "./pixel-input.js";
import { PIXEL_META, pixelView } from "./pixel-view.js";
import { creationStamps } from "./timestamps.js";
import { jsonBody, parseWrite } from "./write-body.js";

const TERM = "pixel";
const CONSUMED = new Set([...SCOPE_PARAMS, "code"]);
// Pixel codes are unique per member: the edge finds pixels by `?code=&member=`.
const codeOwner = (advertiser: { member_id: number }) => advertiser.member_id;

async function answerPixel(c: Context, deps: ApiDeps, pixel: PixelDocument, warnings: string[]) {
  const [lineItems, campaigns] = await Promise.all([
    deps.stores.lineItems.list(pixel.member_id),
    deps.stores.campaigns.list(pixel.member_id),
  ]);
  return writeResponse(c, TERM, pixelView(pixel, lineItems, campaigns), warnings);
}

/** The AppNexus defaults (SPEC section 6) for what a new pixel leaves out. */
function withDefaults(
  values: Partial<PixelValues> & { name: string },
): Omit<PixelValues, "advertiser_id"> {
  return {
    name: values.name,
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

async function save(
  deps: ApiDeps,
  pixel: PixelDocument,
  previous: PixelDocument | null,
): Promise<void> {
  if (!(await deps.stores.pixels.put(pixel, previous)))
    throw syntaxError(`${TERM}.code`, "is already used by another pixel of this member");
  await deps.syncPixels({ pixels: previous ? [previous, pixel] : [pixel] });
}

/** `/pixel`: the twelve endpoints of the AppNexus Pixel Service (SPEC section 6). */
export function mountPixelRoutes(api: OpenAPIHono<ApiEnv>, deps: ApiDeps): void {
  mountMetaRoute(api, "/pixel", PIXEL_META);
  const store = deps.stores.pixels;
  const route = serviceRoutes("/pixel", TERM, PixelInput);

  documentedRoute(api, route("get", "Pixels"), async (c) => {
    const member = await actingMember(c, deps);
    const found = await objectsForQuery(c, deps, member, store);
    const code = c.req.query("code");
    const pixels =
      code === undefined ? found.objects : found.objects.filter((p) => p.code === code);
    const [lineItems, campaigns] = await Promise.all([
      deps.stores.lineItems.list(member),
      deps.stores.campaigns.list(member),
    ]);
    const views = pixels.map((p) => pixelView(p, lineItems, campaigns));
    const single = found.single || (code !== undefined && !c.req.query("id"));
    return readObjects(c, { one: TERM, many: "pixels" }, views, PIXEL_META, CONSUMED, single);
  });

  documentedRoute(api, route("post", "The new pixel", true), async (c) => {
    const member = await actingMember(c, deps);
    const input = PixelInput.partial().required({ name: true });
    const { values, warnings } = parseWrite(await jsonBody(c.req), TERM, input, PIXEL_READ_ONLY);
    const advertiser = await advertiserForWrite(c, deps, member, values.advertiser_id);
    const pixel: PixelDocument = {
      id: await store.nextId(),
      ...withDefaults(values),
      advertiser_id: advertiser.id,
      member_id: advertiser.member_id,
      attachments: [],
      ...creationStamps(deps.clock()),
    };
    await save(deps, pixel, null);
    return answerPixel(c, deps, pixel, warnings);
  });

  documentedRoute(api, route("put", "The pixel as it now stands", true), async (c) => {
    const member = await actingMember(c, deps);
    const raw = await jsonBody(c.req);
    const bodyId = (raw as { pixel?: { id?: unknown } } | null)?.pixel?.id;
    const previous = await namedObject(c, deps, member, store, TERM, codeOwner, bodyId);
    const { values, warnings } = parseWrite(raw, TERM, PixelInput.partial(), PIXEL_READ_ONLY);
    const changed = applyChanges(c, TERM, previous, values, {
      appendable: ["piggyback_pixels"],
      now: deps.clock(),
    });
    // Appended piggybacks must still obey the rules together (one type; one img at most).
    const piggybacks = parseWrite(
      { pixel: { piggyback_pixels: changed.piggyback_pixels } },
      TERM,
      PixelInput.pick({ piggyback_pixels: true }),
      [],
    );
    const pixel: PixelDocument = {
      ...changed,
      piggyback_pixels: piggybacks.values.piggyback_pixels,
    };
    await save(deps, pixel, previous);
    return answerPixel(c, deps, pixel, warnings);
  });

  documentedRoute(api, route("delete", "Deleted"), async (c) => {
    const pixel = await namedObject(c, deps, await actingMember(c, deps), store, TERM, codeOwner);
    const lineItems = await deps.stores.lineItems.list(pixel.member_id);
    const users = lineItems.filter((li) => li.pixels.some((p) => p.id === pixel.id));
    if (users.length)
      throw integrity(
        `Pixel ${pixel.id} is used by line item ${users.map((li) => li.id).join(", ")}; remove it there first`,
      );
    await store.delete(pixel);
    await deps.syncPixels({ pixels: [pixel] });
    return respond(c, { status: "OK" });
  });
}
