import { keys } from "../keys.js";
import type { RedisClient } from "./connect.js";
import { bySlot } from "./slot-groups.js";

export interface StoredObject {
  id: number;
  member_id: number;
  code?: string | null;
}

/**
 * API objects of one type as JSON documents in Redis (`<type>:<id>`), with an index of all
 * ids, one per member, and a code index per parent. The management API is not the hot path:
 * lists read a member's ids and filter and sort in memory.
 */
export class RedisObjectStore<T extends StoredObject> {
  constructor(
    private readonly redis: RedisClient,
    readonly type: string,
    /** Whose codes must be unique: the member, or e.g. the advertiser of a line item. */
    private readonly codeParent: (object: T) => number = (o) => o.member_id,
  ) {}

  async nextId(): Promise<number> {
    return this.redis.incr(keys.sequence(this.type));
  }

  async get(id: number): Promise<T | null> {
    const json = await this.redis.get(keys.object(this.type, id));
    return json ? (JSON.parse(json) as T) : null;
  }

  /**
   * The objects with these ids that exist, in the order asked: one MGET on a single server,
   * one per hash slot on Cluster (where an MGET may not span slots), sent together.
   */
  async getMany(ids: readonly number[]): Promise<T[]> {
    const keyOf = (i: number) => keys.object(this.type, ids[i] as number);
    const docs: Array<string | null> = new Array(ids.length).fill(null);
    const parts = bySlot(this.redis, [...ids.keys()], keyOf);
    await Promise.all(
      parts.map(async (part) => {
        const values = await this.redis.mget(part.map(keyOf));
        part.forEach((at, i) => {
          docs[at] = values[i] ?? null;
        });
      }),
    );
    return docs.flatMap((json) => (json ? [JSON.parse(json) as T] : []));
  }

  /** Every object of a member, or of every member with null. */
  async list(memberId: number | null): Promise<T[]> {
    const index =
      memberId === null ? keys.objectIndex(this.type) : keys.memberIndex(this.type, memberId);
    const ids = (await this.redis.smembers(index)).map(Number).sort((a, b) => a - b);
    return this.getMany(ids);
  }

  async idByCode(parentId: number, code: string): Promise<number | null> {
    const id = await this.redis.get(keys.objectByCode(this.type, parentId, code));
    return id === null ? null : Number(id);
  }

  /**
   * Stores an object. A code already taken by another object under the same parent is refused
   * (false), atomically, before anything is written.
   */
  async put(object: T, previous: T | null): Promise<boolean> {
    const code = object.code ?? null;
    const oldCode = previous?.code ?? null;
    if (code !== null && code !== oldCode) {
      const codeKey = keys.objectByCode(this.type, this.codeParent(object), code);
      const claimed = await this.redis.set(codeKey, String(object.id), "NX");
      if (claimed === null && Number(await this.redis.get(codeKey)) !== object.id) return false;
    }
    if (previous && oldCode !== null && oldCode !== code)
      await this.redis.del(keys.objectByCode(this.type, this.codeParent(previous), oldCode));
    await this.redis.set(keys.object(this.type, object.id), JSON.stringify(object));
    await this.redis.sadd(keys.objectIndex(this.type), String(object.id));
    await this.redis.sadd(keys.memberIndex(this.type, object.member_id), String(object.id));
    return true;
  }

  async delete(object: T): Promise<void> {
    await this.redis.del(keys.object(this.type, object.id));
    await this.redis.srem(keys.objectIndex(this.type), String(object.id));
    await this.redis.srem(keys.memberIndex(this.type, object.member_id), String(object.id));
    if (object.code)
      await this.redis.del(keys.objectByCode(this.type, this.codeParent(object), object.code));
  }
}
