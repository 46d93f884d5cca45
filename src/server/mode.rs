//! How many clients are served at once: everyone, one at a time, or a pool.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Concurrent,
    Sequential,
    Pool(usize),
}

impl Mode {
    /// Most clients served at once; `None`: no limit.
    pub(super) fn limit(self) -> Option<usize> {
        match self {
            Mode::Concurrent => None,
            Mode::Sequential => Some(1),
            Mode::Pool(size) => Some(size.max(1)),
        }
    }

    /// The next mode in the cycle concurrent, sequential, pool of `pool_size`.
    pub fn next(self, pool_size: usize) -> Mode {
        match self {
            Mode::Concurrent => Mode::Sequential,
            Mode::Sequential => Mode::Pool(pool_size),
            Mode::Pool(_) => Mode::Concurrent,
        }
    }
}

impl std::fmt::Display for Mode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mode::Concurrent => f.write_str("concurrent"),
            Mode::Sequential => f.write_str("sequential"),
            Mode::Pool(size) => write!(f, "pool of {size}"),
        }
    }
}
