// The baseline: a minimal Hono app on @hono/node-server answering the same GIF, with the same
// headers, as /px and /imp do, and nothing else.
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { gifResponse } from "../src/edge/responses.js";

const app = new Hono();
app.get("/healthz", (c) => c.json({ status: "ok" }));
app.get("*", () => gifResponse());
serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: "127.0.0.1" });
