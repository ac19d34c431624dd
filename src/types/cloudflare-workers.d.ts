// The one class this project uses from the Workers runtime's own module (resolved by wrangler
// and workerd, never by Node); the full types are in @cloudflare/workers-types.
declare module "cloudflare:workers" {
  /** A Durable Object whose public methods are called over RPC from its stubs. */
  export abstract class DurableObject<Env = unknown> {
    constructor(ctx: unknown, env: Env);
    protected readonly ctx: unknown;
    protected readonly env: Env;
  }
}
