# syntax=docker/dockerfile:1
# One image for every process; docker-compose.yml picks the service with SERVICE_DIR. The base image
# is pinned to the Node.js release the tests run on (.nvmrc names its line); bump both together.
FROM node:24.21.0-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json turbo.json tsconfig.base.json ./
COPY packages/core/package.json packages/core/
COPY packages/sandbox/package.json packages/sandbox/
COPY packages/testing/package.json packages/testing/
COPY packages/harness/package.json packages/harness/
COPY packages/console/package.json packages/console/
COPY services/intake/package.json services/intake/
COPY services/payer/package.json services/payer/
COPY services/notifier/package.json services/notifier/
COPY services/ledger/package.json services/ledger/
COPY tools/stack/package.json tools/stack/
RUN npm ci
COPY packages packages
COPY services services
RUN npx turbo run build --filter=@oceanpos/intake --filter=@oceanpos/payer --filter=@oceanpos/notifier --filter=@oceanpos/ledger --filter=@oceanpos/sandbox

FROM node:24.21.0-bookworm-slim AS runtime
ENV NODE_ENV=production
# A young generation of 2 × 8 MB instead of 2 × 16: with HEAP_GROWING_PERCENT's default, what keeps
# each service under 200 MB RSS at peak (docs/performance.md, "Memory"). Only a command-line or
# NODE_OPTIONS flag can set it; the bench runs the services with the same value.
ENV NODE_OPTIONS=--max-semi-space-size=8
WORKDIR /app
# The production dependencies of the workspaces the image runs, from their manifests (the console
# has none: its bundle is built, and the ledger serves it at /console). Test
# libraries are dev dependencies wherever they are used, so none can come along; the tools'
# own runtime dependencies (tsx, an embedded PostgreSQL) are not the image's business.
COPY package.json package-lock.json ./
COPY packages/core/package.json packages/core/
COPY packages/sandbox/package.json packages/sandbox/
COPY packages/console/package.json packages/console/assets.js packages/console/
COPY services/intake/package.json services/intake/
COPY services/payer/package.json services/payer/
COPY services/notifier/package.json services/notifier/
COPY services/ledger/package.json services/ledger/
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/packages/core/dist packages/core/dist
COPY --from=build /app/packages/sandbox/dist packages/sandbox/dist
COPY --from=build /app/packages/console/dist packages/console/dist
COPY --from=build /app/services/intake/dist services/intake/dist
COPY --from=build /app/services/payer/dist services/payer/dist
COPY --from=build /app/services/notifier/dist services/notifier/dist
COPY --from=build /app/services/ledger/dist services/ledger/dist
# The ledger's migrations are SQL files, read at start-up next to its dist.
COPY --from=build /app/services/ledger/migrations services/ledger/migrations
COPY config config
USER node
ARG SERVICE_DIR=services/intake
ENV SERVICE_DIR=${SERVICE_DIR}
CMD ["sh", "-c", "exec node \"$SERVICE_DIR/dist/main.js\""]
