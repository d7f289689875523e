//! Zola's template filters and tests that Tera 2 does not have built in (tera-contrib's, registered as Zola 0.23
//! registers them, and Zola's own `num_format` and `markdown`), and the Tera 2 form of Tera 1 syntax it removed.

use super::functions::Slot;
use std::sync::PoisonError;
use tera::{Error, Kwargs, State, TeraResult};

/// Registers what Zola templates use beyond Tera 2's built-ins. `slot` gives `markdown` the site's settings
/// and `@/` links once the site is built.
pub fn register(tera: &mut tera::Tera, slot: Slot) {
    tera.register_filter("base64_encode", tera_contrib::base64::b64_encode);
    tera.register_filter("base64_decode", tera_contrib::base64::b64_decode);
    tera.register_filter("regex_replace", tera_contrib::regex::RegexReplace::default());
    tera.register_filter("striptags", tera_contrib::regex::striptags);
    tera.register_filter("spaceless", tera_contrib::regex::spaceless);
    tera.register_filter("urlencode", tera_contrib::urlencode::urlencode);
    tera.register_filter("urlencode_strict", tera_contrib::urlencode::urlencode_strict);
    tera.register_filter("json_encode", tera_contrib::json::json_encode);
    tera.register_filter("filesizeformat", tera_contrib::filesize_format::filesize_format);
    tera.register_filter("format", tera_contrib::format::format);
    tera.register_filter("slugify", tera_contrib::slug::slug);
    tera.register_test("matching", tera_contrib::regex::Matching::default());
    tera.register_filter("num_format", num_format);
    tera.register_filter("int", int);
    tera.register_filter("markdown", move |text: &str, kwargs: Kwargs, _: &State| markdown(&slot, text, kwargs));
}

/// Tera 2's `int`, except that a fraction is cut off as Tera 1 (Zola 0.22) did, where Tera 2 refuses it:
/// Zola 0.22's docs halve image sizes with `(mdata.height / 2) | int`.
fn int(value: tera::Value, kwargs: Kwargs, _: &State) -> TeraResult<tera::Value> {
    let base: u32 = kwargs.get("base")?.unwrap_or(10);
    if !(2..=36).contains(&base) {
        return Err(Error::message(format!("`int`: `base` must be 2 to 36, not {base}")));
    }
    let cut = |float: f64| match float.trunc() {
        whole if whole.is_finite() && whole.abs() < 2f64.powi(100) => Ok(tera::Value::from(whole as i128)),
        _ => Err(Error::message(format!("`int`: {float} is too large for an integer"))),
    };
    if value.as_i128().is_some() {
        return Ok(value);
    }
    if let Some(float) = value.as_f64() {
        return cut(float);
    }
    let Some(text) = value.as_str() else {
        return Err(Error::message(format!("`int`: cannot make an integer of `{value}`")));
    };
    let text = text.trim();
    let digits = match base {
        2 => text.trim_start_matches("0b"),
        8 => text.trim_start_matches("0o"),
        16 => text.trim_start_matches("0x"),
        _ => text,
    };
    match i128::from_str_radix(digits, base) {
        Ok(whole) => Ok(tera::Value::from(whole)),
        Err(_) if base == 10 && text.contains('.') => match text.parse::<f64>() {
            Ok(float) => cut(float),
            Err(_) => Err(Error::message(format!("`int`: `{text}` is not a number"))),
        },
        Err(_) => Err(Error::message(format!("`int`: `{text}` is not a number in base {base}"))),
    }
}

/// `{{ 1234567 | num_format }}` → `1,234,567`; `locale="de"` groups as that locale does (Zola's filter).
fn num_format(value: i64, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    use num_format::{Locale, ToFormattedString};
    let name: Option<&str> = kwargs.get("locale")?;
    let name = name.unwrap_or("en");
    let locale = Locale::from_name(name).map_err(|_| {
        Error::message(format!("`num_format`: unknown `locale` `{name}` (write a name such as \"en\" or \"de\")"))
    })?;
    Ok(value.to_formatted_string(&locale))
}

