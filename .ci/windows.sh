#!/usr/bin/env bash
# CI, Windows part: cross-build x86_64-pc-windows-gnu with mingw and run the Windows build under
# Wine: the CLI tests (CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER = tools/wine/runner.sh) and
# tests/wine.rs (the samples give the same findings as the Linux build; a Wine prefix laid out
# like a site server is found without a path; its bundle analyses alike on Linux).
#
# Installs what it needs (Debian's gcc-mingw-w64-x86-64 and wine, the Rust target). When they
# cannot be installed or Wine cannot run it says so in one loud line and fails: a check that
# was skipped is a check that did not run, so it never passes.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() {
    echo "!!! WINDOWS BUILD NOT TESTED: $* !!!" >&2
    exit 1
}

need_apt=()
command -v x86_64-w64-mingw32-gcc >/dev/null || need_apt+=(gcc-mingw-w64-x86-64)
command -v wine >/dev/null || need_apt+=(wine wine64)
if ((${#need_apt[@]})); then
    echo "== installing ${need_apt[*]}"
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        --no-install-recommends "${need_apt[@]}" >/dev/null; }; then
        fail "could not install ${need_apt[*]} with apt-get"
    fi
fi
if ! rustup target list --installed 2>/dev/null | grep -qx x86_64-pc-windows-gnu; then
    rustup target add x86_64-pc-windows-gnu || fail "could not add the Rust target x86_64-pc-windows-gnu"
fi

export WINEDEBUG=-all
# No Mono or Gecko install prompts in a fresh prefix: supdiag needs neither.
export WINEDLLOVERRIDES="mscoree=;mshtml="
export WINEPREFIX="$PWD/target/wine/prefix"
export SUPDIAG_WINE_SHIM="$PWD/target/wine/bcryptprimitives.dll"
tools/wine/build-shim.sh "$SUPDIAG_WINE_SHIM" || fail "could not build the ProcessPrng shim with mingw"
wine --version || fail "wine does not start"

echo "== clippy, x86_64-pc-windows-gnu"
cargo clippy --locked --target x86_64-pc-windows-gnu --lib --bins -- -D warnings

echo "== CLI tests of the Windows build under Wine"
# One test at a time: Wine 8 fails some process spawns made from parallel threads. The CLI
# tests only: one Windows build of the dependencies (no jsonschema, proptest, rcgen: see
# Cargo.toml) and five small test binaries. tests/samples.rs is not among them: tests/wine.rs
# below compares every sample between the two builds, and samples.rs checks the Linux one.
CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER="$PWD/tools/wine/runner.sh" \
    RUST_TEST_THREADS=1 SUPDIAG_MANY_FILES=300 \
    cargo test --locked --no-fail-fast --target x86_64-pc-windows-gnu \
    --test cli_analyze --test cli_view --test cli_sync --test cli_report --test cli_errors

echo "== the Windows build against this one: samples, a site server prefix, collect"
exe="$PWD/target/x86_64-pc-windows-gnu/debug/supdiag.exe"
cp "$SUPDIAG_WINE_SHIM" "$(dirname "$exe")/"
wine "$exe" --version || fail "supdiag.exe does not start under Wine"
SUPDIAG_WINE_EXE="$exe" SUPDIAG_WINE_PREFIX_BASE="$PWD/target/wine/tests" \
    cargo test --locked --test wine -- --ignored
