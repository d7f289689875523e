//! What one render looked up through the template functions (which page, section and taxonomy views),
//! recorded only when asked: `serve` keeps it per output file to re-render what an edit reaches; builds never ask.
//!
//! The recorder is a thread-local, the one piece of mutable state outside a value here, because Tera 2 gives
//! functions no per-render slot to write to. It is sound because a Tera render runs start to finish on the thread
//! that called it (functions are called synchronously, and nothing inside a render hands work to rayon), so
//! everything recorded between `recording`'s start and end on this thread belongs to that one render. Renders on
//! other rayon workers have their own recorder. When no recording is active, `record` does nothing.

use crate::content::{PageId, SectionId};
use std::cell::RefCell;

/// A view a render read, beyond the `config` every render sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dep {
    /// The full `page` value (summary, content, toc, lower, higher): `get_page`, or a page's own template.
    Page(PageId),
    /// `get_section(metadata_only=true)`.
    SectionMetadata(SectionId),
    /// The full section with its pages: `get_section`, or a section's own template.
    Section(SectionId),
    /// A paginated section's `section` (without its pages) and the order of its pages: its pagers' templates.
    SectionPaged(SectionId),
    /// A page's summary, as lists of pages hold it: a pager's `paginator.pages`.
    PageSummary(PageId),
    /// A page's title (its address never changes in place): the sidebar's entries (`get_navigation`).
    PageTitle(PageId),
    /// A section's title (its address never changes in place): the sidebar's and the breadcrumbs' entries.
    SectionTitle(SectionId),
    /// The order of a section's pages and subsections: the sidebar's windows.
    NavOrder(SectionId),
    /// Every term of a taxonomy with its pages (index into `Site::taxonomies`): `get_taxonomy`, taxonomy lists.
    Taxonomy(usize),
    /// Which terms a taxonomy has, and so their URLs: `get_taxonomy_url`.
    TermUrls(usize),
}

thread_local! {
    static RECORDER: RefCell<Option<Vec<Dep>>> = const { RefCell::new(None) };
}

/// Notes that the render running on this thread read `dep`; a no-op unless `recording` is running.
pub fn record(dep: Dep) {
    RECORDER.with(|recorder| {
        if let Some(deps) = recorder.borrow_mut().as_mut() {
            deps.push(dep);
        }
    });
}

/// Runs `render` and returns what it recorded, sorted and without repeats.
pub fn recording<R>(render: impl FnOnce() -> R) -> (R, Vec<Dep>) {
    let outer = RECORDER.with(|recorder| recorder.borrow_mut().replace(Vec::new()));
    let result = render();
    let mut deps = RECORDER.with(|recorder| std::mem::replace(&mut *recorder.borrow_mut(), outer)).unwrap_or_default();
    deps.sort_unstable();
    deps.dedup();
    (result, deps)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_only_inside_recording_and_nests() {
        record(Dep::Page(9));
        let ((), deps) = recording(|| {
            record(Dep::Section(2));
            record(Dep::Page(1));
            record(Dep::Section(2));
            let ((), inner) = recording(|| record(Dep::Taxonomy(0)));
            assert_eq!(inner, vec![Dep::Taxonomy(0)]);
        });
        assert_eq!(deps, vec![Dep::Page(1), Dep::Section(2)]);
        let ((), none) = recording(|| ());
        assert!(none.is_empty());
    }
}