/// `{{ text | markdown }}`: Markdown rendered as page bodies are (`inline=true` drops the paragraph around
/// a single line, as Zola does).
fn markdown(slot: &Slot, text: &str, kwargs: Kwargs) -> TeraResult<tera::Value> {
    let inline: bool = kwargs.get("inline")?.unwrap_or(false);
    let html = match slot.read().unwrap_or_else(PoisonError::into_inner).as_deref() {
        Some(lookups) => crate::pipeline::render_template_markdown(&lookups.site, &lookups.config, text).html,
        None => {
            let resolve = |_: &str| None;
            let options = crate::markdown::Options {
                settings: crate::config::MarkdownConfig::default(),
                anchors: crate::content::slug::SlugStyle::On,
                resolve: &resolve,
                heading_anchor: crate::markdown::HeadingAnchor::None,
            };
            crate::markdown::render_markdown(text, &options).html
        }
    };
    let html = match inline {
        true => html.trim_end().strip_prefix("<p>").and_then(|h| h.strip_suffix("</p>")).unwrap_or(&html).to_string(),
        false => html,
    };
    Ok(tera::Value::safe_string(&html))
}

/// The Tera 2 form of a Tera 1 construct on a template line that Tera 2 could not parse, for the diagnostic's
/// help (Zola 0.22 templates are Tera 1; Zola 0.23's and Quire's are Tera 2).
pub fn migration_hint(line: &str) -> Option<String> {
    if let Some(hint) = positional_test_hint(line) {
        return Some(hint);
    }
    let trimmed = line.trim_start();
    let tag = trimmed.trim_start_matches("{%").trim_start_matches('-').trim_start();
    if trimmed.starts_with("{%") && (tag.starts_with("macro ") || tag.starts_with("endmacro")) {
        return Some(
            "Tera 2 has no macros: define a component, `{% component name(arg) %}...{% endcomponent name %}`, \
             and call it as `{{ <name arg=value /> }}`"
                .into(),
        );
    }
    if trimmed.starts_with("{%") && tag.starts_with("import ") {
        return Some(
            "Tera 2 has no `import`: components are defined in any template and called by name, \
             `{{ <name arg=value /> }}`, instead of `{{ file::name(arg=value) }}`"
                .into(),
        );
    }
    if line.contains("::") && line.contains("{{") {
        return Some(
            "Tera 2 has no macros: call a component as `{{ <name arg=value /> }}` instead of `x::name(...)`".into(),
        );
    }
    None
}

/// `is matching("...")` → `is matching(pat="...")`: Tera 2's tests take named arguments only.
fn positional_test_hint(line: &str) -> Option<String> {
    const TESTS: [(&str, &str); 6] = [
        ("matching", "pat"),
        ("starting_with", "pat"),
        ("ending_with", "pat"),
        ("containing", "pat"),
        ("divisible_by", "divisor"),
        ("before", "date"),
    ];
    let mut rest = line;
    while let Some(i) = rest.find("is ") {
        let after = rest[i + 3..].trim_start().trim_start_matches("not ").trim_start();
        rest = &rest[i + 3..];
        let Some((name, argument)) = TESTS.iter().find(|(name, _)| after.starts_with(&format!("{name}("))) else {
            continue;
        };
        let inside = &after[name.len() + 1..];
        let end = closing_parenthesis(inside)?;
        let argument_text = inside[..end].trim();
        // Named already (`pat=...`): not this problem.
        if argument_text.split_once('=').is_some_and(|(key, _)| !key.contains(['"', '\''])) {
            return None;
        }
        return Some(format!(
            "Tera 2's tests take named arguments: write `is {name}({argument}={argument_text})` \
             instead of `is {name}({argument_text})`"
        ));
    }
    None
}

