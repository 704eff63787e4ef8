# Sourced by the start and test scripts: exports scripts/local.env's defaults for every
# variable the environment does not already set.
while IFS='=' read -r name value; do
  [[ -z $name || $name == \#* ]] && continue
  # An `if`, not `&&`: a variable already set must not end the loop with status 1 (set -e).
  if [[ -z ${!name:-} ]]; then export "$name=$value"; fi
done <"$(dirname "${BASH_SOURCE[0]}")/local.env"
