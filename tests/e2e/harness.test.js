// The harness itself catches what the site tests rely on it to catch: an axe violation, an inline script
// blocked by the CSP, a missing resource, a page's weight. Without this, a broken helper would pass everything.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { runAxe } from "./lib/axe.js";
import { launchBrowser, newContext, openPage } from "./lib/browser.js";
import { startServer } from "./lib/server.js";

const BAD_PAGE = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Bad page</title>
<link rel="stylesheet" href="/missing.css"></head>
<body><main><h1>Bad page</h1><img src="/dot.svg"><script>document.title = "inline ran";</script></main></body></html>`;
const DOT = `<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>`;

let dir;
let server;
let browser;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "quire-harness-"));
  await writeFile(join(dir, "index.html"), BAD_PAGE);
  await writeFile(join(dir, "dot.svg"), DOT);
  await mkdir(join(dir, "sub"));
  await writeFile(join(dir, "sub", "index.html"), BAD_PAGE);
  [server, browser] = await Promise.all([startServer(dir), launchBrowser()]);
});

after(async () => {
  await browser?.close();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

test("a bad page's problems are all reported", async () => {
  const context = await newContext(browser);
  try {
    const { page, problems, bytes, responses } = await openPage(context, server.url + "/", { idle: true });
    const report = problems.join("\n");
    assert.match(report, /CSP violation: script-src(-elem)? blocked inline/, report);
    assert.match(report, /missing\.css/, report);
    assert.equal(await page.title(), "Bad page", "the inline script ran despite the CSP");
    const paths = responses.map((r) => new URL(r.url).pathname);
    assert.ok(paths.includes("/") && paths.includes("/dot.svg"), `responses measured: ${paths}`);
    assert.ok(bytes > BAD_PAGE.length + DOT.length, `weight ${bytes} is less than the bodies served`);
    const violations = await runAxe(page);
    assert.ok(violations.some((v) => v.id === "image-alt"), `axe missed the image without alt: ${JSON.stringify(violations)}`);
  } finally {
    await context.close();
  }
});

test("the server redirects a folder without its slash and answers 404 for unknown paths", async () => {
  const folder = await fetch(server.url + "/sub?x=1", { redirect: "manual" });
  assert.equal(folder.status, 301);
  assert.equal(folder.headers.get("location"), "/sub/?x=1");
  assert.equal((await fetch(server.url + "/sub/")).status, 200);
  const plain = await fetch(server.url + "/nothing-here");
  assert.equal(plain.status, 404);
  assert.equal(plain.headers.get("content-security-policy"), "default-src 'self'");
  const escape = await fetch(server.url + "/..%2f..%2fetc/passwd");
  assert.equal(escape.status, 404);
});

test("with compress, the server gzips for clients that accept it", async () => {
  const gzipping = await startServer(dir, { compress: true });
  try {
    const zipped = await fetch(gzipping.url + "/", { headers: { "Accept-Encoding": "gzip" } });
    assert.equal(zipped.headers.get("content-encoding"), "gzip");
    assert.equal(await zipped.text(), BAD_PAGE, "fetch decodes the gzip body back to the page");
    const plain = await fetch(server.url + "/", { headers: { "Accept-Encoding": "gzip" } });
    assert.equal(plain.headers.get("content-encoding"), null, "without compress, bodies are sent as they are");
  } finally {
    await gzipping.close();
  }
});

test("the server serves a folder under a prefix, and without a CSP when asked", async () => {
  const docs = await startServer(dir, { prefix: "/docs/", csp: null });
  try {
    assert.match(docs.url, /^http:\/\/127\.0\.0\.1:\d+\/docs$/);
    const origin = new URL(docs.url).origin;
    const page = await fetch(docs.url + "/");
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<title>Bad page<\/title>/);
    assert.equal(page.headers.get("content-security-policy"), null);
    assert.equal((await fetch(docs.url + "/dot.svg")).status, 200);
    const bare = await fetch(docs.url + "?x=1", { redirect: "manual" });
    assert.equal(bare.status, 301);
    assert.equal(bare.headers.get("location"), "/docs/?x=1");
    const folder = await fetch(docs.url + "/sub", { redirect: "manual" });
    assert.equal(folder.status, 301);
    assert.equal(folder.headers.get("location"), "/docs/sub/");
    assert.equal((await fetch(origin + "/")).status, 404, "the root outside the prefix");
    assert.equal((await fetch(origin + "/dot.svg")).status, 404, "a file outside the prefix");
    assert.equal((await fetch(origin + "/docsdot.svg")).status, 404, "a path that only starts with the prefix");
  } finally {
    await docs.close();
  }
});
