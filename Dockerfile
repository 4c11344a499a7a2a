# syntax=docker/dockerfile:1
# Build stage: compiles TypeScript and the SQLite driver, then drops development dependencies.
FROM node:20-bookworm-slim AS build
WORKDIR /build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc .prebuild-installrc ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# The operator dashboard: its page and the script that copies its libraries into dist/ui;
# the scripts that bundle the command line into dist/bundle/ and write dist/cli.js.
COPY ui ./ui
COPY scripts/build-ui.mjs scripts/build-bundle.mjs scripts/cli-entry.mjs scripts/bundle-loader.mjs scripts/train-code-cache.mjs ./scripts/
RUN npm run build && npm prune --omit=dev

# Runtime stage: production dependencies and the build only, run as user 1000.
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /opt/spacecomms
COPY --from=build /build/package.json ./package.json
COPY --from=build /build/node_modules ./node_modules
COPY --from=build /build/dist ./dist
RUN chmod 0755 dist/cli.js \
 && ln -s /opt/spacecomms/dist/cli.js /usr/local/bin/spacecomms \
 && mkdir -p /etc/spacecomms /var/lib/spacecomms \
 && chown 1000:1000 /var/lib/spacecomms \
 && chmod 0700 /var/lib/spacecomms
USER 1000:1000
EXPOSE 8080
VOLUME ["/var/lib/spacecomms"]
# 200 means healthy or degraded (no peer connected yet); 503 means the store cannot be written.
# With server.tls.enabled, point the check at https:// (and, with require_client_cert, give it a client certificate).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/health').then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["spacecomms"]
CMD ["start","--config","/etc/spacecomms/config.yaml"]
