#!/usr/bin/env bash
# The check that no test depends on how fast the machine is: run the tests that race (concurrency, backups,
# two servers, the room, every browser test) ROUNDS times in a row (default 20) and the whole suite SUITES
# times (default 3), while a second process keeps the CPU busy with the domain tests in a loop. Stops at the
# first failure. Needs what ./scripts/test.sh installs (run that once first).
#
#   ./scripts/stress.sh            # 20 rounds of the racing tests, then the suite 3 times
#   ROUNDS=5 SUITES=1 ./scripts/stress.sh
#   FILES="tests/test_room.py tests/test_sign_in.py" ROUNDS=10 SUITES=0 ./scripts/stress.sh   # after changing them
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${ROUNDS:-20}"
SUITES="${SUITES:-3}"
PYTEST=(.venv/bin/python -m pytest -p no:cacheprovider -q)
RACING=(tests/test_backup.py tests/test_workshop.py tests/test_storage.py tests/test_scale_out.py
        tests/test_room.py tests/test_peer_cache.py
        $(grep -l "browser" tests/test_*.py | grep -v -e test_scale_out -e test_room | sort -u))
if [ -n "${FILES:-}" ]; then read -r -a RACING <<< "$FILES"; fi

if [ -z "${KLANTBEWUST_TEST_POSTGRES_URL:-}" ] && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  # shellcheck source=../.ci/postgres.sh
  PG_TEST_PORT="${PG_TEST_PORT:-54339}"  # not the port test.sh uses, so both can run
  source .ci/postgres.sh
  start_test_postgres
fi

# the load beside the tests: the domain tests, over and over, in a process of their own
setsid bash -c 'while true; do .venv/bin/python -m pytest -p no:cacheprovider -q tests/test_scoring.py \
  tests/test_scoring_batch.py tests/test_agreement.py tests/test_questionnaire_loader.py >/dev/null 2>&1; done' &
LOAD=$!
trap 'kill -- -"$LOAD" 2>/dev/null || true; [ "$(type -t stop_test_postgres)" = function ] && stop_test_postgres' EXIT

for round in $(seq 1 "$ROUNDS"); do
  echo "== racing tests, round $round of $ROUNDS ($(date +%T))"
  "${PYTEST[@]}" -x "${RACING[@]}" -n "${WORKERS:-2}" --dist loadfile --no-loadscope-reorder
done
for suite in $(seq 1 "$SUITES"); do
  echo "== whole suite, run $suite of $SUITES ($(date +%T))"
  "${PYTEST[@]}" -x -n "${WORKERS:-2}" --dist loadfile --no-loadscope-reorder
done
echo "stress: all green under load ($ROUNDS rounds of the racing tests, $SUITES runs of the suite)"
