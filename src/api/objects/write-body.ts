import { type ZodType, z } from "zod";
import { syntaxError } from "../api-error.js";

export interface ParsedWrite<T> {
  values: T;
  /** Read-only fields the client sent: ignored, and said so in `dbg_info.warnings`. */
  warnings: string[];
}

/**
 * Reads `{"<term>": {...}}`: read-only fields and fields the object does not have are dropped
 * with a warning (a client that saves an object twice sends back the whole answer: `status`,
 * `count`, `dbg_info`, derived fields); a wrong type, or an unknown field inside a nested
 * value, is a SYNTAX error naming it (`pixel.trigger_type: …`).
 */
export function parseWrite<T>(
  body: unknown,
  term: string,
  schema: ZodType<T>,
  readOnly: readonly string[],
): ParsedWrite<T> {
  const wrapped =
    body && typeof body === "object" && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : null;
  const inner = wrapped?.[term];
  if (!inner || typeof inner !== "object" || Array.isArray(inner))
    throw syntaxError(term, `the body must be {"${term}": {...}}`);
  const fields = { ...(inner as Record<string, unknown>) };
  const warnings: string[] = [];
  for (const name of readOnly) {
    if (name in fields) {
      delete fields[name];
      warnings.push(`${term}.${name} is read-only and was ignored`);
    }
  }
  const known = schema instanceof z.ZodObject ? new Set(Object.keys(schema.shape)) : null;
  for (const name of Object.keys(fields)) {
    if (!known || known.has(name)) continue;
    delete fields[name];
    warnings.push(`${term}.${name.slice(0, 64)} is not a field of ${term} and was ignored`);
  }
  const result = schema.safeParse(fields);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = [term, ...(issue?.path ?? []).map(String)];
    if (issue?.code === "unrecognized_keys") path.push(...issue.keys.slice(0, 1));
    throw syntaxError(path.join("."), issue?.message ?? "is invalid");
  }
  return { values: result.data, warnings };
}

/**
 * How deep an API body may nest objects and arrays. The deepest body a route reads is a report
 * request's filter list (5); JSON.parse takes any depth, but what walks a value recursively
 * afterwards (JSON.stringify of a job's request, zod) overflowed the stack at 10,000.
 */
export const MAX_BODY_DEPTH = 32;

/** Whether `value` nests objects or arrays more than `max` deep: a loop, never recursion. */
function nestsDeeperThan(value: unknown, max: number): boolean {
  const pending: Array<[value: unknown, depth: number]> = [[value, 1]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [item, depth] = next;
    if (item === null || typeof item !== "object") continue;
    if (depth > max) return true;
    for (const child of Object.values(item)) pending.push([child, depth + 1]);
  }
  return false;
}

/** The JSON body, or a SYNTAX error when it is not JSON or nests deeper than MAX_BODY_DEPTH. */
export async function jsonBody(request: { json(): Promise<unknown> }): Promise<unknown> {
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    throw syntaxError("body", "is not valid JSON");
  }
  if (nestsDeeperThan(body, MAX_BODY_DEPTH))
    throw syntaxError("body", `nests objects or arrays more than ${MAX_BODY_DEPTH} deep`);
  return body;
}

/**
 * The request body as the OpenAPI document shows it. Loose on purpose: the handler reads the
 * body with parseWrite, which turns read-only fields into warnings instead of errors.
 */
export function documentedBody(term: string, schema: z.ZodObject) {
  return {
    content: { "application/json": { schema: z.object({ [term]: schema.partial().loose() }) } },
  };
}
