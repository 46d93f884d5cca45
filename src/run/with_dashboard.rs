//! `jamtui`: the server with the live dashboard in this terminal, its log in the log panel.

use std::io::IsTerminal;

use anyhow::bail;

use super::{ServeOptions, session};
use crate::dashboard::{self, Feeds};
use crate::log;
use crate::log::LogHistory;
use crate::text::Privacy;

pub fn run(options: &ServeOptions, dashboard: &dashboard::Options) -> anyhow::Result<()> {
    // The export is written at quit, when the table is gone: a place it cannot be written is
    // said now.
    if let Some(path) = &dashboard.export_on_exit {
        crate::files::check_writable(path)
            .map_err(|error| anyhow::anyhow!("--export-on-exit {}: {error}", path.display()))?;
    }
    // Before the server binds, so nothing is started for a screen that cannot be shown.
    if !std::io::stdout().is_terminal() {
        bail!("the dashboard needs a terminal; run with --headless to log to stderr instead");
    }
    let history = LogHistory::default();
    let privacy = Privacy::new(options.privacy);
    log::init_dashboard(options.log_file.as_deref(), history.clone(), &privacy)?;
    session::run(options, async |handle, demo, signals| {
        let feeds = Feeds {
            history,
            privacy,
            demo_peers: &|| demo.peers(),
        };
        dashboard::show(handle, dashboard, &feeds, signals.recv()).await
    })
}
