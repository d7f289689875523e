// Builds sites with the quire binary and lists their pages; `serveDefaultSite` is the usual test fixture.
// Uses QUIRE_BIN when set, otherwise target/release/quire, which it (re)builds with cargo first.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { startServer } from "./server.js";

/** The repository root (holding Cargo.toml, content/, templates/ for the default site). */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

let binary;

/**
 * Path of the quire binary to test. Unless QUIRE_BIN names one, runs `cargo build --release --bin quire`
 * once per process (instant when up to date), so tests never run a stale binary.
 */
export function quireBinary() {
  if (binary) return binary;
  if (process.env.QUIRE_BIN) {
    binary = process.env.QUIRE_BIN;
    if (!existsSync(binary)) throw new Error(`QUIRE_BIN=${binary} does not exist`);
    return binary;
  }
  try {
    execFileSync("cargo", ["build", "--release", "--quiet", "--bin", "quire"], { cwd: REPO_ROOT, stdio: ["ignore", "inherit", "inherit"] });
  } catch {
    throw new Error("`cargo build --release --bin quire` failed (its errors are printed above)");
  }
  binary = join(REPO_ROOT, "target", "release", "quire");
  if (!existsSync(binary)) throw new Error(`cargo build did not produce ${binary}`);
  return binary;
}

/** Runs `quire build --root ROOT --output OUT [--base-url URL] [--offline]`; throws with quire's output on failure. */
export function buildSite({ root = REPO_ROOT, output, baseUrl, offline = false }) {
  const args = ["build", "--root", root, "--output", output];
  if (baseUrl) args.push("--base-url", baseUrl);
  if (offline) args.push("--offline");
  const quire = quireBinary();
  try {
    return execFileSync(quire, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    throw new Error(`quire ${args.join(" ")} failed:\n${error.stdout || ""}${error.stderr || ""}`);
  }
}

/** URL paths ("/", "/principles/", "/404.html") of every HTML file under `dir`, sorted. */
export async function listPages(dir) {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const pages = [];
  for (const entry of entries) {
    if (!entry.isFile() || !entry.name.endsWith(".html")) continue;
    const parent = entry.parentPath ?? entry.path;
    const rel = relative(dir, join(parent, entry.name)).split(sep).join("/");
    pages.push(rel === "index.html" ? "/" : rel.endsWith("/index.html") ? "/" + rel.slice(0, -"index.html".length) : "/" + rel);
  }
  return pages.sort();
}

/**
 * Starts a server on a temp folder, builds the site at `root` (default: the repository's default site) into
 * it with base_url set to the server's address, and returns { url, dir, pages, server, close() }.
 * With `prefix` ("/docs") the site is served and built under that path: `url` is then "http://127.0.0.1:PORT/docs"
 * and base_url "http://127.0.0.1:PORT/docs/". `csp` is passed to the server (null: no CSP header).
 */
export async function serveSite({ root = REPO_ROOT, compress = false, prefix = "", csp } = {}) {
  const dir = await mkdtemp(join(tmpdir(), "quire-e2e-"));
  const output = join(dir, "public");
  const server = await startServer(output, { compress, prefix, ...(csp !== undefined && { csp }) });
  try {
    buildSite({ root, output, baseUrl: prefix ? server.url + "/" : server.url });
  } catch (error) {
    await server.close();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const pages = await listPages(output);
  return {
    url: server.url,
    dir: output,
    pages,
    server,
    close: async () => {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export const serveDefaultSite = (options = {}) => serveSite({ ...options, root: REPO_ROOT });
