#!/usr/bin/env bash
# `npm run migrate:messages`: carries earlier versions' message counters and history over to
# this version's collections (see scripts/migrate-message-activity.ts). Run before `npm start`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/load-env.sh
source scripts/use-node.sh
exec npx ts-node -T -r tsconfig-paths/register scripts/migrate-message-activity.ts "$@"
