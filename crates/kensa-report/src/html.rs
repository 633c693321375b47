//! The HTML report: one self-contained file (inline CSS, script and SVG;
//! a Content-Security-Policy that forbids every load) for people who read
//! an audit in a browser or print it as evidence.
//!
//! maud escapes every value put into the page, so a hostile resource name
//! or message is shown as text, never run.

use std::collections::BTreeSet;
use std::io::{self, Write};

use kensa_checks::requirements::{REQUIREMENTS, SECTIONS, requirement, section_of};
use kensa_checks::{Finding, Lang, Report, Source, Status, registry};
use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::labels::{self as l, lang_code, severity_name, status_code, status_name};

const CSS: &str = include_str!("html/report.css");
const WATCH_JS: &str = include_str!("html/watch.js");
const FILTERS_JS: &str = include_str!("html/filters.js");

/// Nothing may be fetched: inline style and script only, images only as
/// data: URIs. An accidental external load becomes a console error.
pub(crate) const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; \
     script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

/// The statuses in the order the report lists them: problems first.
const STATUS_ORDER: [Status; 6] = [
    Status::Fail,
    Status::Error,
    Status::Manual,
    Status::Pass,
    Status::NotApplicable,
    Status::Suppressed,
];

/// The statuses folded away until asked for.
fn folded(status: Status) -> bool {
    matches!(
        status,
        Status::Pass | Status::NotApplicable | Status::Suppressed
    )
}

/// The whole page around a body, in `lang`.
pub(crate) fn page(lang: Lang, title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE) "\n"
        html lang=(lang_code(lang)) {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy" content=(CONTENT_SECURITY_POLICY);
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="generator" content=(concat!("kensa ", env!("CARGO_PKG_VERSION")));
                title { (title) }
                "\n"
                style { (PreEscaped(CSS)) }
                script { (PreEscaped(WATCH_JS)) }
            }
            "\n"
            body {
                (body)
                footer { (l::GENERATED_BY.get(lang)) }
                "\n"
                script { (PreEscaped(FILTERS_JS)) }
            }
        }
        "\n"
    }
}

pub(crate) fn source_text(source: &Source, lang: Lang) -> String {
    match source {
        Source::Live => l::LIVE.get(lang).to_owned(),
        Source::Snapshot { path } => format!("{} {path}", l::SNAPSHOT.get(lang)),
    }
}

/// Account, source, time, regions and version of one result.
pub(crate) fn report_meta(report: &Report, lang: Lang) -> Markup {
    let account = report.account_id.as_deref().unwrap_or(l::UNKNOWN.get(lang));
    html! {
        dl.meta {
            dt { (l::ACCOUNT.get(lang)) } dd { code { (account) } }
            dt { (l::SOURCE.get(lang)) } dd { (source_text(&report.source, lang)) }
            dt { (l::COLLECTED.get(lang)) } dd { (report.collected_at.format("%Y-%m-%d %H:%M:%S UTC")) }
            dt { (l::REGIONS.get(lang)) } dd { (report.regions.join(", ")) }
            dt { (l::KENSA_VERSION.get(lang)) } dd { (report.kensa_version) }
        }
        "\n"
    }
}

/// Findings per status for one row of the summary.
#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    counts: [usize; 6],
}

impl Tally {
    fn add(&mut self, status: Status) {
        if let Some(i) = STATUS_ORDER.iter().position(|s| *s == status) {
            self.counts[i] += 1;
        }
    }

    fn count(&self, status: Status) -> usize {
        STATUS_ORDER
            .iter()
            .position(|s| *s == status)
            .map_or(0, |i| self.counts[i])
    }

    fn total(&self) -> usize {
        self.counts.iter().sum()
    }

    /// PASS / (PASS + FAIL + ERROR) in tenths of a percent, rounded down so
    /// that 100% means every measured finding passes; `None` when nothing
    /// was measured.
    fn compliance_tenths(&self) -> Option<usize> {
        let pass = self.count(Status::Pass);
        let measured = pass + self.count(Status::Fail) + self.count(Status::Error);
        (measured > 0).then(|| pass * 1000 / measured)
    }

    fn compliance_text(&self) -> String {
        match self.compliance_tenths() {
            Some(tenths) => format!("{}.{}%", tenths / 10, tenths % 10),
            None => "\u{2014}".to_owned(),
        }
    }
}

