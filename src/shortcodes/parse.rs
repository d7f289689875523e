//! Zola's shortcode call syntax, read at one position of a body: `{{ name(k=v, ...) }}`, `{% name(...) %}`,
//! `{% end %}` and the escaped forms `{{/* ... */}}`, `{%/* ... */%}`. Pure: renders nothing, knows no templates.

use tera::Value;

/// What starts at a `{` of a body, if it is shortcode syntax; `len` is the bytes it spans.
#[derive(Debug, Clone, PartialEq)]
pub enum Token {
    /// `{{ name(args) }}`
    Inline { call: Call, len: usize },
    /// `{% name(args) %}`, whose body runs to the matching `{% end %}`.
    BodyStart { call: Call, len: usize },
    /// `{% end %}`
    End { len: usize },
    /// `{{/* x() */}}`, `{%/* x() */%}` or `{%/* end */%}`: printed as written without the comment marks.
    Escaped { text: String, len: usize },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub name: String,
    /// Keyword arguments in the order written.
    pub args: Vec<(String, Value)>,
}

/// The token at the start of `text` (which begins with `{`), or `None` when it is ordinary text: `{{ x }}`,
/// Liquid's `{% include x %}` and Go templates' `{{ .Title }}` are not calls.
pub fn token_at(text: &str) -> Option<Token> {
    let (open, close) = match text.get(..2)? {
        "{{" => ("{{", "}}"),
        "{%" => ("{%", "%}"),
        _ => return None,
    };
    let after_open = &text[2..];
    if let Some(inner) = after_open.strip_prefix("/*") {
        let end = inner.find(&format!("*/{close}"))?;
        let inside = &inner[..end];
        let mut reader = Reader { text: inside, at: 0 };
        let valid = match open {
            "{%" if reader.is_end() => true,
            _ => reader.call().is_some() && reader.rest_is_blank(),
        };
        let len = 2 + 2 + end + 2 + 2;
        return valid.then(|| Token::Escaped { text: format!("{open}{inside}{close}"), len });
    }
    let mut reader = Reader { text: after_open, at: 0 };
    if open == "{%" && reader.clone().is_end_tag() {
        reader.skip_blank();
        reader.at += "end".len();
        reader.skip_blank();
        return reader.rest().starts_with(close).then(|| Token::End { len: 2 + reader.at + 2 });
    }
    let call = reader.call()?;
    reader.skip_blank();
    if !reader.rest().starts_with(close) {
        return None;
    }
    let len = 2 + reader.at + 2;
    Some(match open {
        "{{" => Token::Inline { call, len },
        _ => Token::BodyStart { call, len },
    })
}

