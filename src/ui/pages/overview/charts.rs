//! The overview's pictures, drawn as SVG by Vigil (no chart library): incidents over time
//! stacked by severity, and bars of counts. Each carries its numbers as text: a title on every
//! bar for the pointer, and the same figures in a table for screen readers. Colours come from
//! the stylesheet and never carry meaning alone: the legend and the titles name each part.

use leptos::prelude::*;

use crate::core::overview::{BySeverity, Period, time_axis};
use crate::core::vocabulary::Severity;

/// The chart's drawing size in its own units; the page scales it to its width.
const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 160.0;

/// What the chart over time shows, in words.
const TITLE: &str = "Incidents created over time, by severity";

/// An SVG `<title>`: what a pointer resting on its parent shows. Made by the SVG builder, since
/// `view!` takes `<title>` for the HTML one.
fn svg_title(text: String) -> impl IntoView {
    leptos::svg::title().child(text)
}

/// A bar's label: when its span begins, to the minute (periods end now, so bars rarely begin
/// on the hour or at midnight).
fn bucket_label(bucket: &Period) -> String {
    bucket.start.format("%b %-d %H:%M").to_string()
}

/// The class that colours a severity (`bar-high`…).
fn severity_class(severity: Severity) -> &'static str {
    match severity {
        Severity::High => "bar-high",
        Severity::Medium => "bar-medium",
        Severity::Low => "bar-low",
        Severity::Informational => "bar-informational",
    }
}

/// Incidents created in each bucket, stacked by severity (High on top).
#[component]
pub fn OverTime(
    /// The buckets and their counts, oldest first.
    buckets: Vec<(Period, BySeverity)>,
) -> impl IntoView {
    // The top of the chart, also the count axis's upper label.
    let tallest = buckets
        .iter()
        .map(|(_, counts)| counts.total())
        .max()
        .unwrap_or(0)
        .max(1);
    let slot = WIDTH / buckets.len().max(1) as f64;
    let bars = buckets
        .iter()
        .enumerate()
        .map(|(position, (bucket, counts))| {
            let label = bucket_label(bucket);
            let x = position as f64 * slot + slot * 0.1;
            let mut top = HEIGHT;
            // Informational at the bottom, High on top.
            let parts = Severity::ALL
                .iter()
                .rev()
                .filter(|severity| counts.of(**severity) > 0)
                .map(|&severity| {
                    let count = counts.of(severity);
                    let height = count as f64 / tallest as f64 * HEIGHT;
                    top -= height;
                    view! {
                        <rect class=severity_class(severity) x=x y=top width=slot * 0.8 height=height>
                            {svg_title(format!("{label}: {count} {}", severity.as_str()))}
                        </rect>
                    }
                })
                .collect_view();
            view! {
                <g>
                    {svg_title(format!("{label}: {} incidents", counts.total()))}
                    {parts}
                </g>
            }
        })
        .collect_view();
    let rows = buckets
        .iter()
        .map(|(bucket, counts)| {
            view! {
                <tr>
                    <th scope="row">{bucket_label(bucket)}</th>
                    {Severity::ALL.iter().map(|severity| view! { <td>{counts.of(*severity)}</td> }).collect_view()}
                </tr>
            }
        })
        .collect_view();
    let periods: Vec<Period> = buckets.iter().map(|(bucket, _)| *bucket).collect();
    // Columns of one width whatever their labels hold, so each label stays under its bar.
    let columns = format!("repeat({}, minmax(0, 1fr))", periods.len().max(1));
    // The axes are for the eye: the table below reads the same figures out.
    let time_labels = time_axis(&periods)
        .into_iter()
        .map(|label| view! { <span>{label}</span> })
        .collect_view();
    view! {
        <figure class="chart over-time">
            <div class="plot">
                <div class="axis-count" aria-hidden="true">
                    <span>{tallest}</span>
                    <span>"0"</span>
                </div>
                <svg
                    viewBox=format!("0 0 {WIDTH} {HEIGHT}")
                    role="img"
                    aria-labelledby="over-time-title"
                    preserveAspectRatio="none"
                >
                    {leptos::svg::title().id("over-time-title").child(TITLE)}
                    {bars}
                </svg>
                <div class="axis-time" aria-hidden="true" style:grid-template-columns=columns>
                    {time_labels}
                </div>
            </div>
            <figcaption>
                <ul class="legend">
                    {Severity::ALL.iter().map(|severity| view! {
                        <li><span class=format!("swatch {}", severity_class(*severity))></span>{severity.as_str()}</li>
                    }).collect_view()}
                </ul>
            </figcaption>
            <table class="sr-only">
                <caption>{TITLE}</caption>
                <thead>
                    <tr>
                        <th scope="col">"When"</th>
                        {Severity::ALL.iter().map(|severity| view! { <th scope="col">{severity.as_str()}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </figure>
    }
}

/// Named counts as bars (`<meter>`, which reads its value out), most first as given.
#[component]
pub fn CountBars(
    /// What the bars count, for their list's name.
    label: &'static str,
    /// Each bar's name and count.
    counts: Vec<(String, usize)>,
    /// What the list says when it has nothing.
    #[prop(default = "None in this period.")]
    empty: &'static str,
) -> impl IntoView {
    if counts.iter().all(|(_, count)| *count == 0) {
        return view! { <p class="chart-empty">{empty}</p> }.into_any();
    }
    let most = counts
        .iter()
        .map(|(_, count)| *count)
        .max()
        .unwrap_or(0)
        .max(1);
    view! {
        <ul class="count-bars" aria-label=label>
            {counts
                .into_iter()
                .map(|(name, count)| {
                    view! {
                        <li>
                            // A long name is cut short by the layout; the whole of it on hover.
                            <span class="count-name" title=name.clone()>{name.clone()}</span>
                            <meter min="0" max=most value=count title=format!("{name}: {count}")></meter>
                            <span class="count-value">{count}</span>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}
