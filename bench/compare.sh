#!/usr/bin/env bash
# Benchmarks jamtui against redis-server, the assignment's Python reference server and two floor
# servers, side by side on loopback, with `jamtui bench`, and writes docs/BENCHMARKS.md. Each
# scenario is measured against every server in turn, ROUNDS times over, so that the servers
# compared share the machine's moods; the report gives medians.
# Needs: apt-get install redis-server tmux gcc liburing-dev; python3.
# Usage: bench/compare.sh [SECONDS-PER-SCENARIO [ROUNDS]]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-5}
rounds=${2:-3}
out=docs/BENCHMARKS.md
bin=./target/profiling/jamtui
cargo build --profile profiling --quiet
ulimit -n "$(ulimit -Hn)"
work=$(mktemp -d)
socket=jamtui-compare-$$
trap 'tmux -L "$socket" kill-server 2>/dev/null || true; kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
gcc -O2 -Wall -o "$work/epoll_floor" bench/floor/epoll_floor.c
gcc -O2 -Wall -o "$work/uring_floor" bench/floor/uring_floor.c -luring

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# The pid of whatever listens on a port.
listener_pid() { ss -ltnpH "sport = :$1" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2; }
wait_listening() { for _ in $(seq 100); do [ -n "$(listener_pid "$1")" ] && return; sleep 0.1; done; echo "nothing listens on $1" >&2; exit 1; }

# jamtui headless; arguments, if any, are environment settings (NAME=VALUE) for it.
start_jamtui() {
    # 10,000 held clients plus the 50 measuring ones exceed the default --max-clients 10000.
    env "$@" "$bin" --headless --quiet --bind 127.0.0.1 --port 0 --max-clients 11000 2> "$work/jamtui.log" &
    for _ in $(seq 50); do grep -q 'listening on' "$work/jamtui.log" 2>/dev/null && break; sleep 0.1; done
    port=$(grep -o '127.0.0.1:[0-9]*' "$work/jamtui.log" | head -1 | cut -d: -f2)
}
start_dashboard() {
    tmux -L "$socket" -f /dev/null new-session -d -x 120 -y 40 "$bin --bind 127.0.0.1 --port 0 --max-clients 11000"
    for _ in $(seq 50); do tmux -L "$socket" capture-pane -p | grep -q 'listening 127' && break; sleep 0.1; done
    port=$(tmux -L "$socket" capture-pane -p | grep -o 'listening 127.0.0.1:[0-9]*' | head -1 | cut -d: -f2)
}
start_redis() {
    port=$(free_port)
    redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no --protected-mode no \
        --maxclients 15000 --loglevel warning > "$work/redis.log" 2>&1 &
    wait_listening "$port"
}
start_python() {
    python3 bench/reference_server.py 0 > "$work/python.port" 2> /dev/null &
    for _ in $(seq 50); do [ -s "$work/python.port" ] && break; sleep 0.1; done
    port=$(head -1 "$work/python.port")
    wait_listening "$port"
}
# A floor server (bench/floor/): the least work any server can do with the same system calls.
# Arguments after its name are environment settings for it (bench/floor/epoll_floor.c's knobs).
start_floor() {
    rm -f "$work/floor.port"
    env "${@:2}" "$work/$1_floor" > "$work/floor.port" &
    for _ in $(seq 50); do [ -s "$work/floor.port" ] && break; sleep 0.1; done
    port=$(head -1 "$work/floor.port")
    wait_listening "$port"
}
stop_server() { kill "$(listener_pid "$port")" 2>/dev/null || true; sleep 0.5; }

# One scenario against the server on $port; prints the JSON report (or an error object).
measure() {
    local request=$1; shift
    local args=(--port "$port" --duration "${seconds}s" --timeout 2s --json --server-pid "$(listener_pid "$port")")
    [ "$request" = PING ] && args+=(--request PING --expect '^\+PONG$')
    local report
    # A run in which nothing was answered still prints its report, and exits 1.
    report=$("$bin" bench 127.0.0.1 "${args[@]}" "$@" 2> "$work/bench.err") || true
    if [ -n "$report" ]; then
        echo "$report"
    else
        echo "{\"failed\": $(python3 -c 'import json,sys; print(json.dumps(open(sys.argv[1]).read().strip()))' "$work/bench.err")}"
    fi
}

results=$work/results.jsonl
scenarios=(
    "C=1 P=1|--connections 1"
    "C=50 P=1|--connections 50"
    "C=50 P=16|--connections 50 --pipeline 16"
    "C=50 connect-per-request|--connections 50 --connect-per-request"
    "C=50 connect-per-request, close after QUIT|--connections 50 --connect-per-request --quit-and-close"
    "C=50 P=1 + 10,000 idle held|--connections 50 --hold 10000"
)
# name|how to start it|request|the scenarios it runs (a regular expression)
servers=(
    "jamtui|start_jamtui|TIME|."
    "redis-server|start_redis|PING|."
    "python reference|start_python|TIME|."
    "floor: epoll|start_floor epoll|TIME|^C=(1|50) (P=(1|16)|connect-per-request)"
    "floor: io_uring|start_floor uring|TIME|^C=(1|50) (P=(1|16)|connect-per-request)"
    "floor: epoll, 2 threads|start_floor epoll FLOOR_THREADS=2|TIME|^C=50 connect-per-request"
    "jamtui, one worker|start_jamtui TOKIO_WORKER_THREADS=1|TIME|^C=50 (P=1|P=16|connect-per-request.*)$"
    "jamtui, dashboard on|start_dashboard|TIME|^C=50 (P=16|connect-per-request, close after QUIT)$"
)
for scenario in "${scenarios[@]}"; do
    label=${scenario%%|*} flags=${scenario#*|}
    for round in $(seq "$rounds"); do
        for server in "${servers[@]}"; do
            IFS='|' read -r name start request runs <<< "$server"
            [[ $label =~ $runs ]] || continue
            $start
            echo "== $label, round $round: $name" >&2
            # shellcheck disable=SC2086
            printf '{"server": "%s", "scenario": "%s", "round": %d, "report": %s}\n' \
                "$name" "$label" "$round" "$(measure "$request" $flags)" >> "$results"
            stop_server
        done
    done
done

cp "$results" "${TMPDIR:-/tmp}/jamtui-compare-results.jsonl"
python3 bench/report.py "$results" "$seconds" "$rounds" > "$out"
echo "wrote $out" >&2
