#!/usr/bin/env bash
# Set up (once) and run all tests: domain, storage (SQLite, and PostgreSQL when its server binaries are
# installed), page wiring (AppTest) and the browser test (Debian's Chromium), then print the benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"

# the browser tests use Debian's Chromium headless shell (lighter than the desktop browser; same Chromium)
if ! command -v chromium-headless-shell >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's chromium-headless-shell for the browser tests..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium-headless-shell >/dev/null
  elif ! command -v chromium >/dev/null 2>&1; then
    echo "The browser tests need Chromium: run 'sudo apt-get install chromium-headless-shell' first." >&2
    exit 1
  fi
fi

began=$SECONDS
# shellcheck source=install.sh
source scripts/install.sh
install_requirements requirements-dev.txt
installed=$SECONDS

if [ -z "${KLANTBEWUST_TEST_POSTGRES_URL:-}" ] && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  # shellcheck source=../.ci/postgres.sh
  source .ci/postgres.sh
  start_test_postgres
  trap stop_test_postgres EXIT
fi

# the machine's busy CPU time (all cores, every process), read before and after the tests
busy_ticks() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat 2>/dev/null || echo 0; }
# two processes (this project's machines have two cores), a test file staying in one process so that its
# app server and browser are shared; PYTEST_WORKERS=0 runs everything in this process
tests_began=$SECONDS
busy_before=$(busy_ticks)
.venv/bin/python -m pytest -n "${PYTEST_WORKERS:-2}" --dist loadfile --no-loadscope-reorder "$@"
tested=$SECONDS
busy_seconds=$(( ($(busy_ticks) - busy_before) / $(getconf CLK_TCK) ))
echo
.venv/bin/python tests/benchmarks/bench_batch_scoring.py
.venv/bin/python tests/benchmarks/bench_workbook.py
.venv/bin/python tests/benchmarks/bench_peers.py
.venv/bin/python tests/benchmarks/bench_peer_comparison.py
.venv/bin/python tests/benchmarks/bench_growth.py
.venv/bin/python tests/benchmarks/bench_votes.py
.venv/bin/python tests/benchmarks/bench_room.py
echo "install $((installed - began)) s, tests $((tested - tests_began)) s ($busy_seconds CPU s on the machine's\
 $(nproc) cores), benchmarks $((SECONDS - tested)) s"
