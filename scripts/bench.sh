#!/usr/bin/env bash
# Times the whole `funnel` binary on generated ledgers of 1,000, 100,000 and
# 1,000,000 entries against the baseline scan (split lines, parse each
# leading date), and measures peak memory. Where hledger and/or ledger are
# installed, also writes the same entries as a journal (`funnel-gen
# --journal`) and times `hledger -f J check` and `ledger -f J bal` in the
# same hyperfine run. Prints a Markdown table for docs/performance.md.
#
#   scripts/bench.sh              # all three sizes
#   SIZES="1000 100000" scripts/bench.sh
#   KEEP=1 scripts/bench.sh       # keep the generated ledgers (path printed)
#   COMPARE=1 scripts/bench.sh    # as root: install hledger and ledger first
#   SKIP_HLEDGER_1M=1 scripts/bench.sh  # hledger at 1M takes ~45 s and ~7 GB a run
#   ROUNDS=5 scripts/bench.sh     # hyperfine rounds per size (default 3)
#   SKIP_LINEARITY=1 scripts/bench.sh  # skip the in-process linearity bench (about 70 s)
#   LINEARITY_ROUNDS=31 scripts/bench.sh  # rounds of that bench (default 15)
#   LINEARITY_PAIRS=31 scripts/bench.sh   # alternating whole-process pairs (default 15;
#                                         # they also give the targets' ratios, baseline included)
#   PROFILE=terse scripts/bench.sh  # terse hand-written entries (funnel-gen --terse): ~47 bytes, one line each
#
# Needs hyperfine and GNU time (`/usr/bin/time -v`); installs them with
# apt-get when run as root and they are missing. Nothing here runs in CI.
set -euo pipefail
cd "$(dirname "$0")/.."

AS_OF=2026-11-26
SEED=1
SIZES=${SIZES:-"1000 100000 1000000"}
ROUNDS=${ROUNDS:-3}
PROFILE=${PROFILE:-realistic}
gen_flags=()
[ "$PROFILE" = terse ] && gen_flags=(--terse)

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
if [ -n "${COMPARE:-}" ]; then
    need hledger hledger
    need ledger ledger
fi
has_hledger=0; has_ledger=0
command -v hledger >/dev/null 2>&1 && has_hledger=1
command -v ledger >/dev/null 2>&1 && has_ledger=1

echo "building release binaries …" >&2
cargo build --release --quiet -p funnel-cli -p funnel-gen
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
bin="$target_dir/release"
funnel="$bin/funnel"
has_report=0
"$funnel" report --help >/dev/null 2>&1 && has_report=1

work=$(mktemp -d -t funnel-bench.XXXXXX)
if [ -z "${KEEP:-}" ]; then trap 'rm -rf "$work"' EXIT; else echo "ledgers kept in $work" >&2; fi

# Wall time in ms of one command: the median over the rounds of each
# round's median (robust to a busy machine), from hyperfine's CSV exports
# (one header, then a row per command and round).
mean_ms() {
    awk -F, -v cmd="$2" 'NR > 1 && $1 == cmd { print $4 * 1000 }' "$1" | sort -g |
        awk '{ v[NR] = $1 } END { if (NR) printf "%.2f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# Mean CPU time (user + system) in ms of one command, over the rounds.
cpu_ms() { awk -F, -v cmd="$2" 'NR > 1 && $1 == cmd { s += ($5 + $6) * 1000; n++ } END { if (n) printf "%.2f", s / n }' "$1"; }
# Peak resident set size in MiB of one run ("RSS / file" divides it by the
# file's size in MiB too; before December 2026 it divided by the file's
# size in MB, which read 4.6 % low).
peak_mb() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F: '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }'; }
# a / b, where b may be a product like "12.5 * 1000".
div() { awk -v a="$1" -v f="${3:-%.2f}" "BEGIN { b = $2; if (b > 0) printf f, a / b; else printf \"–\" }"; }
# Throughput of funnel check over another tool's, each on its own file:
# (bytes / check ms) / (journal bytes / tool ms).
speedup() { # bytes, check ms, journal bytes, tool ms
    case $4 in –) printf '–' ;; *) awk -v a="$1" -v c="$2" -v j="$3" -v t="$4" 'BEGIN { if (c > 0 && j > 0) printf "%.1f×", a * t / (c * j); else printf "–" }' ;; esac
}

versions=""
[ $has_hledger = 1 ] && versions+="; $(hledger --version | cut -d, -f1)"
[ $has_ledger = 1 ] && versions+="; $(ledger --version | head -1 | cut -d, -f1)"

