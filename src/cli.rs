//! Command-line definitions (clap derive) only; no logic.
//!
//! Every command has its own `--format` values (refused at parse time), an Examples section in
//! its help (`after_help`; `tests/cli_help.rs` runs every example on `samples/`) and its options
//! grouped under headings where there are many.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Help headings shared by the commands.
const INPUT: &str = "Input";
const RULES: &str = "Rules";
const OUTPUT: &str = "Output";
const FILTERS: &str = "Filters";
const PROBES: &str = "Live probes";

#[derive(Parser, Debug)]
#[command(
    name = "supdiag",
    version,
    about = "Diagnose ConfigMgr software update point (SUP) and WSUS synchronization from logs and settings",
    long_about = "supdiag reads ConfigMgr/WSUS logs (wsyncmgr, WCM, WSUSCtrl, SUPSetup, ruleengine, \
PatchDownloader, SoftwareDistribution, WindowsUpdate, WUAHandler, IIS, ...) and the configured \
settings, finds what is wrong with update synchronization and downloads, shows the log lines as \
evidence and says what to change.",
    after_help = EX_MAIN
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

const EX_MAIN: &str = "\
Examples:
  supdiag analyze samples/site-wsus-not-configured
  supdiag sync samples/site-history --now 2026-11-21T12:00:00Z
  supdiag report samples/site-history --format html -o report.html
  supdiag view samples/site-healthy --component wsyncmgr
  supdiag explain 0x80072EE7
  supdiag rules list --severity error

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage or input error.";

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Find failures in logs, explain them and say what to change
    #[command(after_help = EX_ANALYZE)]
    Analyze(AnalyzeArgs),
    /// Show log records merged, time-sorted and normalised to UTC
    #[command(after_help = EX_VIEW)]
    View(ViewArgs),
    /// Reconstruct sync and ADR runs: history, last success, staleness
    #[command(after_help = EX_SYNC)]
    Sync(SyncArgs),
    /// Write the periodic health report (HTML, Markdown or JSON)
    #[command(after_help = EX_REPORT)]
    Report(ReportArgs),
    /// Check SUP prerequisites from the settings, optionally with live probes
    #[command(after_help = EX_PRECHECK)]
    Precheck(PrecheckArgs),
    /// Decode an error code (0x80072EE7, 80072ee7, -2147012889, 12007), a status message id or a rule id
    #[command(after_help = EX_EXPLAIN)]
    Explain(ExplainArgs),
    /// List, show or lint rules
    #[command(after_help = EX_RULES)]
    Rules(RulesArgs),
    /// Write a commented supdiag.toml settings template
    #[command(after_help = EX_INIT_SETTINGS)]
    InitSettings(InitSettingsArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish)
    #[command(after_help = EX_COMPLETIONS)]
    Completions(CompletionsArgs),
    /// Print the man page (roff), or write one page per command into a folder
    #[command(after_help = EX_MAN)]
    Man(ManArgs),
    /// Gather this server's logs and settings into one zip (Windows): what discovery finds
    #[command(after_help = EX_COLLECT)]
    Collect(CollectArgs),
}

const EX_COLLECT: &str = "\
Examples:
  supdiag collect                                  (on the Windows server, as administrator)
  supdiag collect -o C:\\Temp\\CM01.zip --days 7    (then: supdiag analyze CM01.zip, anywhere)";

const EX_ANALYZE: &str = "\
Examples:
  supdiag analyze samples/site-wsus-not-configured
  supdiag analyze samples/cas-no-internet --format json
  supdiag analyze samples/site-healthy samples/client-healthy --fail-on error
  supdiag analyze samples/wsus-pool-503 --settings samples/settings/healthy.toml --format markdown
  supdiag analyze samples/pasted/ticket.txt --disable wsyncmgr_sync_failed_will_retry";

