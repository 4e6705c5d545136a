#!/usr/bin/env bash
# Builds the release tarball of licensectl for x86_64 Linux:
#
#   licensectl-VERSION-x86_64-linux.tar.gz          bin/licensectl (Swift runtime, Foundation and
#                                                   libyaml linked in; built with the PostgreSQL
#                                                   trait, so `--state postgres://…` works),
#                                                   SHA256SUMS, completions, the man page,
#                                                   README.md
#   licensectl-VERSION-x86_64-linux.tar.gz.sha256   its checksum (`sha256sum -c` format)
#
# Usage: release/build.sh [--out DIR]     (default DIR: .build-release/dist)
#
# It builds from a copy of the worktree's files (tracked and untracked-but-not-ignored) in
# .build-release/src, where it stamps the commit into Sources/licensectl/BuildInfo.swift, so that
# `licensectl --version` says `VERSION (commit HASH)` (`HASH-dirty` for uncommitted changes).
# Without git (a source tarball), set LICENSECTL_COMMIT. The build is incremental in
# .build-release/scratch; a cold build takes several minutes.
#
# Needs: the Swift 6.3 toolchain (static libraries in usr/lib/swift_static), libyaml-dev (for
# libyaml.a), git, tar, gzip, sha256sum.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

out="$root/.build-release/dist"
while [ $# -gt 0 ]; do
    case "$1" in
        --out) out="$(mkdir -p "$2" && cd "$2" && pwd)"; shift 2 ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) echo "release/build.sh: unknown argument '$1' (see --help)" >&2; exit 1 ;;
    esac
done

[ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] || { echo "release/build.sh: builds on x86_64 Linux only" >&2; exit 1; }
pkg-config --exists yaml-0.1 || { echo "release/build.sh: libyaml not found; install libyaml-dev pkg-config" >&2; exit 1; }

version="$(sed -n 's/^    static let version = "\(.*\)"$/\1/p' Sources/licensectl/BuildInfo.swift)"
[ -n "$version" ] || { echo "release/build.sh: no version in Sources/licensectl/BuildInfo.swift" >&2; exit 1; }
if [ -n "${LICENSECTL_COMMIT:-}" ]; then
    commit="$LICENSECTL_COMMIT"
    epoch="${SOURCE_DATE_EPOCH:-$(date +%s)}"
elif git rev-parse --git-dir >/dev/null 2>&1; then
    commit="$(git rev-parse --short=12 HEAD)"
    [ -z "$(git status --porcelain)" ] || commit="$commit-dirty"
    epoch="$(git log -1 --format=%ct HEAD)"
else
    echo "release/build.sh: not a git checkout; set LICENSECTL_COMMIT (and SOURCE_DATE_EPOCH)" >&2
    exit 1
fi
name="licensectl-$version-x86_64-linux"
echo "release/build.sh: $name, commit $commit"

# 1. A copy of the sources. Files whose bytes did not change are left alone (same inode and
#    mtime), so that the build in .build-release/scratch stays incremental.
src="$root/.build-release/src"
mkdir -p "$src"
listed="$(mktemp)"
trap 'rm -f "$listed"' EXIT
git ls-files --cached --others --exclude-standard -z 2>/dev/null | tr '\0' '\n' | grep -v '^$' | sort > "$listed" \
    || find . -path ./.build -prune -o -path ./.build-release -prune -o -type f -print | sed 's|^\./||' | sort > "$listed"
while IFS= read -r file; do
    [ -f "$file" ] || continue     # deleted in the worktree
    if ! cmp -s "$file" "$src/$file"; then
        mkdir -p "$src/$(dirname "$file")"
        cp -p "$file" "$src/$file"
    fi
done < "$listed"
# Files gone from the worktree leave the copy too.
(cd "$src" && find . -type f | sed 's|^\./||' | sort) | comm -13 "$listed" - \
    | while IFS= read -r gone; do [ "$gone" = Package.resolved ] || rm -f "$src/$gone"; done
# The worktree's resolved dependency versions, so that the release uses the same ones.
if [ -f Package.resolved ] && ! cmp -s Package.resolved "$src/Package.resolved"; then cp -p Package.resolved "$src/"; fi

# 2. Stamp the commit.
stamped="$(mktemp)"
sed "s/^    static let commit: String? = nil\$/    static let commit: String? = \"$commit\"/" \
    Sources/licensectl/BuildInfo.swift > "$stamped"
grep -q "static let commit: String? = \"$commit\"" "$stamped" \
    || { rm -f "$stamped"; echo "release/build.sh: could not stamp the commit into BuildInfo.swift" >&2; exit 1; }
cmp -s "$stamped" "$src/Sources/licensectl/BuildInfo.swift" || cp "$stamped" "$src/Sources/licensectl/BuildInfo.swift"
rm -f "$stamped"

