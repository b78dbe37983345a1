#!/usr/bin/env bash
# Installs the Debian packages that Leadtime's tests and benchmarks need, and only those that are
# missing. Idempotent: with everything present it touches nothing and asks no registry.
#
#   ruby ruby-liquid        Shopify's reference Liquid engine (snippet and template tests)
#   redis-server redis-tools the shared cache tier and the Redis store (tests start their own)
#   wrk                     scripts/bench.sh
#   chromium chromium-driver browser tests (with npm playwright-core; never `playwright install`)
#
# Extra packages can be given as arguments or in EXTRA_APT_PACKAGES.
set -euo pipefail

packages=(ruby ruby-liquid redis-server redis-tools wrk chromium chromium-driver)
# shellcheck disable=SC2206 # word splitting of the list is intended
packages+=(${EXTRA_APT_PACKAGES:-} "$@")

installed() {
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

missing=()
for p in "${packages[@]}"; do
  installed "$p" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all present: ${packages[*]}"
  exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi

echo "install-deps: installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get -o Dpkg::Use-Pty=0 update -qq
"${sudo[@]}" apt-get -o Dpkg::Use-Pty=0 install -y -q --no-install-recommends "${missing[@]}"

still=()
for p in "${missing[@]}"; do
  installed "$p" || still+=("$p")
done
if [ ${#still[@]} -gt 0 ]; then
  echo "install-deps: still missing after apt-get install: ${still[*]}" >&2
  exit 1
fi
echo "install-deps: installed: ${missing[*]}"
