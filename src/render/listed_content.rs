//! Whether any template may read the `content` of a page other than the one being rendered (`p.content` in a
//! loop over `section.pages`): then lists of pages carry each page's HTML, as Zola's do. Pure text scanning.

use std::collections::{HashMap, HashSet};

/// The names under which a render sees its own page and section, whose `content` is always there.
const OWN: [&str; 2] = ["page", "section"];

/// Whether any of the templates `sources` (name, text) may read `content` of a page in a list, a neighbour or a
/// component argument: `p.content`, `page.lower.content`, `x["content"]`, `get(key="content")`,
/// `pages | json_encode`, or `page.content` where `page` names another page (`for page in ...`, `set page = ...`,
/// a component argument `page` given anything but the page itself, a block inside such a loop, or a template
/// included there that reads it). `fallback` is the Zola theme's prefix (`NAME/templates/`), where an included
/// name the sources lack is looked for, as Tera looks. Errs towards `true`: a list that carries content it need
/// not costs memory, one that lacks it prints nothing where Zola prints.
pub fn reads_listed_content<'t>(sources: impl IntoIterator<Item = (&'t str, &'t str)>, fallback: Option<&str>) -> bool {
    let mut findings = Findings::default();
    for (name, text) in sources {
        let own_read = scan_template(text, &mut findings);
        // What it extends, includes or imports (`None`: one is not named by a literal).
        let references = super::blocks::references(text);
        findings.templates.insert(name, (own_read, references));
    }
    findings.reads_listed(fallback)
}

/// What the templates do with `content` and with the names of the render's own page and section (index as `OWN`).
#[derive(Default)]
struct Findings<'t> {
    /// Something reads `content` of a value that may be a listed page.
    listed: bool,
    /// Each template by name: whether it reads `page.content` of the render's own page (unless a loop or `set`
    /// leaks another into it), and the templates it extends, includes or imports (`None`: one is not a literal).
    templates: HashMap<&'t str, ([bool; 2], Option<Vec<String>>)>,
    /// A block (or an include not named by a literal) inside a scope that rebinds the name, or a `set` of it
    /// outside any loop: what renders there sees the other value.
    leaks: [bool; 2],
    /// The templates included inside a scope that rebinds the name.
    leaked_includes: [Vec<String>; 2],
    /// `page.content` inside a component that takes `page` as an argument.
    component_read: [bool; 2],
    /// An include or block inside such a component: what it renders sees the argument.
    component_leaks: [bool; 2],
    /// Some component call passes `page=` something other than the render's own page.
    passed_other: [bool; 2],
    /// A component takes the argument `@implicit`, from its caller's scope.
    implicit: [bool; 2],
    /// Some loop or `set` rebinds the name.
    rebound: [bool; 2],
}

impl Findings<'_> {
    fn reads_listed(&self, fallback: Option<&str>) -> bool {
        self.listed
            || (0..OWN.len()).any(|n| {
                let own_read = self.templates.values().any(|(read, _)| read[n]);
                let component_gets_other = self.passed_other[n] || (self.implicit[n] && self.rebound[n]);
                let component_reads = self.component_read[n] || (self.component_leaks[n] && own_read);
                (self.leaks[n] && own_read)
                    || (component_gets_other && component_reads)
                    || self.reached_read(&self.leaked_includes[n], n, fallback)
            })
    }

    /// Whether any template `names` reach (through `include`, `extends`, `import`) reads the own name `OWN[n]`'s
    /// `content`; a reference that is not a literal, or a template not found, may reach any.
    fn reached_read(&self, names: &[String], n: usize, fallback: Option<&str>) -> bool {
        let find = |name: &str| {
            let prefixed = fallback.map(|prefix| format!("{prefix}{name}"));
            self.templates.get(name).or_else(|| prefixed.and_then(|prefixed| self.templates.get(prefixed.as_str())))
        };
        let any_read = || self.templates.values().any(|(read, _)| read[n]);
        let mut seen = HashSet::new();
        let mut queue: Vec<&str> = names.iter().map(String::as_str).collect();
        while let Some(name) = queue.pop() {
            if !seen.insert(name) {
                continue;
            }
            match find(name) {
                Some((read, Some(references))) => {
                    if read[n] {
                        return true;
                    }
                    queue.extend(references.iter().map(String::as_str));
                }
                _ => return any_read(),
            }
        }
        false
    }
}

