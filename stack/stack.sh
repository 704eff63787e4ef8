#!/usr/bin/env bash
# The local stack for machines without a Docker engine:
#   Apache Kafka (one KRaft node)  127.0.0.1:${KAFKA_PORT:-9092}   jars from Maven Central, run with java
#   PostgreSQL                     127.0.0.1:${PG_PORT:-54329}     Debian's postgresql package
#   FerretDB 1.24 (MongoDB wire)   127.0.0.1:${FERRETDB_PORT:-27017} built with go from the module proxy
#
# usage: stack/stack.sh up|down|status|logs|env
# Idempotent: `up` reuses whatever already answers. Downloads and builds are cached
# under ~/.cache/switchboard (outside any clone); data lives under $STACK_DATA.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KAFKA_VERSION=4.4.0
FERRETDB_VERSION=1.24.2
PG_VERSION_MIN=13
KAFKA_PORT=${KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
PG_PORT=${PG_PORT:-54329}
FERRETDB_PORT=${FERRETDB_PORT:-27017}
CACHE=${SWITCHBOARD_CACHE:-$HOME/.cache/switchboard}
STACK_DATA=${STACK_DATA:-/var/tmp/switchboard-stack}
KAFKA_HOME=$CACHE/kafka-$KAFKA_VERSION
FERRETDB_BIN=$CACHE/bin/ferretdb-$FERRETDB_VERSION
LOGS=$STACK_DATA/logs

say() { printf '[stack] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }
now_ms() { date +%s%3N; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_until() { # description timeout-seconds command...
  local what=$1 timeout=$2; shift 2
  local deadline=$(( $(date +%s) + timeout ))
  until "$@"; do
    if (( $(date +%s) >= deadline )); then
      die "$what did not answer within ${timeout}s; see $LOGS"
    fi
    sleep 0.3
  done
}

require() { # command hint
  command -v "$1" >/dev/null 2>&1 || die "'$1' is missing: $2"
}

# ---------- PostgreSQL ----------

pg_bin() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [[ -x $dir/pg_ctl && -x $dir/postgres ]] && { echo "$dir"; return; }
  done
}

ensure_postgres_installed() {
  [[ -n $(pg_bin) ]] && return
  require apt-get "install Debian's postgresql package (PostgreSQL >= $PG_VERSION_MIN) by hand"
  say "installing Debian's postgresql package"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  [[ -n $(pg_bin) ]] || die "postgresql installed but no pg_ctl found under /usr/lib/postgresql"
}

as_postgres() {
  if [[ $(id -u) == 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

postgres_up() {
  if port_open "$PG_PORT"; then
    # A running stack still gets this checkout's index trigger (it is idempotent).
    tune_ferretdb_database "$(pg_bin)"
    return
  fi
  ensure_postgres_installed
  local bin data=$STACK_DATA/postgres
  bin=$(pg_bin)
  mkdir -p "$STACK_DATA" "$LOGS"
  [[ $(id -u) == 0 ]] && chown postgres "$STACK_DATA/logs"
  if [[ ! -s $data/PG_VERSION ]]; then
    mkdir -p "$data"
    [[ $(id -u) == 0 ]] && chown postgres "$data"
    as_postgres "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 >"$LOGS/postgres-init.log" 2>&1 \
      || die "initdb failed; see $LOGS/postgres-init.log"
  fi
  as_postgres "$bin/pg_ctl" -D "$data" -l "$LOGS/postgres.log" -w -t 60 \
    -o "-p $PG_PORT -k $data -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null || die "PostgreSQL did not start; see $LOGS/postgres.log"
  as_postgres "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "select 1 from pg_database where datname='ferretdb'" | grep -q 1 \
    || as_postgres "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres ferretdb
  tune_ferretdb_database "$bin"
}

# FerretDB 1.24 sends equality filters as `(_jsonb -> $1) @> $2` prepared statements. With
# PostgreSQL's generic plans the field is a parameter and no index matches; custom plans plus GIN
# indexes on the looked-up fields turn whole-table scans into index lookups (see the SQL file).
tune_ferretdb_database() {
  local bin=$1
  as_postgres "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d ferretdb -v ON_ERROR_STOP=1 -q \
    -c "ALTER DATABASE ferretdb SET plan_cache_mode = force_custom_plan" -f - \
    <"$here/postgres/ferretdb-lookup-indexes.sql" >>"$LOGS/postgres-tuning.log" 2>&1 \
    || die "tuning the ferretdb database failed; see $LOGS/postgres-tuning.log"
}

postgres_down() {
  local bin data=$STACK_DATA/postgres
  bin=$(pg_bin)
  [[ -n $bin && -s $data/postmaster.pid ]] && as_postgres "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
}

# ---------- FerretDB ----------

ferretdb_build() {
  [[ -x $FERRETDB_BIN ]] && return
  require go "install Go (1.24 or newer) to build FerretDB $FERRETDB_VERSION"
  say "building FerretDB $FERRETDB_VERSION with $(go version | cut -d' ' -f3) (first run only)"
  mkdir -p "$CACHE/bin"
  (cd "$here/ferretdb" && GOFLAGS=-mod=mod go build -trimpath -o "$FERRETDB_BIN.tmp" .) || die "building FerretDB failed"
  mv "$FERRETDB_BIN.tmp" "$FERRETDB_BIN"
}

ferretdb_answers() {
  # a wire-protocol ping, not just an open port: a hung FerretDB keeps its port open
  port_open "$FERRETDB_PORT" && node "$here/wire-ping.js" "$FERRETDB_PORT" 5000
}

ferretdb_up() {
  if ferretdb_answers; then return; fi
  if port_open "$FERRETDB_PORT" && [[ -f $STACK_DATA/ferretdb.pid ]]; then
    say "FerretDB holds its port but does not answer a ping: restarting it"
    ferretdb_down
  fi
  ferretdb_build
  mkdir -p "$LOGS"
  nohup "$FERRETDB_BIN" --listen-addr "127.0.0.1:$FERRETDB_PORT" \
    --postgresql-url "postgres://postgres@127.0.0.1:$PG_PORT/ferretdb?pool_max_conns=100" \
    >>"$LOGS/ferretdb.log" 2>&1 &
  echo $! >"$STACK_DATA/ferretdb.pid"
}

ferretdb_down() { stop_pidfile "$STACK_DATA/ferretdb.pid"; }

# ---------- Kafka ----------

kafka_fetch() {
  [[ -f $KAFKA_HOME/libs/kafka_2.13-$KAFKA_VERSION.jar ]] && return
  require java "install a JDK (17 or newer) to run Apache Kafka $KAFKA_VERSION"
  require mvn "install Maven to fetch Apache Kafka $KAFKA_VERSION from Maven Central"
  say "fetching Apache Kafka $KAFKA_VERSION jars from Maven Central (first run only)"
  mvn -q -B -f "$here/kafka/pom.xml" -Dkafka.version="$KAFKA_VERSION" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$KAFKA_HOME/libs.tmp" \
    || die "Maven could not resolve the Kafka jars"
  rm -rf "$KAFKA_HOME/libs" && mv "$KAFKA_HOME/libs.tmp" "$KAFKA_HOME/libs"
}

kafka_java() {
  # Kafka 4 needs Java 17+; prefer JAVA_HOME when it is set
  if [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]]; then echo "$JAVA_HOME/bin/java"; else command -v java; fi
}

kafka_run_class() { # main-class args...
  "$(kafka_java)" -Xms256m -Xmx1g -XX:+UseG1GC \
    -Dlog4j2.configurationFile="$here/kafka/log4j2.properties" -Dkafka.logs.dir="$LOGS" \
    -cp "$KAFKA_HOME/libs/*" "$@"
}

kafka_up() {
  if port_open "$KAFKA_PORT"; then return; fi
  kafka_fetch
  local dir=$STACK_DATA/kafka config=$STACK_DATA/kafka/server.properties
  mkdir -p "$dir/data" "$LOGS"
  cat >"$config" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$dir/data
num.partitions=12
offsets.topic.replication.factor=1
offsets.topic.num.partitions=12
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
log.retention.hours=24
log.segment.bytes=268435456
EOF
  if [[ ! -f $dir/data/meta.properties ]]; then
    kafka_run_class kafka.tools.StorageTool format -t "$(cat /proc/sys/kernel/random/uuid | tr -d - | head -c 22)" \
      -c "$config" >"$LOGS/kafka-format.log" 2>&1 || die "formatting Kafka storage failed; see $LOGS/kafka-format.log"
  fi
  [[ -f $LOGS/kafka.log ]] && mv "$LOGS/kafka.log" "$LOGS/kafka.log.previous"
  nohup "$(kafka_java)" -Xms512m -Xmx2g -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -Dlog4j2.configurationFile="$here/kafka/log4j2.properties" -Dkafka.logs.dir="$LOGS" \
    -cp "$KAFKA_HOME/libs/*" kafka.Kafka "$config" >>"$LOGS/kafka.out" 2>&1 &
  echo $! >"$STACK_DATA/kafka.pid"
}

kafka_answers() {
  port_open "$KAFKA_PORT" || return 1
  # a broker we started is ready once it says so; one started elsewhere is trusted when its port answers
  [[ -f $STACK_DATA/kafka.pid ]] || return 0
  grep -q "Kafka Server started" "$LOGS/kafka.log" 2>/dev/null
}

kafka_down() { stop_pidfile "$STACK_DATA/kafka.pid" 60; }

# ---------- common ----------

stop_pidfile() { # file [timeout]
  local file=$1 timeout=${2:-20} pid
  [[ -f $file ]] || return 0
  pid=$(cat "$file")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for ((i = 0; i < timeout * 10; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}

up() {
  local started
  started=$(now_ms)
  mkdir -p "$STACK_DATA" "$LOGS"
  kafka_up
  postgres_up
  ferretdb_up
  wait_until "PostgreSQL" 60 port_open "$PG_PORT"
  wait_until "FerretDB" 60 ferretdb_answers
  wait_until "Kafka" 120 kafka_answers
  say "up in $(( $(now_ms) - started )) ms: kafka 127.0.0.1:$KAFKA_PORT, ferretdb 127.0.0.1:$FERRETDB_PORT (postgresql 127.0.0.1:$PG_PORT); logs in $LOGS"
}

down() {
  ferretdb_down
  kafka_down
  postgres_down
  say "down"
}

status() {
  local name port code=0
  for pair in "kafka:$KAFKA_PORT" "postgresql:$PG_PORT" "ferretdb:$FERRETDB_PORT"; do
    name=${pair%%:*}; port=${pair##*:}
    if port_open "$port"; then say "$name 127.0.0.1:$port answers"; else say "$name 127.0.0.1:$port is down"; code=1; fi
  done
  return $code
}

logs() { tail -n 50 "$LOGS"/kafka.log "$LOGS"/ferretdb.log "$LOGS"/postgres.log 2>/dev/null; }

# Fault injection for the fault suite (test/faults): restart one component, or freeze and thaw
# the store (a store that stops answering without closing its connections).
restart() { # kafka|ferretdb
  local started
  started=$(now_ms)
  case ${1:-} in
    kafka) [[ -f $STACK_DATA/kafka.pid ]] || die "this stack did not start Kafka; cannot restart it"
      kafka_down; kafka_up; wait_until "Kafka" 120 kafka_answers ;;
    ferretdb) [[ -f $STACK_DATA/ferretdb.pid ]] || die "this stack did not start FerretDB; cannot restart it"
      ferretdb_down; ferretdb_up; wait_until "FerretDB" 60 ferretdb_answers ;;
    *) die "restart kafka|ferretdb" ;;
  esac
  say "$1 restarted in $(( $(now_ms) - started )) ms"
}

signal_ferretdb() { # STOP|CONT
  [[ -f $STACK_DATA/ferretdb.pid ]] || die "this stack did not start FerretDB"
  kill "-$1" "$(cat "$STACK_DATA/ferretdb.pid")"
}

print_env() {
  echo "KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT"
  echo "MONGODB_URI=mongodb://127.0.0.1:$FERRETDB_PORT/"
  echo "KAFKA_HOME=$KAFKA_HOME"
}

case ${1:-} in
  up) up ;;
  down) down ;;
  status) status ;;
  logs) logs ;;
  env) print_env ;;
  kafka-class) shift; kafka_fetch; kafka_run_class "$@" ;;
  restart) restart "${2:-}" ;;
  freeze-store) signal_ferretdb STOP ;;
  thaw-store) signal_ferretdb CONT ;;
  *) echo "usage: $0 up|down|status|logs|env|kafka-class MAIN [ARGS]|restart kafka|ferretdb|freeze-store|thaw-store" >&2; exit 2 ;;
esac