const EX_VIEW: &str = "\
Examples:
  supdiag view samples/site-rollover
  supdiag view samples/site-wsus-not-configured --component wcm --level warning
  supdiag view samples/cas-no-internet --local-time
  supdiag view samples/cas-no-internet --since \"2026-11-01 08:00\" --format json
  supdiag view samples/wsus-pool-503 --grep \"503|unavailable\"
  supdiag view samples/site-healthy --follow    (follows one file as it grows; Ctrl+C ends it)";

const EX_SYNC: &str = "\
Examples:
  supdiag sync samples/site-history --now 2026-11-21T12:00:00Z
  supdiag sync samples/site-healthy --max-age 36h --format json
  supdiag sync samples/site-history --settings samples/settings/healthy.toml --format markdown";

const EX_REPORT: &str = "\
Examples:
  supdiag report samples/site-history --format html -o report.html
  supdiag report samples/site-history --settings samples/settings/healthy.toml --format markdown
  supdiag report samples/site-healthy --max-age 2d --format json -o health.json";

const EX_PRECHECK: &str = "\
Examples:
  supdiag precheck --settings samples/settings/healthy.toml
  supdiag precheck --settings samples/settings/ssl-required-no-ssl.toml --format json
  supdiag precheck --settings samples/settings/healthy.toml --probe --timeout 3    (contacts the servers)";

const EX_EXPLAIN: &str = "\
Examples:
  supdiag explain 0x80072EE7
  supdiag explain -2147012889
  supdiag explain 6703
  supdiag explain wcm_ssl_transport_closed";

const EX_RULES: &str = "\
Examples:
  supdiag rules list
  supdiag rules list --format json --severity error
  supdiag rules list --kind wcm
  supdiag rules show wsyncmgr_wsus_not_configured
  supdiag rules check rules";

const EX_INIT_SETTINGS: &str = "\
Examples:
  supdiag init-settings -o supdiag.toml
  supdiag init-settings -o supdiag.toml --force";

const EX_COMPLETIONS: &str = "\
Examples:
  supdiag completions bash > ~/.local/share/bash-completion/completions/supdiag
  supdiag completions zsh > ~/.zfunc/_supdiag
  supdiag completions fish > ~/.config/fish/completions/supdiag.fish
  supdiag completions powershell >> $PROFILE";

const EX_MAN: &str = "\
Examples:
  supdiag man > supdiag.1
  supdiag man --dir man";

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and NO_COLOR is unset
    #[default]
    Auto,
    /// Always colour
    Always,
    /// Never colour
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Exit 1 when there is an error finding
    Error,
    /// Exit 1 when there is a warning or error finding
    Warning,
    /// Exit 1 when there is any finding above success
    Info,
    /// Never fail because of findings (exit 0 unless an input error)
    Never,
}

/// `--format` of `analyze` (also the formats the findings renderer in `report::render` writes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum OutputFormat {
    /// Findings with their evidence lines, for reading (colour when on a terminal)
    #[default]
    Terminal,
    /// One JSON document, `supdiag.report/1` (docs/report.schema.json)
    Json,
    /// One finding per line, as JSON
    Ndjson,
    /// Markdown for a ticket or a wiki page
    Markdown,
    /// Prometheus text for a textfile collector (windows_exporter, node_exporter)
    Prometheus,
}

/// `--format` of `sync`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum SyncFormat {
    /// Table of sync and ADR runs, last success and staleness
    #[default]
    Terminal,
    /// One JSON document, `supdiag.report/1` (docs/report.schema.json)
    Json,
    /// One JSON object per sync or ADR run, one a line
    Ndjson,
    /// Markdown table of the runs
    Markdown,
    /// Prometheus text for a textfile collector (windows_exporter, node_exporter)
    Prometheus,
}

/// Sync history across invocations (`sync`, `report`, `analyze`).
#[derive(Args, Debug, Clone, Default)]
pub struct HistoryArgs {
    /// SQLite file that keeps sync runs, ADR runs and findings across invocations, so output
    /// covers more than the logs still hold after rollover (created if missing)
    #[arg(long, value_name = "FILE", env = "SUPDIAG_HISTORY", help_heading = INPUT)]
    pub history: Option<PathBuf>,
    /// Show runs from this time on: an age before --now (30d, 12h) or a UTC time (default with --history: 30d)
    #[arg(long, value_name = "AGE|TIME", help_heading = INPUT)]
    pub since: Option<String>,
    /// Show runs before this time: an age before --now or a UTC time
    #[arg(long, value_name = "AGE|TIME", help_heading = INPUT)]
    pub until: Option<String>,
}

