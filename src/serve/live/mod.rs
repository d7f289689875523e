//! Live reload: the script served to every page (`script`) and the event streams that tell open tabs to reload
//! or show a build error (`events`). Knows nothing of building or watching; the session publishes to it.

mod events;
mod script;

pub(crate) use events::Broadcaster;
pub use events::{ErrorReport, Problem, Reload};
#[cfg(test)]
pub use script::SCRIPT_TAG;
pub use script::{script_tag_offset, with_script_tag, EVENTS_URL, SCRIPT, SCRIPT_URL};
