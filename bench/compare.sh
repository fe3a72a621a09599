#!/usr/bin/env bash
# Benchmark supdiag against ripgrep on the same generated input, in one run.
#
#   bench/compare.sh [SIZE_MB] [REPEAT]      (defaults: 1024 MiB, 5 repeats)
#
# Generates inputs with tools/gen_cmlogs.py into bench/out/ (reused when present),
# builds the release binary, runs every measurement once per round for REPEAT interleaved rounds
# (bench/measure.py: a burst of load on a shared machine hits supdiag and rg alike) and prints
# medians and minimums, MiB/s, the ratios the performance issue asks for, and peak RSS
# (/usr/bin/time -v). Needs rg and /usr/bin/time (Debian: apt-get install ripgrep time).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${1:-1024}
REPEAT=${2:-5}
OUT=bench/out
GEN=tools/gen_cmlogs.py
mkdir -p "$OUT"
command -v rg >/dev/null || { echo "ripgrep (rg) is required: apt-get install ripgrep" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is required: apt-get install time" >&2; exit 2; }

gen() { # name args...
  local name=$1; shift
  if [ ! -e "$OUT/$name" ]; then
    echo "generating $name ..." >&2
    python3 "$GEN" "$@" --out "$OUT/$name" --manifest "$OUT/$name.json" >/dev/null
  fi
}
gen cm.log     --format cmtrace --size-mb "$SIZE" --seed 1
gen sms.log    --format sms     --size-mb "$SIZE" --seed 2
gen rolled     --format cmtrace --size-mb 1000 --roll-mb 5 --seed 3
gen small.log  --format sms     --size-mb 0.25 --seed 4

# 540 generated rules on top of the built-in ones, for the rule-count scaling measurement.
RULES600="$OUT/rules600"
if [ ! -d "$RULES600" ]; then
  mkdir -p "$RULES600"
  for i in $(seq 1 540); do
    cat > "$RULES600/gen_rule_$i.toml" <<RULE
id = "gen_rule_$i"
severity = "warning"
title = "generated rule $i"
cause = "benchmark rule"
fix = "none"
[match]
literals = ["Nonexistent marker $i xq"]
regex = '(?i)Nonexistent marker $i xq(?P<code>\d+)'
[[example]]
line = "Nonexistent marker $i xq12"
matches = true
[[example]]
line = "Starting Sync"
matches = false
RULE
  done
fi

cargo build --release --quiet
BIN=target/release/supdiag

CM_RE='<!\[LOG\[.*\]LOG\]!><time="(\d{2}):(\d{2}):(\d{2})\.(\d{3})([+-]\d+)" date="(\d{2})-(\d{2})-(\d{4})" component="([^"]*)" context="([^"]*)" type="(\d)" thread="(\d+)" file="([^"]*)">'
SMS_RE='\$\$<([^>]*)><(\d{2})-(\d{2})-(\d{4}) (\d{2}):(\d{2}):(\d{2})\.(\d{3})([+-]\d+)><thread=(\d+) \(0x[0-9A-Fa-f]+\)>'
printf '%s\n' "$CM_RE" > "$OUT/cm.re"
printf '%s\n' "$SMS_RE" > "$OUT/sms.re"

peak_rss_mb() {
  /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F: '/Maximum resident set size/ {printf "%.1f", $2/1024}'
}
A='"analyze", "--format", "json", "--fail-on", "never", "--quiet"'
ONE='"env": {"RAYON_NUM_THREADS": "1"}'
cat > "$OUT/spec.json" <<SPEC
[
 {"name": "cm1",    "cmd": ["$BIN", $A, "$OUT/cm.log"], $ONE},
 {"name": "rg_cm",  "cmd": ["rg", "-c", "-f", "$OUT/cm.re", "$OUT/cm.log"]},
 {"name": "rg1_cm", "cmd": ["rg", "-j1", "-c", "-f", "$OUT/cm.re", "$OUT/cm.log"]},
 {"name": "cm2",    "cmd": ["$BIN", $A, "$OUT/cm.log"]},
 {"name": "sms1",   "cmd": ["$BIN", $A, "$OUT/sms.log"], $ONE},
 {"name": "rg_sms", "cmd": ["rg", "-c", "-f", "$OUT/sms.re", "$OUT/sms.log"]},
 {"name": "roll1",  "cmd": ["$BIN", $A, "$OUT/rolled"], $ONE},
 {"name": "roll2",  "cmd": ["$BIN", $A, "$OUT/rolled"]},
 {"name": "small",  "cmd": ["$BIN", $A, "$OUT/small.log"]},
 {"name": "r600",   "cmd": ["$BIN", $A, "--rules", "$RULES600", "$OUT/sms.log"], $ONE}
]
SPEC
# The 250 KB log takes milliseconds: time it over more rounds of its own.
cat > "$OUT/spec_small.json" <<SPEC
[{"name": "small", "cmd": ["$BIN", $A, "$OUT/small.log"]}]
SPEC

echo "supdiag vs ripgrep — $(nproc) cores, ${SIZE} MiB inputs, $REPEAT interleaved rounds (median; min in brackets)"
echo

cat "$OUT/cm.log" "$OUT/sms.log" > /dev/null  # warm the page cache
T=$(python3 bench/measure.py "$REPEAT" "$OUT/spec.json")
TS=$(python3 bench/measure.py 40 "$OUT/spec_small.json")
rss_read=$(peak_rss_mb "$BIN" analyze --format json --fail-on never --quiet "$OUT/cm.log")
rss_half=$(python3 -c "import os;print(os.path.getsize('$OUT/cm.log')//2)")
head -c "$rss_half" "$OUT/cm.log" > "$OUT/cm_half.log"
rss_read_half=$(peak_rss_mb "$BIN" analyze --format json --fail-on never --quiet "$OUT/cm_half.log")
rm -f "$OUT/cm_half.log"

python3 - "$T" "$TS" "$(stat -c %s "$OUT/cm.log")" "$(stat -c %s "$OUT/sms.log")" "$rss_read" "$rss_read_half" "$SIZE" <<'PY'
import json, sys
t = json.loads(sys.argv[1]); ts = json.loads(sys.argv[2])
cm_bytes, sms_bytes = int(sys.argv[3]), int(sys.argv[4])
rss, rss_half, size = sys.argv[5], sys.argv[6], sys.argv[7]
t["small"] = ts["small"]
rows = [
    ("cm1", "supdiag analyze, CMTrace, 1 thread", cm_bytes),
    ("rg_cm", "rg -c -f <CMTrace header regex> (rg's default threads)", cm_bytes),
    ("rg1_cm", "rg -j1 -c -f <CMTrace header regex>", cm_bytes),
    ("cm2", "supdiag analyze, CMTrace, 2 threads (chunks of one file)", cm_bytes),
    ("sms1", "supdiag analyze, SMS, 1 thread", sms_bytes),
    ("rg_sms", "rg -c -f <SMS trailer regex>", sms_bytes),
    ("roll1", "supdiag analyze, 200 x 5 MiB folder, 1 thread", None),
    ("roll2", "supdiag analyze, 200 x 5 MiB folder, 2 threads", None),
    ("small", "supdiag analyze, one 250 KB log, end to end", None),
    ("r600", "supdiag analyze, SMS, 1 thread, +540 generated rules", sms_bytes),
]
print(f"{'measurement':<58} {'seconds':>9} {'(min)':>9} {'MiB/s':>7}")
for key, name, b in rows:
    m, lo = t[key]["median"], t[key]["min"]
    rate = f"{b / 1048576 / m:7.0f}" if b else ""
    print(f"{name:<58} {m:9.4f} {lo:9.4f} {rate}")
def r(a, b, k="median"):
    return t[a][k] / t[b][k]
print()
print("ratios, from medians (from minimums in brackets; goal after them)")
print(f"  CMTrace 1 thread vs rg:             {r('rg_cm','cm1'):.2f}x ({r('rg_cm','cm1','min'):.2f}x)  [>= 1.0, aim 1.5]")
print(f"  SMS 1 thread vs rg:                 {r('rg_sms','sms1'):.2f}x ({r('rg_sms','sms1','min'):.2f}x)  [>= 1.0]")
print(f"  folder, 2 threads vs 1:             {r('roll1','roll2'):.2f}x ({r('roll1','roll2','min'):.2f}x)  [>= 1.85]")
print(f"  one file, 2 threads vs 1:           {r('cm1','cm2'):.2f}x ({r('cm1','cm2','min'):.2f}x)  [>= 1.6]")
print(f"  600 rules vs ~60 rules, per record: {r('r600','sms1'):.2f}x ({r('r600','sms1','min'):.2f}x)  [<= 1.20]")
print(f"  peak RSS, read path, {size} MiB:     {rss} MiB (half the input: {rss_half} MiB)  [<= 64, flat]")
print(f"  250 KB end to end:                  {t['small']['median']*1000:.1f} ms ({t['small']['min']*1000:.1f} ms)  [<= 10]")
PY
