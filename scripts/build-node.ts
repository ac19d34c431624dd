/**
 * Compiles the Node service to plain JavaScript in dist/node/ (one file per source file, the
 * packages left to node_modules), so that production runs `node dist/node/server.js` without
 * tsx. The SQL migrations are copied beside the module that reads them.
 */
import { cpSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "dist/node");
rmSync(out, { recursive: true, force: true });
const entries = readdirSync(join(root, "src"), { recursive: true, encoding: "utf8" })
  .filter((file) => file.endsWith(".ts") && !file.endsWith(".test.ts") && !file.endsWith(".d.ts"))
  .map((file) => join(root, "src", file));
await build({
  entryPoints: entries,
  outdir: out,
  outbase: join(root, "src"),
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: true,
  logLevel: "warning",
});
cpSync(join(root, "src/storage/sql/migrations"), join(out, "storage/sql/migrations"), {
  recursive: true,
});
console.log(`dist/node/: ${entries.length} modules; run with node dist/node/server.js`);
