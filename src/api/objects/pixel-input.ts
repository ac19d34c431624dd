import { z } from "@hono/zod-openapi";
import {
  MAX_MIN_MINUTES_PER_CONV,
  MAX_POST_CLICK_MINS,
  MAX_POST_VIEW_MINS,
} from "../../attribution/limits.js";
import { serializeHttpUrl } from "../../pixels/http-url.js";
import { moneyField, objectIdField } from "../field-schemas.js";

/**
 * An absolute http(s) URL, stored as its WHATWG serialisation (SPEC 14: Unicode, controls and
 * quotes percent-encoded), which is what the 255-character bound applies to.
 */
const httpUrl = z
  .string()
  .max(2048, "must be at most 255 characters")
  .refine((text) => serializeHttpUrl(text) !== null, "must be an absolute http or https URL")
  .overwrite((text) => serializeHttpUrl(text) ?? text)
  .max(255, "must be at most 255 characters once percent-encoded");

const Piggyback = z.object({ pixel_type: z.enum(["img", "js"]), url: httpUrl }).strict();

/** Piggyback rules (SPEC 5): one pixel_type for all; an img list holds at most one URL. */
const Piggybacks = z
  .array(Piggyback)
  .max(50)
  .nullable()
  .superRefine((list, ctx) => {
    if (!list?.length) return;
    if (new Set(list.map((p) => p.pixel_type)).size > 1)
      ctx.addIssue({
        code: "custom",
        message: "all piggybacks of a pixel must have the same pixel_type",
      });
    else if (list[0]?.pixel_type === "img" && list.length > 1)
      ctx.addIssue({
        code: "custom",
        message: "an image pixel can have only one piggyback; use js for more",
      });
  });

const bounded = (max: number) => z.number().int().min(0).max(max).nullable();
const money = moneyField().nullable();

/** The fields a client may write on a pixel, with the bounds of SPEC section 6. */
export const PixelInput = z
  .object({
    name: z.string().trim().min(1).max(255),
    code: z.string().trim().min(1).max(100).nullable(),
    state: z.enum(["active", "inactive"]),
    trigger_type: z.enum(["view", "click", "hybrid"]),
    min_minutes_per_conv: bounded(MAX_MIN_MINUTES_PER_CONV),
    post_view_expire_mins: bounded(MAX_POST_VIEW_MINS),
    post_click_expire_mins: bounded(MAX_POST_CLICK_MINS),
    post_view_value: money,
    post_click_value: money,
    piggyback_pixels: Piggybacks,
    pixel_conversion_event_id: z.number().int().min(2).max(8).nullable(),
    advertiser_id: objectIdField(),
  })
  .strict();

export type PixelValues = z.infer<typeof PixelInput>;

/** Read-only: derived or kept by the service; ignored with a warning when sent. */
export const PIXEL_READ_ONLY = [
  "id",
  "member_id",
  "created_on",
  "last_modified",
  "line_items",
  "campaigns",
  "pixel_conversion_event",
];

export const CONVERSION_EVENTS: Record<number, string> = {
  2: "LandingPage",
  3: "ItemView",
  4: "AddToCart",
  5: "InitiateCheckout",
  6: "AddPaymentInfo",
  7: "Purchase",
  8: "Lead",
};
