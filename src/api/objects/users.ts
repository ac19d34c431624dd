import type { UserDocument } from "../../objects/documents.js";
import { randomHex } from "../../random-hex.js";
import { ObjectConflict } from "../../storage/object-store.js";
import type { ApiDeps } from "../api-deps.js";
import { syntaxError } from "../api-error.js";
import { hashPassword } from "../auth/password.js";
import { creationStamps } from "./timestamps.js";

export interface NewUser {
  username: string;
  password: string;
  user_type: UserDocument["user_type"];
  member_id: number;
  advertiser_id?: number | undefined;
}

/** Creates a user; usernames are unique (case-insensitive) across the service. */
export async function createUser(deps: ApiDeps, input: NewUser): Promise<UserDocument> {
  const user: Omit<UserDocument, "id"> = {
    username: input.username,
    password_hash: await hashPassword(input.password),
    user_type: input.user_type,
    member_id: input.user_type === "admin" ? 0 : input.member_id,
    ...(input.user_type === "advertiser" && input.advertiser_id
      ? { advertiser_id: input.advertiser_id }
      : {}),
    state: "active",
    ...creationStamps(deps.clock()),
  };
  try {
    return await deps.stores.users.create(user);
  } catch (error) {
    // Of two users created with one name at once (whatever its case), one gets it.
    if (error instanceof ObjectConflict && error.kind === "code")
      throw syntaxError("username", "is already taken");
    throw error;
  }
}

export interface UserChanges {
  password?: string | undefined;
  state?: "active" | "inactive" | undefined;
}

/**
 * Changes a user's password or state. A new password, or disabling, revokes every token of
 * the user: written first, revoked after, so a login racing it cannot keep a token
 * (auth-route.ts checks the user again after issuing one).
 */
export async function updateUser(
  deps: ApiDeps,
  previous: UserDocument,
  changes: UserChanges,
): Promise<UserDocument> {
  const user: UserDocument = {
    ...previous,
    ...(changes.password === undefined
      ? {}
      : { password_hash: await hashPassword(changes.password) }),
    ...(changes.state === undefined ? {} : { state: changes.state }),
    last_modified: creationStamps(deps.clock()).last_modified,
  };
  await deps.stores.users.update(user);
  if (changes.password !== undefined || !isActive(user))
    await deps.stores.tokens.revokeAll(user.id);
  return user;
}

/** Whether a user may log in and use its tokens (users stored before `state` existed may). */
export function isActive(user: UserDocument): boolean {
  return user.state !== "inactive";
}

/** A user as the API shows it: never the password hash. */
export function publicUser(user: UserDocument) {
  const { password_hash: _hidden, ...rest } = user;
  return {
    ...rest,
    state: user.state ?? "active",
    member_id: user.user_type === "admin" ? null : user.member_id,
  };
}

/**
 * ADMIN_USERNAME / ADMIN_PASSWORD create or update a system admin at start; with neither set
 * and no admin stored, an `admin` user gets a random password, handed to `announce` this once.
 */
export async function ensureAdmin(
  deps: ApiDeps,
  env: { username: string | null; password: string | null },
  /** Told the login it generated (with neither variable set): the only time it is known. */
  announce: (login: { username: string; password: string }) => void | Promise<void>,
): Promise<void> {
  if (env.username && env.password) {
    const existing = await deps.stores.users.byUsername(env.username);
    if (!existing) {
      await createUser(deps, {
        username: env.username,
        password: env.password,
        user_type: "admin",
        member_id: 0,
      });
      return;
    }
    const updated: UserDocument = {
      ...existing,
      user_type: "admin",
      member_id: 0,
      password_hash: await hashPassword(env.password),
      last_modified: creationStamps(deps.clock()).last_modified,
    };
    await deps.stores.users.update({ ...updated, advertiser_id: undefined });
    return;
  }
  const admins = await deps.stores.users.page(
    { member: 0 },
    {
      filters: [{ field: "user_type", type: "enum", op: "in", values: ["admin"] }],
      sort: null,
      start: 0,
      size: 1,
      fields: null,
    },
  );
  if (admins.count > 0) return;
  const login = { username: "admin", password: randomHex(12) };
  await createUser(deps, { ...login, user_type: "admin", member_id: 0 });
  await announce(login);
}
