#!/usr/bin/env bash
# The long soak (fault scenario 7): a steady load on two replicas of Orders and Payments for MINUTES (default 10),
# then every invariant of the fault suite and each service's memory flat after warm-up. ./test.sh runs the same
# test for 90 s. Usage: ./soak.sh [MINUTES] [ORDERS_PER_SECOND]
# Results: Gozon.Tests/TestResults/fault-figures.md (the row) and soak-memory.md (RSS per replica).
set -euo pipefail
cd "$(dirname "$0")"
minutes="${1:-10}"
rate="${2:-10}"
[[ "$minutes" =~ ^[0-9]+$ && "$rate" =~ ^[0-9]+$ && "$minutes" -gt 0 && "$rate" -gt 0 ]] || {
  echo "usage: ./soak.sh [MINUTES] [ORDERS_PER_SECOND]  (whole numbers above 0)" >&2
  exit 2
}
scripts/install-prerequisites.sh
dotnet build Gozon.Tests -c Release -warnaserror -nologo -v quiet
rm -f Gozon.Tests/TestResults/fault-figures.md Gozon.Tests/TestResults/soak-memory.md
status=0
GOZON_SOAK_SECONDS=$((minutes * 60)) GOZON_SOAK_RATE="$rate" \
  dotnet test Gozon.Tests -c Release --no-build --filter Category=Soak --logger "console;verbosity=normal" || status=$?
cat Gozon.Tests/TestResults/fault-figures.md Gozon.Tests/TestResults/soak-memory.md 2>/dev/null || true
exit $status
