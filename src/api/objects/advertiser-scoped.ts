import type { Context } from "hono";
import { formatTimestamp } from "../../conversions/timestamps.js";
import type { AdvertiserDocument } from "../../objects/documents.js";
import type { ObjectScope, ObjectStore, StoredObject } from "../../storage/object-store.js";
import type { ApiDeps } from "../api-deps.js";
import type { ApiEnv } from "../api-env.js";
import { notFound, syntaxError } from "../api-error.js";
import { visible } from "../tenancy.js";
import { namedAdvertiser } from "./advertiser-routes.js";
import { idList, oneId } from "./id-query.js";

/** Objects that belong to an advertiser: line items, campaigns, pixels. */
export type AdvertiserObject = StoredObject & { advertiser_id: number };

const ADVERTISER_PARAMS = { id: "advertiser_id", code: "advertiser_code" };
const namesAdvertiser = (c: Context) =>
  Boolean(c.req.query("advertiser_id") || c.req.query("advertiser_code"));

/** The query parameters these helpers read, which are not list filters. */
export const SCOPE_PARAMS = new Set([
  "id",
  "advertiser_id",
  "advertiser_code",
  "member_id",
  "append",
]);

/**
 * Which objects a GET asks for: the acting member's, narrowed to the advertiser it names
 * (`advertiser_id` or `advertiser_code`, which must be the member's) and the ids it lists.
 * `single` when exactly one id was asked for.
 */
export async function scopeForQuery(
  c: Context<ApiEnv>,
  deps: ApiDeps,
  member: number | null,
): Promise<{ scope: ObjectScope; single: boolean }> {
  const scope: ObjectScope = { member };
  if (namesAdvertiser(c))
    scope.advertiser = (await namedAdvertiser(c, deps, member, ADVERTISER_PARAMS)).id;
  const ids = idList(c.req.query("id"));
  if (ids) scope.ids = ids;
  return { scope, single: ids?.length === 1 };
}

/** The advertiser a new object is for: named in the query, else by the body's advertiser_id. */
export async function advertiserForWrite(
  c: Context<ApiEnv>,
  deps: ApiDeps,
  member: number | null,
  bodyAdvertiserId: number | undefined,
): Promise<AdvertiserDocument> {
  if (namesAdvertiser(c)) return namedAdvertiser(c, deps, member, ADVERTISER_PARAMS);
  if (bodyAdvertiserId === undefined) throw syntaxError("advertiser_id", "name the advertiser");
  const advertiser = await deps.stores.advertisers.get(bodyAdvertiserId);
  if (!advertiser || !visible(advertiser, member)) throw notFound("advertiser");
  return advertiser;
}

/**
 * The object a PUT or DELETE names: by `id` (in the query, or the body's id), or by `code`
 * under the advertiser the query names (`codeOwner` says whose codes are unique).
 */
export async function namedObject<T extends AdvertiserObject>(
  c: Context<ApiEnv>,
  deps: ApiDeps,
  member: number | null,
  store: ObjectStore<T>,
  term: string,
  codeOwner: "member" | "advertiser",
  bodyId?: unknown,
): Promise<T> {
  const id = oneId(c.req.query("id"), "id") ?? (typeof bodyId === "number" ? bodyId : null);
  const code = c.req.query("code");
  let found: T | null = null;
  if (id !== null) found = await store.get(id);
  else if (code) {
    const advertiser = await namedAdvertiser(c, deps, member, ADVERTISER_PARAMS);
    found = await store.byCode(codeOwner === "member" ? advertiser.member_id : advertiser.id, code);
    if (found && found.advertiser_id !== advertiser.id) found = null;
  } else throw syntaxError("id", `name the ${term} with id (or advertiser and code)`);
  if (!found || !visible(found, member)) throw notFound(term);
  const advertiserId = oneId(c.req.query("advertiser_id"), "advertiser_id");
  if (advertiserId !== null && advertiserId !== found.advertiser_id) throw notFound(term);
  return found;
}

/**
 * A PUT's changes applied to an object: fields given replace the stored ones; with
 * `append=true` the `appendable` array fields grow instead; an `emptiedByNull` field sent as
 * null becomes []; `advertiser_id` may not change; `last_modified` becomes `now`.
 */
export function applyChanges<T extends AdvertiserObject & { last_modified: string }>(
  c: Context,
  term: string,
  previous: T,
  values: Partial<Record<keyof T, unknown>>,
  options: {
    appendable: ReadonlyArray<keyof T>;
    emptiedByNull?: ReadonlyArray<keyof T>;
    now: number;
  },
): T {
  if (values.advertiser_id !== undefined && values.advertiser_id !== previous.advertiser_id)
    throw syntaxError(`${term}.advertiser_id`, `a ${term} cannot move to another advertiser`);
  const changes = Object.fromEntries(
    Object.entries(values).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
  for (const field of options.emptiedByNull ?? [])
    if (values[field] === null) changes[field] = [] as T[keyof T];
  if (c.req.query("append") === "true")
    for (const field of options.appendable) {
      const added = values[field];
      if (Array.isArray(added))
        changes[field] = [...((previous[field] as unknown[] | null) ?? []), ...added] as T[keyof T];
    }
  return { ...previous, ...changes, last_modified: formatTimestamp(options.now) };
}
