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


NOTES = """
## Reading these figures

- On 2 cores, whenever the load generator and the server both keep a core busy, each one's CPU
  time per request is close to the wall time per request, so "server CPU/request" then mostly
  restates throughput. At P=1 every request costs each side one `read` and one `write` system
  call, and jamtui and redis-server spend about the same CPU per request there; the 0.8× target at
  P=1 is not met. A profile says why: `perf record` of jamtui at C=50 P=1 (2026-11-25) put 89% of
  its CPU in the kernel (loopback TCP: sending a reply also runs the receiving side's stack) and
  11% in user space (jamtui 7.6%, libc 1.7%, the vDSO clock 1.6%), so even a server doing no work
  of its own could not save 20%. Getting there would need fewer system calls per request than one
  read and one write (for example io_uring), which jamtui does not do.
- The bench's own CPU per request is about the server's, not far below it: it does the same
  system calls per request, pipelined and without allocating per request, and when both sides
  saturate a core each, CPU per request is about wall time per request for both.
- Keys under load: with 200 clients at about 130,000 requests/s, the dashboard showed PAUSED
  34 ms after `p` was sent to it in tmux (measured once, by hand).
- Latency percentiles from a load generator sharing 2 cores with the server include scheduling
  delays of both; compare them only within one run.
- The Python reference cannot pipeline (it answers one `recv(256)` with one reply, so pipelined
  requests go unanswered and the bench times out), and with `listen(1)` and a thread per client it
  opens and answers only a fraction of 10,000 idle clients.

## Levers, before and after

| lever | before | after |
|---|---|---|
| request events limited to 5,000 a second (the rest counted and reported in the log), so the dashboard's log and conversation panel never cost the server its pace | dashboard on, C=50 P=16: 653,041 requests/s, 0.25× headless (2026-11-25, first run) | 0.99× headless (this run) |
| the bench waits for the server to close after QUIT, so neither server is charged for the client's TIME_WAIT sockets | jamtui connect-per-request 14,554/s, p99 48.8 ms (first run: the client closed first and piled up TIME_WAIT on its side; redis, which answers QUIT, got a reset instead) | 24,363/s, p99 2.5 ms (jamtui connect-per-request in the table above) |
| tried, not kept: clearing a socket's read readiness after a short read, to save the read that returns EAGAIN after each request at P=1 | strace: two `recvfrom` per request | one `recvfrom` per request, but in alternating A/B runs (C=50 P=1, 4 s, three each) requests/s (187,782–192,733 before, 187,009–191,112 after) and CPU per request did not change: the load generator, not the server, sets the pace there |

Present from the start and not measured separately: the reply text formatted once per second
per connection, replies to pipelined requests written in one system call (try first without
waiting), counters updated once per batch, kick and shutdown futures made once per connection
(no lock per request), TCP_NODELAY, a 4,096-connection listen backlog, no per-request event or
log line when nobody is watching (`--quiet`).
"""


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
    out.append("\n## Targets (issue 5), as measured above\n")

    def verdict(ok):
        return "met" if ok else "**not met**"

    def get(key, metric):
        try:
            return metric(find[key])
        except (KeyError, TypeError):
            return None

    checks = []
    for scenario in ["C=50 P=1", "C=50 P=16"]:
        a, b = ("jamtui", scenario), ("redis-server", scenario)
        r, c, l = ratio(a, b, rps), ratio(a, b, cpu), ratio(a, b, p99)
        checks.append((f"{scenario}: requests/s ≥ 1.0× redis", r is not None and r >= 1.0, f"{cell(r, 2)}×"))
        checks.append((f"{scenario}: p99 no worse than redis", l is not None and l <= 1.0, f"{cell(l, 2)}×"))
        checks.append((f"{scenario}: server CPU/request ≤ 0.8× redis", c is not None and c <= 0.8, f"{cell(c, 2)}×"))
    million = get(("jamtui", "C=50 P=16"), rps)
    checks.append(("C=50 P=16: past one million requests/s", million is not None and million > 1e6, f"{cell(million, 0)}/s"))
    held = find.get(("jamtui", "C=50 P=1 + 10,000 idle held"), {})
    per_held = held.get("server_kib_per_held_connection")
    checks.append(("10,000 idle clients held, every one answered", held.get("held_answered") == 10000, f"{held.get('held_answered')} answered"))
    checks.append(("server memory per idle client ≤ 16 KiB", per_held is not None and per_held <= 16, f"{cell(per_held, 1)} KiB"))
    dash = ratio(("jamtui, dashboard on", "C=50 P=16"), ("jamtui", "C=50 P=16"), rps)
    checks.append(("dashboard on ≥ 0.9× headless", dash is not None and dash >= 0.9, f"{cell(dash, 2)}×"))
    out.append("| target | result | figure |")
    out.append("|---|---|---:|")
    for name, ok, figure in checks:
        out.append(f"| {name} | {verdict(ok)} | {figure} |")
    out.append(NOTES)
    print("\n".join(out))


if __name__ == "__main__":
    main()
