import type { Server } from "node:http";
import type { Socket } from "node:net";
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

/**
 * Node answers a request it cannot parse (a 100 KB query string, a huge cookie) with a 400 or
 * 431 before the app ever sees it. Such a request is most likely a pixel on somebody's page,
 * so it gets the GIF instead: the edge never answers a browser with an error.
 */
export function answerUnparsableWithGif(server: Pick<Server, "on">): void {
  server.on("clientError", (_error: Error, socket: Socket) => {
    if (socket.writable) socket.end(GIF_ANSWER);
    else socket.destroy();
  });
}
