//! `quire mcp`: a Model Context Protocol server on stdin/stdout (the official SDK, rmcp) answering `search` (the
//! site's own index and ranking, `search::query`) and `get_page` (a page's Markdown twin), from sources or a build.
//!
//! From sources (`--root`), the site is prepared as `check` prepares it, its search index made in memory and its
//! twins from its bodies, once at start. From a build (`--built public`), the index files and `index.md` twins
//! the build wrote are read as they are asked for (twins need `markdown_twins = true` in that build).

use crate::content::{Site, Target};
use crate::error::{Error, Result};
use crate::output::Contents;
use crate::pipeline::{self, Purpose};
use crate::search::query;
use crate::BuildOptions;
use rmcp::handler::server::{router::tool::ToolRouter, wrapper::Parameters};
use rmcp::model::{CallToolResult, ContentBlock, Implementation, ServerCapabilities, ServerConfig};
use rmcp::{schemars, tool, tool_handler, tool_router, ServerHandler, ServiceExt};
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// Results `search` gives when the request does not say.
const DEFAULT_LIMIT: usize = 10;

/// Where the server's answers come from.
pub enum Docs {
    /// A site's sources, prepared once, with what its layouts show after a page's body (for the twins).
    Source {
        site: Arc<Site>,
        config: Arc<crate::config::Config>,
        after_content: crate::render::AfterContent,
        index: HashMap<String, Vec<u8>>,
    },
    /// A folder `quire build` wrote.
    Built { dir: PathBuf },
}

impl Docs {
    /// The site at `root`, prepared as `check` prepares it, with each body's Markdown kept for its twin. Problems
    /// in the site do not stop it: what could be read is served.
    pub fn from_source(root: &Path) -> Result<Docs> {
        let options = BuildOptions { root: root.to_path_buf(), twins: true, ..BuildOptions::default() };
        let prepared = pipeline::prepare(&options, Purpose::Check)?;
        let index = crate::search::index_files(&prepared.site)
            .into_iter()
            .filter_map(|file| match file.contents {
                Contents::Bytes(bytes) => Some((file.path, bytes)),
                _ => None,
            })
            .collect();
        let (site, config) = (Arc::new(prepared.site), Arc::new(prepared.config));
        let after_content = match &prepared.templates {
            Some(templates) => {
                let relations = Arc::new(prepared.relations);
                let lookups = Arc::new(crate::render::Lookups::new(site.clone(), config.clone(), relations, None));
                templates.set_lookups(Some(lookups.clone()));
                let after_content = crate::render::after_content_all(templates, &lookups);
                templates.set_lookups(None);
                after_content
            }
            None => crate::render::AfterContent::new(),
        };
        Ok(Docs::Source { site, config, after_content, index })
    }

    /// The output folder of a build.
    pub fn from_build(dir: &Path) -> Result<Docs> {
        if !dir.join("search/manifest.js").is_file() {
            return Err(Error::Usage(format!(
                "`{}` holds no search index (search/manifest.js)\n  help: pass the folder `quire build` wrote, \
                 built with `build_search_index` on, or serve the sources with --root",
                dir.display()
            )));
        }
        Ok(Docs::Built { dir: dir.to_path_buf() })
    }

    /// The site's search for `query`, best first, as JSON.
    pub fn search(&self, query: &str, limit: usize) -> String {
        let hits = match self {
            Docs::Source { index, .. } => query::search(index, query, limit),
            Docs::Built { dir } => query::search(dir, query, limit),
        };
        let hits: Vec<serde_json::Value> = hits
            .into_iter()
            .map(|hit| {
                let address = match &hit.anchor {
                    Some(anchor) => format!("{}#{anchor}", hit.url),
                    None => hit.url.clone(),
                };
                serde_json::json!({
                    "title": hit.title,
                    "path": hit.url,
                    "url": self.permalink(&address),
                    "section": hit.section,
                    "heading": hit.heading,
                    "excerpt": hit.excerpt,
                })
            })
            .collect();
        serde_json::to_string_pretty(&hits).unwrap_or_else(|_| "[]".into())
    }

