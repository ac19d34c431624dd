import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { TRANSPARENT_GIF } from "../../src/edge/responses.js";

/**
 * An advertiser's site on its own local origin: serves the pages a test registers, plus a
 * piggyback image (`/piggy.gif`) and script (`/piggy.js`, which counts its runs in
 * `window.piggyRuns`), and remembers every path asked for.
 */
export async function startPageServer(): Promise<{
  origin: string;
  pages: Map<string, string>;
  hits: string[];
  close(): Promise<void>;
}> {
  const pages = new Map<string, string>();
  const hits: string[] = [];
  const server = createServer((request, response) => {
    const path = request.url ?? "/";
    hits.push(path);
    const pathname = path.split("?")[0] ?? "/";
    if (pathname === "/piggy.gif") {
      response.writeHead(200, { "Content-Type": "image/gif" }).end(TRANSPARENT_GIF);
    } else if (pathname === "/piggy.js") {
      response
        .writeHead(200, { "Content-Type": "application/javascript" })
        .end("window.piggyRuns = (window.piggyRuns || 0) + 1;");
    } else if (pages.has(pathname)) {
      response
        .writeHead(200, { "Content-Type": "text/html; charset=utf-8" })
        .end(pages.get(pathname));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    pages,
    hits,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