/// Where the argument list that `text` starts inside ends: the first `)` outside a quoted string.
fn closing_parenthesis(text: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (None, '"' | '\'' | '`') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, ')') => return Some(i),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(template: &str) -> String {
        let mut tera = tera::Tera::new();
        register(&mut tera, Slot::default());
        tera.add_raw_template("t", template).expect("template parses");
        tera.render("t", &tera::Context::new()).expect("template renders")
    }

    /// Issue 14: Zola's filters and tests work in Tera 2 templates.
    #[test]
    fn issue_14_zola_filters_and_tests() {
        for (template, expected) in [
            (r#"{% if "a.jpg" is matching(pat="[.](jpg|png)$") %}yes{% endif %}"#, "yes"),
            (r#"{% if "a.txt" is not matching(pat="[.](jpg|png)$") %}no{% endif %}"#, "no"),
            (r#"{{ "a1b22" | regex_replace(pattern="[0-9]+", rep="-") }}"#, "a-b-"),
            ("{{ 1234567 | num_format }}", "1,234,567"),
            (r#"{{ 1234567 | num_format(locale="de") }}"#, "1.234.567"),
            (r#"{{ "hi" | base64_encode }}"#, "aGk="),
            (r#"{{ "aGk=" | base64_decode }}"#, "hi"),
            (r#"{{ "a/b c" | urlencode_strict }}"#, "a%2Fb%20c"),
            (r#"{{ "a/b c" | urlencode }}"#, "a/b%20c"),
            (r#"{{ "<b>x</b>" | striptags }}"#, "x"),
            (r#"{{ "Héllo World" | slugify }}"#, "hello-world"),
            (r#"{{ "*x*" | markdown }}"#, "<p><em>x</em></p>\n"),
            (r#"{{ "*x*" | markdown(inline=true) }}"#, "<em>x</em>"),
        ] {
            assert_eq!(render(template), expected, "{template}");
        }
    }

    /// Issue 14: Zola 0.22's `high_res_image` shortcode halves a size with `| int`; Tera 2's refuses 308.5.
    #[test]
    fn issue_14_int_cuts_fractions_as_tera_1_did() {
        for (template, expected) in [
            ("{{ (617 / 2) | int }}", "308"),
            ("{{ -2.7 | int }}", "-2"),
            ("{{ 42 | int }}", "42"),
            (r#"{{ "12" | int }}"#, "12"),
            (r#"{{ " 3.9 " | int }}"#, "3"),
            (r#"{{ "0xff" | int(base=16) }}"#, "255"),
            (r#"{{ "101" | int(base=2) }}"#, "5"),
        ] {
            assert_eq!(render(template), expected, "{template}");
        }
        let mut tera = tera::Tera::new();
        register(&mut tera, Slot::default());
        tera.add_raw_template("t", r#"{{ "ten" | int }}"#).expect("template parses");
        let error = format!("{:?}", tera.render("t", &tera::Context::new()).unwrap_err());
        assert!(error.contains("`ten` is not a number"), "{error}");
    }

    /// Issue 14: Zola 0.22's `templates/shortcodes/gallery.html` line 3 (Tera 1) gets the Tera 2 form to write.
    #[test]
    fn issue_14_migration_hints() {
        let hint = migration_hint(r#"  {%- if asset is matching("[.](jpg|png)$") -%}"#).expect("a hint");
        assert!(hint.contains(r#"`is matching(pat="[.](jpg|png)$")`"#), "{hint}");
        assert_eq!(migration_hint(r#"{% if x is matching(pat="a") %}"#), None);
        assert!(migration_hint("{% macro card(title) %}").expect("a hint").contains("{% component name(arg) %}"));
        assert!(migration_hint(r#"{% import "macros.html" as m %}"#).expect("a hint").contains("no `import`"));
        assert!(migration_hint("{{ m::card(title=1) }}").expect("a hint").contains("{{ <name arg=value /> }}"));
        assert_eq!(migration_hint("{{ page.title }}"), None);
    }
}
