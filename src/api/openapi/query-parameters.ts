import { z } from "@hono/zod-openapi";

const id = (what: string) => z.number().int().min(1).optional().openapi({ description: what });

/** Paging and fields of every list (SPEC 6); filters by field are listed in `<service>/meta`. */
export const ListQuery = z.object({
  start_element: z.number().int().min(0).optional().openapi({ description: "First row (0-based)" }),
  num_elements: z
    .number()
    .int()
    .min(0)
    .max(100)
    .optional()
    .openapi({ description: "Rows in the page (at most 100)" }),
  sort: z
    .string()
    .optional()
    .openapi({ description: "`field.asc` or `field.desc`, on a sortable field of `/meta`" }),
  fields: z.string().optional().openapi({ description: "Only these fields, comma-separated" }),
});

/** Which member an admin acts for; a member's users act for their own. */
export const MemberScope = z.object({
  member_id: id("The member an admin acts for (admins only)"),
});

/** The advertiser an object belongs to, by id or code. */
export const AdvertiserScope = MemberScope.extend({
  advertiser_id: id("The advertiser"),
  advertiser_code: z.string().optional().openapi({ description: "The advertiser, by its code" }),
});

/** One object by id or code. */
export const ObjectRef = z.object({
  id: id("The object"),
  code: z.string().optional().openapi({ description: "The object, by its code" }),
});

const dates = {
  start_date: z
    .string()
    .optional()
    .openapi({ description: "`YYYY-MM-DD` or `YYYY-MM-DD HH:MM:SS`, in `timezone`, included" }),
  end_date: z.string().optional().openapi({ description: "As `start_date`, excluded" }),
  timezone: z
    .string()
    .optional()
    .openapi({ description: "IANA time zone name the dates are read in (UTC when absent)" }),
};
const format = z
  .enum(["json", "csv"])
  .optional()
  .openapi({ description: "`csv`: every row the filters leave, as a spreadsheet file" });
const ReportScope = AdvertiserScope.extend({ pixel_id: id("Only this pixel") });

/** The query of each documented operation, by `METHOD path`. */
export const QUERIES: Record<string, z.ZodObject> = {
  "GET /member": MemberScope.extend({ id: id("One member") }).merge(ListQuery),
  "GET /user": MemberScope.extend({ id: id("One user") }).merge(ListQuery),
  "PUT /user": z.object({ id: z.number().int().min(1).openapi({ description: "The user" }) }),
  "GET /advertiser": MemberScope.merge(ObjectRef).merge(ListQuery),
  "PUT /advertiser": MemberScope.merge(ObjectRef),
  "DELETE /advertiser": MemberScope.merge(ObjectRef),
  "POST /advertiser": MemberScope,
  "POST /events": MemberScope,
  "GET /conversion": ReportScope.extend({
    line_item_id: id("Only conversions credited to this line item"),
    ...dates,
    format,
  }).merge(ListQuery),
  "GET /conversion-feed": ReportScope.extend({
    cursor: z.string().optional().openapi({
      description: "The cursor the previous page answered (absent: from the oldest kept)",
    }),
    num_elements: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .optional()
      .openapi({ description: "Rows (1–1000, default 100)" }),
  }),
  "GET /report/pixel": ReportScope.extend({
    interval: z
      .enum(["day", "hour"])
      .optional()
      .openapi({ description: "Rows per local day (default) or hour" }),
    ...dates,
    format,
  }),
};

/** Advertiser-scoped services (`/pixel`, `/line-item`, `/campaign`) take the same queries. */
for (const path of ["/pixel", "/line-item", "/campaign"]) {
  QUERIES[`GET ${path}`] = AdvertiserScope.merge(ObjectRef).merge(ListQuery);
  QUERIES[`POST ${path}`] = AdvertiserScope;
  QUERIES[`PUT ${path}`] = AdvertiserScope.merge(ObjectRef).extend({
    append: z
      .enum(["true", "false"])
      .optional()
      .openapi({ description: "`true`: arrays sent are appended to, not replaced" }),
  });
  QUERIES[`DELETE ${path}`] = AdvertiserScope.merge(ObjectRef);
}