/// `--format` of `report`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum ReportFormat {
    /// One self-contained HTML page (no scripts, no external files)
    #[default]
    Html,
    /// Markdown document
    Markdown,
    /// The health document as JSON, `supdiag.report/1` (docs/report.schema.json)
    Json,
}

/// `--format` of `precheck`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum PrecheckFormat {
    /// Checklist: one line per check, pass/fail/skipped, then the findings
    #[default]
    Terminal,
    /// One JSON document, `supdiag.report/1` (docs/report.schema.json)
    Json,
    /// One finding per line, as JSON
    Ndjson,
}

impl From<PrecheckFormat> for OutputFormat {
    fn from(f: PrecheckFormat) -> Self {
        match f {
            PrecheckFormat::Terminal => OutputFormat::Terminal,
            PrecheckFormat::Json => OutputFormat::Json,
            PrecheckFormat::Ndjson => OutputFormat::Ndjson,
        }
    }
}

/// Options shared by the commands that read logs and apply rules.
#[derive(Args, Debug, Clone)]
pub struct CommonArgs {
    /// Settings file (supdiag.toml, ConfigMgr JSON export, applicationHost.config, .reg export); repeatable
    #[arg(long = "settings", value_name = "FILE", help_heading = INPUT)]
    pub settings: Vec<PathBuf>,
    /// Fail (exit 2) on a bad settings file instead of warning and going on without it
    #[arg(long, help_heading = INPUT)]
    pub strict: bool,
    /// Memory-map big files instead of reading them: faster on many cores, but only for copies
    /// of logs that nothing writes to. A file truncated while mapped kills supdiag (SIGBUS);
    /// never use it on a live site server's logs
    #[arg(long, help_heading = INPUT)]
    pub mmap: bool,
    /// Accepted for old scripts; reading is the default now
    #[arg(long, hide = true)]
    pub no_mmap: bool,
    /// Extra rules folder: adds rules or overrides built-in ones by id; repeatable
    #[arg(long = "rules", value_name = "DIR", help_heading = RULES)]
    pub rules: Vec<PathBuf>,
    /// Disable a rule by id; repeatable
    #[arg(long = "disable", value_name = "ID", help_heading = RULES)]
    pub disable: Vec<String>,
    /// Lowest finding severity that makes the exit code 1
    #[arg(long, value_enum, value_name = "SEVERITY", default_value = "warning", help_heading = RULES)]
    pub fail_on: FailOn,
    /// Colour: auto (terminal and NO_COLOR unset), always, never
    #[arg(long, value_enum, value_name = "WHEN", default_value = "auto", help_heading = OUTPUT)]
    pub color: ColorChoice,
    /// No progress bar, no warnings on stderr
    #[arg(long, short, help_heading = OUTPUT)]
    pub quiet: bool,
}

#[derive(Args, Debug)]
pub struct AnalyzeArgs {
    /// Log files, folders (searched recursively for *.log and *.lo_) or zip bundles; none on
    /// Windows: this machine's ConfigMgr, WSUS and IIS logs and settings
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub common: CommonArgs,
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value = "terminal", help_heading = OUTPUT, display_order = 0)]
    pub format: OutputFormat,
    /// Oldest acceptable last successful sync, e.g. 2d, 36h (rule sync_stale)
    #[arg(long, value_name = "AGE", help_heading = RULES)]
    pub max_age: Option<String>,
    #[command(flatten)]
    pub history: HistoryArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum ViewFormat {
    /// One line per record: time, severity, component, message
    #[default]
    Text,
    /// One JSON array of records
    Json,
    /// One JSON record per line
    Ndjson,
}

