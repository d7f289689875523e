#!/usr/bin/env bash
# Issue 14's acceptance test: Zola's own documentation (getzola/zola `docs/` at `next`, the 0.23 line, and at
# v0.22.1) built by `quire build` exactly as in the repository (v0.22.1 with its one allowed edit: the Tera 2
# form of templates/shortcodes/gallery.html line 3), then its output URLs and heading anchors compared with
# Zola's own lists (../shared/zola-oracle/, see its README).
#
# usage: scripts/zola-docs.sh [REF...]        (default: next v0.22.1)
#   QUIRE=path/to/quire   binary to run (default: target/release/quire, built if missing)
#   ZOLA_GIT=dir          bare git dir of getzola/zola (default: /work/.mirror/getzola+zola/repo)
#   KEEP=dir              keep the trees, outputs, logs and diffs there (default: a temporary folder)
# Exit status: 0 when every ref builds (exit 0) and its HTML pages and anchors equal Zola's; 1 otherwise.
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$repo/../shared}
zola_git=${ZOLA_GIT:-/work/.mirror/getzola+zola/repo}
quire=${QUIRE:-$repo/target/release/quire}
[ -x "$quire" ] || (cd "$repo" && cargo build --release --quiet) || exit 1
work=${KEEP:-$(mktemp -d)}
mkdir -p "$work"
refs=("$@")
[ ${#refs[@]} -eq 0 ] && refs=(next v0.22.1)
status=0

# Every file of an output folder, relative to it (Quire's own manifest left out), sorted.
list_urls() { (cd "$1" && find . -type f ! -name .quire-manifest | sed 's|^\./||' | LC_ALL=C sort); }

# `page<TAB>id` for every id on an h1-h6 of every HTML page, as the oracle lists them.
list_anchors() {
  (cd "$1" && find . -name '*.html' | sed 's|^\./||' | LC_ALL=C sort | while read -r page; do
    grep -oE '<h[1-6][^>]* id="[^"]*"' "$page" | sed -E 's/.* id="([^"]*)"/\1/' | sed "s|^|$page\t|"
  done | LC_ALL=C sort)
}

for ref in "${refs[@]}"; do
  tree=$work/tree-$ref out=$work/out-$ref
  "$shared/tools/zola_tree.sh" "$zola_git" "$ref" "$tree" >/dev/null || { echo "$ref: cannot export the tree"; status=1; continue; }
  if [ "$ref" = v0.22.1 ]; then
    # The one edit the issue allows: Tera 1's positional test argument in its Tera 2 form, as Quire's hint says.
    sed -i '3s/is matching("\(.*\)")/is matching(pat="\1")/' "$tree/templates/shortcodes/gallery.html"
  fi
  rm -rf "$out"
  start=$(date +%s.%N)
  (cd "$tree" && "$quire" build --output "$out") >"$work/build-$ref.log" 2>&1
  code=$?
  seconds=$(printf "%.2f" "$(echo "$(date +%s.%N) - $start" | bc)")
  errors=$(grep -c '^error' "$work/build-$ref.log")
  warnings=$(grep -c '^warning' "$work/build-$ref.log")
  echo "== $ref: quire build exit $code in ${seconds}s, $warnings warnings, $errors errors (log: $work/build-$ref.log)"
  if [ "$code" -ne 0 ]; then
    grep -E '^error' -A4 "$work/build-$ref.log" | head -20
    status=1
    continue
  fi
  list_urls "$out" >"$work/urls-$ref.txt"
  list_anchors "$out" >"$work/anchors-$ref.txt"
  oracle_urls=$shared/zola-oracle/urls-$ref.txt oracle_anchors=$shared/zola-oracle/anchors-$ref.txt
  diff <(grep '\.html$' "$oracle_urls") <(grep '\.html$' "$work/urls-$ref.txt") >"$work/html-$ref.diff"
  diff "$oracle_urls" "$work/urls-$ref.txt" >"$work/urls-$ref.diff"
  diff "$oracle_anchors" "$work/anchors-$ref.txt" >"$work/anchors-$ref.diff"
  for kind in html urls anchors; do
    only_zola=$(grep -c '^<' "$work/$kind-$ref.diff")
    only_quire=$(grep -c '^>' "$work/$kind-$ref.diff")
    echo "   $kind: $only_zola only in Zola's output, $only_quire only in Quire's ($work/$kind-$ref.diff)"
  done
  for kind in html anchors; do
    if [ -s "$work/$kind-$ref.diff" ]; then
      status=1
      sed 's/^/     /' "$work/$kind-$ref.diff" | head -40
    fi
  done
done
exit $status
