#!/usr/bin/env bash
# Checks a release tarball the way a user's CI runner meets it: checksum, unpack into a fresh
# folder outside the build, no Swift, Foundation or libyaml library loaded at run time
# (`ldd`), and the binary run with an empty LD_LIBRARY_PATH and a minimal environment: --version,
# completions, the man page, a plan on a copy of the example license repo, notify through
# libcurl, and the PostgreSQL state backend against a throwaway cluster.
#
# Usage: release/check.sh [TARBALL]   (default: the newest .build-release/dist/*.tar.gz)
# Exit 0 when every check passed; 1 with the failing check named.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tarball="${1:-$(ls -t "$root"/.build-release/dist/licensectl-*-x86_64-linux.tar.gz 2>/dev/null | head -n 1)}"
[ -n "$tarball" ] && [ -f "$tarball" ] || { echo "release/check.sh: no tarball (run release/build.sh first)" >&2; exit 1; }
tarball="$(cd "$(dirname "$tarball")" && pwd)/$(basename "$tarball")"
name="$(basename "$tarball" .tar.gz)"
fail() { echo "release/check.sh: FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }

(cd "$(dirname "$tarball")" && sha256sum --quiet -c "$name.tar.gz.sha256") || fail "the tarball does not match $name.tar.gz.sha256"
pass "tarball checksum ($name.tar.gz.sha256)"

away="$(mktemp -d /tmp/licensectl-release-check.XXXXXX)"
trap 'rm -rf "$away"' EXIT
tar -xzf "$tarball" -C "$away"
dir="$away/$name"
(cd "$dir" && sha256sum --quiet -c SHA256SUMS) || fail "files do not match SHA256SUMS"
pass "SHA256SUMS of $(wc -l < "$dir/SHA256SUMS") files"
for file in bin/licensectl share/man/man1/licensectl.1 share/bash-completion/completions/licensectl \
    share/zsh/site-functions/_licensectl share/fish/vendor_completions.d/licensectl.fish README.md; do
    [ -s "$dir/$file" ] || fail "$file is missing or empty"
done
pass "binary, man page, bash/zsh/fish completions, README"

libraries="$(ldd "$dir/bin/licensectl")"
echo "$libraries" | sed 's/^/    /'
if echo "$libraries" | grep -E 'not found|libyaml|libswift|libFoundation|lib_Foundation|libdispatch|libBlocksRuntime|libicu'; then
    fail "the binary needs the libraries above at run time"
fi
pass "ldd: no libyaml, Swift runtime, Foundation, dispatch or ICU library"

# Every library the binary names (DT_NEEDED) is one the README's Install section names: glibc,
# libstdc++ of GCC, and the system's libcurl 4, which every command loads at start.
needed="$(readelf -d "$dir/bin/licensectl" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')"
unnamed="$(echo "$needed" | grep -vxE 'libc\.so\.6|libm\.so\.6|libpthread\.so\.0|libdl\.so\.2|librt\.so\.1|libutil\.so\.1|ld-linux-x86-64\.so\.2|libstdc\+\+\.so\.6|libgcc_s\.so\.1|libcurl\.so\.4' || true)"
[ -z "$unnamed" ] || fail "the binary needs libraries the README's Install section does not name: $(echo $unnamed)"
echo "$needed" | grep -qx 'libcurl\.so\.4' || fail "the binary no longer needs libcurl.so.4: update the README's Install section"
grep -q 'command needs it, not only `notify --webhook`' "$root/README.md" \
    || fail "the README's Install section does not say that every command needs libcurl 4"
pass "NEEDED: $(echo $needed) (named in the README)"

# A minimal environment: no toolchain on PATH, an empty LD_LIBRARY_PATH, a folder outside the
# build as the working directory.
run() { (cd "$away" && env -i PATH=/usr/bin:/bin HOME="$away" LD_LIBRARY_PATH= NO_COLOR=1 "$dir/bin/licensectl" "$@"); }
version="$(run --version)"
[[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+\ \(commit\ [0-9a-f]{12}(-dirty)?\)$ ]] || fail "--version printed '$version'"
[[ "$name" == "licensectl-${version%% *}-x86_64-linux" ]] || fail "--version '$version' does not match $name"
pass "--version: $version"

run --generate-completion-script bash | cmp -s - "$dir/share/bash-completion/completions/licensectl" || fail "bash completion differs"
grep -q 'notify' "$dir/share/fish/vendor_completions.d/licensectl.fish" || fail "fish completion lacks notify"
grep -q '^\.Dt LICENSECTL 1' "$dir/share/man/man1/licensectl.1" || fail "man page has no .Dt LICENSECTL 1"
grep -q 'notify' "$dir/share/man/man1/licensectl.1" || fail "man page lacks notify"
pass "completions and man page"

mkdir -p "$away/license-repo"
cp -r "$root/tenants" "$root/fixtures" "$root/state" "$away/license-repo/"
rm -f "$away/license-repo/state/.lock" "$away/license-repo/state/.pending.json"
set +e
plan="$(run plan -C license-repo --at 2026-11-29 2>"$away/plan.err")"
status=$?
set -e
[ "$status" -eq 0 ] || { cat "$away/plan.err" >&2; fail "plan exited $status"; }
summary="$(echo "$plan" | grep '^Plan: ')"
[ -n "$summary" ] || fail "plan printed no summary line"
if [ -x "$root/.build/debug/licensectl" ]; then
    reference="$(cd "$away" && NO_COLOR=1 "$root/.build/debug/licensectl" plan -C license-repo --at 2026-11-29 2>/dev/null)" || true
    [ "$plan" = "$reference" ] || fail "the release plan differs from the debug build's"
    pass "plan of the example repo, identical to the debug build's: $summary"
else
    pass "plan of the example repo: $summary"
fi
run validate -C license-repo --format github > /dev/null || fail "validate failed"
pass "validate (libyaml linked in)"

# libcurl (the system's, linked by the CCurl module): notify --webhook to a
# loopback server.
run apply -C license-repo --at 2026-11-29 --yes --outbox outbox > /dev/null 2>&1 || fail "apply --outbox failed"
mkdir -p "$away/received"
/usr/bin/python3 -u "$root/Tests/licensectlTests/Scripts/http_server.py" "$away/received" > "$away/server.out" 2>&1 &
server=$!
for _ in $(seq 100); do grep -q READY "$away/server.out" 2>/dev/null && break; sleep 0.1; done
port="$(awk '/READY/ {print $2}' "$away/server.out")"
set +e
run notify --outbox license-repo/outbox --webhook "http://127.0.0.1:$port/ok" --timeout 10 > "$away/notify.out" 2>&1
status=$?
set -e
{ kill -9 "$server" && wait "$server"; } 2>/dev/null || true
[ "$status" -eq 0 ] || { cat "$away/notify.out" >&2; fail "notify --webhook exited $status"; }
ls "$away/received"/*.json > /dev/null 2>&1 || fail "the webhook received nothing"
[ -z "$(ls "$away/license-repo/outbox"/*.eml 2>/dev/null)" ] || fail "notify left messages in the outbox"
pass "notify --webhook through libcurl: $(ls "$away/received"/*.json | wc -l) message(s) posted"
# The PostgreSQL state backend (built in with the PostgreSQL trait): a throwaway cluster on a
# Unix socket; the example state migrated into it; plan and apply over it print the same bytes
# as over the directory; migrated back, the documents are byte-identical.
if ls /usr/lib/postgresql/*/bin/initdb > /dev/null 2>&1; then
    pgdir="$(mktemp -d /tmp/licensectl-release-pg.XXXXXX)"
    trap '"$root/scripts/pg-throwaway.sh" stop "$pgdir" 2>/dev/null || true; rm -rf "$away"' EXIT
    url="$("$root/scripts/pg-throwaway.sh" start "$pgdir")?owner=example"
    mkdir -p "$away/pg-repo" "$away/dir-repo"
    for repo in pg-repo dir-repo; do
        cp -r "$root/tenants" "$root/fixtures" "$away/$repo/"
    done
    cp -r "$root/state" "$away/dir-repo/"
    rm -f "$away/dir-repo/state/.lock" "$away/dir-repo/state/.pending.json"
    run state migrate --from "$away/dir-repo/state" --to "$url" > /dev/null || fail "state migrate into PostgreSQL failed"
    set +e
    dir_plan="$(run plan -C dir-repo --at 2026-12-21 2>&1)"
    pg_plan="$(run plan -C pg-repo --state "$url" --at 2026-12-21 2>&1)"
    status=$?
    set -e
    [ "$status" -eq 0 ] || { echo "$pg_plan" >&2; fail "plan over PostgreSQL exited $status"; }
    echo "$pg_plan" | grep -q '^Plan: .*[1-9][0-9]* changed' || fail "plan over PostgreSQL shows no change"
    [ "$dir_plan" = "$pg_plan" ] || fail "the plan over PostgreSQL differs from the plan over the directory"
    run apply -C dir-repo --at 2026-12-21 --yes > "$away/dir-apply.out" 2>&1 || fail "apply over the directory failed"
    run apply -C pg-repo --state "$url" --at 2026-12-21 --yes > "$away/pg-apply.out" 2>&1 || fail "apply over PostgreSQL failed"
    cmp -s "$away/dir-apply.out" "$away/pg-apply.out" || fail "apply over PostgreSQL printed other bytes than over the directory"
    run state migrate --from "$url" --to "$away/back" > /dev/null || fail "state migrate out of PostgreSQL failed"
    diff -r "$away/dir-repo/state/tenants" "$away/back/tenants" > /dev/null \
        || fail "tenant documents applied through PostgreSQL differ from those applied to the directory"
    "$root/scripts/pg-throwaway.sh" stop "$pgdir"
    trap 'rm -rf "$away"' EXIT
    pass "PostgreSQL backend: migrate, plan and apply identical to the directory, documents byte-identical"
else
    fail "no PostgreSQL server to check the backend with (apt-get install -y postgresql)"
fi
echo "release/check.sh: all checks passed for $name"