# 3. Build. Package.swift links the Swift runtime and Foundation statically into release builds
#    of licensectl on Linux. libyaml comes in through the CYAML system library's pkg-config
#    flags (`-L/usr/lib/… -lyaml`), where the linker prefers libyaml.so; the release build reads
#    a yaml-0.1.pc whose -L folder holds only libyaml.a, so the same `-lyaml` links the archive
#    and debug builds stay as they are.
libdir="$(pkg-config --variable=libdir yaml-0.1)"
[ -f "$libdir/libyaml.a" ] || { echo "release/build.sh: $libdir/libyaml.a not found; install libyaml-dev" >&2; exit 1; }
static_libs="$root/.build-release/static-libs"
mkdir -p "$static_libs" "$root/.build-release/pkgconfig"
ln -sf "$libdir/libyaml.a" "$static_libs/libyaml.a"
cat > "$root/.build-release/pkgconfig/yaml-0.1.pc" <<PC
Name: LibYAML (static, for release/build.sh)
Description: libyaml.a of $libdir
Version: $(pkg-config --modversion yaml-0.1)
Libs: -L$static_libs -lyaml
Cflags: $(pkg-config --cflags yaml-0.1)
PC
# libcurl's own .pc adds `-L/usr/lib/<triple>` (SwiftPM reads .pc files itself and keeps system
# folders); ahead of the folder above, it would turn the module map's `link "yaml"` into
# libyaml.so again. The same flags without that -L: the system folder is searched anyway.
if pkg-config --exists libcurl; then
    cat > "$root/.build-release/pkgconfig/libcurl.pc" <<PC
Name: libcurl (for release/build.sh, without the system -L)
Description: libcurl of $(pkg-config --variable=libdir libcurl)
Version: $(pkg-config --modversion libcurl)
Libs: -lcurl
Cflags: $(pkg-config --cflags libcurl)
PC
fi
scratch="$root/.build-release/scratch"
PKG_CONFIG_PATH="$root/.build-release/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}" \
    swift build -c release --traits PostgreSQL --package-path "$src" --scratch-path "$scratch" --product licensectl
binary="$scratch/release/licensectl"

if ldd "$binary" | grep -E 'libyaml|libswift|libFoundation|libdispatch|libBlocksRuntime|lib_Foundation|libicu' >&2; then
    echo "release/build.sh: the binary still loads the libraries above at run time" >&2
    exit 1
fi
"$binary" --version | grep -qxF "$version (commit $commit)" \
    || { echo "release/build.sh: --version says '$("$binary" --version)'" >&2; exit 1; }
# Kept aside: the plugin below builds the package again.
cp "$binary" "$root/.build-release/licensectl"
binary="$root/.build-release/licensectl"

# 4. The man page through swift-argument-parser's generate-manual plugin (it builds the package
#    in release mode, which is already done, and runs the tool on the binary's
#    --experimental-dump-help).
man_date="$(date -u -d "@$epoch" +%Y-%m-%d)"
PKG_CONFIG_PATH="$root/.build-release/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}" \
    swift package --traits PostgreSQL --package-path "$src" --scratch-path "$scratch" plugin generate-manual \
    --date "$man_date" >&2
manpage="$scratch/plugins/GenerateManual/outputs/licensectl/licensectl.1"
[ -s "$manpage" ] || manpage="$(find "$scratch/plugins" -name licensectl.1 | head -n 1)"
[ -s "$manpage" ] || { echo "release/build.sh: generate-manual wrote no licensectl.1" >&2; exit 1; }

# 5. Pack.
stage="$root/.build-release/stage/$name"
rm -rf "$root/.build-release/stage"
mkdir -p "$stage/bin" "$stage/share/man/man1" "$stage/share/bash-completion/completions" \
    "$stage/share/zsh/site-functions" "$stage/share/fish/vendor_completions.d"
cp "$binary" "$stage/bin/licensectl"
strip "$stage/bin/licensectl" 2>/dev/null || true
cp "$manpage" "$stage/share/man/man1/licensectl.1"
"$stage/bin/licensectl" --generate-completion-script bash > "$stage/share/bash-completion/completions/licensectl"
"$stage/bin/licensectl" --generate-completion-script zsh > "$stage/share/zsh/site-functions/_licensectl"
"$stage/bin/licensectl" --generate-completion-script fish > "$stage/share/fish/vendor_completions.d/licensectl.fish"
cp README.md "$stage/"
(cd "$stage" && find . -type f ! -name SHA256SUMS | sed 's|^\./||' | LC_ALL=C sort | xargs sha256sum > SHA256SUMS)

mkdir -p "$out"
tarball="$out/$name.tar.gz"
# Reproducible: fixed order, owner and mtime (the commit's time), no gzip timestamp.
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" \
    -C "$root/.build-release/stage" -cf - "$name" | gzip -9n > "$tarball"
(cd "$out" && sha256sum "$name.tar.gz" > "$name.tar.gz.sha256")
echo "$tarball"
