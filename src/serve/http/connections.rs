//! The open client connections: at most `page_limit` serving pages at once (when full, one idle for a while is
//! closed to make room) plus the live-reload streams, which the broadcaster bounds. Knows sockets, never bytes.
//!
//! Idle means waiting for (or slowly sending) its next request, so slow or idle clients never lock others out.
//! Only a connection idle for `EVICT_IDLE_AFTER` is closed: one just accepted may already hold a request its guard
//! has not read yet, and closing it would drop that request unanswered. Until one qualifies, the new connection
//! waits (in the kernel's queue, its request intact). Each guard thread holds one entry from `admit` to `release`.

use std::collections::HashMap;
use std::net::{Shutdown, TcpStream};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// How long a connection must have been idle before it may be closed to make room for a new one: far longer
/// than a guard takes to start reading a request that has arrived, even on a loaded machine.
const EVICT_IDLE_AFTER: Duration = Duration::from_secs(1);

pub struct Connections {
    table: Mutex<Table>,
    changed: Condvar,
    page_limit: usize,
}

#[derive(Default)]
struct Table {
    next_id: u64,
    open: HashMap<u64, Entry>,
    closing: bool,
}

struct Entry {
    /// The guard's own socket (shared, not a second descriptor), only ever used here to shut it down.
    stream: Arc<TcpStream>,
    state: State,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Waiting for its next request head, since then.
    Idle(Instant),
    /// A request is being read, answered or relayed.
    Busy,
    /// Relaying a live-reload stream: not a page connection any more.
    Stream,
}

impl Connections {
    pub fn new(page_limit: usize) -> Connections {
        Connections { table: Mutex::new(Table::default()), changed: Condvar::new(), page_limit: page_limit.max(1) }
    }

    /// Registers a new connection (as idle), first making room; `None` once the server is stopping.
    pub fn admit(&self, stream: &Arc<TcpStream>) -> Option<u64> {
        let mut table = self.lock();
        loop {
            if table.closing {
                return None;
            }
            if table.pages() < self.page_limit {
                break;
            }
            match table.longest_idle() {
                Some((since, id)) if since.elapsed() >= EVICT_IDLE_AFTER => {
                    if let Some(evicted) = table.open.remove(&id) {
                        let _ = evicted.stream.shutdown(Shutdown::Both);
                    }
                }
                // Idle, but maybe only because its guard has not read the request yet: wait until it has been
                // idle long enough (or room is made sooner).
                Some((since, _)) => {
                    let left = EVICT_IDLE_AFTER.saturating_sub(since.elapsed());
                    table = self.wait_timeout(table, left);
                }
                // Every page connection is mid-response; each ends within the write timeout.
                None => table = self.wait(table),
            }
        }
        let id = table.next_id;
        table.next_id += 1;
        let entry = Entry { stream: Arc::clone(stream), state: State::Idle(Instant::now()) };
        table.open.insert(id, entry);
        Some(id)
    }

    pub fn set_idle(&self, id: u64, idle: bool) {
        let state = match idle {
            true => State::Idle(Instant::now()),
            false => State::Busy,
        };
        self.set_state(id, state);
    }

    /// The connection now carries a live-reload stream and no longer counts against the page limit.
    pub fn set_stream(&self, id: u64) {
        self.set_state(id, State::Stream);
    }

    /// The connection is done (closed or evicted); its guard thread is about to end.
    pub fn release(&self, id: u64) {
        self.lock().open.remove(&id);
        self.changed.notify_all();
    }

    /// For a graceful stop: idle connections and streams close now, busy ones finish the response they are on.
    pub fn close_all(&self) {
        let mut table = self.lock();
        table.closing = true;
        for entry in table.open.values() {
            let how = match entry.state {
                State::Busy => Shutdown::Read,
                State::Idle(_) | State::Stream => Shutdown::Both,
            };
            let _ = entry.stream.shutdown(how);
        }
        drop(table);
        self.changed.notify_all();
    }

    /// After `close_all`: waits up to `grace` for every guard to finish, then cuts off the ones still writing
    /// (a client reading very slowly) and waits up to `grace` again. True when none is left.
    pub fn drain(&self, grace: Duration) -> bool {
        if self.wait_until_empty(grace) {
            return true;
        }
        for entry in self.lock().open.values() {
            let _ = entry.stream.shutdown(Shutdown::Both);
        }
        self.wait_until_empty(grace)
    }

    pub fn is_closing(&self) -> bool {
        self.lock().closing
    }

    fn set_state(&self, id: u64, state: State) {
        let mut table = self.lock();
        if let Some(entry) = table.open.get_mut(&id) {
            entry.state = state;
        }
        drop(table);
        if state != State::Busy {
            self.changed.notify_all();
        }
    }

    fn wait_until_empty(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut table = self.lock();
        while !table.open.is_empty() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            table = self.changed.wait_timeout(table, left).unwrap_or_else(PoisonError::into_inner).0;
        }
        true
    }

    fn wait<'a>(&self, table: MutexGuard<'a, Table>) -> MutexGuard<'a, Table> {
        self.changed.wait(table).unwrap_or_else(PoisonError::into_inner)
    }

    fn wait_timeout<'a>(&self, table: MutexGuard<'a, Table>, timeout: Duration) -> MutexGuard<'a, Table> {
        self.changed.wait_timeout(table, timeout).unwrap_or_else(PoisonError::into_inner).0
    }

    fn lock(&self) -> MutexGuard<'_, Table> {
        self.table.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Table {
    fn pages(&self) -> usize {
        self.open.values().filter(|entry| entry.state != State::Stream).count()
    }

    /// The connection idle longest, and since when.
    fn longest_idle(&self) -> Option<(Instant, u64)> {
        self.open
            .iter()
            .filter_map(|(id, entry)| match entry.state {
                State::Idle(since) => Some((since, *id)),
                State::Busy | State::Stream => None,
            })
            .min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::net::TcpListener;

    fn pair(listener: &TcpListener) -> (TcpStream, Arc<TcpStream>) {
        let client = TcpStream::connect(listener.local_addr().expect("bound")).expect("connect");
        let (server, _) = listener.accept().expect("accept");
        (client, Arc::new(server))
    }

    #[test]
    fn full_table_closes_the_longest_idle() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let connections = Connections::new(2);
        let (mut first_client, first) = pair(&listener);
        let (_second_client, second) = pair(&listener);
        let (_third_client, third) = pair(&listener);
        let first_id = connections.admit(&first).expect("room");
        let second_id = connections.admit(&second).expect("room");
        connections.set_idle(second_id, false);
        let third_id = connections.admit(&third).expect("room made");
        assert_ne!(third_id, first_id);
        // The first connection was shut down: its client reads end-of-stream.
        let mut byte = [0u8; 1];
        assert_eq!(first_client.read(&mut byte).expect("clean close"), 0);
        connections.close_all();
        assert!(connections.admit(&first).is_none());
    }

    #[test]
    fn streams_do_not_count_against_the_page_limit() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let connections = Connections::new(1);
        let (_stream_client, stream) = pair(&listener);
        let (_page_client, page) = pair(&listener);
        let stream_id = connections.admit(&stream).expect("room");
        connections.set_stream(stream_id);
        let page_id = connections.admit(&page).expect("a stream takes no page room");
        connections.set_idle(page_id, false);
        connections.release(page_id);
        connections.release(stream_id);
        connections.close_all();
        assert!(connections.drain(Duration::from_secs(1)));
    }
}
