// Setup shared by the site suites: the default site served and a browser launched side by side. If either fails,
// the other is closed before the error is thrown, so a failed build never leaves Chromium running and the test
// process hanging.
import { launchBrowser } from "./browser.js";
import { serveSite } from "./site.js";

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
