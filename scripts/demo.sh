#!/usr/bin/env bash
# `npm run demo`: fills the demo tenant of the system `npm start` runs (see scripts/demo.ts).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/load-env.sh
source scripts/use-node.sh
exec npx ts-node -T -r tsconfig-paths/register scripts/demo.ts "$@"