/// A stacked bar of the tally, as inline SVG.
fn bar(tally: &Tally, lang: Lang) -> Markup {
    const WIDTH: usize = 240;
    const HEIGHT: usize = 14;
    let total = tally.total();
    let order = [
        Status::Pass,
        Status::Fail,
        Status::Error,
        Status::Manual,
        Status::NotApplicable,
        Status::Suppressed,
    ];
    let label = order
        .iter()
        .map(|s| format!("{} {}", status_code(*s), tally.count(*s)))
        .collect::<Vec<_>>()
        .join(", ");
    // Segment edges are rounded from running sums, so the bar has no gaps.
    let mut segments = Vec::new();
    let mut before = 0;
    for status in order {
        let n = tally.count(status);
        if n == 0 {
            continue;
        }
        let x = (before * WIDTH + total / 2) / total;
        before += n;
        let end = (before * WIDTH + total / 2) / total;
        segments.push((status, n, x, end - x));
    }
    html! {
        svg.bar width=(WIDTH) height=(HEIGHT)
            viewBox=(format!("0 0 {WIDTH} {HEIGHT}")) role="img" aria-label=(label) {
            title { (label) }
            @if total == 0 {
                rect.seg-none x="0" y="0" width=(WIDTH) height=(HEIGHT) {
                    title { (l::NO_FINDINGS.get(lang)) }
                }
            }
            @for (status, n, x, width) in segments {
                rect class=(format!("seg-{}", status.as_str())) x=(x) y="0" width=(width) height=(HEIGHT) {
                    title { (status_code(status)) " " (n) }
                }
            }
        }
    }
}

fn summary_row(name: &str, tally: &Tally, lang: Lang, total_row: bool) -> Markup {
    html! {
        tr.total[total_row] {
            td { (name) }
            @for status in STATUS_ORDER {
                td.num { (tally.count(status)) }
            }
            td.num { (tally.compliance_text()) }
            td { (bar(tally, lang)) }
        }
        "\n"
    }
}

fn summary(report: &Report, lang: Lang) -> Markup {
    let mut all = Tally::default();
    let mut by_section = vec![Tally::default(); SECTIONS.len()];
    let mut other = Tally::default();
    for f in &report.findings {
        all.add(f.status);
        let mut sections: BTreeSet<usize> = BTreeSet::new();
        let mut unknown = false;
        for r in &f.requirements {
            match section_of(r).and_then(|s| SECTIONS.iter().position(|x| x == s)) {
                Some(i) => {
                    sections.insert(i);
                }
                None => unknown = true,
            }
        }
        for i in sections {
            by_section[i].add(f.status);
        }
        if unknown {
            other.add(f.status);
        }
    }
    let s = &report.summary;
    html! {
        h2 #summary { (l::SUMMARY.get(lang)) }
        p {
            @match lang {
                Lang::En => { (s.checks) " checks, " (s.findings) " findings." }
                Lang::Ja => { "チェック " (s.checks) " 件、結果 " (s.findings) " 件。" }
            }
        }
        table.summary {
            thead {
                tr {
                    th { (l::SECTION.get(lang)) }
                    @for status in STATUS_ORDER {
                        th.num title=(status_name(status).get(lang)) { (status_code(status)) }
                    }
                    th.num { (l::COMPLIANCE.get(lang)) }
                    th { (l::CHART.get(lang)) }
                }
            }
            "\n"
            tbody {
                @for (section, tally) in SECTIONS.iter().zip(&by_section) {
                    (summary_row(&format!("{} ({})", section.title.get(lang), section.prefix), tally, lang, false))
                }
                @if other.total() > 0 {
                    (summary_row(l::OTHER.get(lang), &other, lang, false))
                }
                (summary_row(l::ALL_SECTIONS.get(lang), &all, lang, true))
            }
        }
        ul.legend {
            @for status in [Status::Pass, Status::Fail, Status::Error, Status::Manual, Status::NotApplicable, Status::Suppressed] {
                li class=(format!("swatch-{}", status.as_str())) {
                    (status_code(status)) " " (status_name(status).get(lang))
                }
            }
        }
        p.definition { (l::COMPLIANCE_DEFINITION.get(lang)) }
        "\n"
    }
}

