import type { RedisClient } from "./connect.js";

export type ScriptArg = string | number;
export type Script<R> = (keys: readonly string[], args: readonly ScriptArg[]) => Promise<R>;

/**
 * Registers a Lua script on a client and returns a typed caller taking any number of keys.
 * ioredis sends EVALSHA and falls back to EVAL once when the server answers NOSCRIPT (after a
 * restart or a failover).
 */
export function defineScript<R>(redis: RedisClient, name: string, lua: string): Script<R> {
  // Without numberOfKeys, ioredis takes the key count as the first argument of each call.
  if (!(name in redis)) redis.defineCommand(name, { lua });
  const command = (redis as unknown as Record<string, (...a: ScriptArg[]) => Promise<R>>)[name];
  if (!command) throw new Error(`script ${name} was not registered`);
  return (keys, args) => command.call(redis, keys.length, ...keys, ...args);
}
