#!/usr/bin/env bash
# Prints the line coverage of each Gozon assembly from the Cobertura report(s) under $1 and the total
# for the services; fails when the services are below the floor.
set -euo pipefail
exec dotnet run --file "$(dirname "$0")/CoverageSummary.cs" -- "${1:-TestResults}" "${COVERAGE_FLOOR:-0}"
