#!/usr/bin/env bash
# Kafka-protocol broker benchmark: builds rdkbench (librdkafka), then for each record size creates a
# fresh topic per repetition, produces and consumes, runs a fixed-rate latency test, measures the
# disk's sequential write speed with dd, and prints a summary table of medians.
# See README.md in this folder. Run with --help for the options.
set -uo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../../.." && pwd)"
BIN_DIR="${RDKBENCH_BIN_DIR:-$SCRIPT_DIR/bin}"
RDK="$BIN_DIR/rdkbench"

BOOTSTRAP="${KAFKA_BOOTSTRAP:-127.0.0.1:9092}"
REPEAT=3
SIZES="100 1024"
COUNT=""              # records per produce run; empty = per-size default
ACKS=1
LINGER_MS=5
BATCH_SIZE=""
WARMUP=1
TIMEOUT_SEC=60
PARTITIONS=1
LAT_RATE=1000
LAT_SECONDS=10
LAT_SIZE=100
DO_LATENCY=1
DATA_DIR=""
DD_MB=1024
DO_DD=1
START_NODE=0
MOCK=0
NODE_TIMEOUT=180
NODE_PORT=0
NODE_CONF_EXTRA=""
KEEP_DATA=0
KEEP_TOPICS=0
OUT_FILE=""

usage() {
    cat <<EOF
Usage: $(basename "$0") [options] [BOOTSTRAP]

Target (one of):
  BOOTSTRAP, -b, --bootstrap H:P   broker to benchmark (default \$KAFKA_BOOTSTRAP or 127.0.0.1:9092)
  --start-node                     build and start the ActorStream node (src/ActorStream.Node) with a
                                   temporary config, wait for its 'ready: kafka=<host:port>' line,
                                   benchmark it, then stop it with SIGTERM
  --mock                           self-test of this harness against librdkafka's in-process mock
                                   cluster (small default counts; the figures mean nothing)

Throughput runs:
  --sizes "100 1024"   record sizes in bytes (default "$SIZES")
  --count N            records per produce run (default: 1000000 for 100 B, 500000 for 1024 B,
                       otherwise 200 MB worth; --mock: 3 MB worth)
  --repeat N           runs per size; medians are reported (default $REPEAT)
  --acks N             0, 1 or all (default $ACKS)
  --linger-ms MS       producer linger.ms (default $LINGER_MS)
  --batch-size BYTES   producer batch.size (default: librdkafka's)
  --warmup N           records acknowledged before each timed produce run (default $WARMUP)
  --partitions N       partitions of each created topic (default $PARTITIONS)
  --timeout-sec S      rdkbench gives up after S s without progress (default $TIMEOUT_SEC)

Latency run:
  --rate R             records/s (default $LAT_RATE)
  --seconds S          duration (default $LAT_SECONDS)
  --latency-size B     record size (default $LAT_SIZE)
  --no-latency         skip it

Disk:
  --data-dir DIR       a directory on the broker's data filesystem: dd writes its test file there;
                       with --start-node the node's data-dir is created inside it
                       (default: \${TMPDIR:-/tmp}, with a warning unless --start-node)
  --dd-mb N            size of each dd write in MiB (default $DD_MB)
  --no-dd              skip the dd measurements

Node (--start-node):
  --node-timeout S     wait this long for the ready line (default $NODE_TIMEOUT)
  --node-port P        listener port (default 0 = chosen by the node)
  --node-config TEXT   extra HOCON appended to the generated node configuration
  --keep-data          keep the node's data directory

Other:
  --keep-topics        do not delete the benchmark topics at the end
  --out FILE           also write the raw RESULT lines and the summary to FILE
  -h, --help           this help

Environment: KAFKA_BOOTSTRAP (default target), RDKBENCH_BIN_DIR (build dir, default kafka/bin).
EOF
}

die() { echo "run.sh: ERROR: $*" >&2; exit 1; }
note() { echo "run.sh: $*" >&2; }
need_arg() { [[ $# -ge 2 && -n "$2" ]] || die "option $1 needs a value (see --help)"; }
is_uint() { [[ "$1" =~ ^[0-9]+$ ]]; }

while [[ $# -gt 0 ]]; do
    case "$1" in
        -b|--bootstrap) need_arg "$@"; BOOTSTRAP="$2"; shift 2 ;;
        --sizes) need_arg "$@"; SIZES="$2"; shift 2 ;;
        --count) need_arg "$@"; COUNT="$2"; shift 2 ;;
        --repeat) need_arg "$@"; REPEAT="$2"; shift 2 ;;
        --acks) need_arg "$@"; ACKS="$2"; shift 2 ;;
        --linger-ms) need_arg "$@"; LINGER_MS="$2"; shift 2 ;;
        --batch-size) need_arg "$@"; BATCH_SIZE="$2"; shift 2 ;;
        --warmup) need_arg "$@"; WARMUP="$2"; shift 2 ;;
        --partitions) need_arg "$@"; PARTITIONS="$2"; shift 2 ;;
        --timeout-sec) need_arg "$@"; TIMEOUT_SEC="$2"; shift 2 ;;
        --rate) need_arg "$@"; LAT_RATE="$2"; shift 2 ;;
        --seconds) need_arg "$@"; LAT_SECONDS="$2"; shift 2 ;;
        --latency-size) need_arg "$@"; LAT_SIZE="$2"; shift 2 ;;
        --no-latency) DO_LATENCY=0; shift ;;
        --data-dir) need_arg "$@"; DATA_DIR="$2"; shift 2 ;;
        --dd-mb) need_arg "$@"; DD_MB="$2"; shift 2 ;;
        --no-dd) DO_DD=0; shift ;;
        --start-node) START_NODE=1; shift ;;
        --mock) MOCK=1; shift ;;
        --node-timeout) need_arg "$@"; NODE_TIMEOUT="$2"; shift 2 ;;
        --node-port) need_arg "$@"; NODE_PORT="$2"; shift 2 ;;
        --node-config) need_arg "$@"; NODE_CONF_EXTRA="$2"; shift 2 ;;
        --keep-data) KEEP_DATA=1; shift ;;
        --keep-topics) KEEP_TOPICS=1; shift ;;
        --out) need_arg "$@"; OUT_FILE="$2"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        -*) usage >&2; die "unknown option '$1'" ;;
        *) BOOTSTRAP="$1"; shift ;;
    esac
