#!/usr/bin/env bash
# Installs licensectl for the licensectl GitHub Action (action.yml at the repo root) and puts it
# on PATH ($GITHUB_PATH).
#
# With INPUT_VERSION (e.g. 0.1.0): downloads licensectl-VERSION-x86_64-linux.tar.gz from
# INPUT_RELEASE_URL ({version} replaced; default: this action's repository's GitHub release
# vVERSION), checks its SHA-256 against INPUT_SHA256 or, when that is empty, against the
# published .sha256 file next to it, and unpacks it. Nothing is installed on a mismatch.
#
# Without it: builds this checkout of licensectl with release/build.sh (needs a Swift 6.3
# toolchain; libyaml-dev and libcurl4-openssl-dev are installed when missing) into
# INSTALL_ROOT, which action.yml caches by a hash of the sources.
#
# Environment: INPUT_VERSION, INPUT_SHA256, INPUT_RELEASE_URL, INSTALL_ROOT (default
# $RUNNER_TEMP/licensectl), ACTION_PATH (default: this script's repo), GITHUB_PATH, GITHUB_OUTPUT.
set -euo pipefail

action_path="${ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}"
install_root="${INSTALL_ROOT:-${RUNNER_TEMP:-/tmp}/licensectl}"
version="${INPUT_VERSION:-}"
version="${version#v}"

fail() { echo "::error title=licensectl install::$*"; exit 1; }

[ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] || fail "release binaries are built for x86_64 Linux; this runner is $(uname -s)-$(uname -m)"

if [ -n "$version" ]; then
    name="licensectl-$version-x86_64-linux"
    default_url="https://github.com/${GITHUB_ACTION_REPOSITORY:-your-org/licensectl}/releases/download/v{version}/$name.tar.gz"
    url="${INPUT_RELEASE_URL:-$default_url}"
    url="${url//\{version\}/$version}"
    work="$(mktemp -d "${RUNNER_TEMP:-/tmp}/licensectl-install.XXXXXX")"
    # The download folder goes on every exit: a failed download or a checksum mismatch leaves
    # no tarball behind in RUNNER_TEMP.
    trap 'rm -rf "$work"' EXIT
    curl -fsSL --retry 3 -o "$work/$name.tar.gz" "$url" || fail "cannot download $url"
    expected="${INPUT_SHA256:-}"
    if [ -z "$expected" ]; then
        curl -fsSL --retry 3 -o "$work/$name.tar.gz.sha256" "$url.sha256" || fail "cannot download $url.sha256"
        expected="$(awk '{print $1; exit}' "$work/$name.tar.gz.sha256")"
    fi
    actual="$(sha256sum "$work/$name.tar.gz" | awk '{print $1}')"
    [ "$actual" = "$expected" ] || fail "checksum mismatch for $name.tar.gz: expected $expected, got $actual; nothing was installed"
    mkdir -p "$install_root"
    tar -xzf "$work/$name.tar.gz" -C "$work"
    (cd "$work/$name" && sha256sum --quiet -c SHA256SUMS) || fail "the files in $name.tar.gz do not match its SHA256SUMS"
    rm -rf "${install_root:?}/$name"
    mv "$work/$name" "$install_root/$name"
    rm -rf "$work"
    bin_dir="$install_root/$name/bin"
else
    bin_dir="$install_root/source/bin"
    if [ ! -x "$bin_dir/licensectl" ]; then
        missing=()
        pkg-config --exists yaml-0.1 2>/dev/null || missing+=(libyaml-dev pkg-config)
        [ -e /usr/lib/x86_64-linux-gnu/libcurl.so ] || missing+=(libcurl4-openssl-dev)
        if [ ${#missing[@]} -gt 0 ]; then
            sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
            $sudo_cmd apt-get update -qq
            DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
        fi
        command -v swift >/dev/null 2>&1 || fail "building from source needs a Swift 6.3 toolchain (or set version: to install a release)"
        commit="${GITHUB_ACTION_REF:-source}"
        tarball="$(cd "$action_path" && LICENSECTL_COMMIT="${LICENSECTL_COMMIT:-$commit}" release/build.sh --out "$install_root/dist" | tail -n 1)"
        rm -rf "$install_root/source"
        mkdir -p "$install_root/source"
        tar -xzf "$tarball" -C "$install_root/source" --strip-components=1
    fi
fi

"$bin_dir/licensectl" --version >/dev/null || fail "the installed licensectl does not run"
[ -z "${GITHUB_PATH:-}" ] || echo "$bin_dir" >> "$GITHUB_PATH"
[ -z "${GITHUB_OUTPUT:-}" ] || echo "path=$bin_dir/licensectl" >> "$GITHUB_OUTPUT"
echo "licensectl $("$bin_dir/licensectl" --version) installed in $bin_dir"
