#!/bin/sh
# Cargo runner for x86_64-pc-windows-gnu (CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER): puts the
# ProcessPrng shim beside the test executable and beside supdiag.exe (one folder up, where
# cargo writes it), then runs the executable under Wine. See tools/wine/README.md.
set -e
here=$(cd "$(dirname "$0")" && pwd)
shim=${SUPDIAG_WINE_SHIM:-$here/../../target/wine/bcryptprimitives.dll}
if [ ! -f "$shim" ]; then
    "$here/build-shim.sh" "$shim"
fi
exe_dir=$(cd "$(dirname "$1")" && pwd)
for d in "$exe_dir" "$(dirname "$exe_dir")"; do
    cmp -s "$shim" "$d/bcryptprimitives.dll" || cp "$shim" "$d/bcryptprimitives.dll"
done
export WINEDEBUG=${WINEDEBUG:--all}
export WINEPREFIX=${WINEPREFIX:-$here/../../target/wine/prefix}
# assert_cmd wraps supdiag.exe in the runner named by this variable: inside Wine the binary is
# started directly.
unset CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER
exec wine "$@"
