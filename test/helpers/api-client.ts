import type { Hono } from "hono";

export interface ApiAnswer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever the API answered
  body: any;
}

/**
 * Drives the API the way `curl -b cookies -c cookies` does: JSON in and out, and a cookie
 * jar that keeps what the server sets.
 */
export class ApiClient {
  private cookies = new Map<string, string>();
  headers: Record<string, string> = {};

  constructor(private readonly app: Pick<Hono, "request">) {}

  /** A client of a real server process at `base` (http://127.0.0.1:PORT) instead of an app. */
  static of(base: string): ApiClient {
    return new ApiClient({
      request: (input: string | Request | URL, init?: RequestInit) =>
        fetch(String(input).replace("https://api.example", base), init),
    } as Pick<Hono, "request">);
  }

  async call(method: string, path: string, body?: unknown): Promise<ApiAnswer> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const response = await this.app.request(`https://api.example${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        ...(cookie ? { Cookie: cookie } : {}),
        ...this.headers,
      },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const eq = pair.indexOf("=");
      this.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: the test sees the text
    }
    return { status: response.status, headers: response.headers, body: parsed };
  }

  get = (path: string) => this.call("GET", path);
  post = (path: string, body: unknown) => this.call("POST", path, body);
  put = (path: string, body: unknown) => this.call("PUT", path, body);
  delete = (path: string) => this.call("DELETE", path);

  async login(username: string, password: string): Promise<ApiAnswer> {
    return this.post("/auth", { auth: { username, password } });
  }
}

export const ADMIN = { username: "root", password: "correct horse battery staple" };
