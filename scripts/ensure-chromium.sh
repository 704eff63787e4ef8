#!/usr/bin/env bash
# Debian's Chromium for the console's end-to-end test (no browser download): installs the
# `chromium` package when neither it nor CHROMIUM_PATH is there. The e2e suite fails, naming
# what is missing, if this could not install it.
set -euo pipefail
if [[ -n ${CHROMIUM_PATH:-} && -x $CHROMIUM_PATH ]] || command -v chromium >/dev/null 2>&1; then
  exit 0
fi
sudo=()
[[ $(id -u) -eq 0 ]] || sudo=(sudo)
echo "[e2e] installing Debian's chromium (apt-get)" >&2
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq chromium >/dev/null
command -v chromium >/dev/null
