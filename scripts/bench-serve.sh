#!/usr/bin/env bash
# Times `quire serve` on a gen_corpus site (10,000 pages by default): start-up until the first page is served;
# for body, title, rename-save (a temporary file renamed over the page, as vim and JetBrains save), template,
# section and new-page edits, the time from the file's write until the served HTML
# shows it (a tight loop of HTTP GETs on 127.0.0.1), median of repeated edits; and peak RSS (VmHWM) as 1,000
# more edits go through, which must not grow with their number. Prints the load average: timings on a shared
# machine mean little without it. Not a test: nothing fails on a slow figure. QUIRE_TIMINGS=1 in the environment
# makes the server print each update's stages (to its stderr, which this script discards).
#
# Usage: scripts/bench-serve.sh [--quire BIN] [--corpus DIR] [--edits N] [--rss-edits N] [--port P]
#   --quire     the binary (default: $CARGO_TARGET_DIR/release/quire, else target/release/quire)
#   --corpus    a Zola-layout site to copy (default /tmp/corpus10000/zola, generated with
#               /work/shared/bench/gen_corpus.py --pages 10000 when missing); a site without templates/ (the
#               built-in theme, e.g. scripts/bench.sh's --flat corpus) skips the template edits
#   --edits     timed edits of each kind (default 30; template, section and page-add runs use a third)
#   --rss-edits edits before the last VmHWM reading (default 1000)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
QUIRE="${CARGO_TARGET_DIR:-target}/release/quire"
CORPUS=/tmp/corpus10000/zola
EDITS=30
RSS_EDITS=1000
PORT=18400
while [ $# -gt 0 ]; do
  case "$1" in
    --quire) QUIRE=$2; shift 2 ;;
    --corpus) CORPUS=$2; shift 2 ;;
    --edits) EDITS=$2; shift 2 ;;
    --rss-edits) RSS_EDITS=$2; shift 2 ;;
    --port) PORT=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
if [ ! -d "$CORPUS/content" ]; then
  python3 /work/shared/bench/gen_corpus.py --pages 10000 --out "$(dirname "$CORPUS")" --layouts zola
fi
[ -x "$QUIRE" ] || { echo "no quire binary at $QUIRE (cargo build --release first)" >&2; exit 2; }

# The site is edited, so the benchmark works on a copy (in memory when /dev/shm exists).
WORK=$(mktemp -d "$( [ -d /dev/shm ] && echo /dev/shm || echo /tmp )/quire-bench-serve.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cp -r "$CORPUS"/. "$WORK/"
rm -rf "$WORK/public"

python3 - "$QUIRE" "$WORK" "$EDITS" "$RSS_EDITS" "$PORT" <<'PY'
import http.client, os, re, statistics, subprocess, sys, time

quire, site, edits, rss_edits, port = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
content = os.path.join(site, "content")

def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])

def status(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key):
                return int(line.split()[1]) // 1024
    return 0

def url_of(rel):
    stem = rel[:-3]
    return "/" + (stem[: -len("/index")] if stem.endswith("/index") else stem) + "/"

class Client:
    """One keep-alive connection, reopened when the server closes it."""
    def __init__(self):
        self.conn = None
    def get(self, path):
        for _ in range(2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                self.conn.request("GET", path)
                response = self.conn.getresponse()
                return response.status, response.read()
            except (OSError, http.client.HTTPException):
                self.conn = None
        return 0, b""

client = Client()

def wait_for(path, marker, give_up=120):
    started = time.perf_counter()
    while time.perf_counter() - started < give_up:
        code, body = client.get(path)
        if code == 200 and (marker is None or marker in body):
            return
    raise SystemExit(f"gave up waiting for {marker!r} at {path}")

def timed(write, path, marker):
    write()
    started = time.perf_counter()
    wait_for(path, marker)
    return (time.perf_counter() - started) * 1000

def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()

def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)

# A page in a leaf section, its section and a tag of it.
leaves = sorted(d for d in (os.path.join(r, x) for r, ds, _ in os.walk(content) for x in ds)
                if not any(os.path.isdir(os.path.join(d, x)) for x in os.listdir(d)))
