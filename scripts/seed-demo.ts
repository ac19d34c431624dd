// `npm run seed-demo`: with the service running, creates a demo member, advertiser, line item,
// campaign and pixel through its API (once; a second run finds them), signed in as its admin
// (ADMIN_USERNAME and ADMIN_PASSWORD, else the login the first start kept in ADMIN_LOGIN_FILE),
// and prints a tag, signed beacons and curl lines that work as printed.
// `npm run seed-demo -- --show [pixel id]` prints a pixel's fire log and conversions from the
// event store (the demo pixel's by default): DATABASE_URL's, or the embedded one while the
// service that holds it is stopped.
import { readFile } from "node:fs/promises";
import { readConfig } from "../src/config.js";
import { formatTimestamp } from "../src/conversions/timestamps.js";
import { openRedisOrExit } from "../src/node/open-redis.js";
import { openStore } from "../src/node/open-store.js";
import { signUrl } from "../src/signing/url-signature.js";
import { sharedSigningSecret } from "../src/storage/redis/signing-secret.js";

const DEMO_CODE = "demo-thank-you";
const config = readConfig(process.env);
const base = process.env.PUBLIC_URL || `http://127.0.0.1:${config.port}`;

interface Demo {
  memberId: number;
  pixelId: number;
  advertiserId: number;
  lineItemId: number;
  campaignId: number;
}

/** The admin login: from the environment, else the file the first start wrote. */
async function adminLogin(): Promise<{ username: string; password: string; from: string }> {
  if (config.adminUsername && config.adminPassword)
    return {
      username: config.adminUsername,
      password: config.adminPassword,
      from: "ADMIN_USERNAME and ADMIN_PASSWORD",
    };
  try {
    const { auth } = JSON.parse(await readFile(config.adminLoginFile, "utf8"));
    return { ...auth, from: config.adminLoginFile };
  } catch {
    console.error(
      `No admin login: set ADMIN_USERNAME and ADMIN_PASSWORD as the service has them, or run this where the service's first start wrote ${config.adminLoginFile}.`,
    );
    process.exit(1);
  }
}

/** The API of the running service, signed in. */
async function signIn(login: { username: string; password: string }) {
  let answer: Response;
  try {
    answer = await fetch(`${base}/auth`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ auth: { username: login.username, password: login.password } }),
    });
  } catch {
    console.error(
      `No service answers at ${base}: start it (npm start), or set PUBLIC_URL or PORT.`,
    );
    process.exit(1);
  }
  const token = (await answer.json())?.response?.token;
  if (!token) {
    console.error(`${base} refused the admin login (${answer.status}): is it this service's?`);
    process.exit(1);
  }
  return async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { Authorization: token, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await response.json();
    if (json?.response?.status !== "OK" && response.status !== 404)
      throw new Error(`${method} ${path}: ${JSON.stringify(json?.response)}`);
    return json.response;
  };
}

type Api = Awaited<ReturnType<typeof signIn>>;

/** The demo's objects, found by their codes, or created. */
async function demoObjects(api: Api): Promise<{ demo: Demo; created: boolean }> {
  const members = await api("GET", `/member?name=${encodeURIComponent("Demo member")}`);
  let memberId: number | undefined = members.members?.[0]?.id;
  const created = memberId === undefined;
  memberId ??= (await api("POST", "/member", { member: { name: "Demo member" } })).id as number;
  const m = `member_id=${memberId}`;
  const find = async (path: string, term: string) =>
    ((await api("GET", `${path}&${m}`))[term] as { id: number } | undefined)?.id;
  const advertiserId =
    (await find("/advertiser?code=demo", "advertiser")) ??
    (
      await api("POST", `/advertiser?${m}`, {
        advertiser: { code: "demo", name: "Demo advertiser", redirect_domains: ["example.com"] },
      })
    ).id;
  const a = `advertiser_id=${advertiserId}&${m}`;
  const pixelId =
    (await find(`/pixel?advertiser_id=${advertiserId}&code=${DEMO_CODE}`, "pixel")) ??
    (
      await api("POST", `/pixel?${a}`, {
        pixel: {
          code: DEMO_CODE,
          name: "Demo thank-you page",
          trigger_type: "hybrid",
          min_minutes_per_conv: 0,
          post_view_expire_mins: 1440,
          post_click_expire_mins: 20160,
          post_view_value: 1,
          post_click_value: 10,
          pixel_conversion_event_id: 7,
        },
      })
    ).id;
  const lineItemId =
    (await find(`/line-item?advertiser_id=${advertiserId}&code=demo-li`, "line-item")) ??
    (
      await api("POST", `/line-item?${a}`, {
        "line-item": { code: "demo-li", name: "Demo line item", pixels: [{ id: pixelId }] },
      })
    ).id;
  const campaignId =
    (await find(`/campaign?advertiser_id=${advertiserId}&code=demo-cp`, "campaign")) ??
    (
      await api("POST", `/campaign?${a}`, {
        campaign: {
          code: "demo-cp",
          name: "Demo campaign",
          line_item_id: lineItemId,
          pixels: [{ id: pixelId }],
        },
      })
    ).id;
  return { demo: { memberId, pixelId, advertiserId, lineItemId, campaignId }, created };
}