#[derive(Clone)]
struct Reader<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Reader<'a> {
    fn rest(&self) -> &'a str {
        &self.text[self.at..]
    }

    fn skip_blank(&mut self) {
        let rest = self.rest();
        self.at += rest.len() - rest.trim_start().len();
    }

    fn rest_is_blank(&self) -> bool {
        self.rest().trim().is_empty()
    }

    /// `end` and nothing else (the whole escaped text).
    fn is_end(&self) -> bool {
        self.rest().trim() == "end"
    }

    /// `end` followed by the closing delimiter, not an identifier such as `endless(`.
    fn is_end_tag(&mut self) -> bool {
        self.skip_blank();
        match self.rest().strip_prefix("end") {
            Some(after) => !after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_'),
            None => false,
        }
    }

    fn ident(&mut self) -> Option<String> {
        let rest = self.rest();
        let first = rest.chars().next()?;
        if !(first.is_ascii_alphabetic() || first == '_') {
            return None;
        }
        let len = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
        self.at += len;
        Some(rest[..len].to_string())
    }

    fn eat(&mut self, c: char) -> bool {
        self.skip_blank();
        match self.rest().starts_with(c) {
            true => {
                self.at += c.len_utf8();
                true
            }
            false => false,
        }
    }

    /// `name(k=v, ...)` as Zola's grammar has it: keyword arguments only, literal values.
    fn call(&mut self) -> Option<Call> {
        self.skip_blank();
        let name = self.ident()?;
        if !self.eat('(') {
            return None;
        }
        let mut args = Vec::new();
        loop {
            if self.eat(')') {
                return Some(Call { name, args });
            }
            if !args.is_empty() && !self.eat(',') {
                return None;
            }
            if self.eat(')') {
                return Some(Call { name, args });
            }
            self.skip_blank();
            let key = self.ident()?;
            if !self.eat('=') {
                return None;
            }
            self.skip_blank();
            let value = self.literal()?;
            args.push((key, value));
        }
    }

    /// A string (`"`, `'` or backquotes, no escapes), a bool, an integer, a float or an array of these.
    fn literal(&mut self) -> Option<Value> {
        let rest = self.rest();
        let first = rest.chars().next()?;
        if matches!(first, '"' | '\'' | '`') {
            let end = rest[1..].find(first)?;
            self.at += end + 2;
            return Some(Value::from(&rest[1..1 + end]));
        }
        if first == '[' {
            self.at += 1;
            let mut items = Vec::new();
            loop {
                if self.eat(']') {
                    return Some(Value::from(items));
                }
                if !items.is_empty() && !self.eat(',') {
                    return None;
                }
                if self.eat(']') {
                    return Some(Value::from(items));
                }
                self.skip_blank();
                items.push(self.literal()?);
            }
        }
        for (word, value) in [("true", true), ("false", false)] {
            if rest.starts_with(word) && !rest[word.len()..].starts_with(|c: char| c.is_ascii_alphanumeric()) {
                self.at += word.len();
                return Some(Value::from(value));
            }
        }
        let len = rest.find(|c: char| !(c.is_ascii_digit() || c == '-' || c == '.')).unwrap_or(rest.len());
        let number = &rest[..len];
        let value = if number.contains('.') {
            Value::from(number.parse::<f64>().ok()?)
        } else {
            Value::from(number.parse::<i64>().ok()?)
        };
        self.at += len;
        Some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(name: &str, args: &[(&str, Value)]) -> Call {
        Call { name: name.into(), args: args.iter().map(|(k, v)| (k.to_string(), v.clone())).collect() }
    }

    #[test]
    fn inline_calls_with_every_kind_of_literal() {
        let text = r#"{{ gallery(a="x", b='y', c=`z`, n=-3, f=0.5, t=true, l=[1, "two", [false]]) }} after"#;
        let expected = call(
            "gallery",
            &[
                ("a", Value::from("x")),
                ("b", Value::from("y")),
                ("c", Value::from("z")),
                ("n", Value::from(-3)),
                ("f", Value::from(0.5)),
                ("t", Value::from(true)),
                ("l", Value::from(vec![Value::from(1), Value::from("two"), Value::from(vec![Value::from(false)])])),
            ],
        );
        assert_eq!(token_at(text), Some(Token::Inline { call: expected, len: text.len() - " after".len() }));
        assert_eq!(token_at("{{youtube()}}"), Some(Token::Inline { call: call("youtube", &[]), len: 13 }));
    }

    #[test]
    fn body_calls_and_their_end() {
        assert_eq!(
            token_at("{% quote(by=\"A\") %}x"),
            Some(Token::BodyStart { call: call("quote", &[("by", Value::from("A"))]), len: 19 })
        );
        assert_eq!(token_at("{% end %}"), Some(Token::End { len: 9 }));
        assert_eq!(token_at("{%end%}"), Some(Token::End { len: 7 }));
    }

    #[test]
    fn escapes_print_without_the_comment_marks() {
        let escaped = |text: &str| match token_at(text) {
            Some(Token::Escaped { text, .. }) => text,
            other => panic!("{other:?}"),
        };
        assert_eq!(escaped("{{/* x() */}}"), "{{ x() }}");
        assert_eq!(escaped("{%/* note(a=1) */%}"), "{% note(a=1) %}");
        assert_eq!(escaped("{%/* end */%}"), "{% end %}");
    }

    #[test]
    fn other_template_languages_are_text() {
        for text in [
            "{{ x }}",
            "{% include x %}",
            "{% include \"x.html\" %}",
            "{{ .Title }}",
            "{{ url_for('x') }}",
            "{% if a %}",
            "{{ f(1) }}",
            "{% endif %}",
            "{{ x() ",
        ] {
            assert_eq!(token_at(text), None, "{text}");
        }
    }
}
