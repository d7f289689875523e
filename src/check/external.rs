//! `quire check --external`: asks every http(s) address the site links to whether it is still there, a
//! few at a time, with timeouts and retries, remembering good answers for a day in `.quire-link-cache.json`.

use crate::error::{fs, Diagnostic, Location};
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

/// Checks every address of `links` (each once), then reports each link to a dead one.
pub fn check_external(root: &Path, links: &[ExternalLink]) -> Vec<Diagnostic> {
    let mut addresses: Vec<&str> = links.iter().map(|l| without_fragment(&l.url)).collect();
    addresses.sort_unstable();
    addresses.dedup();
    let cache_path = root.join(CACHE_FILE);
    let mut cache = read_cache(&cache_path);
    let now = unix_now();
    let fresh =
        |url: &str| cache.get(url).is_some_and(|&checked| now.saturating_sub(checked) < CACHE_LIFETIME.as_secs());
    let to_check: Vec<&str> = addresses.iter().copied().filter(|u| !fresh(u)).collect();
    let answers = fetch_all(&to_check, addresses.len() - to_check.len());

    let mut diagnostics = Vec::new();
    cache.retain(|_, &mut checked| now.saturating_sub(checked) < CACHE_LIFETIME.as_secs());
    for (url, answer) in to_check.iter().zip(&answers) {
        if answer.is_alive() {
            cache.insert(url.to_string(), now);
        }
    }
    let by_url: HashMap<&str, &Answer> = to_check.iter().copied().zip(&answers).collect();
    for link in links {
        let Some(answer) = by_url.get(without_fragment(&link.url)) else {
            continue; // alive, from the cache
        };
        let pages = match link.pages {
            0 | 1 => String::new(),
            n => format!(" (on {n} pages)"),
        };
        let (message, help, warning) = match answer {
            Answer::Status(status) if (200..400).contains(status) => continue,
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

/// Answers for `urls`, in order, fetched `CONCURRENCY` at a time; shows progress on stderr.
fn fetch_all(urls: &[&str], cached: usize) -> Vec<Answer> {
    let progress = Progress::start(urls.len(), cached);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_connect(Some(CONNECT_TIMEOUT))
        .timeout_global(Some(REQUEST_TIMEOUT))
        .http_status_as_error(false)
        .user_agent(concat!("quire-link-check/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let answers: Vec<Mutex<Option<Answer>>> = urls.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..CONCURRENCY.min(urls.len()) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(url) = urls.get(i) else { break };
                let answer = fetch(&agent, url);
                progress.advance(url, &answer);
                *answers[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(answer);
            });
        }
    });
    progress.finish();
    answers
        .into_iter()
        .map(|a| {
            a.into_inner().unwrap_or_else(|e| e.into_inner()).unwrap_or_else(|| Answer::Failed("not checked".into()))
        })
        .collect()
}

/// One address: HEAD, then GET for servers that do not answer HEAD well; retried with a growing pause.
fn fetch(agent: &ureq::Agent, url: &str) -> Answer {
    let mut answer = Answer::Failed("not checked".into());
    for attempt in 0..ATTEMPTS {
        if attempt > 0 {
            std::thread::sleep(Duration::from_millis(250 * u64::from(attempt)));
        }
        answer = request(agent.head(url).call());
        let head_refused = matches!(answer, Answer::Status(status) if status >= 400 && status != 429);
        if head_refused {
            answer = request(agent.get(url).call());
        }
        if !answer.may_pass_later() {
            break;
        }
    }
    answer
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
    fn only_some_failures_are_retried() {
        assert!(Answer::Status(503).may_pass_later());
        assert!(Answer::Status(429).may_pass_later());
        assert!(Answer::Failed("timed out".into()).may_pass_later());
        assert!(!Answer::Status(404).may_pass_later());
        assert!(!Answer::Status(200).may_pass_later());
    }
}
