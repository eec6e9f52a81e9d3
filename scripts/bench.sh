#!/usr/bin/env bash
# Times the whole `funnel` binary on generated ledgers of 1,000, 100,000 and
# 1,000,000 entries against the baseline scan (split lines, parse each
# leading date), and measures peak memory. Prints a Markdown table for
# docs/performance.md.
#
#   scripts/bench.sh              # all three sizes
#   SIZES="1000 100000" scripts/bench.sh
#   KEEP=1 scripts/bench.sh       # keep the generated ledgers (path printed)
#
# Needs hyperfine and GNU time (`/usr/bin/time -v`); installs them with
# apt-get when run as root and they are missing. Nothing here runs in CI.
set -euo pipefail
cd "$(dirname "$0")/.."

AS_OF=2026-11-26
SEED=1
SIZES=${SIZES:-"1000 100000 1000000"}

need() { # command, Debian package
    command -v "$1" >/dev/null 2>&1 && return
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "installing $2 …" >&2
        apt-get install -y -qq "$2" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$2" >/dev/null; }
    fi
    command -v "$1" >/dev/null 2>&1 || { echo "error: $1 is missing: apt-get install $2" >&2; exit 2; }
}
need hyperfine hyperfine
[ -x /usr/bin/time ] || need /usr/bin/time time

echo "building release binaries …" >&2
cargo build --release --quiet -p funnel-cli -p funnel-gen
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
bin="$target_dir/release"
funnel="$bin/funnel"
has_report=0
"$funnel" report --help >/dev/null 2>&1 && has_report=1

work=$(mktemp -d -t funnel-bench.XXXXXX)
if [ -z "${KEEP:-}" ]; then trap 'rm -rf "$work"' EXIT; else echo "ledgers kept in $work" >&2; fi

# Median wall time in ms of one command (robust to a busy machine), from hyperfine's CSV export.
mean_ms() { awk -F, -v cmd="$2" 'NR > 1 && $1 == cmd { printf "%.2f", $4 * 1000 }' "$1"; }
# Mean CPU time (user + system) in ms of one command.
cpu_ms() { awk -F, -v cmd="$2" 'NR > 1 && $1 == cmd { printf "%.2f", ($5 + $6) * 1000 }' "$1"; }
# Peak resident set size in MB of one run.
peak_mb() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F: '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }'; }
# a / b, where b may be a product like "12.5 * 1000".
div() { awk -v a="$1" -v f="${3:-%.2f}" "BEGIN { b = $2; if (b > 0) printf f, a / b; else printf \"–\" }"; }

load=$(cut -d' ' -f1-3 /proc/loadavg)
# On a shared machine, a raised priority keeps other jobs from stealing the
# CPU in the middle of a run (it cannot help with caches and memory).
boost=""
[ "$(id -u)" = 0 ] && boost="nice -n -10"
rows=()
declare -A check_ms report_ms
for n in $SIZES; do
    file="$work/$n.funnel"
    "$bin/funnel-gen" --entries "$n" --seed "$SEED" -o "$file" 2>/dev/null
    "$funnel" check --as-of "$AS_OF" "$file" >/dev/null || { echo "error: the generated ledger does not check" >&2; exit 1; }
    bytes=$(stat -c %s "$file")
    mb=$(awk -v b="$bytes" 'BEGIN { printf "%.2f", b / 1e6 }')
    runs=()
    case $n in
        1000) runs=(--warmup 20 --min-runs 200) ;;
        1000000) runs=(--warmup 1 --runs 5) ;;
        *) runs=(--warmup 2 --runs 10) ;;
    esac
    cmds=("$bin/baseline $file" "$funnel check --as-of $AS_OF $file")
    [ $has_report = 1 ] && cmds+=("$funnel report --as-of $AS_OF -f $file")
    echo "timing $n entries ($mb MB) …" >&2
    $boost hyperfine -N --style none "${runs[@]}" --export-csv "$work/$n.csv" "${cmds[@]}" >/dev/null
    base=$(mean_ms "$work/$n.csv" "${cmds[0]}")
    check=$(mean_ms "$work/$n.csv" "${cmds[1]}")
    check_ms[$n]=$check
    check_cpu=$(cpu_ms "$work/$n.csv" "${cmds[1]}")
    report="–"; report_ratio="–"
    if [ $has_report = 1 ]; then
        report=$(mean_ms "$work/$n.csv" "${cmds[2]}")
        report_ms[$n]=$report
        report_ratio=$(div "$report" "$check")
    fi
    rss=$(peak_mb "$funnel" check --as-of "$AS_OF" "$file")
    rss_report="–"
    [ $has_report = 1 ] && rss_report=$(peak_mb "$funnel" report --as-of "$AS_OF" -f "$file")
    rows+=("| $n | $mb | $base | $check | $check_cpu | $(div "$check" "$base" "%.1f×") | $(div "$bytes" "$check * 1000" "%.1f") | $(div "$bytes" "$base * 1000" "%.0f") | $report | $report_ratio | $rss | $(div "$rss" "$mb" "%.1f×") | $rss_report |")
done

echo
echo "Load average before the run: $load"
echo "Machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo); $(rustc --version | cut -d' ' -f1-2); $(date -u +%Y-%m-%d)"
echo
echo "| entries | file MB | baseline ms | check ms | check CPU ms | check / baseline | check MB/s | baseline MB/s | report ms | report / check | check peak RSS MB | RSS / file | report peak RSS MB |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
if [ -n "${check_ms[100000]:-}" ] && [ -n "${check_ms[1000000]:-}" ]; then
    echo
    echo "Linearity, 1,000,000 vs 100,000 entries (target ≤ 11×): check $(div "${check_ms[1000000]}" "${check_ms[100000]}" "%.1f×")$(
        [ -n "${report_ms[1000000]:-}" ] && echo ", report $(div "${report_ms[1000000]}" "${report_ms[100000]}" "%.1f×")")"
fi
