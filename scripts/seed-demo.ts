// `npm run seed-demo`: creates a demo member, advertiser, line item, campaign and pixel in the
// service's Redis (once; a second run reuses them) and prints a tag and beacons to try.
// `npm run seed-demo -- --show [pixel id]` prints a pixel's fire log and conversions from the
// event store (the demo pixel's by default): DATABASE_URL's, or the embedded one while the
// service that holds it is stopped.
import { readConfig } from "../src/config.js";
import { formatTimestamp } from "../src/conversions/timestamps.js";
import { openRedisOrExit } from "../src/node/open-redis.js";
import { openStore } from "../src/node/open-store.js";
import { signUrl } from "../src/signing/url-signature.js";
import { keys } from "../src/storage/keys.js";
import { RedisPixelWriter } from "../src/storage/redis/redis-pixel-configs.js";
import { sharedSigningSecret } from "../src/storage/redis/signing-secret.js";

const DEMO_CODE = "demo-thank-you";
const config = readConfig(process.env);
const base = process.env.PUBLIC_URL || `http://127.0.0.1:${config.port}`;
const opened = await openRedisOrExit(config);
const redis = opened.redis;
const writer = new RedisPixelWriter(redis);

async function createDemo(): Promise<{
  memberId: number;
  pixelId: number;
  advertiserId: number;
  lineItemId: number;
  campaignId: number;
}> {
  const now = formatTimestamp(Date.now());
  const stamps = { created_on: now, last_modified: now };
  const memberId = await writer.nextId("member");
  const advertiserId = await writer.nextId("advertiser");
  const lineItemId = await writer.nextId("line-item");
  const campaignId = await writer.nextId("campaign");
  const pixelId = await writer.nextId("pixel");
  await writer.putMember({ id: memberId, name: "Demo member", ...stamps });
  await writer.putAdvertiser({
    id: advertiserId,
    code: "demo",
    name: "Demo advertiser",
    state: "active",
    member_id: memberId,
    redirect_domains: ["example.com"],
    ...stamps,
  });
  const lineItemPixel = {
    id: pixelId,
    state: "active" as const,
    post_click_revenue: null,
    post_view_revenue: null,
  };
  await writer.putLineItem({
    id: lineItemId,
    code: "demo-li",
    name: "Demo line item",
    state: "active",
    advertiser_id: advertiserId,
    member_id: memberId,
    pixels: [lineItemPixel],
    ...stamps,
  });
  await writer.putCampaign({
    id: campaignId,
    code: "demo-cp",
    name: "Demo campaign",
    state: "active",
    advertiser_id: advertiserId,
    member_id: memberId,
    line_item_id: lineItemId,
    pixels: [{ id: pixelId, state: "active" }],
    ...stamps,
  });
  await writer.putPixel({
    id: pixelId,
    code: DEMO_CODE,
    name: "Demo thank-you page",
    state: "active",
    member_id: memberId,
    advertiser_id: advertiserId,
    trigger_type: "hybrid",
    min_minutes_per_conv: 0,
    post_view_expire_mins: 1440,
    post_click_expire_mins: 20160,
    post_view_value: 1,
    post_click_value: 10,
    piggyback_pixels: null,
    pixel_conversion_event_id: 7,
    ...stamps,
  });
  return { memberId, pixelId, advertiserId, lineItemId, campaignId };
}

async function findDemo() {
  for (
    let member = 1;
    member <= Number((await redis.get(keys.sequence("member"))) ?? 0);
    member++
  ) {
    const id = await redis.get(keys.pixelByCode(member, DEMO_CODE));
    const json = id ? await redis.get(keys.pixel(Number(id))) : null;
    if (!json) continue;
    const pixel = JSON.parse(json);
    const byCode = async (type: string, code: string) =>
      Number(await redis.get(keys.objectByCode(type, pixel.advertiser_id, code)));
    return {
      memberId: member,
      pixelId: pixel.id,
      advertiserId: pixel.advertiser_id,
      lineItemId: await byCode("line-item", "demo-li"),
      campaignId: await byCode("campaign", "demo-cp"),
    };
  }
  return null;
}

