//! Calls written in a page's body, run before its Markdown: Zola 0.22's shortcodes (`{{ name(k=v) }}`,
//! `{% name(k=v) %}...{% end %}`), or for Zola 0.23 sites the whole body as a Tera template. Reads only the
//! files the built-in `include` names, through `walk` (never outside the site).
//!
//! Shortcodes are never expanded inside inline code or code blocks (Zola does, and breaks code samples), so
//! any other template language's text (`{% include x %}`, `{{ .Title }}`) stays text. A Markdown shortcode's
//! output is Markdown, put in the body before it is rendered; an HTML shortcode's output replaces a
//! placeholder in the rendered HTML, so Markdown never sees (and mangles) it, as in Zola.

mod include;
mod parse;

pub use include::register as register_include;

use crate::config::Config;
use crate::markdown::Rendered;
use parse::{token_at, Call, Token};
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use tera::Value;

/// How a body's calls are run: the site's templates and the rules config.toml chose.
pub struct ContentCalls<'a> {
    tera: &'a tera::Tera,
    /// Shortcode name → its template, `shortcodes/NAME.md` or `shortcodes/NAME.html`.
    shortcodes: BTreeMap<String, String>,
    templating: Templating,
    /// What every call sees besides `page` or `section`: `config` and `lang`, as templates do.
    globals: [(&'static str, Value); 2],
    /// Shortcodes whose template does not compile, with the error, reported where one is called.
    broken: Option<&'a BTreeMap<String, crate::error::Diagnostic>>,
    /// Where the built-in `include` reads; `None` refuses every include (tests without a site).
    site_files: Option<crate::walk::Links>,
    /// Every file an `include` asked for, read or not (from the site root), with the files under `content/`
    /// whose bodies asked: `serve` watches them, and renders those bodies again when one changes.
    included: std::sync::Mutex<Included>,
}

enum Templating {
    /// Zola ≤ 0.22: only shortcode calls outside code run.
    Shortcodes,
    /// Zola 0.23: each body is a Tera template, except files `skip_content_templating` matches.
    Tera { skip: globset::GlobSet },
}

/// Each file `include` calls asked for (from the site root), with the bodies that asked (under `content/`).
pub type Included = BTreeMap<String, std::collections::BTreeSet<String>>;

/// A call that could not run: where it starts in the body, what went wrong and the fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallError {
    pub offset: usize,
    pub message: String,
    pub help: String,
}

/// A body with its calls run, ready for Markdown; `finish` puts the HTML shortcodes' output in place.
#[derive(Debug, Default)]
pub struct Expanded {
    pub text: String,
    /// Output of each HTML shortcode, in placeholder order.
    html: Vec<String>,
    /// Each replaced span: (start in `text`, its length there, start in the body, its length there).
    replaced: Vec<(usize, usize, usize, usize)>,
}

impl<'a> ContentCalls<'a> {
    pub fn new(tera: &'a tera::Tera, config: &Config) -> ContentCalls<'a> {
        let mut shortcodes = BTreeMap::new();
        let theme_prefix = config.theme.as_ref().map(|theme| format!("{theme}/templates/"));
        for name in tera.get_template_names() {
            let Some(file) = crate::render::shortcode_file(name, theme_prefix.as_deref()) else { continue };
            let Some((stem, extension)) = file.rsplit_once('.') else { continue };
            // Zola's rule when both exist: the one found last wins; here the Markdown one, always.
            if extension == "md" || (extension == "html" && !shortcodes.contains_key(stem)) {
                shortcodes.insert(stem.to_string(), name.to_string());
            }
        }
        let templating = match &config.content_templating {
            Some(patterns) => Templating::Tera { skip: glob_set(patterns) },
            None => Templating::Shortcodes,
        };
        let globals =
            [("config", Value::from_serializable(config)), ("lang", Value::from(config.default_language.as_str()))];
        ContentCalls {
            tera,
            shortcodes,
            templating,
            globals,
            broken: None,
            site_files: None,
            included: Default::default(),
        }
    }

    /// The same, knowing which shortcodes did not compile (`Templates::broken_shortcodes`).
    pub fn with_broken_shortcodes(mut self, broken: &'a BTreeMap<String, crate::error::Diagnostic>) -> Self {
        for name in broken.keys() {
            self.shortcodes.entry(name.clone()).or_insert_with(|| format!("shortcodes/{name}.html"));
        }
        self.broken = Some(broken);
        self
    }

    /// Lets the built-in `include` read the site's files, as `links` allows.
    pub fn with_site_files(mut self, links: crate::walk::Links) -> ContentCalls<'a> {
        self.site_files = Some(links);
        self
    }

