import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Miniflare, type MiniflareOptions } from "miniflare";

/** The deployed entry, as `npm run build:worker` (wrangler) bundles it. */
export const WORKER_ENTRY = "worker.js";

/**
 * A test's own entry around the bundle's: the same `fetch`, but it answers only once the work the
 * request left in `ctx.waitUntil` (its writes) is done, so that a test reads what a request
 * wrote without polling. What deploys is WORKER_ENTRY; worker.test.ts checks that one writes
 * after its response.
 */
export const SETTLING_ENTRY = "settling-worker.js";
const SETTLING_SOURCE = `import worker, { RedisWriter } from "./${WORKER_ENTRY}";
export { RedisWriter };
export default {
  async fetch(request, env, ctx) {
    const work = [];
    const response = await worker.fetch(request, env, {
      waitUntil: (promise) => void work.push(promise),
      passThroughOnException: () => ctx.passThroughOnException(),
      props: ctx.props,
    });
    await Promise.allSettled(work);
    return response;
  },
};
`;

export interface WorkerBundle {
  dir: string;
  remove(): void;
}

/** The bundle `npm run build:worker` makes, built the same way into a folder of the caller's own. */
export async function buildWorkerBundle(): Promise<WorkerBundle> {
  const dir = mkdtempSync(join(tmpdir(), "px-worker-"));
  await promisify(execFile)("npx", ["wrangler", "deploy", "--dry-run", "--outdir", dir], {
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
  writeFileSync(join(dir, SETTLING_ENTRY), SETTLING_SOURCE);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The bundle in Miniflare (workerd), as wrangler.toml deploys it, with `options`' bindings. The
 * Worker's stdout and stderr (its JSON log lines) go to `onLine`, not to the test's output.
 */
export function bundledWorker(
  bundle: WorkerBundle,
  options: Omit<MiniflareOptions, "scriptPath">,
  onLine: (line: string) => void = () => {},
  entry: string = WORKER_ENTRY,
): Miniflare {
  const keepLines = (stream: NodeJS.ReadableStream) =>
    stream.on("data", (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n")) if (line) onLine(line);
    });
  // Miniflare finds the deployed entry's imports itself; the settling entry and the bundle it
  // imports are listed, as Miniflare's search cannot follow the bundle's node: built-ins from it.
  const modules =
    entry === WORKER_ENTRY
      ? { modules: true, scriptPath: join(bundle.dir, entry) }
      : {
          modules: [entry, WORKER_ENTRY].map((name) => ({
            type: "ESModule" as const,
            path: join(bundle.dir, name),
          })),
        };
  return new Miniflare({
    handleRuntimeStdio: (stdout: NodeJS.ReadableStream, stderr: NodeJS.ReadableStream) => {
      keepLines(stdout);
      keepLines(stderr);
    },
    ...modules,
    modulesRoot: bundle.dir,
    compatibilityDate: "2026-05-01",
    compatibilityFlags: ["nodejs_compat"],
    kvNamespaces: ["PIXELS"],
    ...options,
  } as MiniflareOptions);
}
