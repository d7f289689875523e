//! The keys each table of the config file may hold: Quire's own, and Zola's that Quire accepts without acting on
//! them (a warning, so Zola sites build unchanged). Anything else is an error with a did-you-mean.

pub(super) const KNOWN_KEYS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "default_language",
    "author",
    "taxonomies",
    "generate_feeds",
    "generate_print_page",
    "generate_sitemap",
    "generate_robots_txt",
    "build_search_index",
    "search",
    "relative_urls",
    "markdown",
    "slugify",
    "link_checker",
    "extra",
    "follow_outside_symlinks",
    "content_templating",
    "skip_content_templating",
    "theme",
    "compile_sass",
    "git_dates",
    "edit_url",
    "markdown_twins",
    "translations",
    "languages",
    "feed_filenames",
];

/// Zola's keys (0.22 and 0.23 `Config`, and older names) that Quire accepts but does not act on (yet): a
/// warning, so Zola sites build unchanged.
pub(super) const ZOLA_ONLY_KEYS: &[&str] = &[
    "minify_html",
    "ignored_content",
    "ignored_static",
    "hard_link_static",
    "output_dir",
    "preserve_dotfiles_in_output",
    "feed_limit",
    "generate_feed",
    "generate_rss",
    "taxonomy_root",
    "exclude_paginated_pages_in_sitemap",
    "mode",
];

pub(super) const MARKDOWN_KEYS: &[&str] = &[
    "smart_punctuation",
    "highlight_code",
    "render_raw_html",
    "external_links_target_blank",
    "external_links_no_follow",
    "external_links_no_referrer",
    "external_links_class",
    "definition_list",
    "highlighting",
    "math",
    "insert_anchor_links",
];

pub(super) const ZOLA_ONLY_MARKDOWN_KEYS: &[&str] = &[
    "highlight_theme",
    "highlight_themes_css",
    "render_emoji",
    "bottom_footnotes",
    "extra_syntaxes_and_themes",
    "lazy_async_image",
    "github_alerts",
    "external_links_external",
];

/// `[markdown.highlighting]` (Zola 0.22/0.23): the table turns highlighting on; its theme settings do not
/// apply, since Quire highlights into CSS classes that its stylesheet colours.
pub(super) const ZOLA_ONLY_HIGHLIGHTING_KEYS: &[&str] = &[
    "theme",
    "light_theme",
    "dark_theme",
    "error_on_missing_language",
    "extra_grammars",
    "extra_themes",
    "data_attr_position",
];

pub(super) const LANGUAGE_KEYS: &[&str] = &[
    "title",
    "description",
    "generate_feeds",
    "build_search_index",
    "search",
    "taxonomies",
    "translations",
    "feed_filenames",
];
pub(super) const ZOLA_ONLY_LANGUAGE_KEYS: &[&str] = &[];
pub(super) const SLUGIFY_KEYS: &[&str] = &["paths", "taxonomies", "anchors"];
pub(super) const ZOLA_ONLY_SLUGIFY_KEYS: &[&str] = &["paths_keep_dates"];
pub(super) const SEARCH_KEYS: &[&str] = &[
    "include_title",
    "include_content",
    "truncate_content_length",
    "include_description",
    "include_date",
    "include_path",
    "index_format",
];
pub(super) const LINK_CHECKER_KEYS: &[&str] =
    &["internal_level", "external_level", "skip_prefixes", "skip_anchor_prefixes"];
pub(super) const ZOLA_ONLY_LINK_CHECKER_KEYS: &[&str] = &["ignored_files"];
