//! `jamtui --headless`: the server with its log on stderr, until Ctrl-C or SIGTERM.

use super::{ServeOptions, session};
use crate::log;
use crate::text::Privacy;

pub fn run(options: &ServeOptions) -> anyhow::Result<()> {
    let privacy = Privacy::new(options.privacy);
    log::init_stderr(options.log_format, options.log_file.as_deref(), &privacy)?;
    session::run(options, async |_, _, signals| {
        signals.recv().await;
        Ok(())
    })
}
