//! The sync chart of the HTML report: inline SVG built with maud (every text escaped).
//!
//! Up to [`MAX_BARS`] runs get one bar each at their start time (height = duration, fill and
//! letter = result). Beyond that, runs are aggregated into one bar per day, or per week when
//! the period is longer than [`MAX_DAYS`] days: height = median duration, split from the bottom
//! into the share of successful, running, interrupted and failed runs (a day of 100 runs with one
//! failure reads as mostly green, not as a failed day), the tooltip has the counts. So 434,000
//! runs draw as a few hundred bars
//! and the report stays a few MB. A run far longer than the others does not flatten every
//! other bar: the axis stops at a few times the 90th percentile and longer bars are cut with a
//! mark and their real duration written on them. The chart marks "now" and shades the days
//! (weeks) without any sync.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, DurationRound, Utc};
use maud::{html, Markup};

use crate::sync::stats::format_duration;
use crate::sync::{RunResult, SyncRun};

/// Runs drawn one bar each; above this they are aggregated.
pub const MAX_BARS: usize = 300;
/// Days drawn one bucket each; above this, weeks.
pub const MAX_DAYS: i64 = 400;

/// Fill pattern and letter per result: colour on screen, pattern and letter on grey paper.
fn style(r: RunResult) -> (&'static str, &'static str) {
    match r {
        RunResult::Success => ("url(#p-success)", "S"),
        RunResult::Failed => ("url(#p-failed)", "F"),
        RunResult::Interrupted => ("url(#p-interrupted)", "I"),
        RunResult::Running => ("url(#p-running)", "R"),
    }
}

fn severity(r: RunResult) -> u8 {
    match r {
        RunResult::Success => 0,
        RunResult::Running => 1,
        RunResult::Interrupted => 2,
        RunResult::Failed => 3,
    }
}

/// `45m`, `1h`, `1h30m`: tick labels are round, so seconds would only add noise.
fn axis_label(secs: i64) -> String {
    let (h, m) = (secs / 3600, secs % 3600 / 60);
    match (h, m) {
        (0, 0) if secs > 0 => format!("{secs}s"),
        (0, 0) => "0".into(),
        (0, m) => format!("{m}m"),
        (h, 0) => format!("{h}h"),
        (h, m) => format!("{h}h{m:02}m"),
    }
}

/// A round step for the y axis (seconds) giving at most ~5 ticks.
fn y_step(max: i64) -> i64 {
    const STEPS: [i64; 14] = [
        10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400,
    ];
    STEPS
        .iter()
        .copied()
        .find(|s| max / s <= 5)
        .unwrap_or_else(|| (max / 5).max(1))
}

fn x_step(span: Duration) -> Duration {
    let hours = [1i64, 3, 6, 12, 24, 48, 168, 336, 720, 2160, 8760];
    let h = hours
        .iter()
        .copied()
        .find(|h| span.num_hours() / h <= 10)
        .unwrap_or(8760);
    Duration::hours(h)
}

/// One bar: a run or a bucket of runs.
struct Bar {
    at: DateTime<Utc>,
    /// Width in time (a bucket's length; zero for a single run).
    span: Duration,
    seconds: i64,
    result: RunResult,
    /// Runs per result of a bucket, in [`severity`] order (none for a single run).
    counts: Option<[usize; 4]>,
    tip: String,
}

/// Results in [`severity`] order: the stacking order of a bucket's bar, from the bottom.
const BY_SEVERITY: [RunResult; 4] = [
    RunResult::Success,
    RunResult::Running,
    RunResult::Interrupted,
    RunResult::Failed,
];

/// The least height of a bar in px: failed and interrupted runs usually end within seconds, and
/// they are what a reader looks for, so they never shrink to a sliver (the tooltip and the
/// table have the real duration).
fn min_height(b: &Bar) -> f64 {
    match (b.counts, b.result) {
        (None, RunResult::Failed | RunResult::Interrupted) => 18.0,
        _ => 6.0,
    }
}

