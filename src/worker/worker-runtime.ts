import type { Context, ExecutionContext, Hono } from "hono";
import { createApp } from "../app.js";
import { type Config, readConfig } from "../config.js";
import { StoreWriteFailed } from "../conversions/record-fires.js";
import { honoHeader, jsonLogger } from "../deps.js";
import type { SpoolRecord } from "../spool/spool.js";
import { writeSpooled } from "../spool/write-spooled.js";
import { AdvertiserSettingsCache } from "../storage/advertiser-settings-cache.js";
import { IsolatePixelCache } from "../storage/isolate-pixel-cache.js";
import type { Logger } from "../storage/ports.js";
import { sharedSigningSecret } from "../storage/redis/signing-secret.js";
import { type IsolateParts, RequestScope } from "./request-scope.js";
import { writeToShard } from "./shard-sink.js";
import type { WorkerEnv } from "./worker-env.js";
import { WriterBatches } from "./writer-batches.js";

/** The parts of a Cloudflare Queues message batch the consumer uses. */
export interface SpoolMessages {
  messages: ReadonlyArray<{
    body: SpoolRecord;
    attempts: number;
    ack(): void;
    retry(options?: { delaySeconds?: number }): void;
  }>;
}

export interface WorkerRuntime {
  app: Hono;
  config: Config;
  /** Serves one request; its writes go on in `ctx.waitUntil` after the response. */
  fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response>;
  /** The spool queue's consumer (see consumeSpool). */
  queue(batch: SpoolMessages, env: WorkerEnv): Promise<void>;
}

/** How the app finds the request's scope: src/worker.ts hands it over with the bindings. */
type ScopedEnv = WorkerEnv & { scope: RequestScope };
const scopeOf = (c: Context): RequestScope => (c.env as ScopedEnv).scope;

/**
 * The Workers edge, built once per isolate from the first request's `env` (a Worker sees its
 * bindings only then): the configuration, the app, the pixel configs the isolate remembers
 * (PIXEL_CACHE_TTL_MS, default 30 s; KV itself takes up to a minute to reach every location)
 * and its advertisers' append_click_id for as long,
 * the batches to the writers (WRITER_BATCH_MS) and the signing secret once read. Everything
 * that needs a connection lives in the request's RequestScope.
 */
export function createWorkerRuntime(env: WorkerEnv, log: Logger = jsonLogger): WorkerRuntime {
  const config = readConfig(env);
  const isolate: IsolateParts = {
    config,
    log,
    pixelCache: new IsolatePixelCache(config.pixelCacheTtlMs, config.pixelCacheMaxEntries),
    advertiserCache: new AdvertiserSettingsCache(
      config.pixelCacheTtlMs,
      config.pixelCacheMaxEntries,
    ),
    writerBatches: env.WRITERS
      ? new WriterBatches(config.writerBatchMs, writeToShard(env.WRITERS, env.SPOOL, log))
      : null,
  };
  let secret: string | null = config.signingSecret;
  const app = createApp({
    settings: {
      honorGpc: config.honorGpc,
      allowUnsigned: config.allowUnsigned,
      beaconMaxAgeS: config.beaconMaxAgeS,
      storageTimeoutMs: config.storageTimeoutMs,
      gzipTag: false,
    },
    clock: Date.now,
    storage: (c) => scopeOf(c).storage,
    fires: (c) => scopeOf(c).fires,
    signingSecret: async (c) => {
      secret ??= await sharedSigningSecret(scopeOf(c).redis);
      return secret;
    },
    header: honoHeader,
    background: (c, work) => scopeOf(c).tasks.track(work),
    log,
    // Access lines as on Node (SPEC 8); no /metrics on Workers: Cloudflare's analytics count.
    requests: { sample: config.accessLogSample, tally: null },
  });
  return {
    app,
    config,
    async fetch(request, env, ctx) {
      const scope = new RequestScope(env, isolate);
      const scoped: ScopedEnv = { ...env, scope };
      const response = await app.fetch(request, scoped, ctx);
      ctx.waitUntil(scope.finish());
      return response;
    },
    async queue(batch, env) {
      const scope = new RequestScope(env, isolate);
      try {
        await consumeSpool(batch, scope, env, log);
      } finally {
        await scope.finish();
      }
    },
  };
}

/**
 * The spool's consumer: writes each record Redis did not take when it was accepted, and asks
 * the queue to try again later (1 s more each time, up to a minute) while Redis is away.
 */
async function consumeSpool(
  batch: SpoolMessages,
  scope: RequestScope,
  env: WorkerEnv,
  log: Logger,
): Promise<void> {
  for (const message of batch.messages) {
    try {
      await writeSpooled(scope.storage, message.body);
      message.ack();
    } catch (error) {
      // Redis decided and the store refused: queue the decisions instead, never decide these
      // fires again (as the Node spool does).
      if (error instanceof StoreWriteFailed && message.body.kind === "fires" && env.SPOOL) {
        const requeued = await env.SPOOL.send(error.decided).then(
          () => true,
          () => false,
        );
        if (requeued) {
          message.ack();
          continue;
        }
      }
      log({ level: "warn", msg: "spool replay failed", error: String(error) });
      message.retry({ delaySeconds: Math.min(60, message.attempts) });
    }
  }
}