leaf = leaves[len(leaves) // 2]
pages = sorted(f for f in os.listdir(leaf) if f.endswith(".md") and f != "_index.md")
page_file = os.path.join(leaf, pages[0])
page_rel = os.path.relpath(page_file, content)
page_url = url_of(page_rel)
section_file = os.path.join(leaf, "_index.md")
section_url = url_of(os.path.relpath(leaf, content) + "/_index.md").replace("/_index/", "/")
tag_match = re.search(r'tags = \["([^"]+)"', read(page_file))
tag = tag_match.group(1) if tag_match else None
tag_url = tag and "/tags/" + re.sub(r"[^a-z0-9]+", "-", tag.lower()).strip("-") + "/"
has_templates = os.path.isdir(os.path.join(site, "templates"))

print(f"quire serve benchmark: {quire}")
print(f"site: {sum(len(fs) for _, _, fs in os.walk(content))} content files; page {page_url}; {os.cpu_count()} cores")
print(f"load average at start: {loadavg()}")

started = time.perf_counter()
server = subprocess.Popen([quire, "serve", "--root", site, "--port", str(port)],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    wait_for(page_url, b"<html", give_up=600)
    print(f"start-up until the first page is served: {(time.perf_counter() - started) * 1000:.0f} ms; "
          f"VmHWM {status(server.pid, 'VmHWM')} MB")
    results = {}
    counter = [0]

    def marker():
        counter[0] += 1
        return f"bench{counter[0]}x{os.getpid()}"

    def run(name, count, make):
        times = []
        for _ in range(count):
            edit, path, mark = make(marker())
            times.append(timed(edit, path, mark.encode()))
            time.sleep(0.15)  # past the watcher's quiet time, so each edit is its own update
        results[name] = times
        print(f"{name:<36} median {statistics.median(times):7.1f} ms   "
              f"min {min(times):7.1f}   max {max(times):7.1f}   (n={count})", flush=True)

    def body_edit(mark, file=page_file, url=page_url):
        text = read(file)
        return (lambda: write(file, text.rstrip("\n") + f"\n\nParagraph {mark}.\n")), url, mark

    def title_edit(mark, file=page_file, url=page_url):
        text = read(file)
        new = re.sub(r'^title = ".*"$', f'title = "Title {mark}"', text, count=1, flags=re.M)
        return (lambda: write(file, new)), url, mark

    def rename_save(mark, file=page_file, url=page_url):
        text = read(file)
        def save():
            temp = os.path.join(os.path.dirname(file), f".{os.path.basename(file)}.tmp-{mark}")
            write(temp, text.rstrip("\n") + f"\n\nSaved {mark}.\n")
            os.replace(temp, file)
        return save, url, mark

    def template_edit(name, anchor, url):
        def make(mark):
            file = os.path.join(site, "templates", name)
            text = read(file)
            return (lambda: write(file, text.replace(anchor, f"{anchor}<!-- {mark} -->", 1))), url, mark
        return make

    def section_edit(mark):
        text = read(section_file)
        return (lambda: write(section_file, text.rstrip("\n") + f"\n\nSection {mark}.\n")), section_url, mark

    def section_reshape(mark):
        # A new weight reorders the parent's subsections: a full rebuild.
        text = read(section_file)
        weight = 100 + counter[0]
        new = re.sub(r"^weight = .*$", f"weight = {weight}", text, count=1, flags=re.M)
        new = new.rstrip("\n") + f"\n\nSection {mark}.\n"
        return (lambda: write(section_file, new)), section_url, mark

    def page_add(mark):
        file = os.path.join(leaf, f"added-{mark}.md")
        tags = f'\n[taxonomies]\ntags = ["{tag}"]\n' if tag else ""
        text = f'+++\ntitle = "Added {mark}"\ndate = 2024-01-01\n{tags}+++\n\nNew {mark}.\n'
        return (lambda: write(file, text)), url_of(os.path.relpath(file, content)), mark

    few = max(3, edits // 3)
    run("body edit (page)", edits, body_edit)
    run("title edit (page)", edits, title_edit)
    run("rename-save (page)", edits, rename_save)
    if has_templates:
        run("template edit (taxonomy_single)", few, template_edit("taxonomy_single.html", "<h1>", tag_url))
        run("template edit (page.html: all pages)", 3, template_edit("page.html", "<article>", page_url))
    run("section _index.md body edit", few, section_edit)
    run("section weight edit (full rebuild)", 3, section_reshape)
    run("page added (full rebuild)", 3, page_add)
    print(f"VmHWM after the timed edits: {status(server.pid, 'VmHWM')} MB", flush=True)

    others = [os.path.join(leaf, p) for p in pages[1:]] or [page_file]
    for i in range(1, rss_edits + 1):
        file = others[i % len(others)]
        edit, url, mark = (body_edit if i % 2 else title_edit)(marker(), file, url_of(os.path.relpath(file, content)))
        edit()
        wait_for(url, mark.encode())
        if i % (rss_edits // 4 or 1) == 0:
            print(f"after {i:5} more edits: VmHWM {status(server.pid, 'VmHWM')} MB, VmRSS {status(server.pid, 'VmRSS')} MB",
                  flush=True)
finally:
    server.terminate()
    server.wait()
print(f"load average at end: {loadavg()}")
PY