load=$(cut -d' ' -f1-3 /proc/loadavg)
# On a shared machine, a raised priority keeps other jobs from stealing the
# CPU in the middle of a run (it cannot help with caches and memory).
boost=""
[ "$(id -u)" = 0 ] && boost="nice -n -10"
rows=()
declare -A check_ms report_ms
for n in $SIZES; do
    file="$work/$n.funnel"
    "$bin/funnel-gen" --entries "$n" --seed "$SEED" "${gen_flags[@]}" -o "$file" 2>/dev/null
    "$funnel" check --as-of "$AS_OF" "$file" >/dev/null || { echo "error: the generated ledger does not check" >&2; exit 1; }
    bytes=$(stat -c %s "$file")
    mb=$(awk -v b="$bytes" 'BEGIN { printf "%.2f", b / 1e6 }')
    runs=()
    case $n in
        1000) runs=(--warmup 20 --min-runs 100) ;;
        1000000) runs=(--warmup 1 --runs 2) ;;
        *) runs=(--warmup 1 --runs 4) ;;
    esac
    cmds=("$bin/baseline $file" "$funnel check --as-of $AS_OF $file")
    [ $has_report = 1 ] && cmds+=("$funnel report --as-of $AS_OF -f $file")
    # The same entries as a journal, for hledger and ledger.
    journal="$work/$n.journal"
    jmb="–"; jbytes=0
    hledger_cmd=""; ledger_cmd=""; hledger_alone=0
    if [ $has_hledger = 1 ] || [ $has_ledger = 1 ]; then
        "$bin/funnel-gen" --entries "$n" --seed "$SEED" --journal -o "$journal" 2>/dev/null
        jbytes=$(stat -c %s "$journal")
        jmb=$(awk -v b="$jbytes" 'BEGIN { printf "%.2f", b / 1e6 }')
    fi
    if [ $has_hledger = 1 ] && ! { [ "$n" -ge 1000000 ] && [ -n "${SKIP_HLEDGER_1M:-}" ]; }; then
        # `check` with no argument runs hledger's default checks (parse,
        # balanced transactions, balance assertions).
        hledger_cmd="hledger -f $journal check"
        # At 1M one run is ~45 s and ~7 GB: time it alone, once.
        if [ "$n" -ge 1000000 ]; then hledger_alone=1; else cmds+=("$hledger_cmd"); fi
    fi
    if [ $has_ledger = 1 ]; then
        ledger_cmd="ledger -f $journal bal"
        cmds+=("$ledger_cmd")
    fi
    echo "timing $n entries ($mb MB, journal $jmb MB) …" >&2
    # Rounds: every command runs in each, so a slow minute on this shared
    # machine falls on all of them rather than on one.
    for round in $(seq "$ROUNDS"); do
        $boost hyperfine -N --style none "${runs[@]}" --export-csv "$work/$n-$round.csv" "${cmds[@]}" >/dev/null
        if [ "$round" = 1 ]; then
            cp "$work/$n-$round.csv" "$work/$n.csv"
        else
            tail -n +2 "$work/$n-$round.csv" >>"$work/$n.csv"
        fi
    done
    if [ $hledger_alone = 1 ]; then
        $boost hyperfine -N --style none --runs 1 --export-csv "$work/$n-hledger.csv" "$hledger_cmd" >/dev/null
        tail -n +2 "$work/$n-hledger.csv" >>"$work/$n.csv"
    fi
    hledger="–"; ledger="–"
    [ -n "$hledger_cmd" ] && hledger=$(mean_ms "$work/$n.csv" "$hledger_cmd")
    [ -n "$ledger_cmd" ] && ledger=$(mean_ms "$work/$n.csv" "$ledger_cmd")
    hledger_mbs="–"; ledger_mbs="–"
    [ "$hledger" != – ] && hledger_mbs=$(div "$jbytes" "$hledger * 1000" "%.1f")
    [ "$ledger" != – ] && ledger_mbs=$(div "$jbytes" "$ledger * 1000" "%.1f")
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
    # Per entry: the file's bytes, check's wall time and check's peak memory.
    per_entry="$(div "$bytes" "$n" "%.0f") | $(div "$check" "$n / 1000000" "%.0f") | $(div "$rss" "$n / 1048576" "%.0f")"
    rows+=("| $n | $mb | $base | $check | $check_cpu | $(div "$check" "$base" "%.1f×") | $(div "$bytes" "$check * 1000" "%.1f") | $(div "$bytes" "$base * 1000" "%.0f") | $per_entry | $report | $report_ratio | $rss | $(div "$rss" "$bytes / 1048576" "%.2f×") | $rss_report | $jmb | $hledger | $hledger_mbs | $ledger | $ledger_mbs | $(speedup "$bytes" "$check" "$jbytes" "$hledger") | $(speedup "$bytes" "$check" "$jbytes" "$ledger") |")
done

