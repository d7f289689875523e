//! `quire check --external`: asks every http(s) address the site links to whether it is still there, a
//! few at a time, with timeouts and retries, and whether the page has the `#anchor` a link names (Zola's
//! `skip_anchor_prefixes` excepted), remembering good answers for a day in `.quire-link-cache.json`.

use crate::config::LinkCheckerConfig;
use crate::error::{fs, Diagnostic, Location};
use rustc_hash::FxHashSet;
use std::collections::{BTreeMap, HashMap};
use std::io::IsTerminal;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The cache of answers, in the site root.
pub const CACHE_FILE: &str = ".quire-link-cache.json";
/// How long a good answer is trusted.
const CACHE_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);
/// Requests in flight at once.
const CONCURRENCY: usize = 8;
/// Tries per address for answers that may pass (timeouts, 5xx, 429).
const ATTEMPTS: u32 = 3;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

/// An http(s) link found in the site, where to report it, and on how many pages a template put it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalLink {
    pub url: String,
    pub at: Location,
    pub pages: usize,
}

/// Checks every address of `links` (each once, with its page when a link names an anchor on it), then reports
/// each link to a dead address or a missing anchor. The cache holds addresses that answered and, for anchors,
/// whole URLs (`https://x.org/a#b`) whose anchor was there.
pub fn check_external(root: &Path, links: &[ExternalLink], config: &LinkCheckerConfig) -> Vec<Diagnostic> {
    let mut addresses: Vec<&str> = links.iter().map(|l| without_fragment(&l.url)).collect();
    addresses.sort_unstable();
    addresses.dedup();
    let cache_path = root.join(CACHE_FILE);
    let mut cache = read_cache(&cache_path);
    let now = unix_now();
    let fresh =
        |key: &str| cache.get(key).is_some_and(|&checked| now.saturating_sub(checked) < CACHE_LIFETIME.as_secs());
    // An address is asked again when one of its links is not known good, with its page when an anchor is wanted.
    let mut wanted: BTreeMap<&str, bool> = BTreeMap::new();
    for link in links.iter().filter(|link| !fresh(cache_key(link, config))) {
        *wanted.entry(without_fragment(&link.url)).or_default() |= checked_anchor(&link.url, config).is_some();
    }
    let to_check: Vec<(&str, bool)> = wanted.into_iter().collect();
    let replies = fetch_all(&to_check, addresses.len() - to_check.len());

    let mut diagnostics = Vec::new();
    cache.retain(|_, &mut checked| now.saturating_sub(checked) < CACHE_LIFETIME.as_secs());
    let by_url: HashMap<&str, &Reply> = to_check.iter().map(|(url, _)| *url).zip(&replies).collect();
    for (url, reply) in &by_url {
        if reply.answer.is_alive() {
            cache.insert(url.to_string(), now);
        }
    }
    for link in links {
        let Some(reply) = by_url.get(without_fragment(&link.url)) else {
            continue; // alive, from the cache
        };
        let pages = match link.pages {
            0 | 1 => String::new(),
            n => format!(" (on {n} pages)"),
        };
        let (message, help, warning) = match &reply.answer {
            Answer::Status(status) if (200..400).contains(status) => {
                let Some(anchor) = checked_anchor(&link.url, config) else { continue };
                match missing_anchor(anchor, reply.ids.as_ref()) {
                    None => {
                        cache.insert(link.url.clone(), now);
                        continue;
                    }
                    Some(help) => (format!("`{}`: no anchor `#{anchor}` on that page{pages}", link.url), help, false),
                }
            }
            Answer::Status(429) => (
                format!("`{}` refused to answer: too many requests (HTTP 429){pages}", link.url),
                "check it again later".to_string(),
                true,
            ),
            Answer::Status(status) => (
                format!("`{}` is broken: HTTP {status}{pages}", link.url),
                "update or remove the link (the page may have moved)".to_string(),
                false,
            ),
            Answer::Failed(reason) => (
                format!("`{}` could not be reached: {reason}{pages}", link.url),
                "check the address; if the site is only down for now, run the check again later".to_string(),
                false,
            ),
        };
        let diagnostic = if warning {
            Diagnostic::warning(link.at.clone(), "external link", message)
        } else {
            Diagnostic::error(link.at.clone(), "external link", message)
        };
        diagnostics.push(diagnostic.with_help(help));
    }
    if let Err(e) = write_cache(&cache_path, &cache) {
        diagnostics.push(
            Diagnostic::warning(
                Location::file(CACHE_FILE),
                "external link",
                format!("cannot save the link cache: {e}"),
            )
            .with_help("make the site folder writable, or ignore this: the next run checks every address again"),
        );
    }
    diagnostics
}

