import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AdvertiserDocument } from "../../objects/documents.js";
import { ObjectConflict } from "../../storage/object-store.js";
import type { ApiDeps } from "../api-deps.js";
import type { ApiEnv } from "../api-env.js";
import { integrity, notFound, syntaxError } from "../api-error.js";
import { documentedRoute } from "../documented-route.js";
import { respond, writeResponse } from "../envelope.js";
import { mountMetaRoute } from "../meta-route.js";
import { documentObject } from "../openapi/answered-objects.js";
import { readObjectPage } from "../read-objects.js";
import { actingMember, visible, writingMember } from "../tenancy.js";
import { advertiserObject } from "./definitions/advertiser.js";
import { idList, oneId } from "./id-query.js";
import { creationStamps } from "./timestamps.js";
import { documentedBody, jsonBody, parseWrite } from "./write-body.js";

export const ADVERTISER_META = advertiserObject.meta;
export const AdvertiserInput = advertiserObject.input;

const READ_ONLY = advertiserObject.readOnly;
const body = documentedBody("advertiser", AdvertiserInput);

/** What the database's refusals of an advertiser write mean. */
function refusal(error: unknown): unknown {
  if (!(error instanceof ObjectConflict)) return error;
  if (error.kind === "code")
    return syntaxError("advertiser.code", "is already used by another advertiser");
  return integrity("The advertiser still has pixels or line items; delete those first");
}

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
  else if (code && member !== null) found = await deps.stores.advertisers.byCode(member, code);
  else if (code)
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
      const code = c.req.query("code");
      const scope = { member, ...(ids ? { ids } : {}), ...(code !== undefined ? { code } : {}) };
      const single = ids?.length === 1 || (code !== undefined && !ids);
      return readObjectPage(
        c,
        { one: "advertiser", many: "advertisers" },
        store,
        scope,
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
        AdvertiserInput.partial().required({ name: true }),
        READ_ONLY,
      );
      const advertiser = await store
        .create({
          code: values.code ?? null,
          name: values.name,
          state: values.state ?? "active",
          member_id: member,
          redirect_domains: values.redirect_domains ?? [],
          append_click_id: values.append_click_id ?? false,
          ...creationStamps(deps.clock()),
        })
        .catch((error) => Promise.reject(refusal(error)));
      await deps.syncEdges();
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
      const changed: AdvertiserDocument = {
        ...previous,
        ...Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)),
        redirect_domains:
          values.redirect_domains === null
            ? []
            : (values.redirect_domains ?? previous.redirect_domains),
        last_modified: creationStamps(deps.clock()).last_modified,
      };
      const advertiser = await store
        .update(changed)
        .catch((error) => Promise.reject(refusal(error)));
      // The edge reads the advertiser's redirect_domains with each of its pixels.
      await deps.syncEdges();
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
      await store.delete(advertiser).catch((error) => Promise.reject(refusal(error)));
      await deps.syncEdges();
      return respond(c, { status: "OK" });
    },
  );
}
