#!/usr/bin/env bash
# Gozon's benchmark: builds in Release, starts the whole system through the AppHost's testing API
# (PostgreSQL and RabbitMQ processes, the services, all on free ports with state in a temporary folder),
# runs the standard profile through the gateway and pgbench -N against the same PostgreSQL, then stops
# everything. Results: bench/results/<UTC timestamp>/ (results.txt, results.json, latency.svg, the system's log).
# Exit code 1 when an invariant broke. Any bench option can be appended, e.g. ./bench.sh --Duration 60.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-prerequisites.sh
dotnet build bench/Gozon.Bench -c Release -warnaserror -nologo -v quiet
exec dotnet bench/Gozon.Bench/bin/Release/net10.0/Gozon.Bench.dll "$@"
