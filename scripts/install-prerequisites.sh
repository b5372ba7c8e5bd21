#!/usr/bin/env bash
# Installs what Gozon needs on a fresh Debian/Ubuntu machine (run as root): PostgreSQL and RabbitMQ
# binaries for the AppHost's local-process mode; with --browser also Debian's Chromium, which the browser
# tests drive through Playwright (no browser download). The .NET 10 SDK is expected on PATH.
set -euo pipefail

need=()
command -v dotnet >/dev/null || { echo "error: the .NET 10 SDK is required (https://dot.net)" >&2; exit 1; }
command -v rabbitmq-server >/dev/null || need+=(rabbitmq-server)
if ! command -v initdb >/dev/null && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  need+=(postgresql)
fi
command -v setpriv >/dev/null || need+=(util-linux)
if [[ "${1:-}" == "--browser" ]]; then
  # fonts-liberation is only a recommendation of chromium: without it screenshots show no text.
  [[ -x /usr/bin/chromium ]] || need+=(chromium fonts-liberation)
fi

if ((${#need[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "error: missing ${need[*]}; run as root or: sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
  echo "Installing ${need[*]} ..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
