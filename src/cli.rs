//! Command-line definitions (clap derive) only; no logic.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "supdiag",
    version,
    about = "Diagnose ConfigMgr software update point (SUP) and WSUS synchronization from logs and settings",
    long_about = "supdiag reads ConfigMgr/WSUS logs (wsyncmgr, WCM, WSUSCtrl, SUPSetup, ruleengine, \
PatchDownloader, SoftwareDistribution, WindowsUpdate, WUAHandler, IIS, ...) and the configured \
settings, finds what is wrong with update synchronization and downloads, shows the log lines as \
evidence and says what to change.\n\nExit codes: 0 nothing at or above --fail-on, 1 findings at or \
above it, 2 usage or input error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Find failures in logs, explain them and say what to change
    Analyze(AnalyzeArgs),
    /// Show log records merged, time-sorted and normalised to UTC
    View(ViewArgs),
    /// Reconstruct sync and ADR runs: history, last success, staleness
    Sync(SyncArgs),
    /// Write the periodic health report (HTML, Markdown or JSON)
    Report(ReportArgs),
    /// Check SUP prerequisites from the settings, optionally with live probes
    Precheck(PrecheckArgs),
    /// Decode an error code (0x80072EE7, 80072ee7, -2147012889, 12007) or explain a rule id
    Explain(ExplainArgs),
    /// List, show or lint rules
    Rules(RulesArgs),
    /// Write a commented supdiag.toml settings template
    InitSettings(InitSettingsArgs),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    /// Never fail because of findings (exit 0 unless an input error)
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum OutputFormat {
    #[default]
    Terminal,
    Json,
    Ndjson,
    Markdown,
    Html,
}

/// Options shared by the commands that read logs and apply rules.
#[derive(Args, Debug, Clone)]
pub struct CommonArgs {
    /// Settings file (supdiag.toml, ConfigMgr JSON export, applicationHost.config, .reg export); repeatable
    #[arg(long = "settings", value_name = "FILE")]
    pub settings: Vec<PathBuf>,
    /// Fail (exit 2) on a bad settings file instead of warning and going on without it
    #[arg(long)]
    pub strict: bool,
    /// Extra rules folder: adds rules or overrides built-in ones by id; repeatable
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<PathBuf>,
    /// Disable a rule by id; repeatable
    #[arg(long = "disable", value_name = "ID")]
    pub disable: Vec<String>,
    /// Lowest finding severity that makes the exit code 1
    #[arg(long, value_enum, default_value = "warning")]
    pub fail_on: FailOn,
    /// Colour: auto (terminal and NO_COLOR unset), always, never
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
    /// No progress bar, no warnings on stderr
    #[arg(long, short)]
    pub quiet: bool,
    /// Read files instead of memory-mapping them
    #[arg(long)]
    pub no_mmap: bool,
}

#[derive(Args, Debug)]
pub struct AnalyzeArgs {
    /// Log files or folders (searched recursively)
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub common: CommonArgs,
    /// Output format: terminal, json, ndjson, markdown
    #[arg(long, short = 'f', value_enum, default_value = "terminal")]
    pub format: OutputFormat,
    /// Oldest acceptable last successful sync, e.g. 2d, 36h (sync_stale)
    #[arg(long, value_name = "AGE")]
    pub max_age: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum ViewFormat {
    #[default]
    Text,
    Json,
    Ndjson,
}

#[derive(Args, Debug)]
pub struct ViewArgs {
    /// Log files or folders
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Lowest record severity to show: info, warning, error
    #[arg(long, value_name = "LEVEL")]
    pub level: Option<String>,
    /// Only records of this component (case-insensitive substring)
    #[arg(long, value_name = "NAME")]
    pub component: Option<String>,
    /// Only records at or after this UTC time (2026-11-20T07:00:00Z, 2026-11-20 07:00, 2026-11-20)
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Only records before this UTC time
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// Only records whose message matches this regex
    #[arg(long, value_name = "REGEX")]
    pub grep: Option<String>,
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: ViewFormat,
    /// Keep reading one file as it grows (survives the rollover to .lo_)
    #[arg(long)]
    pub follow: bool,
    #[arg(long, value_enum, default_value = "auto")]
    pub color: ColorChoice,
    #[arg(long)]
    pub no_mmap: bool,
}

#[derive(Args, Debug)]
pub struct SyncArgs {
    /// Log files or folders holding wsyncmgr.log (and ruleengine.log for ADR runs)
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub common: CommonArgs,
    #[arg(long, short = 'f', value_enum, default_value = "terminal")]
    pub format: OutputFormat,
    /// Oldest acceptable last successful sync, e.g. 2d, 36h (default 2d or from the settings' schedule)
    #[arg(long, value_name = "AGE")]
    pub max_age: Option<String>,
    /// Reference time for staleness (default: now), RFC 3339
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// Log files or folders
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub common: CommonArgs,
    #[arg(long, short = 'f', value_enum, default_value = "html")]
    pub format: OutputFormat,
    /// Output file (default: standard output)
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[arg(long, value_name = "AGE")]
    pub max_age: Option<String>,
    /// Reference time for staleness (default: now), RFC 3339
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
}

#[derive(Args, Debug)]
pub struct PrecheckArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Run live probes (DNS, TCP, TLS, HTTP, proxy) from this machine
    #[arg(long)]
    pub probe: bool,
    /// Timeout per probe, seconds
    #[arg(long, default_value_t = 5.0, value_name = "SECONDS")]
    pub timeout: f64,
    /// Trust this CA (PEM) for the TLS probe instead of the system roots
    #[arg(long, value_name = "FILE")]
    pub ca: Option<PathBuf>,
    /// Proxy to test internet reachability through (http://host:port), overriding the settings
    #[arg(long, value_name = "URL")]
    pub proxy: Option<String>,
    /// Internet endpoint for the sync reachability probe
    #[arg(long, value_name = "HOST", default_value = "sws.update.microsoft.com")]
    pub sync_endpoint: String,
    #[arg(long, short = 'f', value_enum, default_value = "terminal")]
    pub format: OutputFormat,
}

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// Error code (hex, decimal, negative HRESULT) or rule id
    #[arg(value_name = "CODE_OR_RULE", allow_negative_numbers = true)]
    pub query: String,
    #[arg(long, value_enum, default_value = "auto")]
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
    List {
        #[arg(long = "rules", value_name = "DIR")]
        rules: Vec<PathBuf>,
    },
    /// Show one rule
    Show {
        id: String,
        #[arg(long = "rules", value_name = "DIR")]
        rules: Vec<PathBuf>,
    },
    /// Lint a rules folder (default: the built-in rules)
    Check { dir: Option<PathBuf> },
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
