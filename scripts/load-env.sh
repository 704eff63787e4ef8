# Sourced by the start and test scripts: exports scripts/local.env's defaults for every
# variable the environment does not already set.
while IFS='=' read -r name value; do
  [[ -z $name || $name == \#* ]] && continue
  [[ -z ${!name:-} ]] && export "$name=$value"
done <"$(dirname "${BASH_SOURCE[0]}")/local.env"
