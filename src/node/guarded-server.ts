import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type ServerOptions,
  type ServerResponse,
} from "node:http";
import { NO_CACHE_HEADERS, TRANSPARENT_GIF } from "../edge/responses.js";
import type { Logger } from "../storage/ports.js";

const BEACON_PATHS = /^\/(?:px|imp|sspx)(?:[?#]|$)/;

/**
 * `createServer` for @hono/node-server's `serve()`, with its listener guarded. The adapter
 * writes headers after the app's handler has returned, outside Hono's error handling, and on
 * its synchronous path a throw there (a header value Node refuses) became an unhandled
 * rejection that ended the process. Whatever a request does, this answers it and goes on: a
 * beacon still gets its GIF, anything else a SYSTEM error.
 */
export function guardedCreateServer(log: Logger): typeof createServer {
  const create = (options: ServerOptions, listener: RequestListener) =>
    createServer(options, (req, res) => {
      const fail = (error: unknown) => answerAfterFailure(req, res, error, log);
      try {
        const result = listener(req, res) as unknown;
        if (result instanceof Promise) result.catch(fail);
      } catch (error) {
        fail(error);
      }
    });
  return create as typeof createServer;
}

function answerAfterFailure(
  req: IncomingMessage,
  res: ServerResponse,
  error: unknown,
  log: Logger,
): void {
  const code = (error as { code?: unknown } | null)?.code;
  // The path only: a query may carry an order id or a signature, never worth a log line.
  const route = (req.url ?? "").split("?")[0];
  log({ level: "error", msg: "response failed", route, error: String(code ?? error) });
  try {
    if (res.headersSent) return void res.destroy();
    if (BEACON_PATHS.test(req.url ?? "")) {
      // Lengths are explicit: the failed attempt may have left its own on the response.
      res.writeHead(200, {
        ...NO_CACHE_HEADERS,
        "Content-Type": "image/gif",
        "Content-Length": 43,
      });
      res.end(req.method === "HEAD" ? undefined : TRANSPARENT_GIF);
      return;
    }
    const body = JSON.stringify({
      response: { status: "error", error_id: "SYSTEM", error: "Internal error" },
    });
    res.writeHead(500, {
      "Content-Type": "application/json",
      "Content-Length": Buffer.byteLength(body),
    });
    res.end(body);
  } catch {
    res.destroy();
  }
}
