#!/usr/bin/env bash
# Benchmark supdiag against ripgrep on the same generated input, in one run.
#
#   bench/compare.sh [SIZE_MB] [REPEAT]      (defaults: 1024 MiB, 5 repeats)
#
# Generates inputs with ../shared/tools/gen_cmlogs.py into bench/out/ (reused when present),
# builds the release binary, runs each measurement REPEAT times and prints medians, MB/s, the
# ratios the performance issue asks for, and peak RSS (/usr/bin/time -v). Needs rg and
# /usr/bin/time (Debian: apt-get install ripgrep time).
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${1:-1024}
REPEAT=${2:-5}
OUT=bench/out
# The generator lives in the shared tools next to the repo; a git worktree sits one level deeper.
GEN=${GEN:-}
if [ -z "$GEN" ]; then
  for g in ../shared/tools/gen_cmlogs.py ../../shared/tools/gen_cmlogs.py; do
    [ -f "$g" ] && { GEN=$g; break; }
  done
fi
[ -n "$GEN" ] || { echo "gen_cmlogs.py not found: set GEN=/path/to/gen_cmlogs.py" >&2; exit 2; }
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

# median wall seconds of REPEAT runs of "$@" (stdout discarded)
median() { python3 bench/timeit.py "$REPEAT" "$@"; }
peak_rss_mb() {
  /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F: '/Maximum resident set size/ {printf "%.1f", $2/1024}'
}
mbps() { awk -v b="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f", b/1048576/s; else print "inf" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a/b; else print "inf" }'; }
bytes() { stat -c %s "$1"; }

A=(analyze --format json --fail-on never --quiet)
echo "supdiag vs ripgrep — $(nproc) cores, ${SIZE} MiB inputs, median of $REPEAT runs"
echo

cm_bytes=$(bytes "$OUT/cm.log"); sms_bytes=$(bytes "$OUT/sms.log")
cat "$OUT/cm.log" "$OUT/sms.log" > /dev/null  # warm the page cache

t_cm1=$(RAYON_NUM_THREADS=1 median "$BIN" "${A[@]}" "$OUT/cm.log")
t_rg_cm=$(median rg -c -f "$OUT/cm.re" "$OUT/cm.log")
t_cm2=$(median "$BIN" "${A[@]}" "$OUT/cm.log")
t_sms1=$(RAYON_NUM_THREADS=1 median "$BIN" "${A[@]}" "$OUT/sms.log")
t_rg_sms=$(median rg -c -f "$OUT/sms.re" "$OUT/sms.log")
t_rg1_cm=$(median rg -j1 -c -f "$OUT/cm.re" "$OUT/cm.log")
t_roll1=$(RAYON_NUM_THREADS=1 median "$BIN" "${A[@]}" "$OUT/rolled")
t_roll2=$(median "$BIN" "${A[@]}" "$OUT/rolled")
t_small=$(median "$BIN" "${A[@]}" "$OUT/small.log")
t_r60=$(RAYON_NUM_THREADS=1 median "$BIN" "${A[@]}" "$OUT/sms.log")
t_r600=$(RAYON_NUM_THREADS=1 median "$BIN" "${A[@]}" --rules "$RULES600" "$OUT/sms.log")
rss_read=$(peak_rss_mb "$BIN" "${A[@]}" --no-mmap "$OUT/cm.log")
rss_half=$(python3 -c "import os;print(os.path.getsize('$OUT/cm.log')//2)")
head -c "$rss_half" "$OUT/cm.log" > "$OUT/cm_half.log"
rss_read_half=$(peak_rss_mb "$BIN" "${A[@]}" --no-mmap "$OUT/cm_half.log")
rm -f "$OUT/cm_half.log"

printf '%-58s %9s %9s\n' "measurement" "seconds" "MiB/s"
printf '%-58s %9s %9s\n' "supdiag analyze, CMTrace, 1 thread" "$t_cm1" "$(mbps "$cm_bytes" "$t_cm1")"
printf '%-58s %9s %9s\n' "rg -c -f <CMTrace header regex> (rg's default threads)" "$t_rg_cm" "$(mbps "$cm_bytes" "$t_rg_cm")"
printf '%-58s %9s %9s\n' "rg -j1 -c -f <CMTrace header regex>" "$t_rg1_cm" "$(mbps "$cm_bytes" "$t_rg1_cm")"
printf '%-58s %9s %9s\n' "supdiag analyze, CMTrace, 2 threads (chunks of one file)" "$t_cm2" "$(mbps "$cm_bytes" "$t_cm2")"
printf '%-58s %9s %9s\n' "supdiag analyze, SMS, 1 thread" "$t_sms1" "$(mbps "$sms_bytes" "$t_sms1")"
printf '%-58s %9s %9s\n' "rg -c -f <SMS trailer regex>" "$t_rg_sms" "$(mbps "$sms_bytes" "$t_rg_sms")"
printf '%-58s %9s\n' "supdiag analyze, 200 x 5 MiB folder, 1 thread" "$t_roll1"
printf '%-58s %9s\n' "supdiag analyze, 200 x 5 MiB folder, 2 threads" "$t_roll2"
printf '%-58s %9s\n' "supdiag analyze, one 250 KB log, end to end" "$t_small"
echo
echo "ratios (goal in brackets)"
echo "  CMTrace 1 thread vs rg:            $(ratio "$t_rg_cm" "$t_cm1")x  [>= 1.0, aim 1.5]"
echo "  SMS 1 thread vs rg:                $(ratio "$t_rg_sms" "$t_sms1")x  [>= 1.0]"
echo "  folder, 2 threads vs 1:            $(ratio "$t_roll1" "$t_roll2")x  [>= 1.85]"
echo "  one file, 2 threads vs 1:          $(ratio "$t_cm1" "$t_cm2")x  [>= 1.6]"
echo "  600 rules vs ~60 rules, per record: $(ratio "$t_r600" "$t_r60")x  [<= 1.20]"
echo "  peak RSS, read path, ${SIZE} MiB:  ${rss_read} MiB (half the input: ${rss_read_half} MiB)  [<= 64, flat]"
echo "  250 KB end to end:                 $(awk -v s="$t_small" 'BEGIN{printf "%.0f", s*1000}') ms  [<= 10]"