/// The parts of a bar from the bottom up (`y` of its top, height, result): one for a run; one
/// per result present for a bucket, each as high as its share of the runs and at least 2 px so
/// one failure among hundreds of runs stays visible.
fn segments(b: &Bar, top_y: f64, base_y: f64) -> Vec<(f64, f64, RunResult)> {
    let Some(counts) = b.counts else {
        return vec![(top_y, base_y - top_y, b.result)];
    };
    let total: usize = counts.iter().sum();
    let height = base_y - top_y;
    let mut y = base_y;
    let mut out = Vec::new();
    for (r, n) in BY_SEVERITY.iter().zip(counts) {
        if n == 0 {
            continue;
        }
        let h = (height * n as f64 / total.max(1) as f64).max(2.0);
        y -= h;
        out.push((y, h, *r));
    }
    out
}

fn run_bars(runs: &[&SyncRun]) -> Vec<Bar> {
    runs.iter()
        .filter_map(|r| {
            let at = r.start?;
            Some(Bar {
                at,
                span: Duration::zero(),
                seconds: r.chart_seconds().unwrap_or(0),
                result: r.result,
                counts: None,
                tip: format!(
                    "{}{}: {}, {}{}",
                    at.format("%Y-%m-%d %H:%M:%SZ"),
                    r.site
                        .as_deref()
                        .map(|s| format!(" site {s}"))
                        .unwrap_or_default(),
                    r.result.as_str(),
                    r.duration_seconds
                        .map(format_duration)
                        .unwrap_or_else(|| "no end".into()),
                    r.error
                        .as_deref()
                        .map(|e| format!(" — {e}"))
                        .unwrap_or_default()
                ),
            })
        })
        .collect()
}

fn bucket_bars(runs: &[&SyncRun], size: Duration, unit: &str) -> Vec<Bar> {
    // (count per result, durations)
    let mut b: BTreeMap<DateTime<Utc>, ([usize; 4], Vec<i64>)> = BTreeMap::new();
    let origin = DateTime::<Utc>::UNIX_EPOCH;
    for r in runs {
        let Some(t) = r.start else { continue };
        // Weeks start on Monday (the epoch was a Thursday).
        let shift = if size == Duration::weeks(1) {
            Duration::days(3)
        } else {
            Duration::zero()
        };
        let n = (t - origin + shift)
            .num_seconds()
            .div_euclid(size.num_seconds());
        let key = origin - shift + Duration::seconds(n * size.num_seconds());
        let e = b.entry(key).or_default();
        e.0[usize::from(severity(r.result))] += 1;
        if let Some(d) = r.chart_seconds() {
            e.1.push(d);
        }
    }
    b.into_iter()
        .map(|(at, (counts, mut d))| {
            d.sort_unstable();
            let med = d.get(d.len() / 2).copied().unwrap_or(0);
            let max = d.last().copied().unwrap_or(0);
            let worst = if counts[3] > 0 {
                RunResult::Failed
            } else if counts[2] > 0 {
                RunResult::Interrupted
            } else if counts[1] > 0 {
                RunResult::Running
            } else {
                RunResult::Success
            };
            let total: usize = counts.iter().sum();
            Bar {
                at,
                span: size,
                seconds: med,
                result: worst,
                counts: Some(counts),
                tip: format!(
                    "{unit} of {}: {total} runs — {} success, {} failed, {} interrupted, {} running; median {}, longest {}",
                    at.format("%Y-%m-%d"),
                    counts[0],
                    counts[3],
                    counts[2],
                    counts[1],
                    format_duration(med),
                    format_duration(max)
                ),
            }
        })
        .collect()
}

/// The top of the y axis: the longest bar, unless it is far above the others (more than 4×
/// their 75th percentile: then 3× that, and longer bars are cut).
fn y_top(bars: &[Bar]) -> (i64, bool) {
    let mut d: Vec<i64> = bars.iter().map(|b| b.seconds).collect();
    d.sort_unstable();
    // At least 10 s, so runs of a few seconds still get bars one can compare.
    let max = d.last().copied().unwrap_or(60).max(10);
    if d.len() >= 4 {
        let p75 = d
            .get((d.len() * 3).div_ceil(4).saturating_sub(1))
            .copied()
            .unwrap_or(max)
            .max(20);
        if max > p75 * 4 {
            return (p75 * 3, true);
        }
    }
    (max, false)
}

