#!/usr/bin/env bash
# Issue 14's theme acceptance run: popular Zola themes build their own example site, unchanged, with
# `quire build`. Each tree is exported with `git archive` from a fetched mirror at a pinned commit (no network),
# built, and, when scripts/zola-themes/NAME.pages exists, its HTML pages compared with that list. A manual
# acceptance run: the mirrors are not in the repository, so scripts/test.sh does not run it.
#
# The themes: linkita, zolarwind and abridge are the mirrored themes with a version for Zola 0.23 (Tera 2
# components); hyde is Zola's own official theme, whose templates Tera 2 takes as they are. The other mirrored
# themes use Tera 1 macros (Zola <= 0.22), which Tera 2 and Zola 0.23 refuse; book uses Tera 1's `filter`
# filter and anemone tests `page.title` where `page` is undefined, both errors in Tera 2 as in Zola 0.23.
# linkita, zolarwind and hyde build (hyde's config.toml sets `generate_feed`, the key's name before Zola 0.19:
# Quire warns and ignores it; Zola 0.22 and 0.23 refuse it, and without that line Zola 0.22 writes the HTML pages
# of scripts/zola-themes/hyde.pages). abridge does not, and Zola cannot build it offline either: three pages
# (overview-abridge, in three languages) call `load_data(url=...)` on GitHub without `required=false`, and a
# build never uses the network; the 9 anchors those pages' headings would define follow. Those 12 are all:
# abridge's repository is the theme's own demo site (`theme.toml` at its root), so the links its templates write
# that point to nothing (language switchers to Portuguese pages that do not exist, `get_url(path="404.html",
# trailing_slash=true)`, obfuscated e-mail `#...` anchors; 35 of them) are warnings, as for a `theme = "NAME"`
# theme: Zola checks no link a template writes. scripts/zola-themes/abridge.errors lists the 12: the run checks
# that exactly those occur.
#
# usage: scripts/zola-themes.sh [THEME...]          (default: abridge hyde linkita zolarwind)
#   MIRRORS=dir   where the bare mirrors are, as OWNER+NAME/repo (default: /work/.mirror)
#   QUIRE=path    binary to run (default: target/release/quire, built if missing)
#   KEEP=dir      keep the trees, outputs, logs and diffs there (default: a temporary folder)
#   SHOTS=dir     also serve each output on 127.0.0.1 and screenshot its home page and one content page there
#                 (headless Chromium): SHOTS/NAME.png and SHOTS/NAME-page.png
# Exit status: 0 when every theme does what is expected of it: it builds (exit 0) and its HTML pages equal
# scripts/zola-themes/NAME.pages where that exists, or, where scripts/zola-themes/NAME.errors exists, it fails
# with exactly those errors (each error's first line and its `-->` place, as the log prints them); 1 otherwise.
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
mirrors=${MIRRORS:-/work/.mirror}
quire=${QUIRE:-$repo/target/release/quire}
[ -x "$quire" ] || (cd "$repo" && cargo build --release --quiet) || exit 1
work=${KEEP:-$(mktemp -d)}
mkdir -p "$work"
themes=("$@")
[ ${#themes[@]} -eq 0 ] && themes=(abridge hyde linkita zolarwind)
status=0

# `git archive` of OWNER+NAME at COMMIT into DEST (replacing it).
export_tree() {
  local git=$mirrors/$1/repo commit=$2 dest=$3
  [ -d "$git" ] || { echo "no mirror $git (fetch github:${1/+//} first)"; return 1; }
  rm -rf "$dest" && mkdir -p "$dest" && git --git-dir="$git" archive "$commit" | tar -x -C "$dest"
}

# Each error of a build log on one line: its first line, and where it is (` --> file:line:col`) when the next
# line says; sorted, the closing count left out.
error_lines() {
  awk '/^([^ ]+: )?error/ { if (e != "") print e; e = $0; next }
       e != "" && /^ *--> / { sub(/^ *--> /, ""); print e " at " $0; e = ""; next }
       { if (e != "") print e; e = "" }
       END { if (e != "") print e }' "$1" | grep -v '^error: build failed' | LC_ALL=C sort
}

# A content page of THEME's example site to look at, besides its home page.
content_page() {
  case $1 in
    abridge) echo overview-images/ ;;
    hyde) echo some-article/ ;;
    linkita) echo markdown-syntax/ ;;
    zolarwind) echo blog/mermaid/ ;;
  esac
}

