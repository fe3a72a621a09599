//! Progress bar on stderr for long scans: shown only for inputs of at least
//! [`Progress::THRESHOLD`] bytes, when stderr is a terminal and `--quiet` is not given; a no-op
//! otherwise (pipes, CI logs and snapshot tests see nothing).

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressFinish, ProgressStyle};

/// A byte-counting progress bar shared by the scanning threads (cheap to clone, thread-safe).
#[derive(Clone, Default)]
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// Inputs smaller than this finish before a bar would be worth drawing.
    pub const THRESHOLD: u64 = 200 << 20;

    /// A bar for `total_bytes` of input, visible only when it is worth it (see the module doc).
    pub fn new(total_bytes: u64, quiet: bool) -> Progress {
        let show = !quiet && total_bytes >= Self::THRESHOLD && std::io::stderr().is_terminal();
        if show {
            Self::visible(total_bytes)
        } else {
            Self::hidden()
        }
    }

    /// A progress that draws nothing.
    pub fn hidden() -> Progress {
        Progress { bar: None }
    }

    fn visible(total_bytes: u64) -> Progress {
        // Cleared from the terminal when the last clone is dropped, even on an early return.
        let bar = ProgressBar::with_draw_target(Some(total_bytes), ProgressDrawTarget::stderr())
            .with_finish(ProgressFinish::AndClear);
        let style = ProgressStyle::with_template(
            "{spinner} reading logs [{bar:30}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta})",
        )
        .map(|s| s.progress_chars("=> "))
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        bar.enable_steady_tick(Duration::from_millis(200));
        Progress { bar: Some(bar) }
    }

    /// A bar that counts but never draws (tests of the callers' byte accounting).
    #[cfg(test)]
    pub(crate) fn counting_hidden(total_bytes: u64) -> Progress {
        let bar = ProgressBar::hidden();
        bar.set_length(total_bytes);
        Progress { bar: Some(bar) }
    }

    pub fn is_visible(&self) -> bool {
        self.bar.is_some()
    }

    /// Count `bytes` more as read.
    #[inline]
    pub fn inc(&self, bytes: u64) {
        if let Some(b) = &self.bar {
            b.inc(bytes);
        }
    }

    /// Bytes counted so far (0 for a hidden bar).
    #[cfg(test)]
    pub(crate) fn position(&self) -> u64 {
        self.bar.as_ref().map_or(0, ProgressBar::position)
    }

    /// Remove the bar from the terminal (also done when the last clone is dropped).
    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_quiet_or_piped_inputs_get_no_bar() {
        assert!(!Progress::new(10, false).is_visible());
        assert!(!Progress::new(Progress::THRESHOLD * 4, true).is_visible());
        // Under `cargo test` stderr is captured, not a terminal.
        if !std::io::stderr().is_terminal() {
            assert!(!Progress::new(Progress::THRESHOLD * 4, false).is_visible());
        }
        let p = Progress::hidden();
        p.inc(5);
        assert_eq!(p.position(), 0);
    }

    #[test]
    fn a_bar_counts_bytes_from_several_threads() {
        let p = Progress::counting_hidden(1000);
        std::thread::scope(|s| {
            for _ in 0..4 {
                let q = p.clone();
                s.spawn(move || {
                    for _ in 0..10 {
                        q.inc(7);
                    }
                });
            }
        });
        assert_eq!(p.position(), 280);
        p.finish();
    }
}
