import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AdvertiserDocument } from "../../objects/documents.js";
import type { ApiDeps } from "../api-deps.js";
import type { ApiEnv } from "../api-env.js";
import { integrity, notFound, syntaxError } from "../api-error.js";
import { documentedRoute } from "../documented-route.js";
import { respond, writeResponse } from "../envelope.js";
import type { FieldMeta } from "../list/list-query.js";
import { mountMetaRoute } from "../meta-route.js";
import { documentObject } from "../openapi/answered-objects.js";
import { readObjects } from "../read-objects.js";
import { actingMember, visible, writingMember } from "../tenancy.js";
import { idList, oneId } from "./id-query.js";
import { creationStamps } from "./timestamps.js";
import { documentedBody, jsonBody, parseWrite } from "./write-body.js";

export const ADVERTISER_META: FieldMeta[] = [
  { name: "id", type: "int", sort_by: true, filter_by: true },
  { name: "code", type: "string", sort_by: true, filter_by: true },
  { name: "name", type: "string", sort_by: true, filter_by: true },
  { name: "state", type: "enum", sort_by: true, filter_by: true },
  { name: "member_id", type: "int", sort_by: true, filter_by: true },
  { name: "redirect_domains", type: "array", sort_by: false, filter_by: false },
  { name: "append_click_id", type: "boolean", sort_by: false, filter_by: false },
  { name: "created_on", type: "timestamp", sort_by: true, filter_by: true },
  { name: "last_modified", type: "timestamp", sort_by: true, filter_by: true },
];

const hostname = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    "must be a host name such as shop.example.com",
  );

export const AdvertiserInput = z
  .object({
    code: z.string().trim().min(1).max(100).nullable().optional(),
    name: z.string().trim().min(1).max(255),
    state: z.enum(["active", "inactive"]).optional(),
    redirect_domains: z.array(hostname).max(100).nullable().optional(),
    /** A signed /click appends `pxclid=<click id>` to its landing URL (SPEC 12). */
    append_click_id: z.boolean().optional(),
  })
  .strict();

const READ_ONLY = ["id", "member_id", "created_on", "last_modified"];
const body = documentedBody("advertiser", AdvertiserInput);

/** Finds the advertiser a request names by `?id=` or `?code=`, within the acting member. */
export async function namedAdvertiser(
  c: Context<ApiEnv>,
  deps: ApiDeps,
  member: number | null,
  params: { id: string; code: string } = { id: "id", code: "code" },
): Promise<AdvertiserDocument> {
  const id = oneId(c.req.query(params.id), params.id);
  const code = c.req.query(params.code);
  let found: AdvertiserDocument | null = null;
  if (id !== null) found = await deps.stores.advertisers.get(id);
  else if (code && member !== null) {
    const byCode = await deps.stores.advertisers.idByCode(member, code);
    found = byCode === null ? null : await deps.stores.advertisers.get(byCode);
  } else if (code)
    throw syntaxError(
      "member_id",
      `an admin must name the member to find an advertiser by ${params.code}`,
    );
  else throw syntaxError(params.id, `name the advertiser with ${params.id} or ${params.code}`);
  if (!visible(found, member) || !found) throw notFound("advertiser");
  return found;
}

/** `/advertiser`: GET, POST, PUT, DELETE, by id or code, within the caller's member. */
export function mountAdvertiserRoutes(api: OpenAPIHono<ApiEnv>, deps: ApiDeps): void {
  documentObject("advertiser", AdvertiserInput);
  mountMetaRoute(api, "/advertiser", ADVERTISER_META);
  const store = deps.stores.advertisers;

  documentedRoute(
    api,
    createRoute({
      method: "get",
      path: "/advertiser",
      tags: ["advertiser"],
      responses: { 200: { description: "Advertisers" } },
    }),
    async (c) => {
      const member = await actingMember(c, deps);
      const ids = idList(c.req.query("id"));
      let advertisers = await store.list(member);
      if (ids) advertisers = advertisers.filter((a) => ids.includes(a.id));
      const code = c.req.query("code");
      if (code !== undefined) advertisers = advertisers.filter((a) => a.code === code);
      const single = ids?.length === 1 || (code !== undefined && !ids);
      return readObjects(
        c,
        { one: "advertiser", many: "advertisers" },
        advertisers,
        ADVERTISER_META,
        new Set(["id", "code", "member_id"]),
        single,
      );
    },
  );

  documentedRoute(
    api,
    createRoute({
      method: "post",
      path: "/advertiser",
      tags: ["advertiser"],
      request: { body },
      responses: { 200: { description: "The new advertiser" } },
    }),
    async (c) => {
      const member = await writingMember(c, deps);
      const { values, warnings } = parseWrite(
        await jsonBody(c.req),
        "advertiser",
        AdvertiserInput,
        READ_ONLY,
      );
      const advertiser: AdvertiserDocument = {
        id: await store.nextId(),
        code: values.code ?? null,
        name: values.name,
        state: values.state ?? "active",
        member_id: member,
        redirect_domains: values.redirect_domains ?? [],
        append_click_id: values.append_click_id ?? false,
        ...creationStamps(deps.clock()),
      };
      if (!(await store.put(advertiser, null)))
        throw syntaxError("advertiser.code", "is already used by another advertiser");
      return writeResponse(c, "advertiser", advertiser, warnings);
    },
  );

  documentedRoute(
    api,
    createRoute({
      method: "put",
      path: "/advertiser",
      tags: ["advertiser"],
      request: { body },
      responses: { 200: { description: "The advertiser as it now stands" } },
    }),
    async (c) => {
      const member = await actingMember(c, deps);
      const previous = await namedAdvertiser(c, deps, member);
      const { values, warnings } = parseWrite(
        await jsonBody(c.req),
        "advertiser",
        AdvertiserInput.partial(),
        READ_ONLY,
      );
      const advertiser: AdvertiserDocument = {
        ...previous,
        ...Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)),
        last_modified: creationStamps(deps.clock()).last_modified,
      };
      if (!(await store.put(advertiser, previous)))
        throw syntaxError("advertiser.code", "is already used by another advertiser");
      // The edge reads the advertiser's redirect_domains with each of its pixels.
      const pixels = await deps.stores.pixels.list(advertiser.member_id);
      await deps.syncPixels({ pixels: pixels.filter((p) => p.advertiser_id === advertiser.id) });
      return writeResponse(c, "advertiser", advertiser, warnings);
    },
  );

  documentedRoute(
    api,
    createRoute({
      method: "delete",
      path: "/advertiser",
      tags: ["advertiser"],
      responses: { 200: { description: "Deleted" } },
    }),
    async (c) => {
      const member = await actingMember(c, deps);
      const advertiser = await namedAdvertiser(c, deps, member);
      const pixels = (await deps.stores.pixels.list(advertiser.member_id)).filter(
        (p) => p.advertiser_id === advertiser.id,
      );
      const lineItems = (await deps.stores.lineItems.list(advertiser.member_id)).filter(
        (l) => l.advertiser_id === advertiser.id,
      );
      if (pixels.length || lineItems.length)
        throw integrity("The advertiser still has pixels or line items; delete those first");
      await store.delete(advertiser);
      return respond(c, { status: "OK" });
    },
  );
}