    /// The Markdown twin of the page at `path` (its address, `/guide/intro/`, its full URL, or its file under
    /// content/, `guide/intro.md`); `Err` says why there is none.
    pub fn page(&self, path: &str) -> std::result::Result<String, String> {
        match self {
            Docs::Source { site, config, after_content, .. } => {
                let target = find_target(site, config, path).ok_or_else(|| no_page(path))?;
                Ok(crate::twins::markdown_twin(site, config, target, after_content))
            }
            Docs::Built { dir } => {
                let relative = site_path(path).ok_or_else(|| no_page(path))?;
                std::fs::read_to_string(dir.join(relative).join("index.md")).map_err(|_| {
                    format!(
                        "{}; the build has no Markdown twin there (build with `markdown_twins = true`)",
                        no_page(path)
                    )
                })
            }
        }
    }

    fn permalink(&self, address: &str) -> String {
        match self {
            Docs::Source { config, .. } => config.permalink(address),
            Docs::Built { .. } => address.to_string(),
        }
    }
}

/// Serves `docs` on stdin and stdout until the client closes them.
pub fn run(docs: Docs) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Usage(format!("cannot start the MCP server: {e}")))?;
    let server = DocsServer { docs: Arc::new(docs), tool_router: DocsServer::tool_router() };
    runtime.block_on(async {
        let running = server
            .serve(rmcp::transport::stdio())
            .await
            .map_err(|e| Error::Usage(format!("MCP session did not start: {e}")))?;
        running.waiting().await.map_err(|e| Error::Usage(format!("MCP session failed: {e}")))?;
        Ok(())
    })
}

#[derive(Clone)]
struct DocsServer {
    docs: Arc<Docs>,
    #[expect(dead_code, reason = "`#[tool_handler]` routes the calls through it")]
    tool_router: ToolRouter<DocsServer>,
}

#[derive(serde::Deserialize, schemars::JsonSchema)]
struct SearchRequest {
    /// Words to look for, as typed into the site's search box.
    query: String,
    /// At most this many results (10 when left out).
    limit: Option<usize>,
}

#[derive(serde::Deserialize, schemars::JsonSchema)]
struct PageRequest {
    /// The page's address (`/guide/intro/`), its full URL, or its source file under content/ (`guide/intro.md`);
    /// search results give it as `path`.
    path: String,
}

#[tool_router]
impl DocsServer {
    #[tool(description = "Search the documentation as its site's search box does; returns the best pages \
                          (title, path, url, section, heading, excerpt) as JSON, best first.")]
    fn search(&self, Parameters(request): Parameters<SearchRequest>) -> String {
        self.docs.search(&request.query, request.limit.unwrap_or(DEFAULT_LIMIT))
    }

    #[tool(description = "Get one page of the documentation as Markdown: its title, description and text.")]
    fn get_page(&self, Parameters(request): Parameters<PageRequest>) -> CallToolResult {
        match self.docs.page(&request.path) {
            Ok(markdown) => CallToolResult::success(vec![ContentBlock::text(markdown)]),
            Err(message) => CallToolResult::error(vec![ContentBlock::text(message)]),
        }
    }
}

#[tool_handler]
impl ServerHandler for DocsServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("quire", env!("CARGO_PKG_VERSION")))
            .with_instructions(
                "Documentation of one site. `search` finds pages by words; `get_page` gives a page as Markdown, \
                 named by the `path` a search result gives.",
            )
    }
}

fn no_page(path: &str) -> String {
    format!("no page at `{path}`; search first, and pass a result's `path`")
}

/// The page or section `path` names: a file under content/, or an address with or without the site's base URL.
fn find_target(site: &Site, config: &crate::config::Config, path: &str) -> Option<Target> {
    let file = path.trim_start_matches("@/").trim_start_matches('/');
    if file.ends_with(".md") {
        return site.lookup(file);
    }
    let address = path.strip_prefix(config.base_url.as_str()).filter(|_| !config.base_url.is_empty()).unwrap_or(path);
    let wanted = format!("/{}", site_path(address)?.to_string_lossy());
    let wanted = if wanted.ends_with('/') { wanted } else { format!("{wanted}/") };
    site.targets().find(|&target| site.document(target).path == wanted.as_str())
}

/// The folder an address names, relative to the site's root: `/guide/intro/#x` → `guide/intro`; `None` for
/// anything that would leave it (`..`).
fn site_path(address: &str) -> Option<PathBuf> {
    let address = address.split(['#', '?']).next().unwrap_or("");
    let address = match address.split_once("://") {
        Some((_, rest)) => rest.split_once('/').map_or("", |(_, path)| path),
        None => address,
    };
    let relative = Path::new(address.trim_matches('/'));
    relative.components().all(|c| matches!(c, Component::Normal(_))).then(|| relative.to_path_buf())
}