/// The chart of `runs` (one host and site, or all of them outside a fleet) up to `now`. In a
/// fleet every chart starts at `from`, the first run of all hosts, so they line up; the days
/// before a host's own first run are not shaded as days without sync (its logs may not reach
/// back that far).
pub fn chart(
    runs: &[&SyncRun],
    from: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    title: &str,
) -> Markup {
    let timed: Vec<&SyncRun> = runs.iter().copied().filter(|r| r.start.is_some()).collect();
    let (Some(t0), Some(t1)) = (
        timed.iter().filter_map(|r| r.start).min(),
        timed
            .iter()
            .filter_map(|r| Some(r.start? + Duration::seconds(r.chart_seconds().unwrap_or(0))))
            .max(),
    ) else {
        return html! { p { "No timed sync runs to chart." } };
    };
    let days = (t1 - t0).num_days() + 1;
    let (bars, unit) = if timed.len() <= MAX_BARS {
        (run_bars(&timed), None)
    } else if days <= MAX_DAYS {
        (bucket_bars(&timed, Duration::days(1), "day"), Some("day"))
    } else {
        (
            bucket_bars(&timed, Duration::weeks(1), "week"),
            Some("week"),
        )
    };
    // The period ends at "now" when now is after the runs (and not absurdly far).
    let t_end = if now > t1 && now - t1 < Duration::days(366) {
        now
    } else {
        t1
    };
    let (w, ht) = (1100.0f64, 300.0f64);
    let (ml, mr, mt, mb) = (64.0, 24.0, 24.0, 64.0);
    let (pw, ph) = (w - ml - mr, ht - mt - mb);
    let start = from.map_or(t0, |f| f.min(t0));
    let pad = Duration::seconds(((t_end - start).num_seconds() / 30).max(1800));
    let (x0, x1) = (start - pad, t_end + pad);
    let span = (x1 - x0).num_seconds().max(1) as f64;
    let x = |t: DateTime<Utc>| ml + (t - x0).num_seconds() as f64 / span * pw;
    let (max_d, capped) = y_top(&bars);
    let step = y_step(max_d);
    let top = ((max_d + step - 1) / step).max(1) * step;
    let y = |d: i64| mt + ph - d.min(top) as f64 / top as f64 * ph;

    let ticks: Vec<i64> = (0..=top / step).map(|i| i * step).collect();
    let xs = x_step(x1 - x0);
    let mut xticks = Vec::new();
    let mut t = x0.duration_trunc(Duration::days(1)).unwrap_or(x0);
    while t <= x1 && xticks.len() < 40 {
        if t >= x0 {
            let label = if xs >= Duration::days(1) || t.format("%H").to_string() == "00" {
                t.format("%a %d %b").to_string()
            } else {
                t.format("%H:%M").to_string()
            };
            xticks.push((x(t), label));
        }
        t += xs;
    }
    // Days (weeks when aggregated by week) without any run start, up to now.
    let gap_unit = if unit == Some("week") {
        Duration::weeks(1)
    } else {
        Duration::days(1)
    };
    let mut gaps = Vec::new();
    let g = gap_unit.num_seconds().max(1);
    let day0 = t0.duration_trunc(Duration::days(1)).unwrap_or(t0);
    let n = ((t_end - day0).num_seconds() / g + 1).min(MAX_DAYS);
    let busy: std::collections::BTreeSet<i64> = timed
        .iter()
        .filter_map(|r| r.start)
        .map(|t| (t - day0).num_seconds().div_euclid(g))
        .collect();
    for i in (0..n).filter(|i| !busy.contains(i)) {
        let a = day0 + Duration::seconds(i * g);
        let (xa, xb) = (x(a.max(x0)), x((a + gap_unit).min(x1)));
        if xb > xa {
            gaps.push((xa, xb - xa));
        }
    }
    // Bar width: as wide as the closest pair allows (retries an hour apart stay apart).
    let mut px: Vec<f64> = bars.iter().map(|b| x(b.at + b.span / 2)).collect();
    px.sort_by(f64::total_cmp);
    let min_gap = px
        .windows(2)
        .map(|w| w[1] - w[0])
        .fold(f64::INFINITY, f64::min);
    let bw = (min_gap * 0.8)
        .min(pw / bars.len().max(1) as f64 * 0.8)
        .clamp(2.0, 22.0);
    let letters = bars.len() <= 60;
    let now_x = x(now);
    let show_now = now >= x0 && now <= x1;
    let aria = match unit {
        Some(u) => format!(
            "{title}: one bar per {u} ({} runs), height the median duration, split by the share of each result",
            timed.len()
        ),
        None => {
            format!("{title}: one bar per run, height the duration, fill and letter the result")
        }
    };
    let counts: Vec<(RunResult, usize)> = [
        RunResult::Success,
        RunResult::Failed,
        RunResult::Interrupted,
        RunResult::Running,
    ]
    .into_iter()
    .map(|r| (r, timed.iter().filter(|x| x.result == r).count()))
    .collect();

    html! {
        svg xmlns="http://www.w3.org/2000/svg" viewBox=(format!("0 0 {w} {ht}")) width=(w) height=(ht)
            role="img" aria-label=(aria) font-family="system-ui, Arial, sans-serif" font-size="12" {
            defs {
                pattern id="p-success" width="6" height="6" patternUnits="userSpaceOnUse" { rect width="6" height="6" fill="#2e7d32" {} }
                pattern id="p-failed" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)" {
                    rect width="6" height="6" fill="#c62828" {} rect width="2.5" height="6" fill="#ffffff" {}
                }
                pattern id="p-interrupted" width="6" height="6" patternUnits="userSpaceOnUse" {
                    rect width="6" height="6" fill="#ef6c00" {} circle cx="3" cy="3" r="1.3" fill="#ffffff" {}
                }
                pattern id="p-running" width="6" height="6" patternUnits="userSpaceOnUse" {
                    rect width="6" height="6" fill="#ffffff" {} rect width="6" height="2" fill="#1565c0" {}
                }
                pattern id="p-gap" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)" {
                    rect width="8" height="8" fill="#f4f4f4" {} rect width="1" height="8" fill="#c8c8c8" {}
                }
            }
            @for (gx, gw) in &gaps {
                rect class="gap" x=(fmt1(*gx)) y=(mt) width=(fmt1(*gw)) height=(ph) fill="url(#p-gap)" {
                    title { "no sync started on this " (if gap_unit == Duration::weeks(1) { "week" } else { "day" }) }
                }
            }
            @for d in &ticks {
                line x1=(ml) x2=(ml + pw) y1=(fmt1(y(*d))) y2=(fmt1(y(*d))) stroke="#d0d0d0" stroke-width="1" {}
                text x=(ml - 6.0) y=(fmt1(y(*d) + 4.0)) text-anchor="end" fill="#333" {
                    (axis_label(*d)) @if capped && *d == top { "+" }
                }
            }
            text x="14" y=(fmt1(mt + ph / 2.0)) transform=(format!("rotate(-90 14 {:.1})", mt + ph / 2.0)) text-anchor="middle" fill="#333" {
                @if unit.is_some() { "median duration" } @else { "duration" }
            }
            @for (tx, label) in &xticks {
                line x1=(fmt1(*tx)) x2=(fmt1(*tx)) y1=(mt) y2=(fmt1(mt + ph)) stroke="#ececec" {}
                line x1=(fmt1(*tx)) x2=(fmt1(*tx)) y1=(fmt1(mt + ph)) y2=(fmt1(mt + ph + 5.0)) stroke="#333" {}
                text x=(fmt1(*tx)) y=(fmt1(mt + ph + 18.0)) text-anchor="middle" fill="#333" { (label) }
            }
            line x1=(ml) x2=(ml + pw) y1=(fmt1(mt + ph)) y2=(fmt1(mt + ph)) stroke="#333" {}
            line x1=(ml) x2=(ml) y1=(mt) y2=(fmt1(mt + ph)) stroke="#333" {}
            text x=(fmt1(ml + pw / 2.0)) y=(fmt1(mt + ph + 36.0)) text-anchor="middle" fill="#333" {
                "start time (UTC)"
                @if let Some(u) = unit { " — one bar per " (u) }
            }
            @for b in &bars {
                @let (_, letter) = style(b.result);
                @let yy = y(b.seconds).min(mt + ph - min_height(b));
                @let bx = x(b.at + b.span / 2) - bw / 2.0;
                @let cut = capped && b.seconds > top;
                g {
                    title { (b.tip) }
                    @for (sy, sh, r) in segments(b, yy, mt + ph) {
                        rect x=(fmt1(bx)) y=(fmt1(sy)) width=(fmt1(bw)) height=(fmt1(sh)) fill=(style(r).0) stroke="#222" stroke-width="0.8" {}
                    }
                }
                @if cut {
                    path d=(format!("M{:.1} {:.1} l{:.1} -4 l{:.1} 4 l{:.1} -4", bx - 1.0, yy + 10.0, (bw + 2.0) / 3.0, (bw + 2.0) / 3.0, (bw + 2.0) / 3.0))
                        stroke="#ffffff" stroke-width="3" fill="none" {}
                    text class="cut" x=(fmt1(bx + bw / 2.0 + 4.0)) y=(fmt1(yy + 12.0)) font-size="11" fill="#222" {
                        (format_duration(b.seconds))
                    }
                }
                @if letters {
                    text x=(fmt1(bx + bw / 2.0)) y=(fmt1(yy - 4.0)) text-anchor="middle" font-size="11" font-weight="bold" fill="#222" { (letter) }
                }
            }
            @if show_now {
                line class="now" x1=(fmt1(now_x)) x2=(fmt1(now_x)) y1=(fmt1(mt - 6.0)) y2=(fmt1(mt + ph)) stroke="#1b1b1b" stroke-width="1.5" stroke-dasharray="4 3" {}
                text x=(fmt1(now_x)) y=(fmt1(mt - 9.0)) text-anchor="middle" font-size="11" fill="#1b1b1b" { "now" }
            }
            g class="legend" {
                @for (i, (r, n)) in counts.iter().enumerate() {
                    @let (fill, letter) = style(*r);
                    @let lx = ml + 170.0 * i as f64;
                    rect x=(fmt1(lx)) y=(fmt1(ht - 25.0)) width="14" height="14" fill=(fill) stroke="#222" stroke-width="0.8" {}
                    text x=(fmt1(lx + 20.0)) y=(fmt1(ht - 14.0)) fill="#222" { (letter) " = " (r.as_str()) " (" (n) ")" }
                }
                rect x=(fmt1(ml + 680.0)) y=(fmt1(ht - 25.0)) width="14" height="14" fill="url(#p-gap)" stroke="#888" stroke-width="0.8" {}
                text x=(fmt1(ml + 700.0)) y=(fmt1(ht - 14.0)) fill="#222" {
                    "no sync that " (if gap_unit == Duration::weeks(1) { "week" } else { "day" })
                }
            }
        }
    }
}