#[derive(Args, Debug)]
pub struct ViewArgs {
    /// Log files, folders or zip bundles; none on Windows: this machine's logs
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Lowest record severity to show: info, warning, error
    #[arg(long, value_name = "LEVEL", help_heading = FILTERS)]
    pub level: Option<String>,
    /// Only records of this component: a case-insensitive substring of it, or a log name for
    /// its component (wsyncmgr = SMS_WSUS_SYNC_MANAGER, wcm, wsusctrl, ruleengine, ...)
    #[arg(long, value_name = "NAME", help_heading = FILTERS)]
    pub component: Option<String>,
    /// Only records at or after this UTC time (2026-11-20T07:00:00Z, 2026-11-20 07:00, 2026-11-20)
    #[arg(long, value_name = "TIME", help_heading = FILTERS)]
    pub since: Option<String>,
    /// Only records before this UTC time
    #[arg(long, value_name = "TIME", help_heading = FILTERS)]
    pub until: Option<String>,
    /// Only records whose message matches this regex (case-insensitive)
    #[arg(long, value_name = "REGEX", help_heading = FILTERS)]
    pub grep: Option<String>,
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value = "text", help_heading = OUTPUT)]
    pub format: ViewFormat,
    /// Show each record's time in the server's local time (from the line's bias, with the
    /// offset) instead of UTC; filters (--since, --until) stay in UTC
    #[arg(long, help_heading = OUTPUT)]
    pub local_time: bool,
    /// Keep reading one file as it grows (survives the rollover to .lo_)
    #[arg(long)]
    pub follow: bool,
    /// Colour: auto (terminal and NO_COLOR unset), always, never
    #[arg(long, value_enum, value_name = "WHEN", default_value = "auto", help_heading = OUTPUT)]
    pub color: ColorChoice,
    /// Memory-map big files instead of reading them (only for logs nothing writes to: a file
    /// truncated while mapped kills supdiag with SIGBUS)
    #[arg(long, conflicts_with = "follow", help_heading = INPUT)]
    pub mmap: bool,
    /// Accepted for old scripts; reading is the default now
    #[arg(long, hide = true)]
    pub no_mmap: bool,
}

#[derive(Args, Debug)]
pub struct SyncArgs {
    /// Log files, folders or zip bundles holding wsyncmgr.log (and ruleengine.log for ADR
    /// runs); none on Windows: this machine's logs
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub common: CommonArgs,
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value = "terminal", help_heading = OUTPUT, display_order = 0)]
    pub format: SyncFormat,
    /// Oldest acceptable last successful sync, e.g. 2d, 36h (default 2d or from the settings' schedule)
    #[arg(long, value_name = "AGE", help_heading = RULES)]
    pub max_age: Option<String>,
    /// Reference time for staleness (default: now), RFC 3339
    #[arg(long, value_name = "TIME", help_heading = RULES)]
    pub now: Option<String>,
    #[command(flatten)]
    pub history: HistoryArgs,
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// Log files, folders or zip bundles; none on Windows: this machine's logs
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub common: CommonArgs,
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value = "html", help_heading = OUTPUT, display_order = 0)]
    pub format: ReportFormat,
    /// Output file (default: standard output)
    #[arg(long, short = 'o', value_name = "FILE", help_heading = OUTPUT, display_order = 0)]
    pub output: Option<PathBuf>,
    /// Oldest acceptable last successful sync, e.g. 2d, 36h (default 2d or from the settings' schedule)
    #[arg(long, value_name = "AGE", help_heading = RULES)]
    pub max_age: Option<String>,
    /// Reference time for staleness (default: now), RFC 3339
    #[arg(long, value_name = "TIME", help_heading = RULES)]
    pub now: Option<String>,
    #[command(flatten)]
    pub history: HistoryArgs,
}

