//! A request head the guard has read to what it gets: the Host and method checks, the live-reload URLs, then
//! `route` over the site being served. Pure apart from reading the current site; writes nothing itself.

use std::sync::{Arc, PoisonError};

use super::head::{RequestHead, Response, Version};
use super::host::host_allowed;
use super::route::{answer, ConditionalHeaders};
use super::server::Shared;
use super::target::clean_target;
use crate::serve::live;

/// What one request gets: a response, or its connection handed to the live-reload broadcaster.
pub enum Reply {
    Respond(Response),
    EventStream,
}

pub fn reply(shared: &Shared, head: &RequestHead) -> Reply {
    match head.header("host") {
        Some(host) if host_allowed(host, shared.bind, shared.port) => {}
        Some(_) => return Reply::Respond(Response::text(403, "unknown Host: use the address quire serve printed\n")),
        None if head.version == Version::Http11 => return Reply::Respond(Response::text(400, "missing Host header\n")),
        None => {}
    }
    if head.method != "GET" && head.method != "HEAD" {
        return Reply::Respond(Response::text(405, "only GET and HEAD are served\n").with_header("Allow", "GET, HEAD"));
    }
    let path = match clean_target(&head.target) {
        Ok(path) => path,
        Err(_) => return Reply::Respond(Response::text(400, "bad request path\n")),
    };
    if path.is(live::EVENTS_URL) {
        return match head.method.as_str() {
            "GET" => Reply::EventStream,
            _ => Reply::Respond(Response::text(405, "GET only\n").with_header("Allow", "GET")),
        };
    }
    if path.is(live::SCRIPT_URL) {
        let script = Arc::from(live::SCRIPT.as_bytes());
        return Reply::Respond(Response::new(200, "text/javascript; charset=utf-8", script));
    }
    let site = Arc::clone(&shared.site.read().unwrap_or_else(PoisonError::into_inner));
    let conditions = ConditionalHeaders {
        if_none_match: head.header("if-none-match"),
        range: head.header("range"),
        if_range: head.header("if-range"),
    };
    Reply::Respond(answer(&site, &shared.base, &path, conditions))
}