/** The demo pixel's id in the event store's database, or undefined (reads only). */
async function demoPixelInStore(): Promise<number | undefined> {
  const store = await openStore(config, () => {}, Date.now).catch(() => holdsEmbeddedStore());
  try {
    await store.ready;
    const [row] = await store.sql.query<{ id: number }>(
      "SELECT id FROM pixels WHERE code = $1 ORDER BY id LIMIT 1",
      [DEMO_CODE],
    );
    return row?.id;
  } finally {
    await store.close();
  }
}

function holdsEmbeddedStore(): never {
  // The embedded store belongs to one process: the running service holds it.
  console.error(
    `The running service holds the embedded event store (${config.localStoreDir}): stop it and run this again, or give both the same DATABASE_URL.
With the service running, read the conversions through the API (README, "The management API").`,
  );
  process.exit(1);
}

/** Prints a pixel's fire log and conversions, read from the event store the service writes. */
async function showLogs(pixelId: number): Promise<void> {
  const log = await openStore(config, () => {}, Date.now).catch(() => holdsEmbeddedStore());
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

/** The beacon signing secret: SIGNING_SECRET, else the copy the service keeps in Redis. */
async function signingSecret(): Promise<string> {
  if (config.signingSecret) return config.signingSecret;
  const opened = await openRedisOrExit(config);
  try {
    return await sharedSigningSecret(opened.redis);
  } finally {
    await opened.close();
  }
}

const show = process.argv.indexOf("--show");
if (show !== -1) {
  // A show only reads: it never creates the demo it was asked to show.
  const asked = process.argv[show + 1];
  const pixelId = asked === undefined ? await demoPixelInStore() : Number(asked);
  if (pixelId === undefined) {
    console.error("No demo pixel yet: run `npm run seed-demo` first, or name a pixel: --show 37");
    process.exitCode = 1;
  } else if (!Number.isInteger(pixelId) || pixelId < 1) {
    console.error(`--show takes a pixel id, got "${asked}"`);
    process.exitCode = 1;
  } else await showLogs(pixelId);
} else {
  const login = await adminLogin();
  const { demo, created } = await demoObjects(await signIn(login));
  const secret = await signingSecret();
  const q = `adv=${demo.advertiserId}&li=${demo.lineItemId}&cp=${demo.campaignId}&cr=1`;
  const imp = await signUrl(secret, `${base}/imp?${q}`);
  const click = await signUrl(
    secret,
    `${base}/click?${q}&redir=${encodeURIComponent("https://example.com/")}`,
  );
  const signInLine =
    login.from === config.adminLoginFile
      ? `curl -s -c cookies -d @${config.adminLoginFile} '${base}/auth'`
      : `curl -s -c cookies -d '{"auth":{"username":"${login.username}","password":"'"$ADMIN_PASSWORD"'"}}' '${base}/auth'`;
  console.log(`${created ? "Created" : "Found"} the demo: member ${demo.memberId}, advertiser ${demo.advertiserId}, line item ${demo.lineItemId}, campaign ${demo.campaignId}, pixel ${demo.pixelId}.
(URLs below use ${base}: set PUBLIC_URL, or PORT, to the service's address.)

The tag for the advertiser's thank-you page:
  <img src="${base}/px?id=${demo.pixelId}&t=2" width="1" height="1" alt="" />

Try it with curl (the cookie jar plays the browser), with \`npm start\` running:
  curl -s -o /dev/null -c jar -b jar '${imp}'
  curl -s -o /dev/null -c jar -b jar '${base}/px?id=${demo.pixelId}&t=2&order_id=A-1001&value=49.90'
and the conversion log, signed in to the API as the admin (${login.from}):
  ${signInLine}
  curl -s -b cookies '${base}/conversion?member_id=${demo.memberId}&advertiser_id=${demo.advertiserId}'

Beacons are good for a while after they are signed (an /imp for BEACON_MAX_AGE_S, 1 hour; a
click for 30 days): run this again for fresh ones.

A signed click (302 to https://example.com/):
  ${click}`);
}
