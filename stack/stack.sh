#!/usr/bin/env bash
# The local stack for machines without a Docker engine:
#   Apache Kafka (one KRaft node)  127.0.0.1:${KAFKA_PORT:-9092}   jars from Maven Central, run with java
#   PostgreSQL                     127.0.0.1:${PG_PORT:-54329}     Debian's postgresql package
#   FerretDB 1.24 (MongoDB wire)   127.0.0.1:${FERRETDB_PORT:-27017} built with go from the module proxy
#
# usage: stack/stack.sh up|down|status|logs|env (and more, see the end of this file)
# Idempotent: `up` reuses whatever already answers. Downloads and builds are cached
# under ~/.cache/switchboard (outside any clone); data lives under $STACK_DATA.
# While the stack is up, a supervisor probes FerretDB and restarts it when it stops answering.
#
# Another FerretDB beside the stack's (a private one to break on purpose), over the same
# PostgreSQL with its own database and pool:
#   FERRETDB_PORT=27117 FERRETDB_DATABASE=ferretdb_mine FERRETDB_POOL=20 stack/stack.sh ferretdb-up
# and `supervise`, `unsupervise`, `ferretdb-down` with the same variables.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KAFKA_VERSION=4.4.0
FERRETDB_VERSION=1.24.2
PG_VERSION_MIN=13
KAFKA_PORT=${KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
PG_PORT=${PG_PORT:-54329}
FERRETDB_PORT=${FERRETDB_PORT:-27017}
FERRETDB_DATABASE=${FERRETDB_DATABASE:-ferretdb}
# FerretDB's PostgreSQL pool; the apps' STORE_POOL_CONNECTIONS must say the same (docs/operations.md)
FERRETDB_POOL=${FERRETDB_POOL:-100}
# The supervisor: a probe every SUPERVISE_INTERVAL_S seconds, each within SUPERVISE_DEADLINE_MS;
# after SUPERVISE_FAILURES failed probes in a row it restarts FerretDB. Generous by default: a
# restart breaks every client's connections, so a slow answer on a busy machine must not cause one.
SUPERVISE_INTERVAL_S=${SUPERVISE_INTERVAL_S:-3}
SUPERVISE_DEADLINE_MS=${SUPERVISE_DEADLINE_MS:-5000}
SUPERVISE_FAILURES=${SUPERVISE_FAILURES:-3}
CACHE=${SWITCHBOARD_CACHE:-$HOME/.cache/switchboard}
STACK_DATA=${STACK_DATA:-/var/tmp/switchboard-stack}
KAFKA_HOME=$CACHE/kafka-$KAFKA_VERSION
FERRETDB_BIN=$CACHE/bin/ferretdb-$FERRETDB_VERSION
LOGS=$STACK_DATA/logs
# The stack's own FerretDB keeps its historical file names; another one is named by its port.
if [[ $FERRETDB_PORT == 27017 ]]; then instance=""; else instance="-$FERRETDB_PORT"; fi
FERRETDB_PIDFILE=$STACK_DATA/ferretdb$instance.pid
FERRETDB_LOG=$LOGS/ferretdb$instance.log
SUPERVISOR_PIDFILE=$STACK_DATA/supervisor$instance.pid
SUPERVISOR_LOCK=$STACK_DATA/supervisor$instance.lock
SUPERVISOR_HOLD=$STACK_DATA/supervisor$instance.hold
SUPERVISOR_LOG=$LOGS/supervisor$instance.log

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
    ensure_ferretdb_database "$(pg_bin)"
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
    start >/dev/null 8>&- || die "PostgreSQL did not start; see $LOGS/postgres.log"
  ensure_ferretdb_database "$bin"
  tune_ferretdb_database "$bin"
}

ensure_ferretdb_database() {
  local bin=$1
  as_postgres "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "select 1 from pg_database where datname='$FERRETDB_DATABASE'" | grep -q 1 \
    || as_postgres "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres "$FERRETDB_DATABASE"
}

