#!/usr/bin/env python3
"""Turns bench/compare.sh's results (one JSON object a line) into docs/BENCHMARKS.md."""
import datetime
import json
import os
import platform
import sys


def machine():
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as info:
        memory = int(info.readline().split()[1]) // (1024 * 1024)
    return f"{os.cpu_count()} cores ({cpu}), {memory} GiB, Linux {platform.release()}"


def cell(value, digits=3):
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}"


def main():
    rows = [json.loads(line) for line in open(sys.argv[1])]
    seconds = sys.argv[2]
    find = {(row["server"], row["scenario"]): row["report"] for row in rows}
    out = []
    out.append("# Benchmarks\n")
    out.append(f"Made by `bench/compare.sh {seconds}` on {datetime.date.today()}: {machine()}.")
    out.append("Every server ran on loopback on the same machine as the load generator (`jamtui bench`),")
    out.append(f"one scenario at a time, {seconds} s each, in one run. On 2 cores the load generator and")
    out.append("the server share the CPU, so at P=1 the load generator sets the pace; **server CPU per")
    out.append("request** (utime+stime from /proc/PID/stat over the run, divided by the requests) is the")
    out.append("fairer comparison. Servers: `jamtui --headless --quiet --max-clients 11000` (10,000 held plus 50 measuring clients exceed the default limit); `redis-server --save '' --appendonly no`")
    out.append("driven with `PING` → `+PONG`; `bench/reference_server.py`, the assignment's thread-per-client")
    out.append("Python server (`recv(256)`, a log line per request, stderr to /dev/null).\n")
    out.append("Commands: `jamtui bench 127.0.0.1 --port PORT --duration DURATION --server-pid PID --connections C`")
    out.append("with `--pipeline P`, `--connect-per-request` or `--hold 10000` as the scenario says (redis:")
    out.append("`--request PING --expect '^\\+PONG$'`).\n")
    out.append("| server | scenario | requests/s | p50 ms | p99 ms | p99.9 ms | max ms | server µs CPU/req | bench µs CPU/req | errors | held answered | server KiB/held |")
    out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        report = row["report"]
        if "failed" in report:
            out.append(f"| {row['server']} | {row['scenario']} | failed: {report['failed']} |||||||||")
            continue
        latency = report["latency_ms"]
        held = (
            f"{report['held_answered']:,} of {report['held']:,} ({report.get('held_opened', report['held']):,} opened)"
            if report["held"] else "–"
        )
        out.append(
            f"| {row['server']} | {row['scenario']} | {cell(report['requests_per_second'], 0)} | {cell(latency['p50'])} | "
            f"{cell(latency['p99'])} | {cell(latency['p99_9'])} | {cell(latency['max'])} | "
            f"{cell(report['server_cpu_us_per_request'])} | {cell(report['bench_cpu_us_per_request'])} | "
            f"{cell(report['errors'])} | {held} | {cell(report['server_kib_per_held_connection'], 1)} |"
        )

    def ratio(a, b, key):
        try:
            top = key(find[a])
            bottom = key(find[b])
            return top / bottom if bottom else None
        except (KeyError, TypeError):
            return None

    rps = lambda r: r["requests_per_second"]
    cpu = lambda r: r["server_cpu_us_per_request"]
    p99 = lambda r: r["latency_ms"]["p99"]
    out.append("\n## Ratios (same run)\n")
    out.append("| comparison | requests/s | server CPU/request | p99 latency |")
    out.append("|---|---:|---:|---:|")
    for scenario in ["C=50 P=1", "C=50 P=16"]:
        key_a, key_b = ("jamtui", scenario), ("redis-server", scenario)
        out.append(
            f"| jamtui ÷ redis, {scenario} | {cell(ratio(key_a, key_b, rps), 2)}× | "
            f"{cell(ratio(key_a, key_b, cpu), 2)}× | {cell(ratio(key_a, key_b, p99), 2)}× |"
        )
    out.append(
        f"| dashboard on ÷ headless, C=50 P=16 | {cell(ratio(('jamtui, dashboard on', 'C=50 P=16'), ('jamtui', 'C=50 P=16'), rps), 2)}× | "
        f"{cell(ratio(('jamtui, dashboard on', 'C=50 P=16'), ('jamtui', 'C=50 P=16'), cpu), 2)}× | "
        f"{cell(ratio(('jamtui, dashboard on', 'C=50 P=16'), ('jamtui', 'C=50 P=16'), p99), 2)}× |"
    )
    print("\n".join(out))


if __name__ == "__main__":
    main()
