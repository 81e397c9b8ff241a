#!/usr/bin/env bash
# Side-by-side full builds: kbgen and Hugo on the same logical corpus, alternating runs so
# that drift on a shared machine hits both alike. Clean builds: every run writes a new
# output directory on the same disk as the corpus.
#
#   bash benches/compare.sh 1000 10000 50000        # sizes; default 1000 10000
#   RUNS=5 WORK=/tmp/kbgen-compare bash benches/compare.sh 10000
#   PEERS= bash benches/compare.sh 100000          # kbgen alone
#   SETTLE=0 ...                                   # no pause after removing old outputs
#
# Outputs are not removed between runs: on ext4 without a journal (this machine's disk),
# the kernel will not reuse an inode for up to 360 s after it was freed and scans past
# every such inode for each new file (fs/ext4/ialloc.c, recently_deleted), so a build
# right after `rm -rf` of a 14,000-file tree spends seconds of system time in that scan —
# whichever tool it is. The previous invocation's outputs are removed at the start,
# followed by a pause of SETTLE seconds (default 370) before the first run.
#
# Needs: python3, /usr/bin/time, hugo (apt-get install -y hugo) unless PEERS is empty.
# Prints one line per run and a median line per tool and size:
#   tool n wall_s user_s sys_s max_rss_mib out_mib files
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
gen="${GEN:-$here/../shared/bench/gen_corpus.py}"
work="${WORK:-/tmp/kbgen-compare}"
runs="${RUNS:-3}"
peers="${PEERS-hugo}"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)

cargo build --release --quiet --manifest-path "$here/Cargo.toml"
kbgen="$here/target/release/kbgen"
mkdir -p "$work"

old=$(find "$work" -maxdepth 1 -name 'out-*' | head -1)
if [ -n "$old" ]; then
    find "$work" -maxdepth 1 \( -name 'out-*' -o -name '.out-*' \) -exec rm -rf {} +
    sync
    echo "removed old outputs; waiting ${SETTLE:-370} s for the freed inodes to age" >&2
    sleep "${SETTLE:-370}"
fi

measure() { # tool n out cmd...
    local tool=$1 n=$2 out=$3
    shift 3
    sync
    local t
    /usr/bin/time -o "$work/time.txt" -f "%e %U %S %M" "$@" >/dev/null 2>&1
    t=$(tail -1 "$work/time.txt")
    local bytes files
    bytes=$(du -sm "$out" | cut -f1)
    files=$(find "$out" -type f | wc -l)
    read -r wall user sys rss <<<"$t"
    printf '%s %s %s %s %s %d %s %s\n' "$tool" "$n" "$wall" "$user" "$sys" $((rss / 1024)) "$bytes" "$files"
}

median() { # column from stdin lines
    sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

for n in "${sizes[@]}"; do
    kb="$work/kb-$n"
    [ -f "$kb/site.yaml" ] || {
        python3 "$gen" --n "$n" --seed 1 --format kbgen --out "$kb" >/dev/null
        cp "$here/site.yaml" "$kb/site.yaml"
    }
    for p in $peers; do
        [ -d "$work/$p-$n" ] || python3 "$gen" --n "$n" --seed 1 --format "$p" --out "$work/$p-$n" >/dev/null
    done
    log="$work/runs-$n.txt"
    : >"$log"
    for run in $(seq "$runs"); do
        out="$work/out-kbgen-$n-$run"
        measure kbgen "$n" "$out" "$kbgen" build --root "$kb" --output "$out" | tee -a "$log"
        for p in $peers; do
            out="$work/out-$p-$n-$run"
            case $p in
                hugo) measure hugo "$n" "$out" hugo --quiet -s "$work/hugo-$n" -d "$out" | tee -a "$log" ;;
            esac
        done
    done
    for tool in kbgen $peers; do
        line="$tool $n"
        for col in 3 4 5 6 7 8; do
            line="$line $(awk -v t="$tool" -v c=$col '$1==t {print $c}' "$log" | median)"
        done
        echo "median: $line"
    done
done
