#!/usr/bin/env bash
# Installs through apt (as root, or through sudo) what a fresh Debian/Ubuntu machine lacks for
# the tests; part of the README's test command: scripts/test-deps.sh && swift test --traits PostgreSQL
set -euo pipefail
cd "$(dirname "$0")/.."
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

need_apt=()
pkg-config --exists yaml-0.1 2>/dev/null || need_apt+=(libyaml-dev pkg-config)
command -v flock >/dev/null 2>&1 || need_apt+=(util-linux)
# setpriv (util-linux) runs the unreadable-folder test as nobody: root reads through chmod 000.
command -v setpriv >/dev/null 2>&1 || need_apt+=(util-linux)
# The fleet report (forecast --format html) is tested in headless Chromium.
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
# notify's tests: msmtp delivers to a loopback SMTP server (aiosmtpd, Debian's /usr/bin/python3).
command -v msmtp >/dev/null 2>&1 || need_apt+=(msmtp)
/usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1 || need_apt+=(python3-aiosmtpd)
# The action's comment through curl where gh is missing uses jq (tested).
command -v jq >/dev/null 2>&1 || need_apt+=(jq)
# notify --webhook links libcurl (module CCurl: curl/curl.h and libcurl.so).
[ -e /usr/lib/x86_64-linux-gnu/libcurl.so ] || need_apt+=(libcurl4-openssl-dev)
# The PostgreSQL state backend's tests start throwaway clusters with Debian's server binaries.
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
if [ ${#need_apt[@]} -gt 0 ]; then
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
fi

# The schema test validates the example manifests with a real JSON Schema validator.
if ! python3 -c 'import jsonschema, yaml' >/dev/null 2>&1; then
    python3 -m pip install --quiet jsonschema pyyaml
fi