# FerretDB 1.24 sends equality filters as `(_jsonb -> $1) @> $2` prepared statements. With
# PostgreSQL's generic plans the field is a parameter and no index matches; custom plans plus GIN
# indexes on the looked-up fields turn whole-table scans into index lookups (see the SQL file).
tune_ferretdb_database() {
  local bin=$1
  as_postgres "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$FERRETDB_DATABASE" -v ON_ERROR_STOP=1 -q \
    -c "ALTER DATABASE \"$FERRETDB_DATABASE\" SET plan_cache_mode = force_custom_plan" -f - \
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
  if port_open "$FERRETDB_PORT" && [[ -f $FERRETDB_PIDFILE ]]; then
    say "FerretDB holds its port but does not answer a ping: restarting it"
    ferretdb_down
  fi
  ferretdb_build
  mkdir -p "$LOGS"
  nohup "$FERRETDB_BIN" --listen-addr "127.0.0.1:$FERRETDB_PORT" \
    --postgresql-url "postgres://postgres@127.0.0.1:$PG_PORT/$FERRETDB_DATABASE?pool_max_conns=$FERRETDB_POOL" \
    >>"$FERRETDB_LOG" 2>&1 8>&- 9>&- &
  echo $! >"$FERRETDB_PIDFILE"
}

ferretdb_down() { stop_pidfile "$FERRETDB_PIDFILE"; }

# ---------- FerretDB supervisor ----------

supervisor_log() { printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" "$*" >>"$SUPERVISOR_LOG"; }

supervisor_runs() {
  [[ -f $SUPERVISOR_PIDFILE ]] && kill -0 "$(cat "$SUPERVISOR_PIDFILE")" 2>/dev/null
}

# A ping and a real query, each within the deadline; prints what failed.
store_probe() { node "$here/store-probe.js" "$FERRETDB_PORT" "$SUPERVISE_DEADLINE_MS" 2>&1; }

supervise_loop() {
  # One supervisor per FerretDB, however many `up`s race: the lock is held for its lifetime.
  exec 9>"$SUPERVISOR_LOCK"
  flock -n 9 || exit 0
  echo $BASHPID >"$SUPERVISOR_PIDFILE"
  trap 'supervisor_log "supervisor stops"; rm -f "$SUPERVISOR_PIDFILE"; exit 0' TERM INT
  supervisor_log "supervisor starts: FerretDB 127.0.0.1:$FERRETDB_PORT, a probe every ${SUPERVISE_INTERVAL_S}s within ${SUPERVISE_DEADLINE_MS} ms, restart after $SUPERVISE_FAILURES failures in a row"
  local failures=0 failed started
  while true; do
    sleep "$SUPERVISE_INTERVAL_S" & wait $!
    # A fault injected on purpose (freeze-store, restart) holds the supervisor meanwhile.
    if [[ -f $SUPERVISOR_HOLD ]]; then failures=0; continue; fi
    if failed=$(store_probe); then
      (( failures > 0 )) && supervisor_log "FerretDB answers again after $failures failed probes"
      failures=0
      continue
    fi
    failures=$((failures + 1))
    supervisor_log "probe failed ($failures/$SUPERVISE_FAILURES): $failed"
    (( failures < SUPERVISE_FAILURES )) && continue
    failures=0
    if [[ ! -f $FERRETDB_PIDFILE ]]; then
      supervisor_log "FerretDB does not answer, and this stack did not start it: not restarting it"
      continue
    fi
    started=$(now_ms)
    supervisor_log "restarting FerretDB (pid $(cat "$FERRETDB_PIDFILE")) after $SUPERVISE_FAILURES failed probes"
    # In a subshell: a failure there is logged, it does not end the supervisor.
    (ferretdb_down; ferretdb_up) 2>>"$SUPERVISOR_LOG" || true
    if (wait_until "FerretDB" 60 ferretdb_answers) 2>>"$SUPERVISOR_LOG"; then
      supervisor_log "FerretDB restarted in $(( $(now_ms) - started )) ms (pid $(cat "$FERRETDB_PIDFILE"))"
    else
      supervisor_log "FerretDB did not come back within 60 s"
    fi
  done
}

supervise() {
  supervisor_runs && return
  mkdir -p "$LOGS"
  # Detached from the caller (a test run's global set-up, `npm start`): it lives until `down`.
  setsid nohup bash "$here/stack.sh" supervise-loop >/dev/null 2>>"$SUPERVISOR_LOG" </dev/null 8>&- &
  local waited
  for ((waited = 0; waited < 50; waited++)); do supervisor_runs && return; sleep 0.1; done
  supervisor_runs || die "the supervisor did not start; see $SUPERVISOR_LOG"
}

unsupervise() { stop_pidfile "$SUPERVISOR_PIDFILE"; }

# Holds the supervisor while a command injects a fault on purpose, released when it ends.
supervisor_held() { # command...
  touch "$SUPERVISOR_HOLD"
  local code=0
  "$@" || code=$?
  rm -f "$SUPERVISOR_HOLD"
  return $code
}

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
    -cp "$KAFKA_HOME/libs/*" kafka.Kafka "$config" >>"$LOGS/kafka.out" 2>&1 8>&- &
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

# One `up` or `restart` of the shared stack at a time, held until the command exits (fd 8; every
# process it starts closes it). An `up` from another test run while the fault suite restarted
# Kafka once started a second broker on the same data, and the stack was left without one.
stack_lock() {
  mkdir -p "$STACK_DATA"
  exec 8>"$STACK_DATA/stack.lock"
  flock -w 300 8 || die "another stack.sh held the stack for 5 minutes"
}

up() {
  local started
  stack_lock
  started=$(now_ms)
  mkdir -p "$STACK_DATA" "$LOGS"
  kafka_up
  postgres_up
  ferretdb_up
  wait_until "PostgreSQL" 60 port_open "$PG_PORT"
  wait_until "FerretDB" 60 ferretdb_answers
  wait_until "Kafka" 120 kafka_answers
  supervise
  say "up in $(( $(now_ms) - started )) ms: kafka 127.0.0.1:$KAFKA_PORT, ferretdb 127.0.0.1:$FERRETDB_PORT (postgresql 127.0.0.1:$PG_PORT); logs in $LOGS"
}

down() {
  unsupervise # first, or it would restart what `down` stops
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
  if supervisor_runs; then
    say "supervisor of ferretdb 127.0.0.1:$FERRETDB_PORT runs (pid $(cat "$SUPERVISOR_PIDFILE")); log $SUPERVISOR_LOG"
  else
    say "supervisor of ferretdb 127.0.0.1:$FERRETDB_PORT is not running"; code=1
  fi
  return $code
}

logs() { tail -n 50 "$LOGS"/kafka.log "$FERRETDB_LOG" "$SUPERVISOR_LOG" "$LOGS"/postgres.log 2>/dev/null; }

# Fault injection for the fault suite (test/faults): restart one component, or freeze and thaw
# the store (a store that stops answering without closing its connections).
restart() { # kafka|ferretdb
  local started
  stack_lock
  started=$(now_ms)
  case ${1:-} in
    kafka) [[ -f $STACK_DATA/kafka.pid ]] || die "this stack did not start Kafka; cannot restart it"
      kafka_down; kafka_up; wait_until "Kafka" 120 kafka_answers ;;
    ferretdb) [[ -f $FERRETDB_PIDFILE ]] || die "this stack did not start FerretDB; cannot restart it"
      supervisor_held restart_ferretdb ;;
    *) die "restart kafka|ferretdb" ;;
  esac
  say "$1 restarted in $(( $(now_ms) - started )) ms"
}

