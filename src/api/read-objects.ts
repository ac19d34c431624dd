import type { Context } from "hono";
import { notFound } from "./api-error.js";
import { readResponse } from "./envelope.js";
import { type FieldMeta, listPage } from "./list/list-query.js";

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
