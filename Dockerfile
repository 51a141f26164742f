# syntax=docker/dockerfile:1.7
# One image for every service; the container's command picks which one runs, e.g.
#   docker run wadm services/gateway/dist/main.js
#   docker run wadm packages/cli/dist/main.js provision --replicas 3
# Why one image and not `pnpm deploy` per service: the services share most of their code
# (runtime, contracts, market-data, analysis) and dependencies, so one build and one set of
# layers serves all five plus the CLI; there is one digest to scan, sign and roll out, and a
# gateway and the workers it talks to can never run different builds of the contracts by
# accident. Per-service images would save ~20-40 MB each at the cost of five builds.
#
# Base image pinned by digest (node:20-bookworm-slim, linux/amd64 + arm64 index). The digest was
# taken from public repositories that pin the same tag; it could not be pulled where this file
# was written (no Docker engine), so check it with `docker pull` before the first release and
# bump it deliberately (Renovate or `docker buildx imagetools inspect node:20-bookworm-slim`).
ARG NODE_IMAGE=node:20-bookworm-slim@sha256:2cf067cfed83d5ea958367df9f966191a942351a2df77d6f0193e162b5febfc0

FROM ${NODE_IMAGE} AS build
ENV CI=true PNPM_HOME=/pnpm
RUN corepack enable && corepack prepare pnpm@10.34.9 --activate
WORKDIR /src
# The lockfile alone fetches every package into the store: this layer is reused until it changes.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN --mount=type=cache,id=pnpm,target=/pnpm/store pnpm fetch
COPY . .
# Scripts off: the only native build is talib, a dev dependency (tests' TA-Lib reference).
RUN --mount=type=cache,id=pnpm,target=/pnpm/store \
    pnpm install --offline --frozen-lockfile --ignore-scripts && pnpm run build
# Production dependencies only, then only what runs: package.json, dist/ and node_modules/.
RUN --mount=type=cache,id=pnpm,target=/pnpm/store \
    rm -rf node_modules packages/*/node_modules services/*/node_modules bench/node_modules \
    && pnpm install --offline --frozen-lockfile --prod --ignore-scripts \
    && rm -rf bench scripts .ci \
    && find packages services -mindepth 2 -maxdepth 2 \
         \( -name src -o -name test -o -name '*.tsbuildinfo' -o -name 'tsconfig*.json' \) \
         -exec rm -rf {} + \
    && find packages services -name '*.map' -delete

FROM ${NODE_IMAGE} AS runtime
# tini is PID 1: it forwards SIGTERM to node (which then drains its tasks) and reaps zombies.
RUN apt-get update \
    && apt-get install -y --no-install-recommends tini \
    && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    WADM_HEALTH_HOST=0.0.0.0 \
    WADM_PROVISION=0
WORKDIR /app
COPY --from=build --chown=root:root /src/package.json /src/pnpm-workspace.yaml ./
COPY --from=build --chown=root:root /src/node_modules ./node_modules
COPY --from=build --chown=root:root /src/packages ./packages
COPY --from=build --chown=root:root /src/services ./services
COPY --chown=root:root deploy/healthcheck.mjs deploy/wait-provisioned.mjs ./deploy/
# Code owned by root and read-only to the process; the service runs as `node` (uid 1000).
USER node
# /healthz of the gateway (WADM_HTTP_PORT) or of a worker's health server (WADM_HEALTH_PORT).
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD ["node", "/app/deploy/healthcheck.mjs"]
ENTRYPOINT ["/usr/bin/tini", "--", "node"]
CMD ["services/gateway/dist/main.js"]
