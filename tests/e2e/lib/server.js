// A tiny static file server for built sites: a folder in, http://127.0.0.1:PORT out.
// Every response carries `Content-Security-Policy: default-src 'self'` (so the browser reports any inline
// script or style, and any outside request, as a violation) and `Cache-Control: no-store` (so every page
// load transfers all its resources and page weights can be measured). Bodies are sent uncompressed unless
// `compress: true` is given: page-weight budgets are then checked against the worst case, a host that does
// not compress.
import { createServer } from "node:http";
import { createReadStream } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { gzipSync } from "node:zlib";

export const CSP = "default-src 'self'";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
};

/**
 * Serves `root` on 127.0.0.1 at a free port. Directory URLs serve their index.html, a directory URL without
 * its trailing slash redirects to it (as static hosts do), and unknown paths get `root/404.html` with status 404.
 * `prefix` ("/docs") serves `root` under that path instead of at `/`, as a host serving a site from a
 * subfolder does: `/docs` redirects to `/docs/`, paths outside it are 404 (plain text). `csp: null` sends no
 * Content-Security-Policy header (to see what a page would do without that safety net).
 * Returns { url, port, close(), requests } where `url` has no trailing slash and includes the prefix
 * ("http://127.0.0.1:PORT/docs") and `requests` lists [method, path, status] of every request served.
 */
export async function startServer(root, { compress = false, csp = CSP, prefix = "" } = {}) {
  prefix = prefix.replace(/\/+$/, "");
  if (prefix && !prefix.startsWith("/")) throw new Error(`prefix ${prefix} must start with /`);
  const requests = [];
  const server = createServer(async (req, res) => {
    let status = 200;
    const cspHeader = csp ? { "Content-Security-Policy": csp } : {};
    try {
      const url = new URL(req.url, "http://localhost");
      let pathname = decodeURIComponent(url.pathname);
      if (prefix) {
        if (pathname === prefix) {
          status = 301;
          res.writeHead(status, { ...cspHeader, Location: prefix + "/" + url.search });
          res.end();
          return;
        }
        if (!pathname.startsWith(prefix + "/")) throw Object.assign(new Error("outside the prefix"), { status: 404 });
        pathname = pathname.slice(prefix.length);
      }
      const file = await resolveFile(root, pathname);
      const headers = {
        ...cspHeader,
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
      };
      if (file.redirect) {
        status = 301;
        res.writeHead(status, { ...headers, Location: prefix + file.redirect + url.search });
        res.end();
        return;
      }
      status = file.status;
      headers["Content-Type"] = TYPES[extname(file.path).toLowerCase()] || "application/octet-stream";
      if (compress && /\bgzip\b/.test(req.headers["accept-encoding"] || "")) {
        const body = gzipSync(await readFile(file.path));
        res.writeHead(status, { ...headers, "Content-Encoding": "gzip", "Content-Length": body.length, Vary: "Accept-Encoding" });
        res.end(req.method === "HEAD" ? undefined : body);
        return;
      }
      const { size } = await stat(file.path);
      res.writeHead(status, { ...headers, "Content-Length": size });
      if (req.method === "HEAD") {
        res.end();
      } else {
        createReadStream(file.path).pipe(res);
      }
    } catch (error) {
      status = error.status || 500;
      res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", ...cspHeader });
      res.end(status === 500 ? String(error.stack || error) : "not found");
    } finally {
      requests.push([req.method, req.url, status]);
    }
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    port,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}

/** The file answering `pathname` under `root`: { path, status } or { redirect }. */
async function resolveFile(root, pathname) {
  const target = normalize(join(root, pathname));
  if (target !== normalize(root) && !target.startsWith(normalize(root + sep))) {
    throw Object.assign(new Error("outside the site"), { status: 404 });
  }
  const info = await stat(target).catch(() => null);
  if (info?.isFile()) return { path: target, status: 200 };
  if (info?.isDirectory()) {
    if (!pathname.endsWith("/")) return { redirect: pathname + "/" };
    const index = join(target, "index.html");
    if (await isFile(index)) return { path: index, status: 200 };
  }
  const notFound = join(root, "404.html");
  if (await isFile(notFound)) return { path: notFound, status: 404 };
  throw Object.assign(new Error("not found"), { status: 404 });
}

async function isFile(path) {
  const info = await stat(path).catch(() => null);
  return Boolean(info?.isFile());
}