fn requirement_rank(id: &str) -> usize {
    REQUIREMENTS
        .iter()
        .position(|r| r.id == id)
        .unwrap_or(usize::MAX)
}

fn check_rank(id: &str) -> usize {
    registry::CHECKS
        .iter()
        .position(|c| c.meta.id == id)
        .unwrap_or(usize::MAX)
}

/// Requirement IDs in the sheet's order.
fn sorted_requirements<'a>(ids: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut ids: Vec<&str> = ids
        .into_iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    ids.sort_by_key(|id| (requirement_rank(id), *id));
    ids
}

fn filters(report: &Report, lang: Lang) -> Markup {
    let requirements = sorted_requirements(
        report
            .findings
            .iter()
            .flat_map(|f| f.requirements.iter().map(String::as_str)),
    );
    let regions: BTreeSet<&str> = report
        .findings
        .iter()
        .map(|f| f.resource.region.as_str())
        .collect();
    let any = l::ANY.get(lang);
    html! {
        form #filters hidden aria-label=(l::FILTERS.get(lang)) {
            label {
                (l::STATUS.get(lang))
                select name="status" {
                    option value="" { (any) }
                    @for status in STATUS_ORDER {
                        option value=(status.as_str()) { (status_code(status)) " \u{2014} " (status_name(status).get(lang)) }
                    }
                }
            }
            label {
                (l::SEVERITY.get(lang))
                select name="severity" {
                    option value="" { (any) }
                    @for severity in l::SEVERITIES {
                        option value=(severity.as_str()) { (severity_name(severity).get(lang)) }
                    }
                }
            }
            label {
                (l::REQUIREMENT.get(lang))
                select name="requirement" {
                    option value="" { (any) }
                    @for id in requirements {
                        option value=(id) {
                            (id)
                            @if let Some(r) = requirement(id) { " " (r.title.get(lang)) }
                        }
                    }
                }
            }
            label {
                (l::REGION.get(lang))
                select name="region" {
                    option value="" { (any) }
                    @for region in regions { option value=(region) { (region) } }
                }
            }
            button type="reset" { (l::CLEAR.get(lang)) }
            span.count { span #shown-total { (report.findings.len()) } " " (l::SHOWN.get(lang)) }
        }
        "\n"
    }
}

/// A status badge: the code every format uses, its meaning as a tooltip.
pub(crate) fn badge(status: Status, lang: Lang) -> Markup {
    html! {
        span class=(format!("badge status-{}", status.as_str())) title=(status_name(status).get(lang)) {
            (status_code(status))
        }
    }
}

fn id_list(ids: &[String]) -> String {
    ids.join(", ")
}

/// The registry writes commands in remediation texts between backticks,
/// as Markdown does: they are shown as code.
fn with_code_spans(text: &str) -> Markup {
    html! {
        @for (i, part) in text.split('`').enumerate() {
            @if i % 2 == 1 { code { (part) } } @else { (part) }
        }
    }
}