/// The anchor of `url` that is looked for on its page, as Zola's link checker chooses: none when the address
/// starts with one of `skip_anchor_prefixes`, and none for what is not an element's id: `#`, `#top` (the top
/// of any page) and a script's route (`#/settings`, `#!page`).
fn checked_anchor<'u>(url: &'u str, config: &LinkCheckerConfig) -> Option<&'u str> {
    let (_, anchor) = url.split_once('#')?;
    let not_an_id = anchor.is_empty() || anchor.eq_ignore_ascii_case("top") || anchor.starts_with(['/', '!']);
    (!not_an_id && !config.skips_anchor_of(url)).then_some(anchor)
}

/// What the cache knows a good link by: its address, or its whole URL when its anchor is checked.
fn cache_key<'u>(link: &'u ExternalLink, config: &LinkCheckerConfig) -> &'u str {
    match checked_anchor(&link.url, config) {
        Some(_) => &link.url,
        None => without_fragment(&link.url),
    }
}

/// `None` when the page (its ids, when it could be read) has `anchor`, written as is or percent-encoded;
/// otherwise the help to print.
fn missing_anchor(anchor: &str, ids: Option<&FxHashSet<String>>) -> Option<String> {
    let Some(ids) = ids else {
        return Some("the page could not be read to look for the anchor; run the check again later".into());
    };
    let decoded = crate::text::percent_decode(anchor);
    if ids.contains(anchor) || ids.contains(decoded.as_ref()) {
        return None;
    }
    let mut known: Vec<&str> = ids.iter().map(String::as_str).collect();
    known.sort_unstable();
    let closest = crate::text::nearest(&decoded, &known).map(|id| format!("did you mean `#{id}`? "));
    Some(format!(
        "{}link to an `id` the page has; if a script makes its anchors (as on GitHub), add the address's start \
         to `[link_checker] skip_anchor_prefixes`",
        closest.unwrap_or_default()
    ))
}

/// What an address answered, and the ids of its page when it was fetched for them.
struct Reply {
    answer: Answer,
    /// `id`s and `<a name>`s of the page, when it was asked for and answered 2xx.
    ids: Option<FxHashSet<String>>,
}

/// What an address answered, after redirects and retries.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Answer {
    Status(u16),
    /// No HTTP answer: host not found, refused, timed out...
    Failed(String),
}

impl Answer {
    fn is_alive(&self) -> bool {
        matches!(self, Answer::Status(status) if (200..400).contains(status))
    }

    fn may_pass_later(&self) -> bool {
        match self {
            Answer::Status(status) => *status == 429 || *status >= 500,
            Answer::Failed(_) => true,
        }
    }
}

/// Replies for `urls` (each with whether its page is wanted), in order, fetched `CONCURRENCY` at a time; shows
/// progress on stderr.
fn fetch_all(urls: &[(&str, bool)], cached: usize) -> Vec<Reply> {
    let progress = Progress::start(urls.len(), cached);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_connect(Some(CONNECT_TIMEOUT))
        .timeout_global(Some(REQUEST_TIMEOUT))
        .http_status_as_error(false)
        .user_agent(concat!("quire-link-check/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let replies: Vec<Mutex<Option<Reply>>> = urls.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..CONCURRENCY.min(urls.len()) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(&(url, page)) = urls.get(i) else { break };
                let reply = fetch(&agent, url, page);
                progress.advance(url, &reply.answer);
                *replies[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(reply);
            });
        }
    });
    progress.finish();
    replies
        .into_iter()
        .map(|reply| {
            let reply = reply.into_inner().unwrap_or_else(|e| e.into_inner());
            reply.unwrap_or_else(|| Reply { answer: Answer::Failed("not checked".into()), ids: None })
        })
        .collect()
}

/// One address, retried with a growing pause: with `page`, a GET whose page is read for its ids (as Zola's
/// checker does); otherwise HEAD, then GET for servers that do not answer HEAD well.
fn fetch(agent: &ureq::Agent, url: &str, page: bool) -> Reply {
    let mut reply = Reply { answer: Answer::Failed("not checked".into()), ids: None };
    for attempt in 0..ATTEMPTS {
        if attempt > 0 {
            std::thread::sleep(Duration::from_millis(250 * u64::from(attempt)));
        }
        reply = match page {
            true => fetch_page(agent, url),
            false => {
                let mut answer = request(agent.head(url).call());
                let head_refused = matches!(answer, Answer::Status(status) if status >= 400 && status != 429);
                if head_refused {
                    answer = request(agent.get(url).call());
                }
                Reply { answer, ids: None }
            }
        };
        if !reply.answer.may_pass_later() {
            break;
        }
    }
    reply
}

/// A GET of `url` whose page, when it answers 2xx, is read (up to ureq's 10 MB) for its ids.
fn fetch_page(agent: &ureq::Agent, url: &str) -> Reply {
    match agent.get(url).header("Accept", "text/html, */*").call() {
        Ok(mut response) => {
            let status = response.status().as_u16();
            let body = (200..300).contains(&status).then(|| response.body_mut().read_to_vec().ok()).flatten();
            let ids = body.map(|bytes| super::html::scan_html(&String::from_utf8_lossy(&bytes)).ids);
            Reply { answer: Answer::Status(status), ids }
        }
        Err(e) => Reply { answer: request(Err(e)), ids: None },
    }
}

