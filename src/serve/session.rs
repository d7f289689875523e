//! The `quire serve` loop: build into memory, publish to the server, then update the site in place for each
//! batch of source changes (`rebuild::LiveSite`), or build it again when an update cannot follow a change.
//! A failed build shows its error in open tabs and leaves the last good site served.

use super::rebuild::{FullRebuild, LiveSite};
use super::{watch_sources, Change, Debounce, ErrorReport, Problem, Reload, Server, ServerConfig, SiteFiles};
use crate::error::{Diagnostic, Result};
use crate::BuildOptions;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// What `quire serve` was asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    pub port: u16,
    pub drafts: bool,
}

/// Lines for the terminal: what happened, as it happens.
pub trait Reporter {
    fn started(&self, url: &str, notices: &[String]);
    fn built(&self, summary: &str, warnings: &[Diagnostic]);
    fn failed(&self, diagnostics: &[Diagnostic]);
}

/// Editors save with one write or a write and a rename, microseconds apart; an update costs a few
/// milliseconds, so a short quiet time shows an edit sooner and a split save only costs a second update.
const DEBOUNCE: Debounce = Debounce { quiet: Duration::from_millis(10), longest: Duration::from_secs(2) };

/// Serves the site until the process is stopped.
pub fn serve(options: &ServeOptions, reporter: &dyn Reporter) -> Result<()> {
    let build_options = BuildOptions { root: options.root.clone(), drafts: options.drafts, ..Default::default() };
    let (config, _) = crate::load_config(&build_options)?;
    let server_config =
        ServerConfig { bind: options.bind, port: options.port, base_path: config.base_path(), threads: 8 };
    let server = Server::start(server_config, SiteFiles::default())?;
    // Permalinks point at this server, not at the production host.
    let local_base_url = server.url();
    let notices: Vec<String> = server.notices().iter().map(ToString::to_string).collect();
    let watch = watch_sources(&options.root, DEBOUNCE)?;
    reporter.started(&local_base_url, &notices);
    let mut session = Session {
        options: build_options,
        base_url: local_base_url,
        live: None,
        served: SiteFiles::default(),
        unpublished: true,
        links_stale: false,
    };
    session.build(&server, reporter, "started");
    watch.watch_included(&session.included_files());
    loop {
        // The link check waits for a quiet moment: at 10k pages it takes longer than an update, and an edit
        // that came while it ran would wait for it.
        let changes = match session.links_stale {
            true => match watch.recv_timeout(LINK_CHECK_QUIET) {
                Some(changes) => changes,
                None => {
                    session.check_links(&server, reporter);
                    continue;
                }
            },
            false => match watch.recv() {
                Some(changes) => changes,
                None => break,
            },
        };
        session.apply(&changes, &server, reporter);
        watch.watch_included(&session.included_files());
    }
    Ok(())
}

/// The live site between batches of changes, and whether open tabs still show an older one.
struct Session {
    options: BuildOptions,
    base_url: String,
    /// `None` after a build that could not load the config or the templates: the next change builds again.
    live: Option<LiveSite>,
    /// The site open tabs see.
    served: SiteFiles,
    /// The last update had errors, so the served site is older than `live`: the next publish reloads fully.
    unpublished: bool,
    /// Pages changed since the live site's links were last checked.
    links_stale: bool,
}

/// How long no change must come before the links of an updated site are checked.
const LINK_CHECK_QUIET: Duration = Duration::from_millis(300);

impl Session {
    /// The files the live site's pages include, for the watch.
    fn included_files(&self) -> Vec<String> {
        self.live.as_ref().map_or_else(Vec::new, |live| live.site().included_files.keys().cloned().collect())
    }

    fn apply(&mut self, changes: &[Change], server: &Server, reporter: &dyn Reporter) {
        let started = Instant::now();
        let updated = match self.live.as_mut() {
            Some(live) => live.update_pages(changes),
            None => Err(FullRebuild("the last build failed".into())),
        };
        match updated {
            Ok(update) => {
                let summary = format!(
                    "updated {} files ({} rendered) in {:.1} ms",
                    update.files_changed,
                    update.rendered,
                    started.elapsed().as_secs_f64() * 1000.0
                );
                self.publish(server, reload_for(changes), reporter, &summary, Links::CheckedLater);
                self.publish_whole_site_files(server);
                self.links_stale = true;
            }
            Err(FullRebuild(reason)) => self.build(server, reporter, &reason),
        }
    }

    /// The sitemap, feed, llms.txt and site.json, made after the edited pages are shown; no tab reloads for them.
    fn publish_whole_site_files(&mut self, server: &Server) {
        let Some(live) = self.live.as_mut() else {
            return;
        };
        if live.refresh_whole_site_files() > 0 && !self.unpublished {
            self.served = live.files().clone();
            server.publish_quietly(self.served.clone());
        }
    }