/// One finding with everything it rests on.
pub(crate) fn finding_card(f: &Finding, lang: Lang) -> Markup {
    let meta = registry::find(&f.check_id).map(|c| &c.meta);
    let title = meta.map_or(f.check_id.as_str(), |m| m.title.get(lang));
    let r = &f.resource;
    let none = l::NONE.get(lang);
    let evidence =
        serde_json::to_string_pretty(&f.evidence).unwrap_or_else(|_| f.evidence.to_string());
    let c = &f.compliance;
    let frameworks: Vec<(&str, &Vec<String>)> = [
        ("CIS 1.2", &c.cis_1_2),
        ("FSBP", &c.fsbp),
        ("PCI DSS", &c.pci_dss),
    ]
    .into_iter()
    .filter(|(_, ids)| !ids.is_empty())
    .collect();
    html! {
        article.finding data-status=(f.status.as_str()) data-severity=(f.severity.as_str())
            data-requirements=(f.requirements.join(" ")) data-region=(r.region) {
            header {
                (badge(f.status, lang))
                span class=(format!("severity severity-{}", f.severity.as_str())) title=(l::SEVERITY.get(lang)) {
                    (severity_name(f.severity).get(lang))
                }
                h3 { (title) }
                code { (f.check_id) }
            }
            p.message { (f.message.get(lang)) }
            dl.meta {
                dt { (l::RESOURCE.get(lang)) }
                dd { strong { (r.name.as_deref().unwrap_or(&r.id)) } }
                dt { (l::RESOURCE_TYPE.get(lang)) } dd { code { (r.kind) } }
                dt { (l::RESOURCE_ID.get(lang)) } dd { code { (r.id) } }
                dt { (l::RESOURCE_ARN.get(lang)) }
                dd { @match &r.arn { Some(arn) => code { (arn) }, None => (none) } }
                dt { (l::REGION.get(lang)) } dd { (r.region) }
                dt { (l::REQUIREMENTS.get(lang)) }
                dd {
                    @for (i, id) in f.requirements.iter().enumerate() {
                        @if i > 0 { "; " }
                        strong { (id) }
                        @if let Some(req) = requirement(id) { " " (req.title.get(lang)) }
                    }
                }
                dt { (l::FRAMEWORKS.get(lang)) }
                dd {
                    @if frameworks.is_empty() { (none) }
                    @for (i, (name, ids)) in frameworks.iter().enumerate() {
                        @if i > 0 { " \u{b7} " }
                        (name) ": " (id_list(ids))
                    }
                }
            }
            @if let Some(s) = &f.suppression {
                div.suppression {
                    strong { (l::EXCEPTION.get(lang)) }
                    dl.meta {
                        dt { (l::EXCEPTION_ID.get(lang)) } dd { code { (s.exception_id) } }
                        dt { (l::ORIGINAL_STATUS.get(lang)) } dd { (badge(s.original_status, lang)) }
                        dt { (l::REASON.get(lang)) } dd { (s.reason) }
                        dt { (l::APPROVER.get(lang)) } dd { (s.approver) }
                        dt { (l::EXPIRES.get(lang)) } dd { (s.expires) }
                    }
                }
            }
            @if let Some(m) = meta {
                p.remediation { strong { (l::REMEDIATION.get(lang)) ": " } (with_code_spans(m.remediation.get(lang))) }
            }
            details.evidence {
                summary { (l::EVIDENCE.get(lang)) }
                pre { code { (evidence) } }
            }
        }
        "\n"
    }
}

/// Findings of one status, problems first within it (severity, then the
/// sheet's order of requirements, then the registry's order of checks).
fn status_group(findings: &[&Finding], status: Status, lang: Lang) -> Markup {
    let mut of_status: Vec<&Finding> = findings
        .iter()
        .copied()
        .filter(|f| f.status == status)
        .collect();
    of_status.sort_by_key(|f| {
        let first = f.requirements.first().map_or("", String::as_str);
        (f.severity, requirement_rank(first), check_rank(&f.check_id))
    });
    let heading = html! {
        (badge(status, lang)) " " (status_name(status).get(lang)) " "
        span.count { "(" span.shown { (of_status.len()) } ")" }
    };
    html! {
        @if folded(status) {
            @if !of_status.is_empty() {
                details.group data-group=(status.as_str()) {
                    summary { (heading) }
                    "\n"
                    @for f in &of_status { (finding_card(f, lang)) }
                }
                "\n"
            }
        } @else {
            section.group data-group=(status.as_str()) {
                h3 { (heading) }
                "\n"
                @if of_status.is_empty() { p { (l::NO_FINDINGS.get(lang)) } }
                @for f in &of_status { (finding_card(f, lang)) }
            }
            "\n"
        }
    }
}

/// The report as one self-contained HTML page, in `lang`.
pub fn render_html(report: &Report, lang: Lang, out: &mut dyn Write) -> io::Result<()> {
    let findings: Vec<&Finding> = report.findings.iter().collect();
    let title = l::REPORT_TITLE.get(lang);
    let body = html! {
        header {
            h1 { (title) }
            (report_meta(report, lang))
        }
        (summary(report, lang))
        h2 #findings { (l::FINDINGS.get(lang)) }
        (filters(report, lang))
        @for status in STATUS_ORDER { (status_group(&findings, status, lang)) }
        @if !report.collection_errors.is_empty() {
            h2 #collection-errors { (l::COLLECTION_ERRORS.get(lang)) " (" (report.collection_errors.len()) ")" }
            ul {
                @for e in &report.collection_errors { li { code { (e.to_string()) } } }
            }
        }
    };
    out.write_all(page(lang, title, body).into_string().as_bytes())
}