restart_ferretdb() { ferretdb_down; ferretdb_up; wait_until "FerretDB" 60 ferretdb_answers; }

signal_ferretdb() { # STOP|CONT
  [[ -f $FERRETDB_PIDFILE ]] || die "this stack did not start FerretDB"
  # A frozen store is the fault under test, not one for the supervisor to repair.
  if [[ $1 == STOP ]]; then touch "$SUPERVISOR_HOLD"; fi
  kill "-$1" "$(cat "$FERRETDB_PIDFILE")"
  if [[ $1 == CONT ]]; then rm -f "$SUPERVISOR_HOLD"; fi
}

# A private FerretDB (see the top of this file): its database, the process, and nothing else.
private_ferretdb_up() {
  [[ $FERRETDB_PORT != 27017 ]] || die "ferretdb-up is for another FerretDB: set FERRETDB_PORT"
  port_open "$PG_PORT" || die "PostgreSQL 127.0.0.1:$PG_PORT is down: run stack/stack.sh up first"
  mkdir -p "$LOGS"
  ensure_ferretdb_database "$(pg_bin)"
  ferretdb_up
  wait_until "FerretDB" 60 ferretdb_answers
  say "ferretdb 127.0.0.1:$FERRETDB_PORT over database $FERRETDB_DATABASE (pool $FERRETDB_POOL)"
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
  supervise) supervise ;;
  unsupervise) unsupervise ;;
  supervise-loop) supervise_loop ;;
  ferretdb-up) private_ferretdb_up ;;
  ferretdb-down) unsupervise; ferretdb_down ;;
  *) echo "usage: $0 up|down|status|logs|env|kafka-class MAIN [ARGS]|restart kafka|ferretdb|freeze-store|thaw-store|supervise|unsupervise|ferretdb-up|ferretdb-down" >&2; exit 2 ;;
esac
