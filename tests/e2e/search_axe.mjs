// Search box in headless Chromium: axe-core (WCAG 2.1 AA + best practices) with the list closed,
// open, with an active option and with no results; keyboard use; markup in titles staying text;
// a strict CSP (default-src 'self') over HTTP; file:// links; no JavaScript, no box.
// Not part of `cargo test`: needs `npm install axe-core puppeteer-core` in NODE_PATH and Chromium.
//   NODE_PATH=/path/to/node_modules node tests/e2e/search_axe.mjs [/usr/bin/chromium]
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(path.join(process.env.NODE_PATH || process.cwd(), "x.js"));
const puppeteer = require("puppeteer-core");
const axeSource = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const chromium = process.argv[2] || "/usr/bin/chromium";

/* A site under /docs/ with one page per fixture document, each with the partial in its header. */
function writeSite(root, prefix) {
  const partial = fs.readFileSync(path.join(repo, "templates/partials/search.html"), "utf8")
    .replace(/\{#[\s\S]*?#\}/g, "")
    .replace(/\{%-?[^%]*-?%\}/g, "")
    .replace(/\{\{ get_url\(path="([^"]+)"\) \}\}/g, (_, file) => prefix + file);
  const docs = JSON.parse(fs.readFileSync(path.join(repo, "tests/fixtures/search/docs.json"), "utf8"));
  const site = path.join(root, "docs");
  fs.cpSync(path.join(repo, "tests/fixtures/search/public/search"), path.join(site, "search"), { recursive: true });
  for (const file of ["search.js", "search.css"]) {
    fs.copyFileSync(path.join(repo, "static", file), path.join(site, file));
  }
  const escape = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  for (const doc of docs) {
    fs.mkdirSync(path.join(site, doc.url), { recursive: true });
    fs.writeFileSync(path.join(site, doc.url, "index.html"), `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(doc.title)}</title></head>
<body><header><nav aria-label="Site"><a href="${prefix}">Docs</a></nav>${partial}</header>
<main><h1>${escape(doc.title)}</h1>${doc.html}</main></body></html>`);
  }
  return site;
}

function serve(root) {
  const types = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css" };
  const server = http.createServer((request, response) => {
    let file = path.join(root, decodeURIComponent(new URL(request.url, "http://x").pathname));
    if (file.endsWith("/")) file += "index.html";
    fs.readFile(file, (error, body) => {
      response.writeHead(error ? 404 : 200, {
        "Content-Type": types[path.extname(file)] || "application/octet-stream",
        "Content-Security-Policy": "default-src 'self'",
      });
      response.end(error ? "" : body);
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

const failures = [];
let checks = 0;
function check(ok, what) {
  checks += 1;
  console.log(`${ok ? "ok" : "FAIL"} - ${what}`);
  if (!ok) failures.push(what);
}

async function axe(page, state) {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] });
    return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(" | ")}`);
  });
  check(violations.length === 0, `axe finds nothing with ${state}${violations.length ? ": " + violations.join("; ") : ""}`);
}

const temp = fs.mkdtempSync(path.join(os.tmpdir(), "quire-search-e2e-"));
writeSite(path.join(temp, "http"), "/docs/");
const offline = writeSite(path.join(temp, "file"), "../../");
fs.writeFileSync(path.join(offline, "start.html"),
  fs.readFileSync(path.join(offline, "index.html"), "utf8").replaceAll("../../", ""));
const server = await serve(path.join(temp, "http"));
const base = `http://127.0.0.1:${server.address().port}/docs/`;
const browser = await puppeteer.launch({ executablePath: chromium, args: ["--no-sandbox"] });
try {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("dialog", async (dialog) => {
    errors.push("dialog: " + dialog.message());
    await dialog.dismiss();
  });
  page.on("console", (message) => {
    if (/Content Security Policy|CSP/.test(message.text())) errors.push(message.text());
  });
  await page.goto(base, { waitUntil: "load" });
  check(await page.$eval(".quire-search", (box) => !box.hidden), "the script reveals the box");
  await axe(page, "the list closed");
  await page.keyboard.press("/");
  check(await page.evaluate(() => document.activeElement.id === "quire-search-input"), "/ focuses the box");
  await page.keyboard.type("icann");
  await page.waitForSelector("[role=option]");
  const titles = await page.$$eval("[role=option] .quire-search-title", (titles) => titles.map((t) => t.textContent));
  check(titles[0] === "ICANN and the root zone", `ICANN ranks its own page first (${titles})`);
  await axe(page, "the list open");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  const active = await page.$eval("#quire-search-input", (input) => input.getAttribute("aria-activedescendant"));
  check(active === "quire-search-option-1", "arrows move aria-activedescendant");
  await axe(page, "an active option");
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  check(page.url() === base + "governance/multistakeholder/", `Enter opens the option (${page.url()})`);

  await page.click("#quire-search-input");
  await page.keyboard.type("<img src=x onerror=alert(1)> script");
  await page.waitForSelector("[role=option]");
  const text = await page.$eval("[role=option]", (option) => option.textContent);
  check(text.startsWith("<script>alert(1)</script> and <img src=x onerror=alert(1)>"), "markup in a title is text");
  check(await page.$$eval("#quire-search-results *", (all) => all.every((e) => ["DIV", "SPAN", "MARK"].includes(e.tagName))),
    "results hold only div, span and mark elements");
  await page.keyboard.press("Escape");
  check(await page.$eval("#quire-search-input", (input) => input.getAttribute("aria-expanded") === "false"), "Escape closes");
  await page.$eval("#quire-search-input", (input) => { input.value = ""; });
  await page.keyboard.type("zzzqqq");
  await page.waitForFunction(() => document.querySelector("[role=status]").textContent.startsWith("No results"));
  await axe(page, "no results");
  check(errors.length === 0, `no script errors, dialogs or CSP reports (${errors})`);

  await page.goto("file://" + path.join(offline, "start.html"), { waitUntil: "load" });
  await page.click("#quire-search-input");
  await page.keyboard.type("openness");
  await page.waitForSelector("[role=option]");
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  check(page.url() === "file://" + path.join(offline, "principles/openness/index.html"), `file:// opens index.html (${page.url()})`);

  const plain = await browser.newPage();
  await plain.setJavaScriptEnabled(false);
  await plain.goto(base, { waitUntil: "load" });
  check(await plain.$eval(".quire-search", (box) => getComputedStyle(box).display === "none"), "without JavaScript there is no box");
} finally {
  await browser.close();
  server.close();
  fs.rmSync(temp, { recursive: true, force: true });
}
console.log(`${checks - failures.length} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
