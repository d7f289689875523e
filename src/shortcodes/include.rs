//! The built-in `include` shortcode: `{{ include(path="examples/x.rs", lines="10-20", code="rust,linenos") }}`
//! puts a file of the site (or some of its lines) into the page, as Markdown or as a fenced code block.

use super::parse::Call;
use super::{ContentCalls, Included};
use std::sync::{Arc, Mutex};
use tera::{Kwargs, State, Value};

pub const NAME: &str = "include";

const HELP_ARGUMENTS: &str = "write `{{ include(path=\"examples/x.rs\") }}` with the path from the site root; \
                              `lines=\"10-20\"` takes some lines, `code=\"rust,linenos\"` puts them in a code block";

/// The call's output (Markdown), or its message and help; `caller` is the calling body's file under `content/`.
pub fn run(calls: &ContentCalls<'_>, call: &Call, caller: &str) -> Result<String, (String, String)> {
    let arguments = Arguments::read(call.args.iter().map(|(key, value)| (key.as_str(), value)))?;
    if let Ok(mut included) = calls.included.lock() {
        included.entry(arguments.path.clone()).or_default().insert(caller.to_string());
    }
    let Some(files) = &calls.site_files else {
        return Err((format!("`include` cannot read `{}` here", arguments.path), HELP_ARGUMENTS.into()));
    };
    arguments.include(files)
}

/// `include` as a template function, for Zola 0.23 sites, whose bodies are templates (`{{ include(path="x")
/// }}` is then a function call, with the same arguments and output): reads through `files`, and records each
/// file in `included` with the body being rendered (`in_body`), or with "" from a layout template, which names
/// no body (`serve` then builds the whole site again when the file changes).
pub fn register(tera: &mut tera::Tera, files: crate::walk::Links, included: Arc<Mutex<Included>>) {
    tera.register_function(NAME, move |kwargs: Kwargs, _: &State| {
        let error = |(message, help): (String, String)| tera::Error::message(format!("{message} ({help})"));
        let args: Vec<(String, Value)> = kwargs.iter().map(|(key, value)| (key.to_string(), value.clone())).collect();
        let arguments = Arguments::read(args.iter().map(|(key, value)| (key.as_str(), value))).map_err(error)?;
        let caller = BODY.with(|body| body.borrow().clone()).unwrap_or_default();
        if let Ok(mut included) = included.lock() {
            included.entry(arguments.path.clone()).or_default().insert(caller);
        }
        arguments.include(&files).map(Value::from).map_err(error)
    });
}

thread_local! {
    /// The body (its file under `content/`) this thread is rendering as a template, if any.
    static BODY: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Runs `render` with `relative_path` as the body the `include` function records its files for.
pub fn in_body<R>(relative_path: &str, render: impl FnOnce() -> R) -> R {
    BODY.with(|body| *body.borrow_mut() = Some(relative_path.to_string()));
    let result = render();
    BODY.with(|body| *body.borrow_mut() = None);
    result
}

/// What one call asks for.
struct Arguments {
    /// From the site root.
    path: String,
    lines: Option<String>,
    /// The info string of the code block to put the text in.
    code: Option<String>,
}

impl Arguments {
    fn read<'v>(args: impl Iterator<Item = (&'v str, &'v Value)>) -> Result<Arguments, (String, String)> {
        let mut path = None;
        let mut lines = None;
        let mut code = None;
        for (key, value) in args {
            let text = value.as_str().map(str::to_string).unwrap_or_else(|| value.to_string());
            match key {
                "path" => path = Some(text),
                "lines" => lines = Some(text),
                "code" => code = Some(text),
                other => return Err((format!("`include` has no argument `{other}`"), HELP_ARGUMENTS.into())),
            }
        }
        let Some(path) = path else {
            return Err(("`include` needs a `path`".into(), HELP_ARGUMENTS.into()));
        };
        Ok(Arguments { path: path.trim_start_matches("./").to_string(), lines, code })
    }

    /// The text to put in the body: the file's lines asked for, in a code block if asked.
    fn include(&self, files: &crate::walk::Links) -> Result<String, (String, String)> {
        let path = &self.path;
        let text = files.read_from_root(path).map_err(|reason| {
            (format!("include: {reason}"), "paths start at the site root, the folder of config.toml".to_string())
        })?;
        let text = match &self.lines {
            Some(range) => select_lines(&text, range).map_err(|reason| {
                (
                    format!("include: lines `{range}` of `{path}`: {reason}"),
                    "write `lines=\"10-20\"`, `\"10-\"` or `\"7\"`".into(),
                )
            })?,
            None => text,
        };
        Ok(match &self.code {
            Some(info) => fenced(&text, info, path),
            None => text,
        })
    }
}

/// Lines `range` (`"10-20"`, `"10-"`, `"-5"`, `"7"`; counted from 1, both ends included) of `text`.
fn select_lines(text: &str, range: &str) -> Result<String, String> {
    let count = text.lines().count();
    let number = |part: &str, default: usize| match part.trim() {
        "" => Ok(default),
        digits => digits.parse::<usize>().map_err(|_| format!("`{digits}` is not a line number")),
    };
    let (first, last) = match range.split_once('-') {
        Some((first, last)) => (number(first, 1)?, number(last, count)?),
        None => {
            let line = number(range, 0)?;
            (line, line)
        }
    };
    if first == 0 || first > last {
        return Err("the first line is 1 and a range goes forward".into());
    }
    if last > count {
        return Err(format!("the file has {count} lines"));
    }
    let mut selected: String =
        text.lines().skip(first - 1).take(last - first + 1).flat_map(|line| [line, "\n"]).collect();
    if selected.is_empty() {
        selected.push('\n');
    }
    Ok(selected)
}

/// `text` in a fenced block with `info` (named after the file unless `info` names it), its fence longer than
/// any run of backticks inside.
fn fenced(text: &str, info: &str, path: &str) -> String {
    let longest_run = text.split(|c: char| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat((longest_run + 1).max(3));
    let name = match info.contains("name=") {
        true => String::new(),
        false => format!(",name={path}"),
    };
    let newline = if text.ends_with('\n') { "" } else { "\n" };
    format!("{fence}{info}{name}\n{text}{newline}{fence}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_selected_from_one() {
        let text = "a\nb\nc\nd\n";
        assert_eq!(select_lines(text, "2-3").as_deref(), Ok("b\nc\n"));
        assert_eq!(select_lines(text, "3-").as_deref(), Ok("c\nd\n"));
        assert_eq!(select_lines(text, "-1").as_deref(), Ok("a\n"));
        assert_eq!(select_lines(text, "4").as_deref(), Ok("d\n"));
        assert_eq!(select_lines(text, "3-9"), Err("the file has 4 lines".into()));
        assert!(select_lines(text, "0-2").is_err());
        assert!(select_lines(text, "x").is_err());
    }

    #[test]
    fn code_goes_in_a_fence_longer_than_its_backticks() {
        assert_eq!(fenced("x\n", "rust", "a.rs"), "```rust,name=a.rs\nx\n```\n");
        assert_eq!(fenced("````\n", "md,name=b", "a.md"), "`````md,name=b\n````\n`````\n");
    }
}