fn request(result: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Answer {
    match result {
        Ok(response) => Answer::Status(response.status().as_u16()),
        Err(ureq::Error::StatusCode(status)) => Answer::Status(status),
        Err(ureq::Error::Timeout(_)) => Answer::Failed("timed out".into()),
        Err(ureq::Error::HostNotFound) => Answer::Failed("host not found".into()),
        Err(ureq::Error::ConnectionFailed) => Answer::Failed("connection failed".into()),
        Err(ureq::Error::Io(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
            Answer::Failed("connection refused".into())
        }
        Err(ureq::Error::Io(e)) if e.kind() == std::io::ErrorKind::TimedOut => Answer::Failed("timed out".into()),
        Err(ureq::Error::Io(e)) => Answer::Failed(e.to_string()),
        Err(e) => Answer::Failed(e.to_string()),
    }
}

/// A progress bar on a terminal; one plain line per address otherwise (logs, CI).
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    total: usize,
    done: AtomicUsize,
}

impl Progress {
    fn start(total: usize, cached: usize) -> Progress {
        let terminal = std::io::stderr().is_terminal();
        let bar = (terminal && total > 0).then(|| {
            let bar = indicatif::ProgressBar::new(total as u64);
            if let Ok(style) =
                indicatif::ProgressStyle::with_template("checking external links {bar:30} {pos}/{len} {wide_msg}")
            {
                bar.set_style(style);
            }
            bar
        });
        if bar.is_none() {
            eprintln!("external links: {total} to check, {cached} known good from {CACHE_FILE}");
        }
        Progress { bar, total, done: AtomicUsize::new(0) }
    }

    fn advance(&self, url: &str, answer: &Answer) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        match &self.bar {
            Some(bar) => {
                bar.set_message(url.to_string());
                bar.inc(1);
            }
            None => {
                let result = match answer {
                    Answer::Status(status) => format!("HTTP {status}"),
                    Answer::Failed(reason) => reason.clone(),
                };
                eprintln!("[{done}/{}] {url}: {result}", self.total);
            }
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn without_fragment(url: &str) -> &str {
    url.split_once('#').map_or(url, |(u, _)| u)
}

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Address → when it last answered well (seconds since 1970). A missing or damaged cache is empty.
fn read_cache(path: &Path) -> BTreeMap<String, u64> {
    let Ok(Some(text)) = fs::read_to_string_opt(path) else {
        return BTreeMap::new();
    };
    let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) else {
        return BTreeMap::new();
    };
    value["alive"]
        .as_object()
        .map(|alive| alive.iter().filter_map(|(url, checked)| Some((url.clone(), checked.as_u64()?))).collect())
        .unwrap_or_default()
}

fn write_cache(path: &Path, cache: &BTreeMap<String, u64>) -> crate::error::Result<()> {
    let value = serde_json::json!({
        "about": "quire check --external: addresses that answered well, with when (Unix time); safe to delete",
        "alive": cache,
    });
    let text = serde_json::to_string_pretty(&value).unwrap_or_default();
    let temporary = path.with_extension("json.tmp");
    fs::write(&temporary, text.as_bytes())?;
    fs::rename(&temporary, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_round_trips_and_forgives_damage() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(CACHE_FILE);
        assert!(read_cache(&path).is_empty());
        let cache = BTreeMap::from([("https://example.org/".to_string(), 1_700_000_000)]);
        write_cache(&path, &cache).expect("writable");
        assert_eq!(read_cache(&path), cache);
        std::fs::write(&path, "{not json").expect("writable");
        assert!(read_cache(&path).is_empty());
    }

    #[test]
    fn anchors_are_checked_as_zola_checks_them() {
        let config =
            LinkCheckerConfig { skip_anchor_prefixes: vec!["https://github.com/".into()], ..Default::default() };
        let anchor = |url: &'static str| checked_anchor(url, &config);
        assert_eq!(anchor("https://x.org/a#setup"), Some("setup"));
        for unchecked in [
            "https://x.org/a",
            "https://x.org/a#",
            "https://x.org/a#top",
            "https://x.org/#/route",
            "https://x.org/#!page",
            "https://github.com/o/r#readme",
        ] {
            assert_eq!(anchor(unchecked), None, "{unchecked}");
        }
        let ids: FxHashSet<String> = ["setup", "café"].into_iter().map(String::from).collect();
        assert_eq!(missing_anchor("setup", Some(&ids)), None);
        assert_eq!(missing_anchor("caf%C3%A9", Some(&ids)), None);
        assert!(missing_anchor("stup", Some(&ids)).is_some_and(|help| help.starts_with("did you mean `#setup`?")));
    }

    #[test]
    fn only_some_failures_are_retried() {
        assert!(Answer::Status(503).may_pass_later());
        assert!(Answer::Status(429).may_pass_later());
        assert!(Answer::Failed("timed out".into()).may_pass_later());
        assert!(!Answer::Status(404).may_pass_later());
        assert!(!Answer::Status(200).may_pass_later());
    }
}
