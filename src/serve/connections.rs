//! The open page connections: at most `limit` at once; when full, the one idle longest is closed to make room.
//! Idle means waiting for (or slowly sending) its next request, so slow or idle clients never lock others out.

use std::collections::HashMap;
use std::net::{Shutdown, TcpStream};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

pub struct Connections {
    table: Mutex<Table>,
    freed: Condvar,
    limit: usize,
}

#[derive(Default)]
struct Table {
    next_id: u64,
    open: HashMap<u64, Entry>,
    closing: bool,
}

struct Entry {
    /// A second handle on the socket, only ever used to shut it down.
    stream: TcpStream,
    idle_since: Option<Instant>,
}

impl Connections {
    pub fn new(limit: usize) -> Connections {
        Connections {
            table: Mutex::new(Table::default()),
            freed: Condvar::new(),
            limit: limit.max(1),
        }
    }

    /// Registers a new connection (as idle), first making room; `None` once the server is stopping.
    pub fn admit(&self, stream: &TcpStream) -> Option<u64> {
        let handle = stream.try_clone().ok()?;
        let mut table = self.lock();
        loop {
            if table.closing {
                return None;
            }
            if table.open.len() < self.limit {
                break;
            }
            match table.longest_idle() {
                Some(id) => {
                    if let Some(evicted) = table.open.remove(&id) {
                        let _ = evicted.stream.shutdown(Shutdown::Both);
                    }
                }
                // Every connection is mid-response; each ends within the write timeout.
                None => {
                    table = self
                        .freed
                        .wait(table)
                        .unwrap_or_else(PoisonError::into_inner)
                }
            }
        }
        let id = table.next_id;
        table.next_id += 1;
        table.open.insert(
            id,
            Entry {
                stream: handle,
                idle_since: Some(Instant::now()),
            },
        );
        Some(id)
    }

    pub fn set_idle(&self, id: u64, idle: bool) {
        let mut table = self.lock();
        if let Some(entry) = table.open.get_mut(&id) {
            entry.idle_since = idle.then(Instant::now);
        }
        drop(table);
        if idle {
            self.freed.notify_all();
        }
    }

    /// The connection is done (closed, evicted or handed to the live-reload thread).
    pub fn release(&self, id: u64) {
        self.lock().open.remove(&id);
        self.freed.notify_all();
    }

    /// For a graceful stop: idle connections close now, busy ones finish the response they are writing.
    pub fn close_all(&self) {
        let mut table = self.lock();
        table.closing = true;
        for entry in table.open.values() {
            let how = match entry.idle_since {
                Some(_) => Shutdown::Both,
                None => Shutdown::Read,
            };
            let _ = entry.stream.shutdown(how);
        }
        drop(table);
        self.freed.notify_all();
    }

    pub fn is_closing(&self) -> bool {
        self.lock().closing
    }

    fn lock(&self) -> MutexGuard<'_, Table> {
        self.table.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Table {
    fn longest_idle(&self) -> Option<u64> {
        self.open
            .iter()
            .filter_map(|(id, entry)| entry.idle_since.map(|since| (since, *id)))
            .min()
            .map(|(_, id)| id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::net::TcpListener;

    fn pair(listener: &TcpListener) -> (TcpStream, TcpStream) {
        let client = TcpStream::connect(listener.local_addr().expect("bound")).expect("connect");
        let (server, _) = listener.accept().expect("accept");
        (client, server)
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
}
