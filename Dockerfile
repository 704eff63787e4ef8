# syntax=docker/dockerfile:1
# One image per app: `docker build --build-arg APP=contacts .` (gateway by default).
# `--target tools` builds the image that creates the topics (see docker-compose.yml).

# ---- build: all dependencies, compiles the three apps into dist/ ----
FROM node:24-bookworm-slim AS build
WORKDIR /app
# Lockfile first, so source edits do not invalidate the dependency layer.
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
COPY scripts ./scripts
RUN npm run build

# ---- tools: runs scripts/create-topics.ts (needs ts-node, tsconfig-paths and the sources) ----
FROM build AS tools
USER node
# Exec form, no npx/npm wrapper: the script is PID 1's only child and gets the signals.
CMD ["/app/node_modules/.bin/ts-node", "-T", "-r", "tsconfig-paths/register", "scripts/create-topics.ts"]

# ---- runtime (default target): production dependencies plus dist/ only ----
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
# kafkajs schedules negative timeouts when not throttled (see scripts/use-node.sh); harmless.
ENV NODE_OPTIONS=--disable-warning=TimeoutNegativeWarning
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund
COPY --from=build /app/dist ./dist
# Declared late so the layers above are shared by the three apps' images.
ARG APP=gateway
# Containers must bind every interface, not the loopback default.
ENV APP=${APP} HOST=0.0.0.0
EXPOSE 3000 3001 3002
USER node
# A shell so $APP expands; `exec` replaces it with node, so SIGTERM reaches the app's
# graceful shutdown instead of stopping at sh.
CMD ["sh", "-c", "exec node dist/apps/$APP/apps/$APP/src/main.js"]
