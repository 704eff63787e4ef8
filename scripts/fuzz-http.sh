#!/usr/bin/env bash
# HTTP fuzzing of the gateway from its own OpenAPI document with schemathesis (PyPI).
# Needs the system running (`npm start` in another terminal). Prints schemathesis's summary.
#   bash scripts/fuzz-http.sh [extra schemathesis options]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
command -v schemathesis >/dev/null || python3 -m pip install --quiet schemathesis
source scripts/load-env.sh
token=$(npx ts-node -T scripts/mint-token.ts --tenant fuzz --sub fuzz-agent --role admin)
# The conversation stream never ends by design: a fuzzer would wait on it forever.
exec schemathesis run "http://127.0.0.1:${GATEWAY_PORT:-3000}/docs/openapi.json" \
  --exclude-path '/v1/contacts/{id}/messages/stream' \
  -H "Authorization: Bearer $token" --checks all --max-examples "${FUZZ_EXAMPLES:-30}" --workers 2 "$@"
