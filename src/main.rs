//! The `quire` command line: parses arguments, calls the library, prints diagnostics and the summary.
//! The only user of `anyhow`; exit codes: 0 success, 1 site error, 2 usage error.

use clap::{Parser, Subcommand};

mod allocator;

use quire::error::{Diagnostic, Error, Severity};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "quire",
    version,
    about = "Quire turns a folder of Markdown with front matter into a fast, accessible static website."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (public/ by default).
    Build {
        /// The site folder (holding content/, and optionally config.toml, templates/, static/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site; defaults to ROOT/public. Quire refuses folders holding files it did not write.
        #[arg(long)]
        output: Option<PathBuf>,
        /// Override config.toml's base_url: https://example.org/docs/, or a path such as /docs/.
        #[arg(long, value_name = "URL", value_parser = base_url_flag)]
        base_url: Option<String>,
        /// Include pages marked `draft = true`.
        #[arg(long)]
        drafts: bool,
        /// Treat warnings (unknown front-matter keys, Zola settings Quire ignores...) as errors.
        #[arg(long)]
        strict: bool,
        /// Write links relative to each page (with index.html), so the output works opened from disk.
        #[arg(long)]
        offline: bool,
    },
    /// Build the site into memory and serve it with live reload; the output folder is left untouched.
    Serve {
        /// The site folder (holding content/, and optionally config.toml, templates/, static/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// First port to try; the next free one is used when it is busy.
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Address to listen on. Anything but 127.0.0.1 exposes the preview to the network (a warning says so).
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
        /// Include pages marked `draft = true`.
        #[arg(long)]
        drafts: bool,
    },
    /// Answer an AI assistant's questions about the site: a Model Context Protocol server on stdin/stdout with the
    /// tools `search` (the site's own search) and `get_page` (a page as Markdown).
    Mcp {
        /// The site folder, served from its sources.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Serve the folder `quire build` wrote (its search index, and the Markdown twins of `markdown_twins = true`)
        /// instead of the sources.
        #[arg(long, value_name = "DIR")]
        built: Option<PathBuf>,
    },
    /// Check the site (front matter, links, anchors, relations) without writing anything.
    Check {
        /// The site folder (holding content/, and optionally config.toml, templates/, static/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Include pages marked `draft = true`.
        #[arg(long)]
        drafts: bool,
        /// Also check http(s) links over the network, and the `#anchor`s they name on their pages.
        #[arg(long)]
        external: bool,
        /// `human` (compiler-style, on stderr) or `json` (a list of objects on stdout; `[]` when all is well).
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Create a new site in DIR (default: the current folder) using the built-in theme.
    Init {
        /// The folder to create the site in; made if missing. It must be empty unless --force.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The site's title, written to config.toml.
        #[arg(long, default_value = "My Documentation")]
        title: String,
        /// The address the site will have, written to config.toml as base_url (change it there later).
        #[arg(long, value_name = "URL", default_value = "https://example.org", value_parser = base_url_flag)]
        base_url: String,
        /// Allow a non-empty folder (existing files are still never overwritten).
        #[arg(long)]
        force: bool,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Human,
    Json,
}

fn main() -> ExitCode {
    allocator::configure();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    ExitCode::from(run(cli.command))
}

/// Runs one command; returns the exit code.
fn run(command: Command) -> u8 {
    match command {
        Command::Build { root, output, base_url, drafts, strict, offline } => {
            let options =
                quire::BuildOptions { root: root.clone(), output, base_url, drafts, strict, offline, twins: false };
            match quire::build(&options) {
                Ok(report) => {
                    print_diagnostics(&root, &report.warnings);
                    println!(
                        "Built {} pages and {} sections ({} files) in {} ms into {}",
                        report.pages,
                        report.sections,
                        report.files,
                        report.elapsed.as_millis(),
                        report.output.display()
                    );
                    0
                }
                Err(e) => report_error(&root, e),
            }
        }
        Command::Serve { root, port, bind, open, drafts } => {
            let options = quire::serve::session::ServeOptions { root: root.clone(), bind, port, drafts };
            let reporter = TerminalReporter { root: root.clone(), open };
            match quire::serve::session::serve(&options, &reporter) {
                Ok(()) => 0,
                Err(e) => report_error(&root, e),
            }
        }
        Command::Mcp { root, built } => {
            let docs = match &built {
                Some(dir) => quire::mcp::Docs::from_build(dir),
                None => quire::mcp::Docs::from_source(&root),
            };
            match docs.and_then(quire::mcp::run) {
                Ok(()) => 0,
                Err(e) => report_error(&root, e),
            }
        }
        Command::Check { root, drafts, external, format } => {
            let options = quire::check::CheckOptions { root: root.clone(), drafts, external };
            match quire::check::check_site(&options) {
                Ok(diagnostics) => {
                    if format == Format::Json {
                        println!("{}", json_list(&diagnostics));
                    } else {
                        print_diagnostics(&root, &diagnostics);
                    }
                    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
                    if format == Format::Human {
                        eprintln!("{errors} error(s), {} warning(s)", diagnostics.len() - errors);
                    }
                    if errors > 0 {
                        1
                    } else {
                        0
                    }
                }
                Err(e) => report_error(&root, e),
            }
        }
        Command::Init { dir, title, base_url, force } => match quire::init::init_site(&dir, &title, &base_url, force) {
            Ok(files) => {
                for file in &files {
                    println!("created {}", file.display());
                }
                println!("New site in {}. Next: quire serve --root {}", dir.display(), dir.display());
                0
            }
            Err(e) => report_error(&dir, e),
        },
    }
}

/// `--base-url` checked as config.toml's `base_url` is; a bad one is a usage error naming the flag.
fn base_url_flag(value: &str) -> Result<String, String> {
    match quire::config::check_base_url(value) {
        Ok(()) => Ok(value.to_string()),
        Err(reason) => Err(format!("`{value}` {reason}\n  help: {}", quire::config::BASE_URL_HELP)),
    }
}

/// The diagnostics as one JSON list, an object a line (`[]` when there are none), so a tool always gets JSON.
fn json_list(diagnostics: &[Diagnostic]) -> String {
    let objects: Vec<String> = diagnostics.iter().map(|d| serde_json::to_string(d).unwrap_or_default()).collect();
    match objects.is_empty() {
        true => "[]".to_string(),
        false => format!("[\n{}\n]", objects.join(",\n")),
    }
}

fn report_error(root: &Path, error: Error) -> u8 {
    match &error {
        Error::Site(diagnostics) => {
            print_diagnostics(root, diagnostics);
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            let warnings = diagnostics.len() - errors;
            if errors == 0 {
                eprintln!("error: build failed: {warnings} warning(s) and --strict");
            } else {
                eprintln!("error: build failed with {errors} error(s); the previous output was left as it was");
            }
            1
        }
        Error::Usage(message) => {
            eprintln!("error: {message}");
            2
        }
        _ => {
            // The error itself, not its text, so every cause below it is still there to print.
            let error = anyhow::Error::new(error);
            eprintln!("error: {error}");
            let mut shown = error.to_string();
            for cause in error.chain().skip(1) {
                let cause = cause.to_string();
                // Some messages already quote their cause (`path: No such file...`): not twice.
                if !shown.contains(&cause) {
                    eprintln!("  caused by: {cause}");
                    shown = cause;
                }
            }
            1
        }
    }
}

/// Prints what `quire serve` does, as it happens.
struct TerminalReporter {
    root: PathBuf,
    open: bool,
}

impl quire::serve::session::Reporter for TerminalReporter {
    fn started(&self, url: &str, notices: &[String]) {
        for notice in notices {
            eprintln!("{notice}");
        }
        println!("Serving {} at {url} (Ctrl-C to stop)", self.root.display());
        if self.open {
            // Best effort: a missing opener only means the user opens the URL themselves.
            let opener = if cfg!(target_os = "macos") { "open" } else { "xdg-open" };
            let _ = std::process::Command::new(opener).arg(url).spawn();
        }
    }

    fn built(&self, summary: &str, warnings: &[Diagnostic]) {
        print_diagnostics(&self.root, warnings);
        println!("{summary}");
    }

    fn failed(&self, diagnostics: &[Diagnostic]) {
        print_diagnostics(&self.root, diagnostics);
        eprintln!("build failed; still serving the last good site");
    }
}

/// Each diagnostic as a compiler would print it, with the offending source line when there is one.
fn print_diagnostics(root: &Path, diagnostics: &[Diagnostic]) {
    use annotate_snippets::{Level, Renderer, Snippet};
    let renderer =
        if std::io::IsTerminal::is_terminal(&std::io::stderr()) { Renderer::styled() } else { Renderer::plain() };
    for diagnostic in diagnostics {
        let level = match diagnostic.severity {
            Severity::Error => Level::Error,
            Severity::Warning => Level::Warning,
        };
        let title = format!("{}: {}", diagnostic.kind, diagnostic.message);
        let source =
            (diagnostic.at.line > 0).then(|| std::fs::read_to_string(root.join(&diagnostic.at.file)).ok()).flatten();
        let origin = diagnostic.at.file.display().to_string();
        let help = diagnostic.help.clone().unwrap_or_default();
        let mut message = level.title(&title);
        let line_text;
        if let Some(text) = &source {
            line_text = text.lines().nth(diagnostic.at.line - 1).unwrap_or("").to_string();
            let column = diagnostic.at.column.saturating_sub(1);
            let start = line_text.char_indices().nth(column).map_or(line_text.len(), |(i, _)| i);
            let end = line_text[start..].find(char::is_whitespace).map_or(line_text.len(), |i| start + i.max(1));
            message = message.snippet(
                Snippet::source(&line_text)
                    .line_start(diagnostic.at.line)
                    .origin(&origin)
                    .annotation(level.span(start..end.max(start).min(line_text.len()))),
            );
        }
        if !help.is_empty() {
            message = message.footer(Level::Help.title(&help));
        }
        if source.is_some() {
            eprintln!("{}\n", renderer.render(message));
        } else {
            eprintln!("{diagnostic}\n");
        }
    }
}
