#!/usr/bin/env bash
# HTTP fuzzing of the gateway from its own OpenAPI document with schemathesis (PyPI): every
# check (no 5xx, responses match the documented schemas, status codes and headers, schema-valid
# requests accepted, schema-violating ones refused), coverage, fuzzing and stateful phases.
# One worker: with several, CPython 3.11 can fail parsing in threads ("AST constructor recursion
# depth mismatch"), a crash of the fuzzer, not of the API.
# Needs the system running (`npm start` in another terminal). Prints schemathesis's summary.
#   bash scripts/fuzz/fuzz-http.sh [extra schemathesis options]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
command -v schemathesis >/dev/null || python3 -m pip install --quiet 'schemathesis>=4.3,<5'
source scripts/load-env.sh
source scripts/use-node.sh
token=$(npx ts-node -T scripts/mint-token.ts --tenant fuzz --sub fuzz-agent --role admin)
export PYTHONPATH="scripts/fuzz${PYTHONPATH:+:$PYTHONPATH}" SCHEMATHESIS_HOOKS=hooks
# The conversation stream never ends by design: a fuzzer would wait on it forever.
exec schemathesis --config-file scripts/fuzz/schemathesis.toml run \
  "http://127.0.0.1:${GATEWAY_PORT:-3000}/docs/openapi.json" \
  --exclude-path '/v1/contacts/{id}/messages/stream' \
  -H "Authorization: Bearer $token" --checks all --max-examples "${FUZZ_EXAMPLES:-30}" --workers 1 "$@"