/// A scope a template opens: a loop, a block or a component definition.
#[derive(Default)]
struct Scope<'t> {
    kind: &'t str,
    /// The own names this scope binds to something else.
    rebinds: [bool; 2],
    /// The own names a component takes as arguments.
    params: [bool; 2],
    /// A loop variable known not to be a page (`for entry in print_entries`).
    not_a_page: Option<&'t str>,
}

/// Scans one template into `findings`; returns whether it reads the own names' `content` (`OWN`) where they are
/// the render's own unless a loop elsewhere leaks another in.
fn scan_template<'t>(text: &'t str, findings: &mut Findings) -> [bool; 2] {
    let mut own_read = [false; 2];
    let mut scopes: Vec<Scope<'t>> = Vec::new();
    // A `set page = ...` outside any loop: the rest of the render sees it.
    let mut set_at_top = [false; 2];
    for (is_statement, code) in code_regions(text) {
        let tokens = tokenize(code);
        let keyword = if is_statement { ident(&tokens, 0) } else { None };
        match keyword {
            Some("for") => {
                let in_at = tokens.iter().position(|t| *t == Token::Ident("in")).unwrap_or(tokens.len());
                let names: Vec<&str> = (1..in_at).filter_map(|i| ident(&tokens, i)).collect();
                let iterable = &tokens[(in_at + 1).min(tokens.len())..];
                let mut scope = Scope { kind: "for", ..Scope::default() };
                for (n, own) in OWN.iter().enumerate() {
                    scope.rebinds[n] = names.contains(own);
                    findings.rebound[n] |= scope.rebinds[n];
                }
                if iterable == [Token::Ident("print_entries")] {
                    scope.not_a_page = names.first().copied(); // Quire's print view: `{title, content, ...}`
                }
                // `for key, value in p`: the keys of a page, `content` among them.
                let last = iterable.last();
                let over_a_page = (iterable.len() == 1 && iterable[0] != Token::Ident("config"))
                    || matches!(last, Some(Token::Punct(']' | ')') | Token::Ident("lower" | "higher")));
                findings.listed |= names.len() == 2 && over_a_page;
                scopes.push(scope);
            }
            Some("block") | Some("include") => {
                let included = match tokens.get(1) {
                    Some(Token::Str(name)) if keyword == Some("include") => Some(name.to_string()),
                    _ => None,
                };
                for n in 0..OWN.len() {
                    match (&included, foreign(&scopes, &set_at_top, n)) {
                        (Some(name), true) => findings.leaked_includes[n].push(name.clone()),
                        (None, true) => findings.leaks[n] = true,
                        (_, false) => {}
                    }
                    findings.component_leaks[n] |= scopes.iter().any(|scope| scope.params[n]);
                }
                if keyword == Some("block") {
                    scopes.push(Scope { kind: "block", ..Scope::default() });
                }
            }
            Some("component") => {
                let mut scope = Scope { kind: "component", ..Scope::default() };
                for (i, token) in tokens.iter().enumerate() {
                    let Some(n) = own_index(*token) else { continue };
                    let before = i.checked_sub(1).map(|b| tokens[b]);
                    let starts_param = matches!(before, Some(Token::Punct('(' | ',' | '@')));
                    scope.params[n] |= starts_param;
                    findings.implicit[n] |= before == Some(Token::Punct('@'));
                }
                scopes.push(scope);
            }
            Some("endfor" | "endblock" | "endcomponent") => {
                let kind = &keyword.unwrap_or_default()[3..];
                if let Some(at) = scopes.iter().rposition(|scope| scope.kind == kind) {
                    scopes.truncate(at);
                }
            }
            Some("set" | "set_global") => {
                if let (Some(n), Some(Token::Punct('='))) = (tokens.get(1).copied().and_then(own_index), tokens.get(2))
                {
                    let value = &tokens[3..];
                    let itself = value == [Token::Ident(OWN[n])];
                    // A section from `get_section` has its content, as the render's own has.
                    let a_section = n == 1 && value.first() == Some(&Token::Ident("get_section"));
                    if !itself && !a_section {
                        findings.rebound[n] = true;
                        match scopes.iter_mut().rev().find(|scope| scope.kind == "for") {
                            // Tera 2 keeps a `set` inside a loop to that loop.
                            Some(scope) if keyword == Some("set") => scope.rebinds[n] = true,
                            _ => (set_at_top[n], findings.leaks[n]) = (true, true),
                        }
                    }
                }
            }
            _ => {}
        }
        let defines = matches!(keyword, Some("set" | "set_global" | "component"));
        for (i, token) in tokens.iter().enumerate() {
            match *token {
                Token::Str("content") | Token::Ident("__tera_context") => findings.listed = true,
                Token::Ident("json_encode") => findings.listed |= may_encode_pages(&tokens[..i]),
                Token::Ident("content") if i >= 2 && tokens[i - 1] == Token::Punct('.') => {
                    // The value it is read from, `?.` (Tera 2's optional access) or not.
                    let receiver = if tokens[i - 2] == Token::Punct('?') { i.saturating_sub(3) } else { i - 2 };
                    let is_root = receiver == 0 || tokens[receiver - 1] != Token::Punct('.');
                    match tokens[receiver] {
                        Token::Ident(name) if is_root => match own_index(tokens[receiver]) {
                            Some(n) if foreign(&scopes, &set_at_top, n) => findings.listed = true,
                            Some(n) if scopes.iter().any(|scope| scope.params[n]) => findings.component_read[n] = true,
                            Some(n) => own_read[n] = true,
                            None => findings.listed |= !scopes.iter().any(|scope| scope.not_a_page == Some(name)),
                        },
                        _ => findings.listed = true,
                    }
                }
                // A component argument `page=...`: the render's own page, or another.
                Token::Ident(_) if !defines && tokens.get(i + 1) == Some(&Token::Punct('=')) => {
                    let Some(n) = own_index(*token) else { continue };
                    if (i > 0 && tokens[i - 1] == Token::Punct('.')) || tokens.get(i + 2) == Some(&Token::Punct('=')) {
                        continue;
                    }
                    let value = &tokens[i + 2..];
                    let own = Token::Ident(OWN[n]);
                    let bare = value.first() == Some(&own)
                        && !matches!(value.get(1), Some(Token::Punct('.' | '[' | '|' | '(' | '?')));
                    let itself = bare || value.starts_with(&[Token::Punct('{'), own, Token::Punct('}')]);
                    findings.passed_other[n] |= !itself || foreign(&scopes, &set_at_top, n);
                }
                _ => {}
            }
        }
    }
    own_read
}

