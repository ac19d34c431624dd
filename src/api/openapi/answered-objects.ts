import type { z } from "@hono/zod-openapi";
import { z as zod } from "@hono/zod-openapi";
import { answeredObject, okEnvelope } from "./envelope-schemas.js";

/** Each service's answer envelope, by its term (`pixel`), from the schema its writes take. */
const ANSWERS = new Map<string, z.ZodType>();

/** `line-item` → `LineItem`. */
const schemaName = (term: string) =>
  term.replace(/(^|-)(\w)/g, (_all, _dash: string, ch: string) => ch.toUpperCase());

/**
 * Documents what a service answers: `{"response": {"<term>": object}}` for one, `<term>s` for a
 * page. Called once per service, beside its routes.
 */
export function documentObject(term: string, input: z.ZodObject): void {
  const object = answeredObject(schemaName(term), input);
  ANSWERS.set(
    term,
    okEnvelope({ [term]: object.optional(), [`${term}s`]: zod.array(object).optional() }),
  );
}

/** The envelope documented for a service's term, if any. */
export const objectAnswer = (term: string | undefined): z.ZodType | undefined =>
  term === undefined ? undefined : ANSWERS.get(term);
