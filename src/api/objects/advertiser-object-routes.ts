import type { OpenAPIHono } from "@hono/zod-openapi";
import type { z } from "zod";
import type { AdvertiserDocument } from "../../objects/documents.js";
import { ObjectConflict, type ObjectStore } from "../../storage/object-store.js";
import type { ApiDeps } from "../api-deps.js";
import type { ApiEnv } from "../api-env.js";
import { type ApiError, integrity, syntaxError } from "../api-error.js";
import { documentedRoute, serviceRoutes } from "../documented-route.js";
import { respond, writeResponse } from "../envelope.js";
import type { FieldMeta } from "../list/list-query.js";
import { mountMetaRoute } from "../meta-route.js";
import { readObjectPage } from "../read-objects.js";
import { actingMember } from "../tenancy.js";
import {
  type AdvertiserObject,
  advertiserForWrite,
  applyChanges,
  namedObject,
  SCOPE_PARAMS,
  scopeForQuery,
} from "./advertiser-scoped.js";

import { jsonBody, parseWrite } from "./write-body.js";

type Stamped = AdvertiserObject & { last_modified: string; created_on: string };

/** An advertiser's object type as its definition declares it (src/api/objects/definitions/). */
export interface AdvertiserObjectDefinition<T extends Stamped, I extends z.ZodObject> {
  term: string;
  plural: string;
  meta: FieldMeta[];
  input: I;
  readOnly: string[];
  __document?: T;
}

/** What differs between the services of an advertiser's objects. */
export interface AdvertiserObjectBehaviour<T extends Stamped, V> {
  path: string;
  /** Whose codes are unique: the member's (pixels: the edge finds them by member and code). */
  codeOwner: "member" | "advertiser";
  /** The fields a POST must carry. */
  required: readonly string[];
  /** The new object from a POST's values, the AppNexus defaults filled in. */
  create(values: V, advertiser: AdvertiserDocument, now: number): Omit<T, "id">;
  appendable: ReadonlyArray<keyof T>;
  emptiedByNull?: ReadonlyArray<keyof T>;
  /** Checks a new or changed object, naming the field at fault (the database checks again). */
  check?(deps: ApiDeps, object: Omit<T, "id">): Promise<void>;
  /** A changed object checked whole again (appended values must obey the rules together). */
  whole?(object: T): T;
  /** GET with `?code=` names one object by its code (under the member or the advertiser). */
  readsByCode?: boolean;
  /** What the database's refusals mean, in words that say what to do. */
  refused: { code: string; inUse: string; reference: string };
}

/**
 * Mounts the AppNexus service of an advertiser's objects (`/line-item`, `/campaign`, `/pixel`):
 * `/meta`; GET by id, by advertiser and code, or as a list paged, filtered and sorted by the
 * database; POST; PUT by id or code (fields given replace, `append=true` grows arrays); DELETE.
 * Every write is one transaction; the edge's copies are carried out before the answer.
 */
export function mountAdvertiserObjectRoutes<T extends Stamped, I extends z.ZodObject>(
  api: OpenAPIHono<ApiEnv>,
  deps: ApiDeps,
  definition: AdvertiserObjectDefinition<T, I>,
  store: ObjectStore<T>,
  behaviour: AdvertiserObjectBehaviour<T, z.infer<I>>,
): void {
  const { term, plural, meta, input, readOnly } = definition;
  mountMetaRoute(api, behaviour.path, meta);
  const route = serviceRoutes(behaviour.path, term, input);
  const readsByCode = behaviour.readsByCode ?? true;
  const consumed = readsByCode ? new Set([...SCOPE_PARAMS, "code"]) : SCOPE_PARAMS;

  const saved = async (work: () => Promise<T>): Promise<T> => {
    try {
      const object = await work();
      await deps.syncEdges();
      return object;
    } catch (error) {
      throw error instanceof ObjectConflict ? refusal(term, error, behaviour.refused) : error;
    }
  };

  documentedRoute(api, route("get", `${plural}`), async (c) => {
    const { scope, single } = await scopeForQuery(c, deps, await actingMember(c, deps));
    const code = readsByCode ? c.req.query("code") : undefined;
    if (code !== undefined) scope.code = code;
    const one = single || (code !== undefined && !c.req.query("id"));
    return readObjectPage(c, { one: term, many: plural }, store, scope, meta, consumed, one);
  });

  documentedRoute(api, route("post", `The new ${term}`, true), async (c) => {
    const member = await actingMember(c, deps);
    const required = Object.fromEntries(behaviour.required.map((f) => [f, true]));
    const schema = input.partial().required(required as never);
    const { values, warnings } = parseWrite(await jsonBody(c.req), term, schema, readOnly);
    const advertiser = await advertiserForWrite(
      c,
      deps,
      member,
      (values as { advertiser_id?: number }).advertiser_id,
    );
    const object = behaviour.create(values as z.infer<I>, advertiser, deps.clock());
    await behaviour.check?.(deps, object);
    return writeResponse(c, term, await saved(() => store.create(object)), warnings);
  });

  documentedRoute(api, route("put", `The ${term} as it now stands`, true), async (c) => {
    const member = await actingMember(c, deps);
    const raw = await jsonBody(c.req);
    const bodyId = (raw as Record<string, { id?: unknown } | undefined> | null)?.[term]?.id;
    const previous = await namedObject(c, deps, member, store, term, behaviour.codeOwner, bodyId);
    const { values, warnings } = parseWrite(raw, term, input.partial(), readOnly);
    let changed = applyChanges(c, term, previous, values as Partial<Record<keyof T, unknown>>, {
      appendable: behaviour.appendable,
      emptiedByNull: behaviour.emptiedByNull ?? [],
      now: deps.clock(),
    });
    changed = behaviour.whole?.(changed) ?? changed;
    await behaviour.check?.(deps, changed);
    return writeResponse(c, term, await saved(() => store.update(changed)), warnings);
  });

  documentedRoute(api, route("delete", "Deleted"), async (c) => {
    const member = await actingMember(c, deps);
    const object = await namedObject(c, deps, member, store, term, behaviour.codeOwner);
    await saved(async () => {
      await store.delete(object);
      return object;
    });
    return respond(c, { status: "OK" });
  });
}

/** A refusal of the database as the API's error. */
function refusal(
  term: string,
  conflict: ObjectConflict,
  words: AdvertiserObjectBehaviour<Stamped, unknown>["refused"],
): ApiError {
  if (conflict.kind === "code") return syntaxError(`${term}.code`, words.code);
  if (conflict.kind === "in_use") return integrity(words.inUse);
  return syntaxError(term, words.reference);
}
