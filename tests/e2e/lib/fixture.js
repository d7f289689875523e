// Setup shared by the site suites: the default site served and a browser launched side by side. If either fails,
// the other is closed before the error is thrown, so a failed build never leaves Chromium running and the test
// process hanging.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before } from "node:test";
import { launchBrowser } from "./browser.js";
import { REPO_ROOT, serveSite } from "./site.js";

/** Where the suites put their screenshots (made by `useSiteAndBrowser`). */
export const SCREENSHOTS = join(REPO_ROOT, "target/e2e-screenshots");

/** { site, browser } for `serveSite(options)`; close both with `closeSiteAndBrowser`. */
export async function openSiteAndBrowser(options = {}) {
  const [site, browser] = await Promise.allSettled([serveSite(options), launchBrowser()]);
  if (site.status === "fulfilled" && browser.status === "fulfilled") {
    return { site: site.value, browser: browser.value };
  }
  if (site.status === "fulfilled") await site.value.close();
  if (browser.status === "fulfilled") await browser.value.close();
  throw site.status === "rejected" ? site.reason : browser.reason;
}

export async function closeSiteAndBrowser({ site, browser } = {}) {
  await browser?.close();
  await site?.close();
}

/**
 * A suite's setup in one call: before its tests, `serveSite(options)` and a browser (and the screenshot folder);
 * after them, both closed. Returns the holder whose `site` and `browser` are set once the suite has started.
 */
export function useSiteAndBrowser(options = {}) {
  const suite = { site: undefined, browser: undefined };
  before(async () => {
    Object.assign(suite, await openSiteAndBrowser(options));
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  after(() => closeSiteAndBrowser(suite));
  return suite;
}
