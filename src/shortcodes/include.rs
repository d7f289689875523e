//! The built-in `include` shortcode: `{{ include(path="examples/x.rs", lines="10-20", code="rust,linenos") }}`
//! puts a file of the site (or some of its lines) into the page, as Markdown or as a fenced code block.

use super::parse::Call;
use super::ContentCalls;

pub const NAME: &str = "include";

const HELP_ARGUMENTS: &str = "write `{{ include(path=\"examples/x.rs\") }}` with the path from the site root; \
                              `lines=\"10-20\"` takes some lines, `code=\"rust,linenos\"` puts them in a code block";

/// The call's output (Markdown), or its message and help.
pub fn run(calls: &ContentCalls<'_>, call: &Call) -> Result<String, (String, String)> {
    let mut path = None;
    let mut lines = None;
    let mut code = None;
    for (key, value) in &call.args {
        let text = value.as_str().map(str::to_string).unwrap_or_else(|| value.to_string());
        match key.as_str() {
            "path" => path = Some(text),
            "lines" => lines = Some(text),
            "code" => code = Some(text),
            other => return Err((format!("`include` has no argument `{other}`"), HELP_ARGUMENTS.into())),
        }
    }
    let Some(path) = path else {
        return Err(("`include` needs a `path`".into(), HELP_ARGUMENTS.into()));
    };
    let path = path.trim_start_matches("./").to_string();
    if let Ok(mut included) = calls.included.lock() {
        included.insert(path.clone());
    }
    let Some(files) = &calls.site_files else {
        return Err((format!("`include` cannot read `{path}` here"), HELP_ARGUMENTS.into()));
    };
    let text = files.read_from_root(&path).map_err(|reason| {
        (format!("include: {reason}"), "paths start at the site root, the folder of config.toml".to_string())
    })?;
    let text = match &lines {
        Some(range) => select_lines(&text, range).map_err(|reason| {
            (
                format!("include: lines `{range}` of `{path}`: {reason}"),
                "write `lines=\"10-20\"`, `\"10-\"` or `\"7\"`".into(),
            )
        })?,
        None => text,
    };
    Ok(match code {
        Some(info) => fenced(&text, &info, &path),
        None => text,
    })
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
