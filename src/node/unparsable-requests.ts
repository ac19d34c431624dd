import { maxHeaderSize, type Server } from "node:http";
import type { Socket } from "node:net";
import { API_VERSION } from "../api/envelope.js";
import { NO_CACHE_HEADERS, TRANSPARENT_GIF } from "../edge/responses.js";

const GIF_ANSWER = Buffer.concat([
  Buffer.from(
    [
      "HTTP/1.1 200 OK",
      "Content-Type: image/gif",
      "Content-Length: 43",
      ...Object.entries(NO_CACHE_HEADERS).map(([name, value]) => `${name}: ${value}`),
      "Connection: close",
      "",
      "",
    ].join("\r\n"),
  ),
  TRANSPARENT_GIF,
]);

/** The API's SYNTAX envelope (src/api/envelope.ts), for a request the app never saw. */
function jsonAnswer(error: string): Buffer {
  const body = JSON.stringify({
    response: {
      status: "error",
      error_id: "SYNTAX",
      error,
      error_description: null,
      error_code: null,
      dbg_info: { output_term: "syntax", version: API_VERSION, warnings: [] },
    },
  });
  return Buffer.from(
    [
      "HTTP/1.1 400 Bad Request",
      "Content-Type: application/json",
      `Content-Length: ${Buffer.byteLength(body)}`,
      "Cache-Control: no-store",
      "Connection: close",
      "",
      body,
    ].join("\r\n"),
  );
}

const TOO_LARGE = jsonAnswer(
  `the request is too large: its URL and headers must fit in ${maxHeaderSize / 1024} KB`,
);
const MALFORMED = jsonAnswer("the request is not valid HTTP");

/** The routes browsers call (src/edge/): whatever they send, they get the GIF. */
const BROWSER_PATHS = new Set(["/px", "/imp", "/click", "/sspx", "/optout", "/tag.js"]);
/** A request line's method and path (origin or absolute form), up to its query. */
const REQUEST_LINE = /^[A-Z]{3,10} (?:https?:\/\/[^/\s]*)?(\/[^?#\s]*)/i;

/**
 * The path of the request Node failed on, when the piece it was parsing starts with the
 * request line (a request written in one go, which Node reads in pieces of up to 64 KB);
 * otherwise null.
 */
function pathOf(rawPacket: unknown): string | null {
  if (!Buffer.isBuffer(rawPacket)) return null;
  return REQUEST_LINE.exec(rawPacket.subarray(0, 512).toString("latin1"))?.[1] ?? null;
}

/**
 * Node answers a request it cannot parse (a 100 KB query string, a huge cookie) with a 400 or
 * 431 before the app ever sees it. On an API route, it gets the API's JSON error envelope
 * instead. Anything else, a browser route or a request whose path cannot be told (garbage,
 * or the part Node failed on no longer shows the request line), is most likely a pixel on
 * somebody's page, and gets the GIF: the edge never answers a browser with an error.
 */
export function answerUnparsableRequests(server: Pick<Server, "on">): void {
  server.on(
    "clientError",
    (error: Error & { code?: string; rawPacket?: unknown }, socket: Socket) => {
      if (!socket.writable) return void socket.destroy();
      const path = pathOf(error.rawPacket);
      if (path === null || BROWSER_PATHS.has(path)) return void socket.end(GIF_ANSWER);
      socket.end(error.code === "HPE_HEADER_OVERFLOW" ? TOO_LARGE : MALFORMED);
    },
  );
}