#[derive(Args, Debug)]
pub struct PrecheckArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Run live probes (DNS, TCP, TLS, HTTP, proxy) from this machine
    #[arg(long, help_heading = PROBES)]
    pub probe: bool,
    /// Timeout per probe, seconds
    #[arg(long, default_value_t = 5.0, value_name = "SECONDS", help_heading = PROBES)]
    pub timeout: f64,
    /// Trust this CA (PEM) for the TLS probe instead of the system roots
    #[arg(long, value_name = "FILE", help_heading = PROBES)]
    pub ca: Option<PathBuf>,
    /// Proxy to test internet reachability through (http://host:port), overriding the settings
    #[arg(long, value_name = "URL", help_heading = PROBES)]
    pub proxy: Option<String>,
    /// Internet endpoint for the sync reachability probe
    #[arg(long, value_name = "HOST", default_value = "sws.update.microsoft.com", help_heading = PROBES)]
    pub sync_endpoint: String,
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value = "terminal", help_heading = OUTPUT, display_order = 0)]
    pub format: PrecheckFormat,
}

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// Error code (hex, decimal, negative HRESULT), status message id (6703) or rule id
    #[arg(value_name = "CODE_OR_RULE", allow_negative_numbers = true)]
    pub query: String,
    /// Colour: auto (terminal and NO_COLOR unset), always, never
    #[arg(long, value_enum, value_name = "WHEN", default_value = "auto")]
    pub color: ColorChoice,
    /// Extra rules folder (for explaining custom rule ids)
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<PathBuf>,
}

#[derive(Args, Debug)]
pub struct RulesArgs {
    #[command(subcommand)]
    pub action: RulesAction,
}

#[derive(Subcommand, Debug)]
pub enum RulesAction {
    /// List rule ids with severity and title
    List(RulesListArgs),
    /// Show one rule
    Show {
        /// Rule id (see `supdiag rules list`)
        id: String,
        /// Extra rules folder: adds rules or overrides built-in ones by id; repeatable
        #[arg(long = "rules", value_name = "DIR")]
        rules: Vec<PathBuf>,
    },
    /// Lint a rules folder (default: the built-in rules)
    Check {
        /// Rules folder to lint (default: the built-in rules)
        dir: Option<PathBuf>,
    },
}

#[derive(Args, Debug)]
pub struct RulesListArgs {
    /// Extra rules folder: adds rules or overrides built-in ones by id; repeatable
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<PathBuf>,
    /// Only rules that read this log (wsyncmgr, wcm, wsusctrl, ruleengine, wuahandler, iis, ...), or
    /// `fact` for the correlation rules on settings and probe results
    #[arg(long, value_name = "KIND")]
    pub kind: Option<String>,
    /// Only rules of this severity
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub severity: Option<RuleSeverity>,
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: ListFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RuleSeverity {
    /// Something is broken
    Error,
    /// Something will break or needs a look
    Warning,
    /// Worth knowing
    Info,
    /// A healthy state, shown as evidence that a step worked
    Success,
}

/// `--format` of `rules list`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum ListFormat {
    /// One rule a line: id, severity, title
    #[default]
    Text,
    /// One JSON array of rules (id, severity, title, type, kinds, codes, settings, docs, origin)
    Json,
}

#[derive(Args, Debug)]
pub struct InitSettingsArgs {
    /// Write here instead of standard output
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Overwrite an existing file
    #[arg(long)]
    pub force: bool,
}

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// Shell to write the completion script for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Args, Debug)]
pub struct ManArgs {
    /// Write supdiag.1 and one page per command (supdiag-analyze.1, ...) into this folder
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct CollectArgs {
    // The doc comment is the `--help` text: its `<host>` and `<time>` are placeholders, not HTML.
    #[allow(rustdoc::invalid_html_tags)]
    /// The zip to write (default: supdiag-<host>-<time>.zip in the current folder)
    #[arg(long, short = 'o', value_name = "FILE.zip")]
    pub output: Option<PathBuf>,
    /// Only logs written in the last N days (rollovers and IIS days before are left out)
    #[arg(long, value_name = "N")]
    pub days: Option<u32>,
    /// Log megabytes at most in the bundle; files past it are left out (named in the manifest)
    #[arg(long, value_name = "MB", default_value_t = 2048)]
    pub max_size_mb: u64,
    /// No progress on stderr
    #[arg(long, short)]
    pub quiet: bool,
}
