// Runs axe-core in a page and turns its violations into readable lines.
// axe is injected through the DevTools protocol, so the page's own CSP (default-src 'self') does not block it.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** The WCAG 2.1 A and AA rules. */
export const WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/**
 * axe's violations on the page as it is now: [{ id, impact, help, nodes: [{ target, summary }] }].
 * `include` (a CSS selector) checks only that part of the page.
 */
export async function runAxe(page, { tags = WCAG_AA, include } = {}) {
  const loaded = await page.evaluate(() => typeof window.axe === "object");
  if (!loaded) {
    const cdp = await page.context().newCDPSession(page);
    try {
      const { exceptionDetails } = await cdp.send("Runtime.evaluate", { expression: AXE_SOURCE });
      if (exceptionDetails) throw new Error(`could not load axe-core: ${exceptionDetails.text}`);
    } finally {
      await cdp.detach();
    }
  }
  const results = await page.evaluate(
    ([tags, include]) =>
      window.axe.run(include ? { include: [include] } : document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] }),
    [tags, include],
  );
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({ target: n.target.join(" "), summary: n.failureSummary?.replace(/\s+/g, " ").trim() })),
  }));
}

/** One line per violated rule and element, for assertion messages. */
export function formatViolations(where, violations) {
  return violations.flatMap((v) =>
    v.nodes.map((n) => `${where}: ${v.id} (${v.impact}) on \`${n.target}\`: ${v.help}${n.summary ? ` — ${n.summary}` : ""}`),
  );
}
