import type { KeyValueNamespace } from "./kv-pixel-configs.js";

export interface CloudflareKvOptions {
  accountId: string;
  namespaceId: string;
  /** An API token with Workers KV Storage: Edit. Never logged. */
  apiToken: string;
  /** The API's base URL (tests point it at a local server). */
  baseUrl?: string;
  fetch?: typeof fetch;
}

/**
 * Workers KV from outside a Worker, through Cloudflare's REST API: how the Node API writes
 * pixel configs through to the namespace the Worker edge reads.
 */
export class CloudflareKvWriter implements KeyValueNamespace {
  private readonly base: string;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: CloudflareKvOptions) {
    const root = options.baseUrl ?? "https://api.cloudflare.com/client/v4";
    this.base = `${root}/accounts/${encodeURIComponent(options.accountId)}/storage/kv/namespaces/${encodeURIComponent(options.namespaceId)}/values/`;
    this.fetch = options.fetch ?? fetch;
  }

  private async call(method: string, key: string, body?: string): Promise<Response> {
    const response = await this.fetch(this.base + encodeURIComponent(key), {
      method,
      headers: {
        Authorization: `Bearer ${this.options.apiToken}`,
        ...(body === undefined ? {} : { "Content-Type": "text/plain" }),
      },
      body,
    });
    if (!response.ok && response.status !== 404)
      throw new Error(`Workers KV ${method} ${key}: HTTP ${response.status}`);
    return response;
  }

  async get(key: string, _type: "json"): Promise<unknown> {
    const response = await this.call("GET", key);
    return response.status === 404 ? null : response.json();
  }

  async put(key: string, value: string): Promise<void> {
    await this.call("PUT", key, value);
  }

  async delete(key: string): Promise<void> {
    await this.call("DELETE", key);
  }
}
