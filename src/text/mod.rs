//! Text encodings and lookups that several stages need: HTML character references and syntax, percent-escapes and
//! did-you-mean suggestions, each written once so check, search, twins, serve and config cannot disagree.

mod entities;
pub mod html;
mod percent;
mod suggest;

pub use entities::decode_entities;
pub use percent::{percent_decode, percent_decode_strict, BadEscape};
pub use suggest::nearest;