/// Fields of a page or section that hold no page: what `json_encode` may encode without a page's `content`.
const NO_PAGE_FIELDS: [&str; 22] = [
    "title",
    "description",
    "content",
    "summary",
    "permalink",
    "path",
    "slug",
    "date",
    "updated",
    "lang",
    "name",
    "word_count",
    "reading_time",
    "relative_path",
    "year",
    "month",
    "day",
    "weight",
    "authors",
    "taxonomies",
    "components",
    "toc",
];

/// Whether the expression ending at the end of `before` (`... | json_encode`) may encode a page or a list of
/// them, whose JSON would hold `content`: not when it starts from a text field (`page.title | striptags`), a
/// string, `config` or `extra`.
fn may_encode_pages(before: &[Token]) -> bool {
    let mut depth = 0usize;
    let mut start = 0;
    for (j, token) in before.iter().enumerate().rev() {
        match token {
            Token::Punct(')' | ']' | '}') => depth += 1,
            Token::Punct('(' | '[' | '{') if depth > 0 => depth -= 1,
            Token::Punct('(' | '[' | '{' | '=' | ',') if depth == 0 => {
                start = j + 1;
                break;
            }
            _ => {}
        }
    }
    let head: Vec<Token> = before[start..].iter().copied().take_while(|t| *t != Token::Punct('|')).collect();
    let names: Vec<&str> =
        head.iter().filter_map(|t| if let Token::Ident(name) = t { Some(*name) } else { None }).collect();
    let a_path = head.iter().all(|t| matches!(t, Token::Ident(_) | Token::Punct('.' | '?')));
    let no_page = match (head.as_slice(), names.first(), names.last()) {
        ([Token::Str(_)], _, _) => true,
        (_, Some(&"config"), _) => a_path,
        (_, _, Some(last)) => a_path && (names.contains(&"extra") || NO_PAGE_FIELDS.contains(last)),
        _ => false,
    };
    !no_page
}

/// Whether the own name `OWN[n]` may name another value here: a scope rebinds it, or a `set` before did.
fn foreign(scopes: &[Scope], set_at_top: &[bool; 2], n: usize) -> bool {
    set_at_top[n] || scopes.iter().any(|scope| scope.rebinds[n])
}

