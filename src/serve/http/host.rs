//! Whether a request's Host header names this server: localhost, a loopback IP or the bound address, with our port.
//! Refusing every other name defends against DNS rebinding (a hostile name pointed at 127.0.0.1 gets 403).

use std::net::IpAddr;

/// `host` is the raw Host header value ("localhost:1111", "[::1]:1111"); `bind` and `port` are the server's.
pub fn host_allowed(host: &str, bind: IpAddr, port: u16) -> bool {
    let Some((name, host_port)) = split_host(host) else {
        return false;
    };
    let port_matches = match host_port {
        Some(text) => text.parse::<u16>().ok() == Some(port),
        None => port == 80,
    };
    port_matches && name_allowed(name, bind)
}

/// An IP literal cannot be rebound by DNS, so any loopback address is fine, as is the bound address, and
/// when bound to every interface (0.0.0.0 or ::), any IP literal of this machine.
fn name_allowed(name: &str, bind: IpAddr) -> bool {
    if name.eq_ignore_ascii_case("localhost") {
        return true;
    }
    match name.parse::<IpAddr>() {
        Ok(ip) => ip.is_loopback() || ip == bind || bind.is_unspecified(),
        Err(_) => false,
    }
}

/// "name:port", "[v6]:port", "name" or "[v6]" → (name, port text).
fn split_host(host: &str) -> Option<(&str, Option<&str>)> {
    let host = host.trim();
    if let Some(rest) = host.strip_prefix('[') {
        let (name, after) = rest.split_once(']')?;
        return match after {
            "" => Some((name, None)),
            _ => Some((name, Some(after.strip_prefix(':')?))),
        };
    }
    match host.split_once(':') {
        Some((name, port)) if !port.contains(':') => Some((name, Some(port))),
        Some(_) => None,
        None => Some((host, None)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(host: &str, bind: &str, allowed: bool) {
        let bind: IpAddr = bind.parse().expect("test bind address");
        assert_eq!(host_allowed(host, bind, 1111), allowed, "{host} bound to {bind}");
    }

    #[test]
    fn hosts() {
        check("localhost:1111", "127.0.0.1", true);
        check("LocalHost:1111", "127.0.0.1", true);
        check("127.0.0.1:1111", "127.0.0.1", true);
        check("127.0.0.2:1111", "127.0.0.1", true);
        check("[::1]:1111", "127.0.0.1", true);
        check("[::1]:1111", "::1", true);
        check("192.168.1.5:1111", "192.168.1.5", true);
        check("192.168.1.5:1111", "0.0.0.0", true);
        check("192.168.1.5:1111", "127.0.0.1", false);
        check("localhost:2222", "127.0.0.1", false);
        check("localhost", "127.0.0.1", false);
        check("localhost:", "127.0.0.1", false);
        check("evil.example:1111", "127.0.0.1", false);
        check("evil.example:1111", "0.0.0.0", false);
        check("localhost.evil.example:1111", "127.0.0.1", false);
        check("localhost.:1111", "127.0.0.1", false);
        check("::1:1111", "127.0.0.1", false);
        check("[::1]1111", "127.0.0.1", false);
        check("", "127.0.0.1", false);
    }

    #[test]
    fn default_port_may_be_left_out() {
        let bind: IpAddr = "127.0.0.1".parse().expect("test bind address");
        assert!(host_allowed("localhost", bind, 80));
        assert!(host_allowed("[::1]", bind, 80));
    }
}
