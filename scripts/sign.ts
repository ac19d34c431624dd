// `npm run sign -- '<url>'`: prints the URL with its `sig`, signed with SIGNING_SECRET or, when
// that is unset, with the secret the service keeps in Redis (the same one it verifies with).
// A URL without `ts` gets the current time: the edge takes an /imp for an hour after its ts
// (BEACON_MAX_AGE_S) and a /click for 30 days, so an ad server signs each URL it serves.
import { readConfig } from "../src/config.js";
import { openRedisOrExit } from "../src/node/open-redis.js";
import { signUrl } from "../src/signing/url-signature.js";
import { sharedSigningSecret } from "../src/storage/redis/signing-secret.js";

const urls = process.argv.slice(2);
if (urls.length === 0) {
  console.error("usage: npm run sign -- 'https://HOST/imp?adv=2&li=382&cp=17607&cr=9' [more URLs]");
  process.exit(2);
}

const config = readConfig(process.env);
let secret = config.signingSecret;
if (!secret) {
  const opened = await openRedisOrExit(config);
  secret = await sharedSigningSecret(opened.redis);
  await opened.close();
}
for (const url of urls) console.log(await signUrl(secret, url));