# The example site of THEME, exactly as its repository has it, in DEST.
export_theme() {
  case $1 in
    # Jieiku/abridge: the theme repository is its own demo site (zola.toml, content/, i18n/); "Update for
    # Zola 0.23.4", Tera 2 components.
    abridge) export_tree Jieiku+abridge 1a3401dbf731b7d29daa42f3b7d6cd32503dd55e "$2" ;;
    # getzola/hyde: Zola's official theme; the repository is its own demo site (two articles). Its config.toml
    # sets `generate_feed`, Zola 0.19's name for `generate_feeds`: Quire warns and ignores it, as Zola 0.22 does.
    hyde) export_tree getzola+hyde fe9cd5a2acc1118330824e3ae5f97e17a1010765 "$2" ;;
    # salif/linkita: the demo site is the `demo` branch, with the theme as a git submodule (themes/linkita),
    # which `git archive` leaves empty: the submodule's commit is exported into it from the same mirror.
    linkita)
      export_tree salif+linkita 33edc0df77ae694925803f7f939d7a29771a74e9 "$2" &&
        export_tree salif+linkita 44aa3a047f6ad8e91685492eed032c7bd29e7d7c "$2/themes/linkita" ;;
    # thomasweitzel/zolarwind: the theme repository is its own demo site; "migrate theme templates and content
    # to Tera v2 components" (Zola 0.23.2).
    zolarwind) export_tree thomasweitzel+zolarwind 3054e2b7b99ab9f57a6e8093803118f33e61e869 "$2" ;;
    *) echo "unknown theme $1 (known: abridge hyde linkita zolarwind)"; return 1 ;;
  esac
}

for theme in "${themes[@]}"; do
  tree=$work/$theme out=$work/out-$theme log=$work/build-$theme.log
  export_theme "$theme" "$tree" || { echo "== $theme: cannot export the tree"; status=1; continue; }
  rm -rf "$out"
  start=$(date +%s.%N)
  (cd "$tree" && "$quire" build --output "$out") >"$log" 2>&1
  code=$?
  seconds=$(printf "%.2f" "$(echo "$(date +%s.%N) - $start" | bc)")
  echo "== $theme: quire build exit $code in ${seconds}s, $(grep -cE '^([^ ]+: )?warning' "$log") warnings," \
    "$(grep -cE '^([^ ]+: )?error' "$log") errors (log: $log)"
  known=$repo/scripts/zola-themes/$theme.errors
  if [ -f "$known" ]; then
    # A known failure: exactly the expected errors, no fewer (a fix to record) and no more (a regression).
    error_lines "$log" >"$work/errors-$theme.txt"
    diff "$known" "$work/errors-$theme.txt" >"$work/errors-$theme.diff"
    if [ "$code" -ne 0 ] && [ ! -s "$work/errors-$theme.diff" ]; then
      echo "   fails as expected: the $(wc -l <"$known") errors of $known"
    else
      echo "   expected exit 1 with the errors of $known; got exit $code and ($work/errors-$theme.diff):"
      sed 's/^/     /' "$work/errors-$theme.diff" | head -20
      status=1
    fi
    continue
  fi
  if [ "$code" -ne 0 ]; then
    grep -E '^([^ ]+: )?error' -A4 "$log" | head -30
    status=1
    continue
  fi
  (cd "$out" && find . -name '*.html' | sed 's|^\./||' | LC_ALL=C sort) >"$work/pages-$theme.txt"
  expected=$repo/scripts/zola-themes/$theme.pages
  if [ -f "$expected" ]; then
    diff "$expected" "$work/pages-$theme.txt" >"$work/pages-$theme.diff"
    echo "   html pages: $(wc -l <"$work/pages-$theme.txt") written; $(grep -c '^<' "$work/pages-$theme.diff")" \
      "only in Zola's list, $(grep -c '^>' "$work/pages-$theme.diff") only in Quire's ($work/pages-$theme.diff)"
    [ -s "$work/pages-$theme.diff" ] && { status=1; sed 's/^/     /' "$work/pages-$theme.diff" | head -20; }
  fi
  # Template syntax left in the HTML outside code is a call that did not run.
  leftovers=$(cd "$out" && grep -rlE '\{\{ *<|\{%-? *(raw|endraw|if|for|set) ' --include='*.html' . | head -5)
  [ -n "$leftovers" ] && { echo "   template syntax visible in: $leftovers"; }
  if [ -n "${SHOTS:-}" ] && command -v chromium >/dev/null; then
    mkdir -p "$SHOTS"
    port=$((20000 + RANDOM % 20000))
    shot_out=$work/shot-$theme
    (cd "$tree" && "$quire" build --output "$shot_out" --base-url "http://127.0.0.1:$port/") >/dev/null 2>&1
    (cd "$shot_out" && exec python3 -m http.server "$port" --bind 127.0.0.1) >/dev/null 2>&1 &
    server=$!
    sleep 1
    for shot in "$theme.png:" "$theme-page.png:$(content_page "$theme")"; do
      chromium --headless --no-sandbox --disable-gpu --disable-background-networking --hide-scrollbars \
        --screenshot="$SHOTS/${shot%%:*}" --window-size=1280,900 "http://127.0.0.1:$port/${shot#*:}" >/dev/null 2>&1
      echo "   screenshot: $SHOTS/${shot%%:*}"
    done
    kill "$server"
  fi
done
exit $status
