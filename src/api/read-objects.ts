import type { Context } from "hono";
import type { ObjectScope, ObjectStore, StoredObject } from "../storage/object-store.js";
import { notFound } from "./api-error.js";
import { readResponse } from "./envelope.js";
import { type FieldMeta, listPage, parseListQuery, projected } from "./list/list-query.js";

/**
 * Answers a read the AppNexus way: the singular key when one object was asked for by id,
 * the plural key (paged, filtered, sorted) otherwise.
 */
export function readObjects<T extends object>(
  c: Context,
  terms: { one: string; many: string },
  objects: readonly T[],
  meta: readonly FieldMeta[],
  consumed: ReadonlySet<string>,
  singleById: boolean,
): Response {
  const page = listPage(objects, c.req.query(), meta, consumed);
  if (singleById) {
    // Another member's object answers exactly like one that does not exist.
    if (page.items.length === 0) throw notFound(terms.one);
    return readResponse(c, { outputTerm: terms.one, value: page.items[0], ...page });
  }
  return readResponse(c, { outputTerm: terms.many, value: page.items, ...page });
}

/**
 * Answers a read of stored objects, AppNexus style, with the database doing the work: the
 * list conventions (read against `meta`) become the query of `store.page`. `view` shapes each
 * object as the API shows it.
 */
export async function readObjectPage<T extends StoredObject>(
  c: Context,
  terms: { one: string; many: string },
  store: ObjectStore<T>,
  scope: ObjectScope,
  meta: readonly FieldMeta[],
  consumed: ReadonlySet<string>,
  singleById: boolean,
  view: (object: T) => object = (object) => object,
): Promise<Response> {
  const list = parseListQuery(c.req.query(), meta, consumed);
  const page = await store.page(scope, list);
  const items = projected(page.items.map(view), list.fields);
  const paging = { count: page.count, startElement: list.start, numElements: list.size };
  if (singleById) {
    if (items.length === 0) throw notFound(terms.one);
    return readResponse(c, { outputTerm: terms.one, value: items[0], ...paging });
  }
  return readResponse(c, { outputTerm: terms.many, value: items, ...paging });
}