/** Prints a pixel's fire log and conversions, read from the event store the service writes. */
async function showLogs(pixelId: number): Promise<void> {
  const log = await openStore(config, () => {}, Date.now).catch(() => {
    // The embedded store belongs to one process: the running service holds it.
    console.error(
      `The running service holds the embedded event store (${config.localStoreDir}): stop it and run this again, or give both the same DATABASE_URL.
With the service running, read the conversions through the API, signed in as in the README:
  curl -b cookies '${base}/conversion?pixel_id=${pixelId}'`,
    );
    process.exit(1);
  });
  try {
    const ready = await Promise.race([
      log.ready.then(() => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), 5000)),
    ]);
    if (!ready) throw new Error(`the event store at ${log.endpoint} does not answer`);
    console.log(`Fires of pixel ${pixelId}, oldest first:`);
    for (const f of await log.fires(pixelId))
      console.log(`  ${formatTimestamp(f.ts)} user ${f.user_id}: ${f.reason}`);
    console.log("Conversions, newest first:");
    for (const c of await log.conversions(pixelId)) console.log(`  ${JSON.stringify(c)}`);
  } finally {
    await log.close();
  }
}

try {
  const show = process.argv.indexOf("--show");
  if (show !== -1) {
    // A show only reads: it never creates the demo it was asked to show.
    const asked = process.argv[show + 1];
    const pixelId = asked === undefined ? (await findDemo())?.pixelId : Number(asked);
    if (pixelId === undefined) {
      console.error("No demo pixel yet: run `npm run seed-demo` first, or name a pixel: --show 37");
      process.exitCode = 1;
    } else if (!Number.isInteger(pixelId) || pixelId < 1) {
      console.error(`--show takes a pixel id, got "${asked}"`);
      process.exitCode = 1;
    } else await showLogs(pixelId);
  } else {
    const existing = await findDemo();
    const demo = existing ?? (await createDemo());
    const secret = config.signingSecret ?? (await sharedSigningSecret(redis));
    const q = `adv=${demo.advertiserId}&li=${demo.lineItemId}&cp=${demo.campaignId}&cr=1`;
    const imp = await signUrl(secret, `${base}/imp?${q}`);
    const click = await signUrl(
      secret,
      `${base}/click?${q}&redir=${encodeURIComponent("https://example.com/")}`,
    );
    console.log(`${existing ? "Found" : "Created"} the demo: member ${demo.memberId}, advertiser ${demo.advertiserId}, line item ${demo.lineItemId}, campaign ${demo.campaignId}, pixel ${demo.pixelId}.
(URLs below use ${base}: set PUBLIC_URL, or PORT, to the service's address.)

The tag for the advertiser's thank-you page:
  <img src="${base}/px?id=${demo.pixelId}&t=2" width="1" height="1" alt="" />

Try it with curl (the cookie jar plays the browser), with \`npm start\` running:
  curl -s -o /dev/null -c jar -b jar '${imp}'
  curl -s -o /dev/null -c jar -b jar '${base}/px?id=${demo.pixelId}&t=2&order_id=A-1001&value=49.90'
and the conversion log, signed in to the API (README, "The management API"):
  curl -b cookies '${base}/conversion?advertiser_id=${demo.advertiserId}'
(\`npm run seed-demo -- --show\` prints it too, from DATABASE_URL's store, or from the embedded
one once the service is stopped.)

Beacons are good for a while after they are signed (an /imp for BEACON_MAX_AGE_S, 1 hour; a
click for 30 days): run this again for fresh ones.

A signed click (302 to https://example.com/):
  ${click}`);
  }
} finally {
  await opened.close();
}
