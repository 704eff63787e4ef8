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

# A person at a terminal reads logs; a pipe or a file gets one JSON object a line.
if [[ -t 1 ]]; then export LOG_FORMAT=${LOG_FORMAT:-pretty}; fi

demo_secret=${WEBHOOK_SECRETS#*demo=}
demo_secret=${demo_secret%%,*}
cat <<BANNER
Switchboard is starting: gateway http://localhost:3000 (console /console/, API docs /docs),
contacts :3001, message filter :3002. Ctrl-C stops the services; \`npm run stack -- down\` the stack.

  A populated inbox:   npm run demo   (in another terminal; prints a token for the console)
  A token:             npm run -s token -- --tenant demo --sub agent-7 --role agent
  The demo tenant's channel webhook: POST http://localhost:3000/v1/inbound/demo/messages,
  signed with the webhook secret '$demo_secret' (WEBHOOK_SECRETS in scripts/local.env):
    body='{"messageId":"m-1","channel":"whatsapp","from":"+14155550123","to":"shop","type":"text","content":{"text":"hi"},"sentAt":"'\$(date -u +%FT%TZ)'"}'
    t=\$(date +%s); sig=\$(printf '%s.%s' "\$t" "\$body" | openssl dgst -sha256 -hmac '$demo_secret' -r | cut -d' ' -f1)
    curl -s localhost:3000/v1/inbound/demo/messages -H 'content-type: application/json' \\
      -H "x-switchboard-signature: t=\$t,v1=\$sig" -d "\$body"

BANNER

app() { echo "node dist/apps/$1/apps/$1/src/main.js"; }
exec npx concurrently --kill-others --names contacts,gateway,filter --prefix-colors blue,green,magenta \
  "PORT=3001 $(app contacts)" \
  "PORT=3000 $(app gateway)" \
  "PORT=3002 $(app message-filter)"
