#!/usr/bin/env bash
# `npm run migrate`: brings a store written by earlier versions up to this one (see
# scripts/migrate.ts). Run it with the contacts service stopped, before `npm start`; it is safe
# to run again.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/load-env.sh
source scripts/use-node.sh
exec npx ts-node -T -r tsconfig-paths/register scripts/migrate.ts "$@"