    /// The files `include` calls asked for so far, from the site root, each with the bodies that asked for it
    /// (their paths under `content/`).
    pub fn included_files(&self) -> Included {
        self.included.lock().map(|files| files.clone()).unwrap_or_default()
    }

    /// Whether a call to `name` is the built-in `include` (a site's own `shortcodes/include.*` wins).
    fn is_builtin_include(&self, name: &str) -> bool {
        name == include::NAME && !self.shortcodes.contains_key(name)
    }

    /// Whether any body could need the template functions: a site without shortcodes (and not in 0.23 mode)
    /// only needs its bodies scanned for calls to report.
    pub fn renders_templates(&self) -> bool {
        !self.shortcodes.is_empty() || matches!(self.templating, Templating::Tera { .. })
    }

    /// `body` with its calls run, or `None` when it has none (the usual case, found with one scan).
    /// `relative_path` is the file's path under `content/`; `context` holds `page` or `section`.
    pub fn expand(
        &self,
        relative_path: &str,
        body: &str,
        context: &dyn Fn() -> Vec<(&'static str, Value)>,
        code: &dyn Fn() -> Vec<Range<usize>>,
    ) -> Result<Option<Expanded>, Vec<CallError>> {
        if !may_hold_calls(body) {
            return Ok(None);
        }
        match &self.templating {
            Templating::Tera { skip } if skip.is_match(relative_path) => Ok(None),
            Templating::Tera { .. } => include::in_body(relative_path, || {
                self.render_body_template(body, &self.with_globals(context())).map(Some)
            }),
            Templating::Shortcodes => {
                let run = self.run_shortcodes(relative_path, body, self.with_globals(context()), code(), false);
                run.expect("every shortcode runs when not asked for includes only")
            }
        }
    }

    /// `expand` for a body whose only calls are to the built-in `include`, which needs neither the templates
    /// nor the rest of the site (`serve` runs them again when an included file or the body changes); `None`
    /// when the body calls anything else, or is a Zola 0.23 template.
    pub fn expand_includes(
        &self,
        relative_path: &str,
        body: &str,
        code: &dyn Fn() -> Vec<Range<usize>>,
    ) -> Option<Result<Option<Expanded>, Vec<CallError>>> {
        if !may_hold_calls(body) {
            return Some(Ok(None));
        }
        match &self.templating {
            Templating::Tera { .. } => None,
            Templating::Shortcodes => self.run_shortcodes(relative_path, body, Vec::new(), code(), true),
        }
    }

    /// Runs the shortcodes of `body`; with `includes_only`, `None` as soon as one is not the built-in `include`.
    fn run_shortcodes(
        &self,
        relative_path: &str,
        body: &str,
        context: Vec<(&'static str, Value)>,
        code: Vec<Range<usize>>,
        includes_only: bool,
    ) -> Option<Result<Option<Expanded>, Vec<CallError>>> {
        let mut run = Run {
            calls: self,
            relative_path,
            context,
            code,
            nth: HashMap::new(),
            errors: Vec::new(),
            includes_only,
            other_calls: false,
        };
        let mut expanded = Expanded::default();
        run.expand_into(body, 0, &mut expanded, Placement::Placeholders);
        if run.other_calls {
            return None;
        }
        Some(match run.errors.is_empty() {
            true if expanded.replaced.is_empty() => Ok(None),
            true => Ok(Some(expanded)),
            false => Err(run.errors),
        })
    }

    /// `context` and the globals it does not set itself (a page in another language sets `lang`).
    fn with_globals(&self, mut context: Vec<(&'static str, Value)>) -> Vec<(&'static str, Value)> {
        let missing: Vec<_> =
            self.globals.iter().filter(|(key, _)| !context.iter().any(|(set, _)| set == key)).cloned().collect();
        context.extend(missing);
        context
    }

    /// Zola 0.23: the body rendered as a one-off Tera template (components, `{% raw %}`...).
    fn render_body_template(&self, body: &str, values: &[(&'static str, Value)]) -> Result<Expanded, Vec<CallError>> {
        let mut context = tera::Context::new();
        for (key, value) in values {
            context.insert_value(*key, value.clone());
        }
        match self.tera.render_str(body, &context, false) {
            Ok(text) => {
                // Links in the output can no longer be traced to a column: they point at the body's start.
                let replaced = vec![(0, text.len(), 0, body.len())];
                Ok(Expanded { text, html: Vec::new(), replaced })
            }
            Err(error) => {
                let message = crate::render::error_chain(&error);
                let offset = one_off_position(&message).map_or(0, |(line, column)| offset_of(body, line, column));
                let message = message.split(" --> ").next().unwrap_or(&message).trim().to_string();
                Err(vec![CallError {
                    offset,
                    message: format!("this body is a Tera template (Zola 0.23) and it does not render: {message}"),
                    help: "wrap example template text in {% raw %}...{% endraw %}, or list the file in \
                           `skip_content_templating`"
                        .into(),
                }])
            }
        }
    }
}

impl Expanded {
    /// Puts each HTML shortcode's output where its placeholder was rendered (a paragraph holding only the
    /// placeholder gives way to it, as in Zola), and maps link and problem offsets back to the body as written.
    pub fn finish(self, rendered: &mut Rendered) {
        if !self.html.is_empty() {
            rendered.html = fill_placeholders(&rendered.html, &self.html);
            if let Some(summary) = &rendered.summary {
                rendered.summary = Some(fill_placeholders(summary, &self.html));
            }
            for output in &self.html {
                crate::markdown::collect_html_ids(output, 0, rendered);
            }
        }
        for link in &mut rendered.links {
            link.offset = self.offset_in_body(link.offset);
        }
        for problem in &mut rendered.problems {
            problem.offset = self.offset_in_body(problem.offset);
        }
    }

    /// `text` (this body's expanded text) with each HTML shortcode's output in place of its placeholder: the
    /// body as Markdown with raw HTML, for the page's Markdown twin.
    pub fn markdown_with_outputs(&self, text: &str) -> String {
        fill_placeholders(text, &self.html)
    }

    /// Where byte `offset` of the expanded text came from in the body: inside a call's output, the call.
    fn offset_in_body(&self, offset: usize) -> usize {
        let index = self.replaced.partition_point(|&(start, ..)| start <= offset);
        match index.checked_sub(1).map(|i| self.replaced[i]) {
            None => offset,
            Some((start, len, body_start, _)) if offset < start + len => body_start,
            Some((start, len, body_start, body_len)) => body_start + body_len + (offset - start - len),
        }
    }
}

/// Whether `text` has a `{{` or `{%`: what every call starts with.
pub fn may_hold_calls(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'{', bytes).any(|i| matches!(bytes.get(i + 1), Some(b'{' | b'%')))
}

/// Where an HTML shortcode's output goes: private-use characters Markdown passes through as text.
const PLACEHOLDER_OPEN: char = '\u{E000}';
const PLACEHOLDER_CLOSE: char = '\u{E001}';

#[derive(Clone, Copy, PartialEq, Eq)]
enum Placement {
    /// In the page's body: HTML output waits for the Markdown to be rendered.
    Placeholders,
    /// In a shortcode's body: every output goes in as it is (Zola: the outer shortcode decides).
    Inline,
}

/// One body's expansion: the calls' context and the errors found so far.
struct Run<'c, 'a> {
    calls: &'c ContentCalls<'a>,
    /// The body's file under `content/`.
    relative_path: &'c str,
    context: Vec<(&'static str, Value)>,
    /// Byte ranges of the body's inline code and code blocks, where calls stay text.
    code: Vec<Range<usize>>,
    /// How many times each shortcode has been called so far: Zola's `nth`, from 1.
    nth: HashMap<String, usize>,
    errors: Vec<CallError>,
    /// Run only the built-in `include`: any other call sets `other_calls` and runs nothing.
    includes_only: bool,
    other_calls: bool,
}

impl Run<'_, '_> {
    /// Appends `text` (which starts at `base` in the body) to `out` with its calls run.
    fn expand_into(&mut self, text: &str, base: usize, out: &mut Expanded, placement: Placement) {
        let mut copied = 0;
        let mut scan_from = 0;
        let bytes = text.as_bytes();
        for at in memchr::memchr_iter(b'{', bytes) {
            if at < scan_from {
                continue;
            }
            let Some(token) = token_at(&text[at..]) else { continue };
            let in_code = self.in_code(base + at);
            let (replacement, len) = match token {
                Token::Escaped { text, len } => (text, len),
                _ if in_code => continue,
                Token::Inline { call, len } => {
                    let nth = self.next_nth(&call.name);
                    match self.render(&call, None, nth, base + at) {
                        Some(output) => (self.place(output, &call, out, placement), len),
                        None => continue,
                    }
                }
                Token::BodyStart { call, len } => {
                    let nth = self.next_nth(&call.name);
                    let body_start = at + len;
                    let Some((body_end, end_len)) = self.matching_end(text, base, body_start) else {
                        self.errors.push(CallError {
                            offset: base + at,
                            message: format!("shortcode `{}` has no `{{% end %}}`", call.name),
                            help: "close its body with `{% end %}`".into(),
                        });
                        continue;
                    };
                    let raw_body = &text[body_start..body_end];
                    let trimmed = raw_body.trim();
                    let trimmed_base = base + body_start + (raw_body.len() - raw_body.trim_start().len());
                    let mut inner = Expanded::default();
                    self.expand_into(trimmed, trimmed_base, &mut inner, Placement::Inline);
                    scan_from = body_end + end_len;
                    match self.render(&call, Some(&inner.text), nth, base + at) {
                        Some(output) => (self.place(output, &call, out, placement), body_end + end_len - at),
                        None => continue,
                    }
                }
                Token::End { .. } => {
                    self.errors.push(CallError {
                        offset: base + at,
                        message: "`{% end %}` closes no shortcode".into(),
                        help: "remove it, or open a shortcode body before it with `{% name() %}`".into(),
                    });
                    continue;
                }
            };
            out.text.push_str(&text[copied..at]);
            out.replaced.push((out.text.len(), replacement.len(), base + at, len));
            out.text.push_str(&replacement);
            copied = at + len;
            scan_from = scan_from.max(copied);
        }
        out.text.push_str(&text[copied..]);
    }

    fn in_code(&self, offset: usize) -> bool {
        self.code.iter().any(|range| range.contains(&offset))
    }

    fn next_nth(&mut self, name: &str) -> usize {
        let nth = self.nth.entry(name.to_string()).or_insert(0);
        *nth += 1;
        *nth
    }

    /// Where the `{% end %}` of a body opened before `from` is: (its start, its length), skipping nested bodies.
    fn matching_end(&self, text: &str, base: usize, from: usize) -> Option<(usize, usize)> {
        let mut depth = 0;
        let bytes = text.as_bytes();
        for at in memchr::memchr_iter(b'{', &bytes[from..]).map(|i| from + i) {
            if self.in_code(base + at) {
                continue;
            }
            match token_at(&text[at..]) {
                Some(Token::BodyStart { .. }) => depth += 1,
                Some(Token::End { len }) if depth == 0 => return Some((at, len)),
                Some(Token::End { .. }) => depth -= 1,
                _ => {}
            }
        }
        None
    }

    /// The call's output, or `None` with the error recorded.
    fn render(&mut self, call: &Call, body: Option<&str>, nth: usize, offset: usize) -> Option<String> {
        if self.calls.is_builtin_include(&call.name) {
            return match include::run(self.calls, call, self.relative_path) {
                Ok(output) => Some(output),
                Err((message, help)) => {
                    self.errors.push(CallError { offset, message, help });
                    None
                }
            };
        }
        if self.includes_only {
            self.other_calls = true;
            return None;
        }
        let Some(template) = self.calls.shortcodes.get(&call.name) else {
            let known: Vec<&str> = self.calls.shortcodes.keys().map(String::as_str).collect();
            let help = match crate::text::nearest(&call.name, &known) {
                Some(near) => format!("did you mean `{near}`? shortcodes here: {}", known.join(", ")),
                None if known.is_empty() => format!(
                    "this site has no shortcodes: add `templates/shortcodes/{}.html` (or `.md`), or write \
                     `{{{{/* ... */}}}}` to show the call as text",
                    call.name
                ),
                None => format!(
                    "shortcodes here: {}; add `templates/shortcodes/{}.html` (or `.md`) for a new one",
                    known.join(", "),
                    call.name
                ),
            };
            self.errors.push(CallError { offset, message: format!("unknown shortcode `{}`", call.name), help });
            return None;
        };
        if let Some(broken) = self.calls.broken.and_then(|broken| broken.get(&call.name)) {
            self.errors.push(CallError {
                offset,
                message: format!("shortcode `{}` does not compile: {}: {}", call.name, broken.at, broken.message),
                help: broken.help.clone().unwrap_or_else(|| format!("fix `{}`", broken.at.file.display())),
            });
            return None;
        }
        let mut context = tera::Context::new();
        for (key, value) in &call.args {
            context.insert_value(key.clone(), value.clone());
        }
        if let Some(body) = body {
            context.insert("body", body.trim_end());
        }
        context.insert("nth", &nth);
        for (key, value) in &self.context {
            context.insert_value(*key, value.clone());
        }
        match self.calls.tera.render(template, &context) {
            Ok(output) => Some(output.replace("\r\n", "\n")),
            Err(error) => {
                self.errors.push(CallError {
                    offset,
                    message: format!("shortcode `{}` failed: {}", call.name, crate::render::error_chain(&error)),
                    help: format!("check `templates/{template}` and the arguments of this call"),
                });
                None
            }
        }
    }

    /// What goes into the text for a call's output: the Markdown itself, or a placeholder for HTML.
    fn place(&self, output: String, call: &Call, out: &mut Expanded, placement: Placement) -> String {
        let is_markdown = self.calls.shortcodes.get(&call.name).is_some_and(|t| t.ends_with(".md"))
            || self.calls.is_builtin_include(&call.name);
        if is_markdown || placement == Placement::Inline {
            return output;
        }
        out.html.push(output);
        format!("{PLACEHOLDER_OPEN}{}{PLACEHOLDER_CLOSE}", out.html.len() - 1)
    }
}

/// `html` with each placeholder replaced by its output; `<p>` around a lone placeholder is dropped.
fn fill_placeholders(html: &str, outputs: &[String]) -> String {
    let mut filled = String::with_capacity(html.len() + outputs.iter().map(String::len).sum::<usize>());
    let mut rest = html;
    while let Some(open) = rest.find(PLACEHOLDER_OPEN) {
        let after = &rest[open + PLACEHOLDER_OPEN.len_utf8()..];
        let Some(close) = after.find(PLACEHOLDER_CLOSE) else { break };
        let Some(output) = after[..close].parse::<usize>().ok().and_then(|n| outputs.get(n)) else {
            filled.push_str(&rest[..open + PLACEHOLDER_OPEN.len_utf8()]);
            rest = after;
            continue;
        };
        let (mut before, mut next) = (&rest[..open], &after[close + PLACEHOLDER_CLOSE.len_utf8()..]);
        if let (Some(b), Some(n)) = (before.strip_suffix("<p>"), next.strip_prefix("</p>")) {
            (before, next) = (b, n);
        }
        filled.push_str(before);
        filled.push_str(output);
        rest = next;
    }
    filled.push_str(rest);
    filled
}

/// Zola 0.23's `skip_content_templating` patterns; one that does not parse matches nothing (config reports it).
fn glob_set(patterns: &[String]) -> globset::GlobSet {
    let mut builder = globset::GlobSetBuilder::new();
    for pattern in patterns {
        if let Ok(glob) = globset::Glob::new(pattern) {
            builder.add(glob);
        }
    }
    builder.build().unwrap_or_else(|_| globset::GlobSet::empty())
}

/// Tera names one-off templates `__tera_one_off`: the line and column of its error.
fn one_off_position(message: &str) -> Option<(usize, usize)> {
    let rest = &message[message.find("__tera_one_off:")? + "__tera_one_off:".len()..];
    let end = rest.find(|c: char| !(c.is_ascii_digit() || c == ':')).unwrap_or(rest.len());
    let (line, column) = rest[..end].split_once(':')?;
    Some((line.parse().ok()?, column.parse().ok()?))
}

/// Byte offset of 1-based `line` and `column` (characters) in `text`.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    let line_text = &text[line_start.min(text.len())..];
    line_start + line_text.char_indices().nth(column.saturating_sub(1)).map_or(0, |(i, _)| i)
}

#[cfg(test)]
mod tests;
