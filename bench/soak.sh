#!/usr/bin/env bash
# Soak test: 60 s (or $1 seconds) of normal clients mixed with hostile ones against the release
# binary, on loopback. Prints the figures recorded in docs/ROBUSTNESS.md; fails if any answer
# owed to a normal client was not given.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
exec python3 bench/soak.py ./target/release/jamtui "${1:-60}"
