#!/usr/bin/env bash
# Starts the whole system: the local stack (Kafka, PostgreSQL, FerretDB), the topics, and the
# three services (gateway :3000, contacts :3001, message-filter :3002). Ctrl-C stops the services;
# `npm run stack -- down` stops the stack.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# KAFKA_BROKERS and MONGODB_URI, when both set, point at infrastructure that is already there.
external_infrastructure=${KAFKA_BROKERS:+${MONGODB_URI:+yes}}
source scripts/load-env.sh
source scripts/use-node.sh

[[ -d node_modules ]] || npm ci --no-audit --no-fund
[[ -n $external_infrastructure ]] || bash stack/stack.sh up
npx ts-node -T -r tsconfig-paths/register scripts/create-topics.ts
npm run --silent build >/dev/null

app() { echo "node dist/apps/$1/apps/$1/src/main.js"; }
exec npx concurrently --kill-others --names contacts,gateway,filter --prefix-colors blue,green,magenta \
  "PORT=3001 $(app contacts)" \
  "PORT=3000 $(app gateway)" \
  "PORT=3002 $(app message-filter)"
