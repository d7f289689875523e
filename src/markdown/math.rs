//! `$...$` and `$$...$$` (with `[markdown] math = true`) to MathML Core at build time, through math-core.
//! An equation that cannot be converted is a problem at its own offset and never leaves TeX in the page.

use super::BodyProblem;
use math_core::{LatexToMathML, MathCoreConfig, MathDisplay};
use pulldown_cmark_escape::escape_html;
use std::sync::OnceLock;

/// Built once: the converter holds no state between equations (`convert_with_local_state`).
fn converter() -> &'static LatexToMathML {
    static CONVERTER: OnceLock<LatexToMathML> = OnceLock::new();
    CONVERTER.get_or_init(|| {
        LatexToMathML::new(MathCoreConfig::default()).expect("the default configuration defines no macros to parse")
    })
}

/// The `<math>` element for `tex`, written between delimiters that end at byte `offset` of the body. When it
/// cannot be converted, a problem is recorded at the offending command and a short marker stands in its place.
pub fn to_mathml(tex: &str, block: bool, offset: usize, problems: &mut Vec<BodyProblem>) -> String {
    let display = if block { MathDisplay::Block } else { MathDisplay::Inline };
    match converter().convert_with_local_state(tex, display) {
        Ok(result) => result.mathml,
        Err(error) => {
            let message = error.error_message();
            let message = message.trim_end_matches('.');
            let mut reason = String::with_capacity(message.len());
            let mut chars = message.chars();
            reason.extend(chars.next().map(|c| c.to_ascii_lowercase()));
            reason.push_str(chars.as_str());
            problems.push(BodyProblem {
                offset: offset + error.0.start.min(tex.len()),
                kind: "math",
                message: reason.clone(),
                help: "write it with the LaTeX commands MathML Core supports (math-core's list), or escape the \
                       dollar signs (`\\$`) if this is not an equation"
                    .into(),
            });
            let mut html = String::from("<span class=\"math-error\">equation not shown: ");
            let _ = escape_html(&mut html, &reason);
            html.push_str("</span>");
            html
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equation_becomes_mathml() {
        let mut problems = Vec::new();
        let html = to_mathml(r"\frac{a}{b}", true, 0, &mut problems);
        assert!(html.starts_with("<math display=\"block\">"), "{html}");
        assert!(html.contains("<mfrac>"), "{html}");
        assert!(problems.is_empty());
    }

    #[test]
    fn unknown_command_is_a_problem_at_the_command() {
        let mut problems = Vec::new();
        let html = to_mathml(r"x + \nosuchcommand{y}", false, 10, &mut problems);
        assert!(!html.contains("nosuchcommand{y}"), "TeX left in the page: {html}");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].offset, 14, "{:?}", problems[0]);
        assert!(problems[0].message.contains("unknown command"), "{}", problems[0].message);
    }
}
