// static/search.js against the fixture index in tests/fixtures/search/public (written by
// `build_index` from tests/fixtures/search/docs.json; tests/search_js.rs checks it is current).
// Run with `node --test tests/`. The index files are loaded into a fake window with the vm module.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";
import { fileURLToPath } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const publicDir = path.join(repo, "tests/fixtures/search/public");
const searchScript = fs.readFileSync(path.join(repo, "static/search.js"), "utf8");

/* A window running search.js whose script loads read the fixture files; `loaded` lists the URLs. */
function loadSearch({ root = "https://example.org/docs/", document } = {}) {
  const context = { console, setTimeout, clearTimeout, location: { href: "" } };
  context.window = context;
  if (document) {
    context.document = document;
  }
  const loaded = [];
  context.quireSearch = {
    root,
    loadScript(url) {
      loaded.push(url);
      const relative = url.slice(root.length).replace(/\?.*$/, "");
      let code;
      try {
        code = fs.readFileSync(path.join(publicDir, relative), "utf8");
      } catch (error) {
        return Promise.reject(error);
      }
      vm.runInContext(code, context);
      return Promise.resolve();
    },
  };
  vm.createContext(context);
  vm.runInContext(searchScript, context);
  return { quire: context.quireSearch, loaded, window: context };
}

async function urls(query, options) {
  const { quire } = loadSearch(options);
  // Array.from: arrays made inside the vm context belong to another realm.
  return Array.from(await quire.search(query), (result) => result.url);
}

test("ICANN finds the ICANN page first, the page that only mentions it after", async () => {
  assert.deepEqual(await urls("ICANN"), ["/governance/icann/", "/governance/multistakeholder/"]);
  assert.deepEqual(await urls("icann"), ["/governance/icann/", "/governance/multistakeholder/"]);
});

test("an English phrase finds the page it describes", async () => {
  const found = await urls("respecting sovereignty");
  assert.equal(found[0], "/principles/respecting-sovereignty/");
  assert.equal((await urls("sovereignty of nations"))[0], "/principles/respecting-sovereignty/");
});

test("a Chinese query finds the Chinese page", async () => {
  assert.deepEqual(await urls("搜索引擎"), ["/zh/search-engine/", "/zh/history/"], "all bigrams, then some");
  const both = await urls("搜索");
  assert.deepEqual(both, ["/zh/search-engine/", "/zh/history/"], "title match ranks first");
  assert.equal((await urls("倒排索引"))[0], "/zh/search-engine/");
});

test("Japanese and accented queries are folded like the index", async () => {
  assert.deepEqual(await urls("データベース"), ["/ja/database/"]);
  assert.deepEqual(await urls("バックアップ"), ["/ja/database/"]);
  assert.deepEqual(await urls("creme brulee"), ["/recipes/creme-brulee/"]);
  assert.deepEqual(await urls("CRÈME"), ["/recipes/creme-brulee/"]);
});

test("title matches rank above heading matches, which rank above body text", async () => {
  const found = await urls("cache");
  assert.deepEqual(found.slice(0, 2), ["/guide/caching/", "/guide/deploy/"]);
});

test("the word being typed matches as a prefix, even half way past its stem", async () => {
  assert.equal((await urls("cach"))[0], "/guide/caching/");
  assert.equal((await urls("sovereig"))[0], "/principles/respecting-sovereignty/");
  assert.equal((await urls("invalidati"))[0], "/guide/caching/");
  assert.deepEqual(await urls("sovereig "), [], "a word followed by a space is complete, not a prefix");
});

test("results link to the heading where the words are, with its excerpt", async () => {
  const { quire } = loadSearch();
  const [result] = await quire.search("invalidation");
  assert.equal(result.href, "https://example.org/docs/guide/caching/#invalidation");
  assert.equal(result.heading, "Invalidation");
  assert.equal(result.excerpt, "Changing a template clears every cached page.");
  assert.equal(result.section, "Guide");
  const [board] = await quire.search("board elected");
  assert.equal(board.href, "https://example.org/docs/governance/icann/#board");
});

test("a title match links to the top of the page and shows the description", async () => {
  const { quire } = loadSearch();
  const [result] = await quire.search("openness");
  assert.equal(result.href, "https://example.org/docs/principles/openness/");
  assert.match(result.excerpt, /Open standards/);
});

test("offline (file://) sites link to index.html files", async () => {
  const { quire } = loadSearch({ root: "file:///home/me/site/" });
  const [openness] = await quire.search("openness");
  assert.equal(openness.href, "file:///home/me/site/principles/openness/index.html");
  const [home] = await quire.search("welcome");
  assert.equal(home.href, "file:///home/me/site/index.html");
});

