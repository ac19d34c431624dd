import { request } from "node:http";

/**
 * A GET on a new connection (no keep-alive), so that node:cluster, which hands out
 * connections in turn, spreads requests over its workers.
 */
export function getOnNewConnection(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { agent: false, headers: { ...headers, Connection: "close" } },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}
