//! Which `base_url`s a site may have: a root-relative path or an `http(s)://host[:port][/path/]` address,
//! checked for `config.toml` and for `--base-url` alike.

/// What a valid `base_url` looks like, for every message that refuses one.
pub const BASE_URL_HELP: &str =
    "use the site's address, such as `https://example.org/` or `https://example.org/docs/`, or a path from the \
     server's root such as `/docs/` (leave it out for root-relative links)";

/// Whether `base_url` is a site address every link may start with: `""` (root-relative links), a path from the
/// root (`/docs/`), or `http(s)://host[:port][/path/]`. `Err` says what is wrong, as the end of a sentence.
/// Anything else would put `javascript:`, another scheme or another host (`//evil.example/`) in every link.
pub fn check_base_url(base_url: &str) -> std::result::Result<(), String> {
    if base_url.is_empty() {
        return Ok(());
    }
    let lower = base_url.to_ascii_lowercase();
    let path = if base_url.starts_with("//") {
        return Err("starts with `//`, which browsers read as another host".into());
    } else if base_url.starts_with('/') {
        base_url
    } else if let Some(rest) = ["https://", "http://"].iter().find_map(|scheme| lower.strip_prefix(scheme)) {
        let rest = &base_url[base_url.len() - rest.len()..];
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        check_authority(authority)?;
        path
    } else if lower.contains("://") || lower.split_once(':').is_some_and(|(scheme, _)| !scheme.contains('/')) {
        return Err("is not an http(s) address".into());
    } else {
        return Err("is neither an http(s) address nor a path starting with `/`".into());
    };
    match path.chars().find(|&c| c.is_whitespace() || c.is_control() || "\"<>\\^`{|}?#".contains(c)) {
        Some(c) => Err(format!("has `{}` in its path, which a link cannot carry as is", c.escape_default())),
        None => Ok(()),
    }
}

/// `host[:port]`: a name or IPv4 address of letters, digits, `-` and `.`, or `[IPv6]`; no user name.
fn check_authority(authority: &str) -> std::result::Result<(), String> {
    if authority.contains('@') {
        return Err("carries a user name (`user@`), which links must not".into());
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) if !port.contains(']') => (host, Some(port)),
        _ => (authority, None),
    };
    let host_ok = match host.strip_prefix('[').and_then(|inner| inner.strip_suffix(']')) {
        Some(ipv6) => ipv6.parse::<std::net::Ipv6Addr>().is_ok(),
        None => {
            !host.is_empty()
                && host.split('.').all(|label| !label.is_empty())
                && host.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        }
    };
    if !host_ok {
        return Err(format!("has no valid host name (`{host}`)"));
    }
    match port.map(str::parse::<u16>) {
        None | Some(Ok(1..)) => Ok(()),
        Some(_) => Err(format!("has an invalid port (`{}`)", port.unwrap_or_default())),
    }
}