test("a query loads the manifest, the shards it needs and only the shown pages' records", async () => {
  const { quire, loaded } = loadSearch();
  const results = await quire.search("ICANN");
  const names = loaded.map((url) => url.replace("https://example.org/docs/search/", "").replace(/\?v=.*/, ""));
  assert.equal(names[0], "manifest.js");
  assert.ok(names.filter((n) => n.startsWith("s/")).length >= 1);
  const recordFiles = names.filter((n) => n.startsWith("d/"));
  assert.ok(recordFiles.length >= 1 && recordFiles.length <= results.length, "record files of shown results only");
  assert.equal(new Set(recordFiles).size, recordFiles.length, "each file once");
  assert.ok(loaded.slice(1).every((url) => /\?v=[0-9a-f]{16}$/.test(url)), "versioned after the manifest");
});

test("a pasted paragraph fetches a bounded number of shards", async () => {
  const { quire, loaded } = loadSearch();
  const words = Array.from({ length: 40 }, (_, i) => `word${i}`).join(" ");
  await quire.search(words + " icann");
  assert.ok(loaded.filter((url) => url.includes("/s/")).length <= 12);
});

test("unknown words find nothing and load no records", async () => {
  const { quire, loaded } = loadSearch();
  assert.equal((await quire.search("zyzzyva")).length, 0);
  assert.equal((await quire.search("   ")).length, 0);
  assert.ok(!loaded.some((url) => url.includes("/d/")));
});

test("highlighting marks matched words and CJK bigrams only", () => {
  const { quire } = loadSearch();
  const terms = new Set(["sovereignt", "搜索"]);
  const pieces = Array.from(quire.highlight("Respecting sovereignty: 搜索引擎", terms));
  assert.deepEqual(
    pieces.map((p) => [p.text, p.match]),
    [["Respecting ", false], ["sovereignty", true], [": ", false], ["搜索", true], ["引擎", false]],
  );
});

/* ---- The combobox, on a fake DOM that refuses innerHTML. ---- */

class FakeNode {
  constructor(document, tagName, text = "") {
    this.ownerDocument = document;
    this.tagName = tagName;
    this.nodeText = text;
    this.children = [];
    this.attributes = new Map();
    this.listeners = new Map();
    this.parentNode = null;
    this.hidden = false;
    this.value = "";
  }
  get id() {
    return this.attributes.get("id") || "";
  }
  set id(value) {
    this.attributes.set("id", String(value));
  }
  get className() {
    return this.attributes.get("class") || "";
  }
  set className(value) {
    this.attributes.set("class", String(value));
  }
  get firstChild() {
    return this.children[0] || null;
  }
  get textContent() {
    return this.tagName === "#text" ? this.nodeText : this.children.map((c) => c.textContent).join("");
  }
  set textContent(value) {
    this.children = [];
    if (value !== "") {
      this.appendChild(this.ownerDocument.createTextNode(String(value)));
    }
  }
  set innerHTML(value) {
    throw new Error("innerHTML must not be used: " + value);
  }
  set outerHTML(value) {
    throw new Error("outerHTML must not be used: " + value);
  }
  insertAdjacentHTML() {
    throw new Error("insertAdjacentHTML must not be used");
  }
  appendChild(child) {
    this.ownerDocument.mutations += 1;
    child.parentNode = this;
    this.children.push(child);
    return child;
  }
  removeChild(child) {
    this.ownerDocument.mutations += 1;
    this.children = this.children.filter((c) => c !== child);
    child.parentNode = null;
    return child;
  }
  remove() {
    this.parentNode?.removeChild(this);
  }
  setAttribute(name, value) {
    this.attributes.set(name, String(value));
  }
  getAttribute(name) {
    return this.attributes.has(name) ? this.attributes.get(name) : null;
  }
  removeAttribute(name) {
    this.attributes.delete(name);
  }
  addEventListener(type, listener) {
    if (!this.listeners.has(type)) {
      this.listeners.set(type, []);
    }
    this.listeners.get(type).push(listener);
  }
  dispatch(type, fields = {}) {
    const event = {
      type,
      target: fields.target || this,
      defaultPrevented: false,
      preventDefault() {
        this.defaultPrevented = true;
      },
      ...fields,
    };
    for (const listener of this.listeners.get(type) || []) {
      listener(event);
    }
    return event;
  }
  *walk() {
    for (const child of this.children) {
      yield child;
      yield* child.walk();
    }
  }
  matches(selector) {
    const match = /^\[([\w-]+)(?:=([\w-]+))?\]$/.exec(selector);
    if (!match) {
      throw new Error("unsupported selector " + selector);
    }
    return this.attributes.has(match[1]) && (match[2] === undefined || this.attributes.get(match[1]) === match[2]);
  }
  querySelectorAll(selector) {
    return [...this.walk()].filter((node) => node.tagName !== "#text" && node.matches(selector));
  }
  querySelector(selector) {
    return this.querySelectorAll(selector)[0] || null;
  }
  focus() {
    this.ownerDocument.activeElement = this;
    this.dispatch("focus");
  }
  select() {}
  scrollIntoView() {}
}

