// `npx tsx bench/mix.ts --url http://127.0.0.1:8080 --secret S --pixels 1,2 --advertiser 1
//   --line-items 1,2 [--rate 200] [--seconds 30] [--users 5000] [--mix imp=90,click=1,px=9]`
//
// A realistic traffic mix for any deployment of this service: a population of browsers (each
// with its uuid2 cookie) that see signed impressions, click a few of them, and reach the
// advertiser's thank-you page (some after a click or an impression, most not), at a steady
// rate. Prints what it sent and what came back. Bounded in time and in count; it sends load
// only where --url points: your own deployment.
import { parseArgs } from "node:util";
import { signUrl } from "../src/signing/url-signature.js";

const { values } = parseArgs({
  options: {
    url: { type: "string", default: "http://127.0.0.1:8080" },
    secret: { type: "string", default: process.env.SIGNING_SECRET ?? "" },
    pixels: { type: "string", default: "1" },
    advertiser: { type: "string", default: "1" },
    "line-items": { type: "string", default: "1" },
    rate: { type: "string", default: "200" },
    seconds: { type: "string", default: "30" },
    users: { type: "string", default: "5000" },
    // Share of requests per kind, in percent: a display campaign's beacons dwarf its clicks,
    // and most thank-you page visits come from people the campaign never reached.
    mix: { type: "string", default: "imp=90,click=1,px=9" },
    concurrency: { type: "string", default: "50" },
  },
});

const base = values.url.replace(/\/$/, "");
const pixels = values.pixels.split(",").map(Number);
const lineItems = values["line-items"].split(",").map(Number);
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const users = Number(values.users);
const maxRequests = Math.ceil(rate * seconds);
const shares = Object.fromEntries(
  values.mix.split(",").map((part) => {
    const [kind = "", share = "0"] = part.split("=");
    return [kind, Number(share)];
  }),
) as Record<"imp" | "click" | "px", number>;
const total = (shares.imp ?? 0) + (shares.click ?? 0) + (shares.px ?? 0);
if (!values.secret) console.warn("No --secret (or SIGNING_SECRET): beacons go unsigned.");

const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)] as T;
const userOf = () => String(7_000_000_000 + Math.floor(Math.random() * users));

async function beaconPath(kind: "imp" | "click"): Promise<string> {
  const li = pick(lineItems);
  const query =
    `adv=${values.advertiser}&li=${li}&cp=${1 + (li % 5)}&cr=${1 + Math.floor(Math.random() * 20)}` +
    (kind === "click" ? `&redir=${encodeURIComponent("https://example.com/landing")}` : "");
  const url = `${base}/${kind}?${query}`;
  return values.secret ? signUrl(values.secret, url) : url;
}

async function nextRequest(): Promise<{ kind: string; url: string }> {
  const roll = Math.random() * total;
  if (roll < (shares.imp ?? 0)) return { kind: "imp", url: await beaconPath("imp") };
  if (roll < (shares.imp ?? 0) + (shares.click ?? 0))
    return { kind: "click", url: await beaconPath("click") };
  const order = Math.random() < 0.5 ? `&order_id=M-${Math.floor(Math.random() * 1e9)}` : "";
  const value = Math.random() < 0.3 ? `&value=${(Math.random() * 200).toFixed(2)}` : "";
  return { kind: "px", url: `${base}/px?id=${pick(pixels)}&t=2${order}${value}` };
}

const statuses = new Map<string, number>();
const latencies: number[] = [];
let sent = 0;
let failed = 0;
const started = performance.now();
const deadline = started + seconds * 1000;

async function worker(): Promise<void> {
  while (sent < maxRequests && performance.now() < deadline) {
    // Paced: request n leaves at n / rate seconds after the start.
    const due = started + (sent / rate) * 1000;
    sent++;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const { kind, url } = await nextRequest();
    const t0 = performance.now();
    try {
      const response = await fetch(url, {
        headers: { Cookie: `uuid2=${userOf()}` },
        redirect: "manual",
        signal: AbortSignal.timeout(5000),
      });
      await response.arrayBuffer();
      const key = `${kind} ${response.status}`;
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
      latencies.push(performance.now() - t0);
    } catch {
      failed++;
    }
  }
}

await Promise.all(Array.from({ length: Number(values.concurrency) }, worker));
const elapsed = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const at = (q: number) => latencies[Math.floor(q * (latencies.length - 1))]?.toFixed(2) ?? "-";
console.log(
  `${sent} requests in ${elapsed.toFixed(1)} s (${(sent / elapsed).toFixed(0)}/s) to ${base}; ` +
    `${failed} failed; latency p50 ${at(0.5)} ms, p99 ${at(0.99)} ms`,
);
for (const [key, count] of [...statuses].sort()) console.log(`  ${key}: ${count}`);
