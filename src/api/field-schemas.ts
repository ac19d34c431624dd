import { z } from "@hono/zod-openapi";
import { MAX_MONEY } from "../fields/money.js";
import { MAX_OBJECT_ID } from "../fields/object-id.js";
import { unstorableText } from "../fields/storable-text.js";
import { isUserId } from "../fields/user-id.js";

/**
 * The API's schemas of the fields whose bounds are the store's (src/fields/): an id any API
 * body names, an amount of money, a user id. Every route builds on these, so what the API
 * accepts is what PostgreSQL holds.
 */
export const objectIdField = () =>
  z
    .number()
    .int()
    .min(1, "must be an id from 1 to 2147483647")
    .max(MAX_OBJECT_ID, "must be an id from 1 to 2147483647");

export const moneyField = () =>
  z.number().min(0, "must not be negative").max(MAX_MONEY, `must be at most ${MAX_MONEY}`);

export const userIdField = () =>
  z
    .string()
    .refine(isUserId, "must be a uuid2 user id (a decimal up to 18446744073709551615, or a UUID)");

/** A name or code: trimmed, 1 to `max` characters, text PostgreSQL holds (no U+0000, no half characters). */
export const textField = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((text) => unstorableText(text) === null, {
      error: (issue) => unstorableText(String(issue.input)) ?? "is not storable text",
    });
