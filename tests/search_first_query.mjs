// Measures what a visitor downloads for their first searches: search.js, the manifest, shards,
// tails and page records, typing each query one keystroke at a time (no debounce: the worst case).
//   node tests/search_first_query.mjs /tmp/idx10k [query ...]
// The folder is an output root holding search.js and search/ (QUIRE_SEARCH_OUT of search_bench.rs).
import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";

const [dir, ...asked] = process.argv.slice(2);
const queries = asked.length ? asked : [
  "incremental cache", "render", "parallel feed reference", "taxonomy", "watcher reload",
  "configure template", "deterministic retry", "sitemap", "lazy iterator", "xyzzy",
];
const root = "https://example.org/";
const script = fs.readFileSync(path.join(dir, "search.js"), "utf8");

function session() {
  const context = { console, setTimeout, clearTimeout };
  context.window = context;
  const bytes = { "search.js": script.length };
  context.quireSearch = {
    root,
    loadScript(url) {
      const relative = url.slice(root.length).replace(/\?.*$/, "");
      const code = fs.readFileSync(path.join(dir, relative), "utf8");
      bytes[relative] = Buffer.byteLength(code);
      vm.runInContext(code, context);
      return Promise.resolve();
    },
  };
  vm.createContext(context);
  vm.runInContext(script, context);
  return { quire: context.quireSearch, bytes };
}

const kb = (n) => (n / 1024).toFixed(1);
let worst = 0;
const keystrokes = process.env.KEYSTROKES !== "0";
for (const query of queries) {
  const { quire, bytes } = session();
  let results = [];
  for (let end = keystrokes ? 1 : query.length; end <= query.length; end++) {
    results = await quire.search(query.slice(0, end));
  }
  const total = Object.values(bytes).reduce((a, b) => a + b, 0);
  const kind = (prefix) => Object.entries(bytes).filter(([p]) => p.startsWith(prefix)).reduce((a, [, b]) => a + b, 0);
  worst = Math.max(worst, total);
  console.log(
    `${JSON.stringify(query).padEnd(28)} ${String(results.length).padStart(2)} results, first ${results[0] ? results[0].url : "-"}\n` +
      `    total ${kb(total)} KB = search.js ${kb(bytes["search.js"])} + manifest ${kb(bytes["search/manifest.js"] || 0)}` +
      ` + shards ${kb(kind("search/s/"))} + tails ${kb(kind("search/t/"))} + records ${kb(kind("search/d/"))}`,
  );
}
console.log(`worst first-query download (${keystrokes ? "every keystroke searched" : "whole query at once"}): ${kb(worst)} KB`);