fn own_index(token: Token) -> Option<usize> {
    match token {
        Token::Ident(name) => OWN.iter().position(|own| *own == name),
        _ => None,
    }
}

fn ident<'t>(tokens: &[Token<'t>], i: usize) -> Option<&'t str> {
    match tokens.get(i) {
        Some(Token::Ident(name)) => Some(name),
        _ => None,
    }
}

/// A token of template code, as far as this scan tells them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token<'t> {
    /// A name, keyword or number.
    Ident(&'t str),
    /// The inside of a string literal.
    Str(&'t str),
    Punct(char),
}

fn tokenize(code: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut rest = code;
    while let Some(c) = rest.chars().next() {
        let taken = if c.is_whitespace() {
            c.len_utf8()
        } else if c.is_alphanumeric() || c == '_' {
            let end = rest.find(|c: char| !c.is_alphanumeric() && c != '_').unwrap_or(rest.len());
            tokens.push(Token::Ident(&rest[..end]));
            end
        } else if matches!(c, '"' | '\'' | '`') {
            let end = rest[1..].find(c).map_or(rest.len(), |i| i + 1);
            tokens.push(Token::Str(&rest[1..end]));
            (end + 1).min(rest.len())
        } else {
            tokens.push(Token::Punct(c));
            c.len_utf8()
        };
        rest = &rest[taken..];
    }
    tokens
}

/// The code of every `{% ... %}` (true) and `{{ ... }}` (false) of a template, in order, without delimiters and
/// whitespace control; comments and `{% raw %}` text skipped.
fn code_regions(text: &str) -> impl Iterator<Item = (bool, &str)> {
    let mut from = 0;
    let mut in_raw = false;
    std::iter::from_fn(move || loop {
        let open = from + text.get(from..)?.find('{')?;
        let close = match text.as_bytes().get(open + 1) {
            Some(b'%') => "%}",
            Some(b'{') => "}}",
            Some(b'#') => "#}",
            _ => {
                from = open + 1;
                continue;
            }
        };
        let end = open + 2 + text[open + 2..].find(close)?;
        from = end + 2;
        let code = text[open + 2..end].trim_matches(|c: char| matches!(c, '-' | '+' | '~')).trim();
        let is_statement = close == "%}";
        if is_statement && matches!(code, "raw" | "endraw") {
            in_raw = code == "raw";
        } else if close != "#}" && !in_raw {
            return Some((is_statement, code));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The templates are named `0.html`, `1.html`...
    fn reads(templates: &[&str]) -> bool {
        let names: Vec<String> = (0..templates.len()).map(|i| format!("{i}.html")).collect();
        reads_listed_content(names.iter().map(String::as_str).zip(templates.iter().copied()), None)
    }

    #[test]
    fn reads_of_listed_pages_content() {
        for template in [
            "{% for p in section.pages %}{{ p.content | safe }}{% endfor %}",
            "{% for inner in term.pages %}{% if inner.content == page.content %}x{% endif %}{% endfor %}",
            "{{ page.lower.content }}",
            "{{ section.pages[0].content }}",
            "{{ get_page(path='a.md').content }}",
            r#"{{ p["content"] }}"#,
            r#"{{ p | get(key="content") }}"#,
            r#"{{ section.pages | map(attribute='content') | join }}"#,
            "{{ section.pages | json_encode }}",
            "{{ page | json_encode() }}",
            "{% set data = page.lower | json_encode %}",
            "{{ get_section(path='blog/_index.md') | json_encode | safe }}",
            "{% for page in paginator.pages %}{{ page.content | safe }}{% endfor %}",
            "{% for i, page in paginator.pages %}{{ page.content }}{% endfor %}",
            "{% for p in pages %}{% set page = p %}{{ page.content }}{% endfor %}",
            "{% set_global page = section.pages | first %}{{ page.content }}",
            "{% for key, value in p %}{{ value }}{% endfor %}",
            "{% for section in sections %}{{ section.content }}{% endfor %}",
        ] {
            assert!(reads(&[template]), "{template}");
        }
    }

    #[test]
    fn reads_through_blocks_includes_and_components() {
        // A loop's `page` reaches an included template and a block a child template fills.
        let include = r#"{% for page in section.pages %}{% include "1.html" %}{% endfor %}"#;
        assert!(reads(&[include, "{{ page.content }}"]));
        // Or a template that one includes, or one not named by a literal.
        assert!(reads(&[include, r#"{% include "2.html" %}"#, "{{ page.content }}"]));
        let by_variable = "{% for page in section.pages %}{% include card %}{% endfor %}";
        assert!(reads(&[by_variable, "{{ page.title }}", "{{ page.content }}"]));
        let parent = "{% for page in section.pages %}{% block card %}{% endblock %}{% endfor %}";
        assert!(reads(&[parent, "{% block card %}{{ page.content }}{% endblock card %}"]));
        // A `set` outside any loop lasts the whole render, blocks of other templates included.
        assert!(reads(&["{% set page = section.pages[0] %}{% block b %}{% endblock %}", "{{ page.content }}"]));
        // A component given another page, or the loop's.
        let card = "{% component card(page) %}{{ page.content }}{% endcomponent %}";
        assert!(reads(&[card, "{% for p in section.pages %}{{ <card page={p} /> }}{% endfor %}"]));
        assert!(reads(&[card, "{% for page in section.pages %}{{ <card page={page} /> }}{% endfor %}"]));
        assert!(reads(&[card, "{{ <card page=page.lower /> }}"]));
        let implicit = "{% component card(@page) %}{{ page.content }}{% endcomponent %}";
        assert!(reads(&[implicit, "{% for page in section.pages %}{{ <card /> }}{% endfor %}"]));
    }

    #[test]
    fn the_render_s_own_page_and_section_are_not_listed_reads() {
        for templates in [
            &["{{ page.content | safe }}", "{{ section.content | safe }}"][..],
            &["{% for p in section.pages %}{{ p.title }}{{ p.summary | safe }}{% endfor %}{{ section.content }}"],
            // The loop ends before the page's own content is read (Zola's documentation.html and page.html).
            &[
                "{% for page in s.pages %}{{ page.title }}{% endfor %}{% block doc %}{% endblock %}",
                "{% block doc %}{{ page.content | safe }}{% endblock doc %}",
            ],
            // A card included in a loop over pages that reads no content (zolarwind's list.html).
            &[
                r#"{% for page in paginator.pages %}{% include "1.html" %}{% endfor %}"#,
                r#"<h2>{{ page.title }}</h2>{% include "2.html" %}"#,
                "<p>{{ page.summary | safe }}</p>",
                "{{ page.content | safe }}",
            ],
            &[r#"{% set section = get_section(path="docs/_index.md") %}{{ section.content }}"#],
            // A component handed the render's own page (the built-in theme's).
            &["{% component doc(page) %}{{ page.content }}{% endcomponent %}", "{{ <doc page={page} /> }}"],
            &["{% for entry in print_entries %}{{ entry.content | safe }}{% endfor %}"],
            &["{# {{ p.content }} #}{% raw %}{{ p.content }}{% endraw %}<meta name=\"x\" content=\"y\">"],
            &["{% for name, terms in page.taxonomies %}{{ name }}{% endfor %}"],
            // zolarwind's JSON-LD: text fields encoded as JSON strings.
            &[
                r#"{{ page.title | default(value="x") | striptags | json_encode | safe }}{{ <ld data={config.extra.x | json_encode} /> }}"#,
            ],
            &["{{ page?.content }}{% if page.content == section?.content %}{% endif %}"],
        ] {
            assert!(!reads(templates), "{templates:?}");
        }
    }

    /// The built-in theme's and the benchmark corpus's templates keep lists without content (so do Zola's
    /// documentation's, 0.22 and 0.23, whose pattern is above): each page's HTML is then freed once its page is
    /// rendered (`PageBodies`).
    #[test]
    fn the_built_in_theme_and_the_benchmark_templates_do_not_read_listed_content() {
        let theme =
            crate::theme::TEMPLATES.iter().map(|(name, bytes)| (*name, std::str::from_utf8(bytes).expect("UTF-8")));
        assert!(!reads_listed_content(theme, None));
        // The benchmark corpus's Zola templates (shared/bench/gen_corpus.py --layouts zola), as the fixture has them.
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/zola-corpus/templates");
        let texts: Vec<(String, String)> = std::fs::read_dir(&corpus)
            .expect("the corpus fixture's templates")
            .map(|entry| {
                let path = entry.expect("an entry").path();
                let name = path.file_name().expect("a file name").to_string_lossy().into_owned();
                (name, std::fs::read_to_string(&path).expect("a template"))
            })
            .collect();
        assert_eq!(texts.len(), 7);
        assert!(!reads_listed_content(texts.iter().map(|(name, text)| (name.as_str(), text.as_str())), None));
    }
}