class FakeDocument extends FakeNode {
  constructor() {
    super(null, "#document");
    this.ownerDocument = this;
    this.mutations = 0;
    this.readyState = "complete";
    this.currentScript = null;
    this.head = this.appendChild(new FakeNode(this, "head"));
    this.body = this.appendChild(new FakeNode(this, "body"));
    this.created = [];
  }
  createElement(tagName) {
    this.created.push(tagName.toLowerCase());
    return new FakeNode(this, tagName.toLowerCase());
  }
  createTextNode(text) {
    return new FakeNode(this, "#text", text);
  }
  getElementById(id) {
    return [...this.walk()].find((node) => node.id === id) || null;
  }
}

/* The markup of templates/partials/search.html. */
function searchBox() {
  const document = new FakeDocument();
  const element = (tag, attributes, parent) => {
    const node = new FakeNode(document, tag);
    for (const [name, value] of Object.entries(attributes)) {
      node.setAttribute(name, value);
    }
    parent.appendChild(node);
    return node;
  };
  const box = element("div", { class: "quire-search", "data-quire-search": "" }, document.body);
  box.hidden = true;
  element("label", { for: "quire-search-input" }, box).textContent = "Search";
  const input = element("input", {
    id: "quire-search-input", role: "combobox", "aria-expanded": "false", "aria-controls": "quire-search-results",
    "aria-autocomplete": "list",
  }, box);
  const list = element("div", { id: "quire-search-results", role: "listbox", "aria-label": "Search results" }, box);
  list.hidden = true;
  const status = element("div", { role: "status", "aria-live": "polite" }, box);
  return { document, box, input, list, status };
}

async function until(condition) {
  for (let i = 0; i < 200 && !condition(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.ok(condition(), "condition never became true");
}

/* Types `text` and waits until the results are shown (show() changes the DOM in one go). */
async function type(input, text) {
  const document = input.ownerDocument;
  input.value = text;
  const before = document.mutations;
  input.dispatch("input");
  await until(() => document.mutations !== before);
}

test("results render as text: markup in titles and queries never becomes HTML", async () => {
  const { document, box, input, list, status } = searchBox();
  loadSearch({ document });
  assert.equal(box.hidden, false, "the script reveals the box");
  await type(input, "<img src=x onerror=alert(1)> script");
  const option = list.querySelector("[role=option]");
  assert.ok(option, "the page whose title holds markup is found");
  assert.ok(option.textContent.includes("<script>alert(1)</script> and <img src=x onerror=alert(1)>"));
  assert.ok(option.textContent.includes("Security <b>tests</b>"));
  assert.deepEqual(
    [...new Set(document.created)].sort(),
    ["div", "mark", "span"],
    "only these elements are ever created (no script, no img)",
  );
  await type(input, "ic");
  assert.equal(status.textContent, "", "two letters are too early for a verdict");
  await type(input, "<em>qwertz</em>");
  assert.equal(status.textContent, "No results for “<em>qwertz</em>”");
  assert.equal(list.children.length, 0);
});

test("the combobox follows the ARIA pattern: arrows, Enter, Escape and /", async () => {
  const { document, input, list } = searchBox();
  const { window } = loadSearch({ document });
  await type(input, "icann");
  const options = list.querySelectorAll("[role=option]");
  assert.equal(options.length, 2);
  assert.equal(input.getAttribute("aria-expanded"), "true");
  assert.equal(list.hidden, false);

  input.dispatch("keydown", { key: "ArrowDown" });
  assert.equal(input.getAttribute("aria-activedescendant"), options[0].id);
  assert.equal(options[0].getAttribute("aria-selected"), "true");
  input.dispatch("keydown", { key: "ArrowDown" });
  assert.equal(input.getAttribute("aria-activedescendant"), options[1].id);
  assert.equal(options[0].getAttribute("aria-selected"), "false");
  input.dispatch("keydown", { key: "ArrowDown" });
  assert.equal(input.getAttribute("aria-activedescendant"), options[0].id, "wraps around");
  input.dispatch("keydown", { key: "ArrowUp" });
  assert.equal(input.getAttribute("aria-activedescendant"), options[1].id);

  const enter = input.dispatch("keydown", { key: "Enter" });
  assert.ok(enter.defaultPrevented);
  assert.equal(window.location.href, "https://example.org/docs/governance/multistakeholder/");

  input.dispatch("keydown", { key: "Escape" });
  assert.equal(input.getAttribute("aria-expanded"), "false");
  assert.equal(list.hidden, true);
  assert.equal(input.getAttribute("aria-activedescendant"), null);
  input.dispatch("keydown", { key: "Escape" });
  assert.equal(input.value, "", "a second Escape clears the box");

  const slash = document.dispatch("keydown", { key: "/", target: document.body });
  assert.ok(slash.defaultPrevented);
  assert.equal(document.activeElement, input);
  const typed = document.dispatch("keydown", { key: "/", target: input });
  assert.ok(!typed.defaultPrevented, "a / typed into the box stays a character");
});
