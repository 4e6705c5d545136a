#!/bin/sh
# Checks the Swift sources against the checked-in style (.swift-format at the repo root;
# Tests/.swift-format is the same but allows `!` and `try!` in tests). Exit 0 when clean,
# non-zero with `path:line:column: error: [Rule] message` lines otherwise.
#
#   scripts/format-lint.sh            lint (what CI will run)
#   swift format -i -r Sources Tests Package.swift    fix what can be fixed automatically
#
# Needs the toolchain's `swift format` (Swift 6 and later bundle it).
set -eu
cd "$(dirname "$0")/.."
exec swift format lint --strict --parallel -r Sources Tests Package.swift