fn fmt1(v: f64) -> String {
    format!("{v:.1}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::sites::tests_support::run;

    fn runs(n: usize, step_minutes: i64) -> Vec<SyncRun> {
        let t0: DateTime<Utc> = "2026-01-01T00:00:00Z".parse().expect("t");
        (0..n)
            .map(|i| {
                let mut r = run("CM01", "2026-01-01T00:00:00Z");
                r.start = Some(t0 + Duration::minutes(step_minutes * i as i64));
                if i % 7 == 3 {
                    r.result = RunResult::Failed;
                }
                r
            })
            .collect()
    }

    fn rects(svg: &str) -> usize {
        svg.matches("<rect x=").count()
    }

    #[test]
    fn many_runs_are_drawn_per_day_or_week() {
        let few = runs(50, 60 * 24);
        let refs: Vec<&SyncRun> = few.iter().collect();
        let now = "2026-03-01T00:00:00Z".parse().expect("t");
        let svg = chart(&refs, None, now, "t").into_string();
        assert!(svg.contains(">S</text>"), "one lettered bar per run");
        // 20,000 runs every 10 minutes: 139 days, one bar per day.
        let many = runs(20_000, 10);
        let refs: Vec<&SyncRun> = many.iter().collect();
        let svg = chart(&refs, None, now, "t").into_string();
        let bars = svg.matches("<title>day of ").count();
        assert!((139..=140).contains(&bars), "{bars} daily bars");
        assert!(svg.len() < 200_000, "{} bytes", svg.len());
        // Ten years of hourly runs: weekly bars.
        let years = runs(87_600, 60);
        let refs: Vec<&SyncRun> = years.iter().collect();
        let svg = chart(&refs, None, now, "t").into_string();
        let weeks = svg.matches("<title>week of ").count();
        assert!((520..=523).contains(&weeks), "{weeks} weekly bars");
        assert!(rects(&svg) < 1_200, "{} rects", rects(&svg));
    }

    /// Heights of the rects filled with `pattern`.
    fn heights(svg: &str, pattern: &str) -> Vec<f64> {
        svg.split("<rect ")
            .filter(|r| r.contains(&format!("fill=\"url(#{pattern})\" stroke=\"#222\"")))
            .filter_map(|r| {
                let h = r.split("height=\"").nth(1)?.split('"').next()?;
                h.parse().ok()
            })
            .collect()
    }

    #[test]
    fn an_aggregated_bar_shows_the_share_of_each_result() {
        // 400 runs, one every 30 minutes (more than MAX_BARS: one bar per day), every 7th
        // failed: each day is mostly green with a thin failed part, not a "failed day".
        let many = runs(400, 30);
        let refs: Vec<&SyncRun> = many.iter().collect();
        let now = "2026-01-10T00:00:00Z".parse().expect("t");
        let svg = chart(&refs, None, now, "t").into_string();
        // The legend has one rect of each fill as well.
        let ok = heights(&svg, "p-success");
        let failed = heights(&svg, "p-failed");
        assert!(ok.len() >= 9 && failed.len() >= 9, "{ok:?} {failed:?}");
        let (ok_sum, failed_sum): (f64, f64) = (ok.iter().sum(), failed.iter().sum());
        assert!(
            ok_sum > failed_sum * 4.0,
            "success {ok_sum} px, failed {failed_sum} px"
        );
        assert!(failed.iter().all(|h| *h >= 2.0), "{failed:?}");
    }

    #[test]
    fn fleet_charts_line_up_and_a_quick_failure_is_no_sliver() {
        let early = runs(4, 60 * 24);
        // The second host starts two days later; its runs fail at once.
        let mut late = runs(2, 60 * 24);
        for r in &mut late {
            r.start = r.start.map(|t| t + Duration::days(2));
            r.result = RunResult::Failed;
            r.duration_seconds = Some(0);
            r.end = r.start;
        }
        let now = "2026-01-06T00:00:00Z".parse().expect("t");
        let from = early.iter().filter_map(|r| r.start).min();
        let a: Vec<&SyncRun> = early.iter().collect();
        let b: Vec<&SyncRun> = late.iter().collect();
        let (sa, sb) = (
            chart(&a, from, now, "a").into_string(),
            chart(&b, from, now, "b").into_string(),
        );
        let first_tick = |svg: &str| {
            svg.split("text-anchor=\"middle\" fill=\"#333\">")
                .nth(1)
                .and_then(|t| t.split('<').next())
                .map(str::to_string)
        };
        assert_eq!(
            first_tick(&sa),
            first_tick(&sb),
            "same period on both charts"
        );
        assert!(first_tick(&sa).is_some());
        let failed = heights(&sb, "p-failed");
        // Two bars and the legend swatch (14 px).
        assert!(
            failed.iter().filter(|h| **h >= 18.0).count() >= 2,
            "{failed:?}"
        );
    }

    #[test]
    fn an_outlier_is_cut_and_now_and_empty_days_are_marked() {
        let mut rs = runs(6, 60 * 24);
        rs[2].duration_seconds = Some(40_000);
        rs[2].end = rs[2].start.map(|t| t + Duration::seconds(40_000));
        let refs: Vec<&SyncRun> = rs.iter().collect();
        let now = "2026-01-10T12:00:00Z".parse().expect("t");
        let svg = chart(&refs, None, now, "t").into_string();
        assert!(svg.contains("class=\"cut\""), "the outlier bar is cut");
        assert!(svg.contains("11h06m"), "and labelled with its duration");
        assert!(svg.contains("class=\"now\""));
        // Runs on 1–6 Jan, now on the 10th: the 7th, 8th and 9th had no sync (and the 10th
        // so far).
        let gaps = svg.matches("class=\"gap\"").count();
        assert!((3..=4).contains(&gaps), "{gaps} empty days");
    }
}
