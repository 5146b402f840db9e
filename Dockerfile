# syntax=docker/dockerfile:1
# Multi-stage build of the two servers. Docker cannot run on the machines this
# project is developed on, so this file is kept correct by reading the images'
# documentation, and its build commands were run outside Docker; see "Docker"
# in the README for what was and was not run.

FROM node:20-bookworm-slim AS build
# better-sqlite3 compiles its addon when no prebuilt binary can be fetched.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
RUN npm install -g pnpm@10.34.9
ENV TURBO_TELEMETRY_DISABLED=1
WORKDIR /repo
# Dependencies first, from the lockfile alone, so a source change does not
# download them again (pnpm's documented `pnpm fetch` layer).
COPY pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
RUN pnpm fetch
COPY . .
# Build the two apps and what they import, then copy each with its production
# dependencies only (workspace packages as their built `dist`).
RUN pnpm install --frozen-lockfile --offline \
  && pnpm exec turbo run build --filter=@agent/api... --filter=@agent/legacy... \
  && pnpm deploy --legacy --filter @agent/api --prod /out/api \
  && pnpm deploy --legacy --filter @agent/legacy --prod /out/legacy

FROM node:20-bookworm-slim AS runtime-base
ENV NODE_ENV=production HOST=0.0.0.0 DB_PATH=/data/devops_knowledge.db
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
WORKDIR /app

FROM runtime-base AS api
COPY --from=build --chown=node:node /out/api ./
ENV PORT=5000
EXPOSE 5000
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/api/health`).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "--max-semi-space-size=64", "dist/main.js"]

FROM runtime-base AS legacy
COPY --from=build --chown=node:node /out/legacy ./
ENV LEGACY_PORT=5001
EXPOSE 5001
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.LEGACY_PORT}/health`).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "--max-semi-space-size=64", "dist/main.js"]
