//! Text for people: Python's `repr` of bytes and addresses, address masking, and what a user
//! wrote made safe to print.

mod mask;
mod printable;
pub(crate) mod pyrepr;

pub use mask::{Masker, Privacy, mark, render_marks};
pub use printable::printable;
