import type { OpenAPIHono } from "@hono/zod-openapi";
import type { ApiDeps } from "../api-deps.js";
import type { ApiEnv } from "../api-env.js";
import { mountAdvertiserObjectRoutes } from "./advertiser-object-routes.js";
import { type ApiPixel, pixelObject } from "./definitions/pixel.js";
import { PixelInput } from "./pixel-input.js";
import { creationStamps } from "./timestamps.js";
import { parseWrite } from "./write-body.js";

const TERM = pixelObject.term;
const piggybacksOnly = PixelInput.pick({ piggyback_pixels: true });

/** `/pixel`: the twelve endpoints of the AppNexus Pixel Service (SPEC section 6). */
export function mountPixelRoutes(api: OpenAPIHono<ApiEnv>, deps: ApiDeps): void {
  mountAdvertiserObjectRoutes(api, deps, pixelObject, deps.stores.pixels, {
    path: "/pixel",
    // Pixel codes are unique per member: the edge finds pixels by `?code=&member=`.
    codeOwner: "member",
    required: ["name"],
    // The AppNexus defaults (SPEC section 6) for what a new pixel leaves out.
    create: (values, advertiser, now): Omit<ApiPixel, "id"> => ({
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
      advertiser_id: advertiser.id,
      member_id: advertiser.member_id,
      line_items: null,
      campaigns: null,
      pixel_conversion_event: null,
      ...creationStamps(now),
    }),
    appendable: ["piggyback_pixels"],
    // Appended piggybacks must still obey the rules together (one type; one img at most).
    whole: (pixel) => ({
      ...pixel,
      piggyback_pixels: parseWrite(
        { pixel: { piggyback_pixels: pixel.piggyback_pixels } },
        TERM,
        piggybacksOnly,
        [],
      ).values.piggyback_pixels,
    }),
    refused: {
      code: "is already used by another pixel of this member",
      inUse: "The pixel is used by a line item; remove it there first",
      reference: "names an advertiser that is not there",
    },
  });
}
