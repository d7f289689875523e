// Runs `quire serve` on a copy of a fixture site, for tests that edit the sources while a tab is open.
// The copy lives in a temp folder; the server listens on a free port picked here and its stdout/stderr are kept,
// so a failing test can show what quire printed.
import { spawn } from "node:child_process";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { quireBinary } from "./site.js";

/** A port nobody listens on right now (quire moves to the next free one if it is taken meanwhile). */
export async function freePort() {
  const server = createServer();
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Copies the site at `fixture` to a temp folder and runs `quire serve --root COPY --port P` on it. Resolves once
 * quire printed "Serving ... at URL" and finished its first build. Returns
 * { url (no trailing slash), root (the copy), output() (all quire printed so far), file(rel) helpers, stop() }.
 */
export async function startQuireServe(fixture, { timeout = 60_000 } = {}) {
  const quire = quireBinary();
  const dir = await mkdtemp(join(tmpdir(), "quire-serve-"));
  const root = join(dir, "site");
  await cp(fixture, root, { recursive: true });
  const port = await freePort();
  const child = spawn(quire, ["serve", "--root", root, "--port", String(port)], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1" },
  });
  let output = "";
  let exited = null;
  const waiters = new Set();
  const notify = () => {
    for (const waiter of waiters) waiter();
  };
  child.stdout.setEncoding("utf8").on("data", (chunk) => {
    output += chunk;
    notify();
  });
  child.stderr.setEncoding("utf8").on("data", (chunk) => {
    output += chunk;
    notify();
  });
  const exit = new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      exited = { code, signal };
      notify();
      resolve();
    });
  });

  /** Waits until quire's output matches `pattern` (from `from` on); returns the match. */
  const waitForOutput = (pattern, { from = 0, wait = timeout } = {}) =>
    new Promise((resolve, reject) => {
      const check = () => {
        const match = output.slice(from).match(pattern);
        if (match) {
          done();
          resolve(match);
        } else if (exited) {
          done();
          reject(new Error(`quire serve exited (${JSON.stringify(exited)}) before printing ${pattern}:\n${output}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`quire serve did not print ${pattern} within ${wait} ms:\n${output}`));
      }, wait);
      const done = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });

  const stop = async () => {
    if (!exited) {
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exit;
      clearTimeout(killer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  try {
    const [, url] = await waitForOutput(/Serving .* at (http:\/\/\S+?)\/? \(/);
    // The first build is published after the "Serving" line; until then every path answers 404.
    await waitForOutput(/rebuilt \d+ files|build failed/);
    if (/build failed/.test(output)) throw new Error(`the first build of ${fixture} failed:\n${output}`);
    const path = (relative) => join(root, relative);
    return {
      url,
      root,
      port: Number(new URL(url).port),
      output: () => output,
      waitForOutput,
      path,
      read: (relative) => readFile(path(relative), "utf8"),
      write: (relative, text) => writeFile(path(relative), text),
      remove: (relative) => rm(path(relative)),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Records, in every document the tab loads, the live-reload stream's state and events:
 * `window.__quireLive = { open, events: [[type, data]...] }`. Added before the page's scripts run, so it sees
 * the EventSource the injected script creates. Tests wait for `open` (and the "hello" event) before editing a
 * source, so no rebuild happens before the tab listens.
 */
export async function recordLiveReload(page) {
  await page.addInitScript(() => {
    const Native = window.EventSource;
    if (!Native) return;
    window.__quireLive = { open: false, events: [] };
    window.EventSource = class extends Native {
      constructor(...args) {
        super(...args);
        this.addEventListener("open", () => (window.__quireLive.open = true));
        this.addEventListener("error", () => (window.__quireLive.open = false));
        for (const type of ["hello", "reload", "css", "build-error"]) {
          this.addEventListener(type, (event) => window.__quireLive.events.push([type, event.data]));
        }
      }
    };
  });
}

/** Waits until the tab's live-reload stream is open and said hello (see `recordLiveReload`). */
export async function waitForLiveReload(page, { timeout = 90_000 } = {}) {
  await page.waitForFunction(
    () => window.__quireLive?.open === true && window.__quireLive.events.some(([type]) => type === "hello"),
    null,
    { timeout, polling: 50 },
  );
}
