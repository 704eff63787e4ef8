#!/usr/bin/env bash
# Runs a command on the project's Node (see use-node.sh): `bash scripts/with-node.sh ts-node …`.
# npm scripts use it, so `npm run bench:…` runs on Node 24 even where the machine's is older.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/use-node.sh"
exec "$@"
