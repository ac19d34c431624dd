import type { Miniflare } from "miniflare";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect } from "vitest";
import type { SqlEventStore } from "../../src/storage/sql/event-store.js";
import type { SqlClient } from "../../src/storage/sql/sql-client.js";
import { startNodeEdge, TEST_SECRET } from "./node-edge.js";
import { startTestRedis, type TestRedis } from "./test-redis.js";
import { emptyStore, openTestStore } from "./test-store.js";
import {
  buildWorkerBundle,
  bundledWorker,
  SETTLING_ENTRY,
  type WorkerBundle,
} from "./worker-bundle.js";

/** The runtimes every shared edge spec runs under (as h3's describeMatrix runs its adapters). */
export const EDGE_RUNTIMES = ["node", "worker"] as const;
export type EdgeRuntime = (typeof EDGE_RUNTIMES)[number];

/** One running edge: requests go in, and each returns once the writes it started are done. */
export interface RunningEdge {
  /** `url` as the browser asks it; redirects are answered, not followed. */
  request(url: string, init?: RequestInit): Promise<Response>;
  /** The error-level lines it logged since the last call (a lost write shows only there). */
  takeErrors(): string[];
  close(): Promise<void>;
}

/** What a shared spec sees of the edge under test, whichever runtime it is. */
export interface EdgeUnderTest extends Pick<RunningEdge, "request"> {
  readonly runtime: EdgeRuntime;
  /** The Redis the edge decides with, emptied before each test. */
  readonly redis: TestRedis;
  /** The edge's event store (its fires, conversions and report counts), emptied before each test. */
  readonly events: SqlEventStore;
  /**
   * After a test rewrote pixel configs or advertisers in Redis: the edge reads them anew. Caches
   * are off in the matrix; the Worker's KV copy, back-filled on a miss, is dropped.
   */
  configsChanged(): Promise<void>;
  /** Another edge of the same runtime on the same Redis and store, with more environment. */
  startWith(env: Record<string, string>): Promise<RunningEdge>;
}

/** Both runtimes read every config change at once: no pixel or advertiser cache. */
const MATRIX_ENV = { PIXEL_CACHE_TTL_MS: "0", SIGNING_SECRET: TEST_SECRET };

/**
 * Runs `specs` once per runtime: against the Node edge (wired as src/server.ts wires it) and
 * against the Worker bundle in Miniflare, each on a Redis and an event store of its own.
 */
export function describeEdges(name: string, specs: (edge: EdgeUnderTest) => void): void {
  describe.each(EDGE_RUNTIMES)(`${name} (%s)`, (runtime) => specs(useEdge(runtime)));
}

interface Started {
  redis: TestRedis;
  sql: SqlClient;
  events: SqlEventStore;
  edge: RunningEdge;
  startWith(env: Record<string, string>): Promise<RunningEdge>;
  configsChanged(): Promise<void>;
  close(): Promise<void>;
}

function useEdge(runtime: EdgeRuntime): EdgeUnderTest {
  let started: Started | undefined;
  beforeAll(async () => {
    started = await start(runtime);
  }, 120_000);
  afterAll(async () => {
    await started?.close();
  });
  // An error the edge logged fails the test that caused it, though the browser saw nothing.
  afterEach(() => {
    expect(started?.edge.takeErrors() ?? []).toEqual([]);
  });
  beforeEach(async () => {
    if (!started) return;
    await started.redis.reset();
    await emptyStore(started.sql);
    await started.configsChanged();
  });
  const get = (): Started => {
    if (!started) throw new Error(`the ${runtime} edge is not started yet`);
    return started;
  };
  return {
    runtime,
    request: (url, init) => get().edge.request(url, init),
    get redis() {
      return get().redis;
    },
    get events() {
      return get().events;
    },
    configsChanged: () => get().configsChanged(),
    startWith: (env) => get().startWith(env),
  };
}

/**
 * Starts the runtime's parts in order; when one fails (a bundle that does not build, a port
 * taken), those already started are stopped, so that no redis-server outlives the run.
 */
async function start(runtime: EdgeRuntime): Promise<Started> {
  const undo: Array<() => Promise<void>> = [];
  const close = async () => {
    while (undo.length) await undo.pop()?.();
  };
  try {
    const redis = await startTestRedis();
    undo.push(() => redis.stop());
    const store = await openTestStore();
    undo.push(() => store.close());
    const { sql, events } = store;
    const env = { ...MATRIX_ENV, REDIS_URL: redis.url, DATABASE_URL: store.url };
    const parts = runtime === "node" ? await nodeEdges(env) : await workerEdges(env);
    undo.push(() => parts.close());
    const edge = await parts.start({});
    undo.push(() => edge.close());
    return {
      redis,
      sql,
      events,
      edge,
      startWith: parts.start,
      configsChanged: parts.configsChanged,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

interface EdgeFactory {
  start(env: Record<string, string>): Promise<RunningEdge>;
  configsChanged(): Promise<void>;
  close(): Promise<void>;
}

async function nodeEdges(base: Record<string, string>): Promise<EdgeFactory> {
  return {
    async start(env) {
      const merged = { ...base, ...env };
      const edge = await startNodeEdge(merged.REDIS_URL ?? "", merged);
      let seen = 0;
      return {
        takeErrors() {
          const lines = edge.log.lines.slice(seen);
          seen = edge.log.lines.length;
          return lines.filter((line) => line.level === "error").map((line) => JSON.stringify(line));
        },
        async request(url, init) {
          const response = await edge.app.request(url, init);
          await edge.drain();
          return response;
        },
        close: () => edge.close(),
      };
    },
    configsChanged: async () => {},
    close: async () => {},
  };
}

async function workerEdges(base: Record<string, string>): Promise<EdgeFactory> {
  const bundle = await buildWorkerBundle();
  const running: Miniflare[] = [];
  return {
    async start(env) {
      const errors: string[] = [];
      const mf = await startWorker(bundle, { ...base, ...env }, (line) => {
        if (/"level":"error"/.test(line)) errors.push(line);
      });
      running.push(mf);
      return {
        request: (url, init) => workerRequest(mf, url, init),
        takeErrors: () => errors.splice(0),
        async close() {
          running.splice(running.indexOf(mf), 1);
          await mf.dispose();
        },
      };
    },
    async configsChanged() {
      for (const mf of running) {
        const kv = await mf.getKVNamespace("PIXELS");
        for (const { name } of (await kv.list()).keys) await kv.delete(name);
      }
    },
    async close() {
      for (const mf of running.splice(0)) await mf.dispose(); // those a failed test left
      bundle.remove();
    },
  };
}

async function startWorker(
  bundle: WorkerBundle,
  bindings: Record<string, string>,
  onLine: (line: string) => void,
) {
  const mf = bundledWorker(bundle, { bindings }, onLine, SETTLING_ENTRY);
  await mf.ready;
  return mf;
}

/** Statuses whose response has no body (the fetch standard's null body statuses). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * A request to the Worker, its body read at once (Miniflare holds the connection until it is)
 * and handed back as a Response like the one the Node app answers.
 */
async function workerRequest(mf: Miniflare, url: string, init: RequestInit = {}) {
  const response = await mf.dispatchFetch(url, {
    redirect: "manual",
    ...init,
  } as Parameters<Miniflare["dispatchFetch"]>[1]);
  const body = await response.arrayBuffer();
  return new Response(NULL_BODY.has(response.status) ? null : body, {
    status: response.status,
    headers: [...response.headers],
  });
}
