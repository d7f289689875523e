// Headless Debian Chromium through playwright-core (no browser download): one browser per test file, a fresh
// context per scenario, and tabs that record what went wrong while a page loaded and how many bytes it took.
import { chromium } from "playwright-core";
import { existsSync } from "node:fs";

export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

/** Widths every page is checked at: a desktop and a phone viewport. */
export const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  mobile: { width: 390, height: 844 },
};

/** Launches headless Chromium with this machine's closed network in mind (no background connections). */
export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no Chromium at ${CHROMIUM}: run scripts/test.sh (it installs Debian's chromium) or set CHROMIUM_PATH`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-default-apps",
      "--disable-extensions",
    ],
  });
}

/**
 * A new browser context. `scheme` is "light" or "dark" (prefers-color-scheme), `viewport` a VIEWPORTS entry,
 * `javaScript` false to browse with scripts off.
 */
export async function newContext(browser, { scheme = "light", viewport = VIEWPORTS.desktop, javaScript = true } = {}) {
  return browser.newContext({
    colorScheme: scheme,
    viewport,
    javaScriptEnabled: javaScript,
    reducedMotion: "reduce",
  });
}

/**
 * A page that records, for each visit, console errors, uncaught page errors, CSP violations, failed or
 * 4xx/5xx requests, and the bytes each response transferred. One tab can visit many URLs in turn.
 */
export class Tab {
  static async open(context) {
    const tab = new Tab(await context.newPage());
    await tab.page.addInitScript(() => {
      // Runs before the page's own scripts, outside its CSP; only when JavaScript is on.
      window.__cspViolations = [];
      document.addEventListener("securitypolicyviolation", (event) => {
        window.__cspViolations.push(
          `${event.effectiveDirective} blocked ${event.blockedURI || "inline code"}` +
            (event.sourceFile ? ` at ${event.sourceFile}:${event.lineNumber}` : ""),
        );
      });
    });
    return tab;
  }

  constructor(page) {
    this.page = page;
    this.start();
    page.on("console", (message) => {
      if (message.type() === "error") this.problems.push(`console error: ${message.text()}`);
    });
    page.on("pageerror", (error) => this.problems.push(`uncaught exception: ${error.message}`));
    // Requests are counted only in the visit that made them: a previous page's late favicon request,
    // aborted by the next navigation, is neither a problem nor part of the next page's weight.
    page.on("request", (request) => this.requests.add(request));
    page.on("requestfailed", (request) => {
      if (this.requests.has(request)) this.problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`);
    });
    page.on("requestfinished", (request) => {
      if (this.requests.has(request)) this.pending.push(this.measure(request, this.responses, this.problems));
    });
  }

  start() {
    this.problems = [];
    this.responses = [];
    this.pending = [];
    this.requests = new Set();
  }

  /**
   * Loads `url` and waits for the load event (with `idle`, for the network to go quiet too). Returns
   * { problems, bytes, responses } for this load: `bytes` sums response headers and bodies as transferred.
   */
  async visit(url, { idle = false, expectStatus = 200 } = {}) {
    this.start();
    const response = await this.page.goto(url, { waitUntil: idle ? "networkidle" : "load" });
    const problems = this.problems;
    if (response && response.status() !== expectStatus) {
      problems.push(`${url} answered ${response.status()}, expected ${expectStatus}`);
    }
    const violations = await this.page.evaluate(() => window.__cspViolations ?? []).catch(() => []);
    for (const violation of violations) problems.push(`CSP violation: ${violation}`);
    await Promise.all(this.pending);
    const responses = this.responses;
    for (const { url: resource, status } of responses) {
      if (status >= 400 && resource !== url) problems.push(`${resource} answered ${status}`);
    }
    const bytes = responses.reduce((sum, r) => sum + r.bytes, 0);
    return { problems, bytes, responses };
  }

  async close() {
    await this.page.close();
  }

  async measure(request, responses, problems) {
    try {
      const response = await request.response();
      const sizes = await request.sizes();
      responses.push({ url: request.url(), status: response?.status(), bytes: sizes.responseHeadersSize + sizes.responseBodySize });
    } catch (error) {
      problems.push(`could not measure ${request.url()}: ${error.message}`);
    }
  }
}

/** Opens a new tab in `context` and visits `url`: { page, tab, problems, bytes, responses }. */
export async function openPage(context, url, options = {}) {
  const tab = await Tab.open(context);
  const result = await tab.visit(url, options);
  return { page: tab.page, tab, ...result };
}

/**
 * `size` tabs of `context` shared by concurrent tasks: `use(fn)` waits for a free tab and calls `fn(tab)`.
 * Reusing tabs saves opening a page per URL.
 */
export async function tabPool(context, size) {
  const free = await Promise.all(Array.from({ length: size }, () => Tab.open(context)));
  const all = [...free];
  const waiting = [];
  return {
    async use(fn) {
      const tab = free.pop() ?? (await new Promise((resolve) => waiting.push(resolve)));
      try {
        return await fn(tab);
      } finally {
        const next = waiting.shift();
        if (next) next(tab);
        else free.push(tab);
      }
    },
    close: () => Promise.all(all.map((tab) => tab.close())),
  };
}
