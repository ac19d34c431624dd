import type { Context } from "hono";
import type { RequestObserving } from "./http/observe-requests.js";
import type { EdgeStorage, FireSink, Logger } from "./storage/ports.js";

export interface EdgeSettings {
  /** Treat `Sec-GPC: 1` as an opt-out (HONOR_GPC, default on). */
  honorGpc: boolean;
  /** Accept beacons without a valid `sig` (ALLOW_UNSIGNED=1, development only). */
  allowUnsigned: boolean;
  /** How long a signed `/imp` is good after its `ts` (BEACON_MAX_AGE_S, default 3600). */
  beaconMaxAgeS: number;
  /** Longest the edge waits on storage before answering without it. */
  storageTimeoutMs: number;
  /** Send `/tag.js` gzipped when accepted: Node does; Cloudflare compresses Workers' answers. */
  gzipTag: boolean;
}

/** What createApp needs; each runtime builds it (src/node/node-runtime.ts, src/worker/worker-runtime.ts). */
export interface AppDeps {
  settings: EdgeSettings;
  clock: () => number;
  /** The storage for this request (Workers open a connection per request; Node shares one). */
  storage: (c: Context) => EdgeStorage;
  /** Where accepted fires go to be attributed and recorded after the response. */
  fires: (c: Context) => FireSink;
  signingSecret: (c: Context) => Promise<string>;
  /**
   * A request header by lower-case name. Node reads the socket's parsed headers: asking Hono
   * would build a whole Request per hit, which costs more than the rest of /px together.
   */
  header: (c: Context, name: string) => string | null;
  /** Keeps work going after the response: `waitUntil` on Workers, a tracked promise on Node. */
  background: (c: Context, work: Promise<unknown>) => void;
  log: Logger;
  /** Access logs and request counts (src/http/observe-requests.ts); absent: neither. */
  requests?: Pick<RequestObserving, "sample" | "tally" | "presetHeader">;
  /**
   * What `/readyz` reports: each check passes with "ok" or names what is wrong (never an
   * error's own text: the page is public); `counts` inform without failing readiness.
   */
  readiness?: () => Promise<Readiness>;
}

export interface Readiness {
  checks: Record<string, string>;
  /** `dead_letters`: fires the store refused for their data, kept aside (SPEC 10). */
  counts?: Record<string, number>;
}

export const jsonLogger: Logger = (entry) => {
  console.log(JSON.stringify({ time: new Date().toISOString(), ...entry }));
};

/** The portable header reader (Workers, tests): Hono's own. */
export const honoHeader = (c: Context, name: string): string | null => c.req.header(name) ?? null;
