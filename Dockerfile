# The Node service as a container (README, "Deploying"). No Docker engine runs where this was
# written: the same steps were run by hand in a clean checkout (npm ci, npm run build, npm
# prune --omit=dev, node dist/node/server.js), not through docker build.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# build:browser (the tag loader, the dashboard) then the server, to plain JavaScript.
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    METRICS_HOST=0.0.0.0 \
    SPOOL_PATH=/var/lib/px/spool.jsonl
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist/node dist/node
# The spool must outlive the container: fires accepted while Redis or the store is away.
RUN mkdir -p /var/lib/px && chown node:node /var/lib/px
VOLUME /var/lib/px
USER node
# 9464 is /metrics: publish it to the monitoring network only, never with the public port.
EXPOSE 8080 9464
STOPSIGNAL SIGTERM
CMD ["node", "dist/node/server.js"]
