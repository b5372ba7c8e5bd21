#!/usr/bin/env bash
# Runs the test suite against real PostgreSQL and RabbitMQ processes started by the test harness,
# and prints the line coverage of the services.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-prerequisites.sh

results=TestResults
rm -rf "$results"
dotnet build Gozon.sln -c Release -warnaserror
dotnet test Gozon.Tests -c Release --no-build \
  --logger "console;verbosity=normal" \
  --results-directory "$results" \
  --collect "XPlat Code Coverage" --settings Gozon.Tests/coverage.runsettings "$@"
COVERAGE_FLOOR="${COVERAGE_FLOOR:-80}" scripts/coverage-summary.sh "$results"
