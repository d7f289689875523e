//! Text encodings and lookups that several stages need: HTML character references, percent-escapes and
//! did-you-mean suggestions, each written once so check, search, serve and config cannot disagree.

mod entities;
mod percent;
mod suggest;

pub use entities::decode_entities;
pub use percent::{percent_decode, percent_decode_strict, BadEscape};
pub use suggest::nearest;
