//! Text for people: Python's `repr` of bytes and addresses, and address masking.

pub mod mask;
pub(crate) mod pyrepr;