done

for v in REPEAT WARMUP TIMEOUT_SEC LAT_SIZE DD_MB NODE_TIMEOUT NODE_PORT PARTITIONS LINGER_MS; do
    is_uint "${!v}" || die "$v must be a non-negative integer, got '${!v}'"
done
[[ -z "$COUNT" ]] || is_uint "$COUNT" || die "--count must be an integer"
[[ "$REPEAT" -ge 1 ]] || die "--repeat must be >= 1"
for s in $SIZES; do is_uint "$s" && [[ "$s" -gt 0 ]] || die "--sizes: bad size '$s'"; done
[[ $START_NODE -eq 1 && $MOCK -eq 1 ]] && die "--start-node and --mock exclude each other"
[[ -n "$OUT_FILE" && "$OUT_FILE" != /* ]] && OUT_FILE="$PWD/$OUT_FILE"
[[ -n "$DATA_DIR" && "$DATA_DIR" != /* ]] && DATA_DIR="$PWD/$DATA_DIR"

# ---------------------------------------------------------------- cleanup
TARGET_PID=""       # node or mock we started (a process group leader, see start_target)
TARGET_CWD="$PWD"
DD_FILE=""
NODE_DATA_DIR=""
WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/rdkbench-run.XXXXXX")"
TOPICS_CREATED=()

# rdkbench runs in the background and the script waits for it, so that a signal to this script is
# handled at once (bash defers traps while a foreground command runs); cleanup then stops it.
CHILD_PID=""
run_child() {
    "$@" &
    CHILD_PID=$!
    wait "$CHILD_PID"
    local rc=$?
    CHILD_PID=""
    return $rc
}

stop_child() {
    [[ -n "$CHILD_PID" ]] || return 0
    kill -TERM "$CHILD_PID" 2>/dev/null
    wait "$CHILD_PID" 2>/dev/null
    CHILD_PID=""
}

stop_target() {
    [[ -n "$TARGET_PID" ]] || return 0
    local pgid
    pgid="$(ps -o pgid= -p "$TARGET_PID" 2>/dev/null | tr -d ' ')"
    note "stopping the broker we started (pid $TARGET_PID) with SIGTERM"
    if [[ -n "$pgid" && "$pgid" == "$TARGET_PID" ]]; then kill -TERM -- "-$pgid" 2>/dev/null
    else kill -TERM "$TARGET_PID" 2>/dev/null; fi
    local i
    for ((i = 0; i < 300; i++)); do
        if [[ -n "$pgid" && "$pgid" == "$TARGET_PID" ]]; then kill -0 -- "-$pgid" 2>/dev/null || break
        else kill -0 "$TARGET_PID" 2>/dev/null || break; fi
        sleep 0.1
    done
    if kill -0 "$TARGET_PID" 2>/dev/null; then
        note "broker still running after 30 s: SIGKILL"
        if [[ -n "$pgid" && "$pgid" == "$TARGET_PID" ]]; then kill -KILL -- "-$pgid" 2>/dev/null
        else kill -KILL "$TARGET_PID" 2>/dev/null; fi
    fi
    wait "$TARGET_PID" 2>/dev/null
    local rc=$?
    note "broker exited with status $rc"
    TARGET_PID=""
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    stop_child
    [[ -n "$DD_FILE" ]] && rm -f "$DD_FILE"
    stop_target
    if [[ -n "$NODE_DATA_DIR" ]]; then
        if [[ $KEEP_DATA -eq 1 ]]; then note "node data kept in $NODE_DATA_DIR"
        else rm -rf "$NODE_DATA_DIR"; fi
    fi
    rm -rf "$WORK_DIR"
    exit "$rc"
}
trap cleanup EXIT
trap 'note "interrupted"; exit 130' INT TERM

# ---------------------------------------------------------------- build
mkdir -p "$BIN_DIR" || die "cannot create $BIN_DIR"
note "building $RDK"
gcc -O2 -Wall -Wextra -o "$RDK" "$SCRIPT_DIR/rdkbench.c" -lrdkafka -lpthread -lm \
    || die "building rdkbench failed (needs gcc and librdkafka-dev)"

# ---------------------------------------------------------------- target broker
# Starts "$@" in its own session (so that SIGTERM reaches its whole process group), its output in
# $WORK_DIR/target.log, and waits for a line containing "ready: kafka=<host:port>".
start_target() {
    local what="$1"; shift
    local log="$WORK_DIR/target.log"
    ( cd "$TARGET_CWD" && exec setsid "$@" ) >"$log" 2>&1 </dev/null &
    TARGET_PID=$!
    note "started $what (pid $TARGET_PID), waiting up to ${NODE_TIMEOUT}s for 'ready: kafka=...' (log: $log)"
    local deadline=$((SECONDS + NODE_TIMEOUT)) addr=""
    while [[ $SECONDS -lt $deadline ]]; do
        addr="$(sed -e 's/\x1b\[[0-9;]*m//g' "$log" | sed -n 's/.*ready: kafka=\([^ ,;"]*\).*/\1/p' | head -n 1 | tr -d '\r')"
        [[ -n "$addr" ]] && break
        if ! kill -0 "$TARGET_PID" 2>/dev/null; then
            wait "$TARGET_PID" 2>/dev/null
            local rc=$?
            TARGET_PID=""
            echo "----- last lines of the $what output -----" >&2; tail -n 40 "$log" >&2
            die "$what exited (status $rc) before printing 'ready: kafka=...'"
        fi
        sleep 0.2
    done
    if [[ -z "$addr" ]]; then
        echo "----- last lines of the $what output -----" >&2; tail -n 40 "$log" >&2
        die "$what did not print 'ready: kafka=...' within ${NODE_TIMEOUT}s"
    fi
    BOOTSTRAP="$addr"
    note "$what is ready at $BOOTSTRAP"
}

hocon_str() { local s="${1//\\/\\\\}"; printf '"%s"' "${s//\"/\\\"}"; }

if [[ $START_NODE -eq 1 ]]; then
    command -v dotnet >/dev/null || die "dotnet not found"
    NODE_PROJ="$REPO_ROOT/src/ActorStream.Node/ActorStream.Node.csproj"
    [[ -f "$NODE_PROJ" ]] || die "$NODE_PROJ not found"
    note "building ActorStream.Node (Release)"
    dotnet build -c Release -v quiet -nologo "$NODE_PROJ" >&2 || die "building ActorStream.Node failed"
    parent="${DATA_DIR:-${TMPDIR:-/tmp}}"
    mkdir -p "$parent" || die "cannot create $parent"
    NODE_DATA_DIR="$(mktemp -d "$(cd "$parent" && pwd)/actorstream-bench-data.XXXXXX")" || die "mktemp in $parent failed"
    DATA_DIR="$NODE_DATA_DIR"
    NODE_CONF="$WORK_DIR/node.conf"
    {
        echo "actorstream.node.data-dir = $(hocon_str "$NODE_DATA_DIR")"
        echo "actorstream.kafka.listener { host = \"127.0.0.1\", port = $NODE_PORT }"
        echo "actorstream.node.admin { host = \"127.0.0.1\", port = 0 }"
        [[ -n "$NODE_CONF_EXTRA" ]] && printf '%s\n' "$NODE_CONF_EXTRA"
    } >"$NODE_CONF"
    note "node configuration ($NODE_CONF):"; sed 's/^/    /' "$NODE_CONF" >&2
    # Run the built assembly directly, so that SIGTERM reaches the node itself; fall back to
    # 'dotnet run --no-build' when the target path cannot be resolved.
    NODE_DLL="$(cd "$REPO_ROOT" && dotnet msbuild "$NODE_PROJ" -nologo -getProperty:TargetPath -p:Configuration=Release 2>/dev/null | tail -n 1 | tr -d '\r')"
    TARGET_CWD="$REPO_ROOT"
    if [[ -n "$NODE_DLL" && -f "$NODE_DLL" ]]; then
        start_target "ActorStream node" dotnet "$NODE_DLL" --config "$NODE_CONF"
    else
        start_target "ActorStream node" dotnet run --no-build -c Release --project "$NODE_PROJ" -- --config "$NODE_CONF"
    fi
elif [[ $MOCK -eq 1 ]]; then
    start_target "librdkafka mock cluster" "$RDK" mock
    note "MOCK MODE: the mock keeps only ~5 MB per partition in memory; figures are meaningless"
fi

# ---------------------------------------------------------------- helpers
RAW="$WORK_DIR/results.txt"
: >"$RAW"

field() { # field "<RESULT line>" key
    printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1
}

median() { # numbers as arguments
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
        if (NR == 0) { print "-"; exit }
        if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Runs rdkbench; its stderr passes through, its RESULT line is returned in $LAST_RESULT.
LAST_RESULT=""
rdk() {
    local rc
    run_child "$RDK" "$@" >"$WORK_DIR/rdk.out"
    rc=$?
    LAST_RESULT="$(grep '^RESULT ' "$WORK_DIR/rdk.out" | tail -n 1)"
    [[ -n "$LAST_RESULT" ]] && { echo "$LAST_RESULT"; echo "$LAST_RESULT" >>"$RAW"; }
    return $rc
}

CREATE_WARNED=0
create_topic() {
    local t="$1" rc
    TOPICS_CREATED+=("$t")
    [[ $CREATE_WARNED -eq 1 ]] && return 0   # CreateTopics failed once: rely on auto-creation
    run_child "$RDK" create-topic -b "$BOOTSTRAP" -t "$t" -p "$PARTITIONS" -R 1 -T "$TIMEOUT_SEC" >/dev/null
    rc=$?
    if [[ $rc -ne 0 ]]; then
        note "WARNING: creating topic '$t' failed (exit $rc); relying on the broker auto-creating topics from now on"
        CREATE_WARNED=1
    fi
    return 0
}

default_count() {
    local size="$1"
    if [[ -n "$COUNT" ]]; then echo "$COUNT"
    elif [[ $MOCK -eq 1 ]]; then echo $((3000000 / size))
    elif [[ "$size" -eq 100 ]]; then echo 1000000
    elif [[ "$size" -eq 1024 ]]; then echo 500000
    else echo $((200000000 / size)); fi
}

# ---------------------------------------------------------------- header
RUN_ID="$(date +%Y%m%d-%H%M%S)-$$"
{
    echo "==== rdkbench run $RUN_ID ===="
    echo "broker:     $BOOTSTRAP"
    echo "host:       $(uname -srm), $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //')"
    echo "librdkafka: $(pkg-config --modversion rdkafka 2>/dev/null || echo '?')"
} >&2

# ---------------------------------------------------------------- reachability
note "checking that $BOOTSTRAP answers (metadata)"
run_child "$RDK" metadata -b "$BOOTSTRAP" -T "$TIMEOUT_SEC" >&2 || die "the broker at $BOOTSTRAP does not answer"

# ---------------------------------------------------------------- disk (dd)
DD_SYNC="-" DD_DIRECT="-" DD_PLAIN="-"
dd_run() { # dd_run <extra dd flags...>; prints MB/s (10^6 bytes) or "n/a"
    local out bytes secs
    out="$(LC_ALL=C dd if=/dev/zero of="$DD_FILE" bs=1M count="$DD_MB" "$@" 2>&1)" || {
        note "dd $* failed: $(printf '%s' "$out" | tail -n 1)"; rm -f "$DD_FILE"; echo "n/a"; return; }
    rm -f "$DD_FILE"
    bytes="$(printf '%s\n' "$out" | tail -n 1 | awk '{ print $1 }')"
    secs="$(printf '%s\n' "$out" | tail -n 1 | awk '{ for (i = 2; i <= NF; i++) if ($i == "s," || $i == "s") { print $(i - 1); exit } }')"
    awk -v b="$bytes" -v s="$secs" 'BEGIN { if (s > 0) printf "%.1f\n", b / s / 1e6; else print "n/a" }'
}

if [[ $DO_DD -eq 1 ]]; then
    if [[ -z "$DATA_DIR" ]]; then
        DATA_DIR="${TMPDIR:-/tmp}"
        note "WARNING: no --data-dir given: measuring the disk under $DATA_DIR, which may not be the broker's filesystem"
    fi
    [[ -d "$DATA_DIR" ]] || die "--data-dir $DATA_DIR is not a directory"
    avail_mb=$(( $(df -Pk "$DATA_DIR" | awk 'NR == 2 { print $4 }') / 1024 ))
    if [[ $avail_mb -lt $((DD_MB + 512)) ]]; then
        note "WARNING: only $avail_mb MiB free under $DATA_DIR: skipping dd"
    else
        DD_FS="$(df -PT "$DATA_DIR" | awk 'NR == 2 { print $1 " (" $2 ") on " $7 }')"
        DD_FILE="$(mktemp "$(cd "$DATA_DIR" && pwd)/rdkbench-dd.XXXXXX")"
        note "dd: ${DD_MB} MiB sequential writes to $DD_FILE, filesystem $DD_FS"
        sync
        DD_SYNC="$(dd_run conv=fdatasync)"; sync
        DD_DIRECT="$(dd_run oflag=direct)"; sync
        DD_PLAIN="$(dd_run)"; sync
        rm -f "$DD_FILE"; DD_FILE=""
        note "dd MB/s: conv=fdatasync $DD_SYNC, oflag=direct $DD_DIRECT, plain (page cache) $DD_PLAIN"
    fi
fi

# ---------------------------------------------------------------- throughput
declare -A P_RPS P_MBS P_MIBS C_RPS C_MBS C_MIBS N_REC
EXTRA_P=()
[[ -n "$BATCH_SIZE" ]] && EXTRA_P+=(-B "$BATCH_SIZE")
for size in $SIZES; do
    n="$(default_count "$size")"
    N_REC[$size]=$n
    prps=() pmbs=() pmibs=() crps=() cmbs=() cmibs=()
    for ((r = 1; r <= REPEAT; r++)); do
        topic="rdkbench-$RUN_ID-s$size-r$r"
        note "size $size B, run $r/$REPEAT: topic $topic, $n records"
        create_topic "$topic"
        sync
        rdk produce -b "$BOOTSTRAP" -t "$topic" -s "$size" -n "$n" -a "$ACKS" -l "$LINGER_MS" -w "$WARMUP" \
            -T "$TIMEOUT_SEC" "${EXTRA_P[@]}" || die "produce failed (size $size, run $r)"
        prps+=("$(field "$LAST_RESULT" records_per_sec)"); pmbs+=("$(field "$LAST_RESULT" mb_per_sec)")
        pmibs+=("$(field "$LAST_RESULT" mib_per_sec)")
        sync
        rdk consume -b "$BOOTSTRAP" -t "$topic" -n $((n + WARMUP)) -T "$TIMEOUT_SEC" \
            || die "consume failed (size $size, run $r)"
        crps+=("$(field "$LAST_RESULT" records_per_sec)"); cmbs+=("$(field "$LAST_RESULT" mb_per_sec)")
        cmibs+=("$(field "$LAST_RESULT" mib_per_sec)")
    done
    P_RPS[$size]="$(median "${prps[@]}")"; P_MBS[$size]="$(median "${pmbs[@]}")"; P_MIBS[$size]="$(median "${pmibs[@]}")"
    C_RPS[$size]="$(median "${crps[@]}")"; C_MBS[$size]="$(median "${cmbs[@]}")"; C_MIBS[$size]="$(median "${cmibs[@]}")"
done

# ---------------------------------------------------------------- latency
LAT=""
if [[ $DO_LATENCY -eq 1 ]]; then
    topic="rdkbench-$RUN_ID-latency"
    note "latency: topic $topic, $LAT_RATE records/s for ${LAT_SECONDS}s, $LAT_SIZE B, acks=1, linger.ms=0"
    create_topic "$topic"
    sync
    rdk latency -b "$BOOTSTRAP" -t "$topic" -s "$LAT_SIZE" -r "$LAT_RATE" -d "$LAT_SECONDS" -a 1 -l 0 \
        -T "$TIMEOUT_SEC" || die "latency run failed"
    LAT="$LAST_RESULT"
fi

# ---------------------------------------------------------------- topics
if [[ $KEEP_TOPICS -eq 0 && ${#TOPICS_CREATED[@]} -gt 0 ]]; then
    deleted=0
    for t in "${TOPICS_CREATED[@]}"; do
        if run_child "$RDK" delete-topic -b "$BOOTSTRAP" -t "$t" --if-exists -T 10 >/dev/null 2>"$WORK_DIR/delete.err"; then
            deleted=$((deleted + 1))
        else
            note "deleting the benchmark topics is not possible ($(grep -m1 ERROR "$WORK_DIR/delete.err" | sed 's/^rdkbench: //')); they are left on the broker"
            break
        fi
    done
    [[ $deleted -gt 0 ]] && note "deleted $deleted benchmark topic(s)"
fi

# ---------------------------------------------------------------- summary
pct_of() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0 && a != "-") printf "%.0f%%", 100 * a / b; else print "-" }'; }
SUMMARY="$WORK_DIR/summary.txt"
{
    echo
    echo "==== summary: broker $BOOTSTRAP, median of $REPEAT run(s); MB = 10^6 bytes of record values ===="
    printf '%-34s %6s %9s %12s %10s %10s %14s\n' "test" "size" "records" "records/s" "MB/s" "MiB/s" "% of dd(sync)"
    for size in $SIZES; do
        printf '%-34s %6s %9s %12s %10s %10s %14s\n' "produce acks=$ACKS linger.ms=$LINGER_MS" "$size" "${N_REC[$size]}" \
            "${P_RPS[$size]}" "${P_MBS[$size]}" "${P_MIBS[$size]}" "$(pct_of "${P_MBS[$size]}" "$DD_SYNC")"
        printf '%-34s %6s %9s %12s %10s %10s %14s\n' "consume (from beginning)" "$size" "$((N_REC[$size] + WARMUP))" \
            "${C_RPS[$size]}" "${C_MBS[$size]}" "${C_MIBS[$size]}" ""
    done
    if [[ $DO_DD -eq 1 ]]; then
        mib() { awk -v m="$1" 'BEGIN { if (m + 0 > 0) printf "%.1f", m * 1e6 / 1048576; else print "-" }'; }
        printf '%-34s %6s %9s %12s %10s %10s\n' "disk: dd bs=1M conv=fdatasync" "1MiB" "${DD_MB}MiB" "-" "$DD_SYNC" "$(mib "$DD_SYNC")"
        printf '%-34s %6s %9s %12s %10s %10s\n' "disk: dd bs=1M oflag=direct" "1MiB" "${DD_MB}MiB" "-" "$DD_DIRECT" "$(mib "$DD_DIRECT")"
        printf '%-34s %6s %9s %12s %10s %10s\n' "disk: dd bs=1M plain (page cache)" "1MiB" "${DD_MB}MiB" "-" "$DD_PLAIN" "$(mib "$DD_PLAIN")"
    fi
    if [[ -n "$LAT" ]]; then
        echo
        echo "latency, produce() to delivery report, acks=1 linger.ms=0, $(field "$LAT" size) B at $(field "$LAT" target_rate)/s" \
             "for $(field "$LAT" secs) s ($(field "$LAT" records) records, $(field "$LAT" failed) failed):"
        printf '  p50 %s us   p90 %s us   p99 %s us   p99.9 %s us   max %s us   (mean %s us; late sends %s)\n' \
            "$(field "$LAT" p50_us)" "$(field "$LAT" p90_us)" "$(field "$LAT" p99_us)" "$(field "$LAT" p999_us)" \
            "$(field "$LAT" max_us)" "$(field "$LAT" mean_us)" "$(field "$LAT" late_sends)"
    fi
    [[ $MOCK -eq 1 ]] && echo "(MOCK self-test: librdkafka's in-process mock cluster; figures are meaningless)"
} >"$SUMMARY"
cat "$SUMMARY"

if [[ -n "$OUT_FILE" ]]; then
    { echo "# rdkbench run $RUN_ID, broker $BOOTSTRAP"; cat "$RAW"
      [[ $DO_DD -eq 1 ]] && echo "RESULT dd mb=$DD_MB fdatasync_mb_per_sec=$DD_SYNC direct_mb_per_sec=$DD_DIRECT plain_mb_per_sec=$DD_PLAIN"
      cat "$SUMMARY"; } >"$OUT_FILE" && note "results written to $OUT_FILE"
fi
exit 0
