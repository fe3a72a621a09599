#!/usr/bin/env bash
# Render the HTML reports of samples/site-history and of the two-host samples/fleet with
# headless Chromium and check the screenshots: not blank, success and failure bars visible, and
# for the fleet one chart per host. Without Chromium it fails with a loud message: a check that
# was skipped did not run (.ci/run installs it).
# Usage: .ci/render_report.sh [OUT_DIR]   (default: target)
set -euo pipefail
cd "$(dirname "$0")/.."

chrome=""
for c in chromium chromium-browser google-chrome; do
    if command -v "$c" >/dev/null 2>&1; then chrome="$c"; break; fi
done
if [ -z "$chrome" ]; then
    echo "!!! render_report: FAILED: HTML REPORT NOT RENDERED: no chromium (apt-get install chromium) !!!" >&2
    exit 1
fi

out_dir="${1:-target}"
mkdir -p "$out_dir"
out_dir="$(cd "$out_dir" && pwd)"
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT

# shot NAME SAMPLE MIN_CHARTS: render the report of SAMPLE and check its screenshot.
shot() {
    local name="$1" sample="$2" charts="$3"
    local html="$out_dir/report-$name.html" png="$out_dir/report-$name.png"
    cargo run --quiet --locked -- report "$sample" --format html -o "$html" \
        --now 2026-11-21T12:00:00Z --quiet || [ $? -eq 1 ]   # exit 1 = findings, expected here
    local svgs
    svgs="$(grep -o '<svg' "$html" | wc -l)"
    if [ "$svgs" -lt "$charts" ]; then
        echo "render_report: FAILED: $html has $svgs chart(s), expected $charts" >&2
        exit 1
    fi
    render "$html" "$png" 2000
    check_png "$png" page
    # The charts alone, legends hidden: the success and failure colours must come from bars
    # (the page above has red text and the legends a swatch of every colour).
    local bars_html="$out_dir/report-$name-bars.html" bars_png="$out_dir/report-$name-bars.png"
    python3 - "$html" "$bars_html" <<'PY'
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
svgs = re.findall(r"<svg.*?</svg>", html, re.S)
open(sys.argv[2], "w", encoding="utf-8").write(
    "<!DOCTYPE html><html><head><style>body{margin:0} .legend{display:none}</style></head><body>"
    + "".join(svgs) + "</body></html>")
PY
    render "$bars_html" "$bars_png" $((310 * charts))
    check_png "$bars_png" bars
}

# render HTML PNG HEIGHT
render() {
    rm -f "$2"
    timeout 120 "$chrome" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$profile" --hide-scrollbars \
        --screenshot="$2" --window-size="1280,$3" "file://$1" >/dev/null 2>&1 || true
    if [ ! -s "$2" ]; then
        echo "render_report: FAILED: chromium wrote no screenshot of $1" >&2
        exit 1
    fi
}

# check_png PNG page|bars: a page is not blank; the bars of the charts show both colours.
check_png() {
python3 - "$1" "$2" <<'PY'
"""Decode the PNG with the standard library only and check it is not blank."""
import struct, sys, zlib

path, what = sys.argv[1], sys.argv[2]
data = open(path, "rb").read()
if data[:8] != b"\x89PNG\r\n\x1a\n":
    sys.exit("render_report: FAILED: not a PNG")
pos, chunks = 8, {}
idat = b""
while pos < len(data):
    (n,) = struct.unpack(">I", data[pos:pos + 4])
    kind = data[pos + 4:pos + 8]
    body = data[pos + 8:pos + 8 + n]
    pos += 12 + n
    if kind == b"IHDR":
        w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
    elif kind == b"IDAT":
        idat += body
if depth != 8 or ctype not in (2, 6) or interlace:
    sys.exit(f"render_report: FAILED: unsupported PNG (depth {depth}, colour type {ctype})")
bpp = 3 if ctype == 2 else 4
raw = zlib.decompress(idat)
stride = w * bpp
prev = bytearray(stride)
colours, non_white, red, green = set(), 0, 0, 0
i = 0
for y in range(h):
    f = raw[i]; i += 1
    line = bytearray(raw[i:i + stride]); i += stride
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0
        b = prev[x]
        c = prev[x - bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    prev = line
    for x in range(0, stride, bpp * 2):   # every other pixel is plenty
        px = (line[x], line[x + 1], line[x + 2])
        colours.add(px)
        if px != (255, 255, 255):
            non_white += 1
        if px == (0xc6, 0x28, 0x28): red += 1
        if px == (0x2e, 0x7d, 0x32): green += 1
sampled = w * h // 2
share = non_white / sampled
print(f"render_report: {path}: {w}x{h}, {len(colours)} colours, {share:.1%} non-white, "
      f"{green} green and {red} red pixels (sampled)")
if what == "page" and (len(colours) < 16 or share < 0.02):
    sys.exit("render_report: FAILED: the screenshot looks blank")
if what == "bars" and (green == 0 or red == 0):
    sys.exit("render_report: FAILED: no success/failure bars visible in the chart")
print("render_report: ok")
PY
}

shot site-history samples/site-history 1
# Two hosts, one never succeeding: one chart per host, green bars of CM01 and red of CM02.
shot fleet samples/fleet 2
