#!/usr/bin/env bash
# Installs the Debian 12 packages Veille needs to build, test and benchmark.
# Idempotent: installs only what is missing. Run as root (or with sudo).
set -euo pipefail

pkgs=(
  build-essential cmake ninja-build pkg-config git python3
  libsqlite3-dev sqlite3 libicu-dev libstemmer-dev libcld2-dev libgumbo-dev
  libre2-dev libcpp-httplib-dev libssl-dev nlohmann-json3-dev libcli11-dev libfmt-dev libsimdjson-dev
  libpq-dev zlib1g-dev libxml2-dev libbrotli-dev libcurl4-openssl-dev libpsl-dev libjemalloc-dev libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev clang-format
  libdeflate-dev
)
# The PostgreSQL tests (scripts/pg-test.sh): a throwaway PostgreSQL 15 cluster.
pkgs+=(postgresql-15 postgresql-client-15)
# Browser tests (Debian's chromium driven by playwright-core) and the load test.
pkgs+=(chromium wrk)
# Node.js and npm: use the machine's if it has them (some images ship a newer
# nodejs that bundles npm and conflicts with Debian's npm package).
command -v node >/dev/null 2>&1 || pkgs+=(nodejs)
command -v npm >/dev/null 2>&1 || pkgs+=(npm)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all ${#pkgs[@]} packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
