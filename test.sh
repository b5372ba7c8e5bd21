#!/usr/bin/env bash
# Runs the test suite against real PostgreSQL and RabbitMQ processes started by the test harness,
# and prints the line coverage of the services.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-prerequisites.sh --browser

results=TestResults
rm -rf "$results" Gozon.Tests/TestResults/fault-figures.md Gozon.Tests/TestResults/soak-memory.md
dotnet build Gozon.sln -c Release -warnaserror
status=0
dotnet test Gozon.Tests -c Release --no-build \
  --logger "console;verbosity=normal" --logger "trx;LogFileName=gozon.trx" \
  --results-directory "$results" \
  --settings Gozon.Tests/coverage.runsettings "$@" || status=$?
# One plain summary line, whatever the runner printed above.
[[ ! -f "$results/gozon.trx" ]] || sed -n 's/.*<Counters total="\([0-9]*\)" executed="[0-9]*" passed="\([0-9]*\)" failed="\([0-9]*\)".*/\2 passed, \3 failed/p' "$results/gozon.trx"
[[ $status -eq 0 ]] || exit $status
COVERAGE_FLOOR="${COVERAGE_FLOOR:-80}" scripts/coverage-summary.sh "$results"
