import type { ExecutionContext } from "hono";
import type { WorkerEnv } from "./worker/worker-env.js";
import {
  createWorkerRuntime,
  type SpoolMessages,
  type WorkerRuntime,
} from "./worker/worker-runtime.js";

// The Workers entry: the isolate's runtime, built from the first request's bindings
// (src/worker/worker-runtime.ts), serves every request and queue batch after it.

let runtime: WorkerRuntime | null = null;
const runtimeFor = (env: WorkerEnv): WorkerRuntime => {
  runtime ??= createWorkerRuntime(env);
  return runtime;
};

export { RedisWriter } from "./worker/redis-writer.js";

export default {
  fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
    return runtimeFor(env).fetch(request, env, ctx);
  },

  queue(batch: SpoolMessages, env: WorkerEnv): Promise<void> {
    return runtimeFor(env).queue(batch, env);
  },
};