    fn build(&mut self, server: &Server, reporter: &dyn Reporter, reason: &str) {
        let started = Instant::now();
        self.live = None;
        self.links_stale = false; // a build checks its links
        match LiveSite::build(&self.options, &self.base_url, &self.served) {
            Ok(live) => {
                let summary =
                    format!("rebuilt {} files in {} ms ({reason})", live.files().len(), started.elapsed().as_millis());
                self.live = Some(live);
                self.publish(server, Reload::Full, reporter, &summary, Links::Checked);
            }
            Err(diagnostics) => {
                self.unpublished = true;
                server.show_error(error_report(&diagnostics));
                reporter.failed(&diagnostics);
            }
        }
    }

    /// The link check of the updated site, as `build` runs it, once the edited pages are shown and no change came
    /// for a moment (`LINK_CHECK_QUIET`). A new broken link shows in open tabs and the terminal.
    fn check_links(&mut self, server: &Server, reporter: &dyn Reporter) {
        self.links_stale = false;
        let Some(live) = self.live.as_mut() else {
            return;
        };
        if !live.check_links() {
            return;
        }
        let diagnostics = live.diagnostics();
        if diagnostics.iter().any(Diagnostic::is_error) {
            self.unpublished = true;
            server.show_error(error_report(&diagnostics));
            reporter.failed(&diagnostics);
        } else {
            reporter.built("links checked", &diagnostics);
        }
    }

    /// Publishes the live site, or shows its errors and keeps serving the last good one.
    fn publish(&mut self, server: &Server, reload: Reload, reporter: &dyn Reporter, summary: &str, links: Links) {
        let Some(live) = &self.live else {
            return;
        };
        let diagnostics = match links {
            Links::Checked => live.diagnostics(),
            Links::CheckedLater => live.diagnostics_but_links(),
        };
        if diagnostics.iter().any(Diagnostic::is_error) {
            self.unpublished = true;
            server.show_error(error_report(&diagnostics));
            reporter.failed(&diagnostics);
            return;
        }
        let reload = if self.unpublished { Reload::Full } else { reload };
        self.unpublished = false;
        let timer = crate::Timer::start();
        self.served = live.files().clone();
        server.publish(self.served.clone(), reload);
        timer.lap("publish");
        reporter.built(summary, &diagnostics);
    }
}

/// Whether the live site's link check is up to date when it is published.
#[derive(Clone, Copy)]
enum Links {
    Checked,
    /// `check_links` runs once the update is shown: its last findings are about the site before the update.
    CheckedLater,
}

/// Only stylesheets changed: open tabs swap them in place instead of reloading.
pub fn reload_for(changes: &[Change]) -> Reload {
    let mut stylesheets = Vec::new();
    let mut sass = false;
    for change in changes {
        match change {
            Change::Static(path) if path.extension().is_some_and(|e| e == "css") => {
                stylesheets.push(path.to_string_lossy().replace('\\', "/"))
            }
            Change::Sass(_) => sass = true,
            _ => return Reload::Full,
        }
    }
    // A Sass edit may change any compiled stylesheet: an empty list swaps them all.
    if sass {
        stylesheets.clear();
    }
    Reload::Css(stylesheets)
}

fn error_report(diagnostics: &[Diagnostic]) -> ErrorReport {
    let problems = diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| {
            let message = match &d.help {
                Some(help) => format!("{}: {}\nhelp: {help}", d.kind, d.message),
                None => format!("{}: {}", d.kind, d.message),
            };
            let problem = Problem::new(message);
            if d.at.file.as_os_str().is_empty() {
                problem
            } else {
                problem.at(d.at.file.display().to_string(), d.at.line as u32, d.at.column as u32)
            }
        })
        .collect();
    ErrorReport { problems }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn css_only_changes_swap_stylesheets() {
        let css = reload_for(&[Change::Static(PathBuf::from("style.css")), Change::Static(PathBuf::from("a/b.css"))]);
        assert_eq!(css, Reload::Css(vec!["style.css".into(), "a/b.css".into()]));
        assert_eq!(reload_for(&[Change::Static(PathBuf::from("style.css")), Change::Config]), Reload::Full);
        // A Sass edit swaps every stylesheet (an empty list), whatever else changed in CSS.
        let sass = reload_for(&[Change::Static(PathBuf::from("style.css")), Change::Sass(PathBuf::from("_a.scss"))]);
        assert_eq!(sass, Reload::Css(Vec::new()));
        assert_eq!(reload_for(&[Change::Page(PathBuf::from("a.md"))]), Reload::Full);
    }
}
