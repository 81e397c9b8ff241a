#!/usr/bin/env bash
# Side-by-side full builds: kbgen and Hugo on the same logical corpus, alternating runs so
# that drift on a shared machine hits both alike. Clean builds (output removed before each
# run, not timed), output on the same disk as the corpus.
#
#   bash benches/compare.sh 1000 10000 50000        # sizes; default 1000 10000
#   RUNS=5 WORK=/tmp/kbgen-compare bash benches/compare.sh 10000
#   PEERS= bash benches/compare.sh 100000          # kbgen alone
#   SETTLE=0 ...                                   # no pause after removing the last output
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

measure() { # tool n out cmd...
    local tool=$1 n=$2 out=$3
    shift 3
    rm -rf "$out"
    sync
    # On a file system mounted with `discard`, deleting the last output queues work that
    # slows the next run's writes; let it drain, for every tool alike.
    sleep "${SETTLE:-15}"
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
    for _ in $(seq "$runs"); do
        measure kbgen "$n" "$work/out-kbgen-$n" "$kbgen" build --root "$kb" --output "$work/out-kbgen-$n" | tee -a "$log"
        for p in $peers; do
            case $p in
                hugo) measure hugo "$n" "$work/out-hugo-$n" hugo --quiet -s "$work/hugo-$n" -d "$work/out-hugo-$n" | tee -a "$log" ;;
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
