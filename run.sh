#!/usr/bin/env bash
# Runs the whole of Gozon (PostgreSQL, RabbitMQ, Orders, Payments, Gateway, Web) through the AppHost.
# Gateway: http://localhost:5080  Web: http://localhost:5081  (Ctrl+C stops everything)
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-prerequisites.sh
exec dotnet run --project Gozon.AppHost -- "$@"
