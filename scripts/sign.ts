// `npm run sign -- '<url>'`: prints the URL with its `sig`, signed with SIGNING_SECRET or, when
// that is unset, with the secret the service keeps in Redis (the same one it verifies with).
import { readConfig } from "../src/config.js";
import { chooseRedis } from "../src/node/find-redis.js";
import { signUrl } from "../src/signing/url-signature.js";
import { closeRedis, connectRedis } from "../src/storage/redis/connect.js";
import { sharedSigningSecret } from "../src/storage/redis/signing-secret.js";

const urls = process.argv.slice(2);
if (urls.length === 0) {
  console.error("usage: npm run sign -- 'https://HOST/imp?adv=2&li=382&cp=17607&cr=9' [more URLs]");
  process.exit(2);
}

const config = readConfig(process.env);
let secret = config.signingSecret;
if (!secret) {
  const choice = await chooseRedis({
    redisUrl: config.redisUrl,
    localDir: config.localRedisDir,
    localPort: config.localRedisPort,
  });
  if (choice.kind === "missing") {
    console.error(choice.message);
    process.exit(1);
  }
  const redis = connectRedis({
    url: choice.url,
    clusterNodes: config.redisClusterNodes ?? undefined,
  });
  secret = await sharedSigningSecret(redis);
  await closeRedis(redis);
  if ("started" in choice) choice.started?.kill();
}
for (const url of urls) console.log(await signUrl(secret, url));
