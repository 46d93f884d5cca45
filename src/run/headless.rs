//! `jamtui --headless`: the server with its log on stderr, until Ctrl-C or SIGTERM.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use crate::cli::ServeArgs;
use crate::log;
use crate::run::session;

pub fn run(args: &ServeArgs) -> anyhow::Result<()> {
    log::init_stderr(args.log_format, args.log_file.as_deref())?;
    let privacy = Arc::new(AtomicBool::new(args.privacy));
    session::run(args, privacy, async |_, _, signals| {
        signals.recv().await;
        Ok(())
    })
}
