//! `jamtui --headless`: the server with its log on stderr, until Ctrl-C or SIGTERM.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use crate::cli::ServeArgs;
use crate::{logging, session};

pub fn run(args: &ServeArgs) -> anyhow::Result<()> {
    logging::init_stderr(args.log_format, args.log_file.as_deref())?;
    let privacy = Arc::new(AtomicBool::new(args.privacy));
    session::run(args, privacy, async |_, _, signals| {
        signals.recv().await;
        Ok(())
    })
}
