//! The server's words as the dashboard says them, in its language: how the server serves, how
//! a connection ended. The log and the exports keep the server's own English words.

use crate::lang::{Lang, said};
use crate::server::{GoneReason, Mode};

/// How the server serves, in `lang`: `concurrent`, `sequential`, `pool of 4`.
pub fn mode(mode: Mode, lang: Lang) -> String {
    match mode {
        Mode::Concurrent => said!(lang, "ui.mode.concurrent"),
        Mode::Sequential => said!(lang, "ui.mode.sequential"),
        Mode::Pool(size) => said!(lang, "ui.mode.pool", size = size),
    }
}

/// How a connection ended, in `lang` (the log and the exports keep the server's English).
pub fn gone(reason: &GoneReason, lang: Lang) -> String {
    match reason {
        GoneReason::Quit => said!(lang, "ui.gone.quit"),
        GoneReason::ClosedByClient => said!(lang, "ui.gone.closed_by_client"),
        GoneReason::Kicked => said!(lang, "ui.gone.kicked"),
        GoneReason::Idle => said!(lang, "ui.gone.idle"),
        GoneReason::LineTooLong => said!(lang, "ui.gone.line_too_long"),
        GoneReason::Shutdown => said!(lang, "ui.gone.shutdown"),
        GoneReason::Error(error) => said!(lang, "ui.gone.error", error = error),
    }
}