echo
echo "Load average before the run: $load"
echo "Machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo); $(rustc --version | cut -d' ' -f1-2)$versions; $(date -u +%Y-%m-%d)"
echo
echo "Profile: $PROFILE (funnel-gen${gen_flags[*]:+ ${gen_flags[*]}}, seed $SEED)"
echo
echo "| entries | file MB | baseline ms | check ms | check CPU ms | check / baseline | check MB/s | baseline MB/s | bytes / entry | check ns / entry | check RSS bytes / entry | report ms | report / check | check peak RSS MiB | RSS / file | report peak RSS MiB | journal MB | hledger ms | hledger MB/s | ledger ms | ledger MB/s | check vs hledger | check vs ledger |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
if [ $has_hledger = 1 ] || [ $has_ledger = 1 ]; then
    echo
    echo "hledger and ledger read the same entries as a journal written by \`funnel-gen --journal\` (about 4 lines a transaction, larger than the ledger: see \"journal MB\"). \"check vs hledger\" is funnel check's MB/s on the ledger over hledger's MB/s on the journal (likewise for ledger); above 1 means funnel reads faster."
fi
if [ -n "${check_ms[100000]:-}" ] && [ -n "${check_ms[1000000]:-}" ]; then
    echo
    echo "Linearity, 1,000,000 vs 100,000 entries (target ≤ 11×), from the table (each size timed in its own minutes): check $(div "${check_ms[1000000]}" "${check_ms[100000]}" "%.1f×")$(
        [ -n "${report_ms[1000000]:-}" ] && echo ", report $(div "${report_ms[1000000]}" "${report_ms[100000]}" "%.1f×")")"
    # The same ratios with the sizes alternating (small, big, small, big,
    # …, one hyperfine run each), so that a busy minute on this shared
    # machine falls on both sizes rather than on one: the table's sizes
    # are timed minutes apart, which moved a ratio by up to a quarter.
    pairs=${LINEARITY_PAIRS:-15}
    small="$work/100000.funnel"; big="$work/1000000.funnel"
    line_cmds=("$funnel check --as-of $AS_OF $small" "$funnel check --as-of $AS_OF $big")
    [ $has_report = 1 ] && line_cmds+=("$funnel report --as-of $AS_OF -f $small" "$funnel report --as-of $AS_OF -f $big")
    # The baseline scan in the same pairs, so that the targets' other two
    # ratios (check / baseline, report / check) are also read from runs
    # seconds apart, not only from the table's blocks timed minutes apart.
    base_at=${#line_cmds[@]}
    line_cmds+=("$bin/baseline $small" "$bin/baseline $big")
    echo "timing $pairs alternating pairs of 100,000 and 1,000,000 entries …" >&2
    for pair in $(seq 0 "$pairs"); do
        # Pair 0 warms the caches and is not counted.
        $boost hyperfine -N --style none --runs 1 --export-csv "$work/pair.csv" "${line_cmds[@]}" >/dev/null
        if [ "$pair" = 1 ]; then cp "$work/pair.csv" "$work/pairs.csv"; elif [ "$pair" -gt 1 ]; then tail -n +2 "$work/pair.csv" >>"$work/pairs.csv"; fi
    done
    pair_ratio() { div "$(mean_ms "$work/pairs.csv" "$2")" "$(mean_ms "$work/pairs.csv" "$1")" "%.1f×"; }
    line="Linearity, sizes alternating ($pairs pairs, medians): check $(mean_ms "$work/pairs.csv" "${line_cmds[0]}") → $(mean_ms "$work/pairs.csv" "${line_cmds[1]}") ms = $(pair_ratio "${line_cmds[0]}" "${line_cmds[1]}")"
    [ $has_report = 1 ] && line+=", report $(mean_ms "$work/pairs.csv" "${line_cmds[2]}") → $(mean_ms "$work/pairs.csv" "${line_cmds[3]}") ms = $(pair_ratio "${line_cmds[2]}" "${line_cmds[3]}")"
    echo
    echo "$line"
    # The targets' ratios from the same pairs.
    ratios="Targets' ratios from the same alternating pairs (medians): check / baseline $(pair_ratio "${line_cmds[$base_at]}" "${line_cmds[0]}") at 100,000 and $(pair_ratio "${line_cmds[$((base_at + 1))]}" "${line_cmds[1]}") at 1,000,000 (baseline $(mean_ms "$work/pairs.csv" "${line_cmds[$((base_at + 1))]}") ms)"
    [ $has_report = 1 ] && ratios+=", report / check $(div "$(mean_ms "$work/pairs.csv" "${line_cmds[2]}")" "$(mean_ms "$work/pairs.csv" "${line_cmds[0]}")") and $(div "$(mean_ms "$work/pairs.csv" "${line_cmds[3]}")" "$(mean_ms "$work/pairs.csv" "${line_cmds[1]}")")"
    echo
    echo "$ratios"
fi

# Each analysis alone, in-process, 100,000 and 1,000,000 entries alternating
# so that the machine's noise falls on both (crates/funnel-gen/benches/linearity.rs).
if [ -z "${SKIP_LINEARITY:-}" ]; then
    echo
    echo "In-process linearity (cargo bench -p funnel-gen --bench linearity, medians of alternating runs):"
    echo
    echo '```'
    cargo bench --quiet -p funnel-gen --bench linearity 2>/dev/null | sed -n '/rounds,/,$p'
    echo '```'
fi
