//! What a page's layout shows after its body (`{% block after_content %}`), rendered alone: the print view puts it
//! after the page's body, and the Markdown twin turns it into Markdown. Nothing is rendered for other layouts.

use super::{page_template, page_value, Lookups, Templates};
use crate::content::PageId;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};

/// Each page's `after_content` HTML, for the pages whose layout fills the block (their HTML as `after_content`
/// gives it).
pub type AfterContent = HashMap<PageId, String>;

/// `after_content` of every page whose layout fills the block, the template functions seeing `lookups` (the
/// caller attaches them). A site whose templates never fill it renders nothing and pays one template name a page.
pub fn after_content_all(templates: &Templates, lookups: &Lookups) -> AfterContent {
    let filling: HashSet<&str> = templates
        .sources
        .iter()
        .filter(|(_, source)| fills_after_content(source))
        .map(|(name, _)| name.as_str())
        .collect();
    if filling.is_empty() {
        return AfterContent::new();
    }
    let site = &lookups.site;
    (0..site.pages.len())
        .into_par_iter()
        .with_max_len(crate::PARALLEL_CHUNK)
        .filter(|&id| filling.contains(page_template(site, id).as_str()))
        .filter_map(|id| Some((id, after_content(templates, lookups, id)?)))
        .collect()
}

/// What a page's own template shows after its body (`{% block after_content %}`: the theme's glossary, timeline
/// and matrix layouts build their lists there from front matter), rendered as on the page. `None` when its
/// template does not fill the block itself (the usual case: nothing is rendered then), or the block renders empty
/// or fails (the page's own render reports that). Tera renders a block by running the whole template: only the
/// pages of such layouts pay for it.
pub fn after_content(templates: &Templates, lookups: &Lookups, id: PageId) -> Option<String> {
    let site = &lookups.site;
    let template = page_template(site, id);
    if !fills_after_content(templates.sources.get(&template)?) {
        return None;
    }
    let path = site.pages[id].doc.path.as_str();
    let mut context = tera::Context::new();
    context.insert_value("current_path", tera::Value::from(path));
    context.insert_value("current_url", tera::Value::from(lookups.config.permalink(path)));
    context.insert_value("page", page_value(site, &lookups.config, &lookups.views, id));
    let html = templates.tera.render_block(&template, "after_content", &context).ok()?;
    (!html.trim().is_empty()).then_some(html)
}

/// Whether `source` (a template's text) fills `after_content` with something.
fn fills_after_content(source: &str) -> bool {
    let Some(start) = source.find("block after_content") else { return false };
    let Some(open_end) = source[start..].find("%}") else { return false };
    let body = source[start + open_end + 2..].trim_start();
    match body.strip_prefix("{%") {
        Some(tag) => !tag.trim_start_matches('-').trim_start().starts_with("endblock"),
        None => !body.is_empty(),
    }
}

#[cfg(test)]
mod tests {
    use super::fills_after_content;

    #[test]
    fn a_block_that_holds_nothing_is_not_filled() {
        assert!(!fills_after_content("{% block after_content %}{% endblock after_content %}"));
        assert!(!fills_after_content("{%- block after_content -%}\n{%- endblock %}"));
        assert!(fills_after_content("{% block after_content %}\n{%- if page.extra.x %}x{% endif %}{% endblock %}"));
        assert!(fills_after_content("{% block after_content %}<p>x</p>{% endblock %}"));
        assert!(!fills_after_content("{% block content %}x{% endblock %}"));
    }
}
