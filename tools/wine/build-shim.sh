#!/bin/sh
# Build the ProcessPrng shim (bcryptprimitives.dll) with mingw: build-shim.sh OUT.dll
set -e
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../../target/wine/bcryptprimitives.dll}
mkdir -p "$(dirname "$out")"
x86_64-w64-mingw32-gcc -O2 -Wall -Werror -shared -o "$out" "$here/processprng.c" -ladvapi32
