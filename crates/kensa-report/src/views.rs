//! What the text and Markdown reports share: exceptions and framework
//! views, written from the report's own data so both show the same thing.

use std::io::{self, Write};

use kensa_checks::exceptions::{ExceptionOutcome, ExceptionReport};
use kensa_checks::frameworks::{ControlView, FrameworkView};
use kensa_checks::{Finding, Lang, Report, Status, Suppression};

use crate::markdown::cell;

/// "exception CHG-1 (was FAIL): reason — approved by X, until 2027-03-31".
pub(crate) fn suppression_note(s: &Suppression, lang: Lang) -> String {
    let (id, was, reason, approver, expires) = (
        &s.exception_id,
        s.original_status,
        &s.reason,
        &s.approver,
        s.expires,
    );
    match lang {
        Lang::En => format!(
            "exception {id} (was {was}): {reason} — approved by {approver}, until {expires}"
        ),
        Lang::Ja => {
            format!("例外 {id} (元の判定 {was}): {reason} — 承認者 {approver}、期限 {expires}")
        }
    }
}

pub(crate) fn outcome_label(outcome: ExceptionOutcome, lang: Lang) -> &'static str {
    match (outcome, lang) {
        (ExceptionOutcome::Applied, Lang::En) => "applied",
        (ExceptionOutcome::Applied, Lang::Ja) => "適用",
        (ExceptionOutcome::Expired, Lang::En) => "EXPIRED",
        (ExceptionOutcome::Expired, Lang::Ja) => "期限切れ",
        (ExceptionOutcome::Unmatched, Lang::En) => "UNMATCHED",
        (ExceptionOutcome::Unmatched, Lang::Ja) => "一致なし",
        (ExceptionOutcome::NotSuppressible, Lang::En) => "NOT SUPPRESSIBLE",
        (ExceptionOutcome::NotSuppressible, Lang::Ja) => "抑制不可",
        (ExceptionOutcome::Shadowed, Lang::En) => "SHADOWED",
        (ExceptionOutcome::Shadowed, Lang::Ja) => "先行の例外で抑制済み",
        (ExceptionOutcome::NotEvaluated, Lang::En) => "not evaluated",
        (ExceptionOutcome::NotEvaluated, Lang::Ja) => "未評価",
        (ExceptionOutcome::Invalid, Lang::En) => "INVALID",
        (ExceptionOutcome::Invalid, Lang::Ja) => "不正",
    }
}

fn exceptions_heading(exceptions: &[ExceptionReport], lang: Lang) -> String {
    let attention = exceptions
        .iter()
        .filter(|e| e.outcome.needs_attention())
        .count();
    let n = exceptions.len();
    match lang {
        Lang::En => format!("Exceptions ({n}, {attention} need attention)"),
        Lang::Ja => format!("例外 ({n} 件、要確認 {attention} 件)"),
    }
}

/// Every exception and what became of it; expired and unmatched ones are
/// what a reader must act on.
pub(crate) fn write_exceptions_text(
    report: &Report,
    lang: Lang,
    heading: &dyn Fn(&str) -> String,
    out: &mut dyn Write,
) -> io::Result<()> {
    if report.exceptions.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(
        out,
        "{}",
        heading(&exceptions_heading(&report.exceptions, lang))
    )?;
    for e in &report.exceptions {
        writeln!(
            out,
            "  {:<16} {}: {}",
            outcome_label(e.outcome, lang),
            e.id,
            e.message.get(lang)
        )?;
    }
    Ok(())
}

pub(crate) fn write_exceptions_markdown(
    report: &Report,
    lang: Lang,
    out: &mut dyn Write,
) -> io::Result<()> {
    if report.exceptions.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "## {}", exceptions_heading(&report.exceptions, lang))?;
    writeln!(out)?;
    match lang {
        Lang::En => writeln!(
            out,
            "| Outcome | Exception | Scope | Reason | Approver | Expires | Detail |"
        )?,
        Lang::Ja => writeln!(out, "| 結果 | 例外 | 対象 | 理由 | 承認者 | 期限 | 詳細 |")?,
    }
    writeln!(out, "|---|---|---|---|---|---|---|")?;
    for e in &report.exceptions {
        let mut scope: Vec<String> = Vec::new();
        scope.extend(e.check.iter().map(|c| format!("`{c}`")));
        scope.extend(e.requirement.iter().cloned());
        scope.push(format!("`{}`", e.resource));
        scope.extend(e.region.iter().cloned());
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            outcome_label(e.outcome, lang),
            cell(&e.id),
            cell(&scope.join(" ")),
            cell(&e.reason),
            cell(&e.approver),
            e.expires.map(|d| d.to_string()).unwrap_or_default(),
            cell(e.message.get(lang))
        )?;
    }
    Ok(())
}

fn status_text(status: Status) -> &'static str {
    match status {
        Status::NotApplicable => "N/A",
        other => other.as_str(),
    }
}

/// "2 FAIL, 1 PASS" in status order.
fn counts(control: &ControlView) -> String {
    Status::ALL
        .iter()
        .filter_map(|s| {
            control
                .counts
                .get(s)
                .filter(|n| **n > 0)
                .map(|n| format!("{n} {}", status_text(*s)))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn coverage_line(view: &FrameworkView, lang: Lang) -> String {
    let c = &view.coverage;
    let (total, automated, manual) = (c.controls, c.automated, c.manual);
    let statuses = Status::ALL
        .iter()
        .map(|s| {
            format!(
                "{} {}",
                c.by_status.get(s).copied().unwrap_or(0),
                status_text(*s)
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    match lang {
        Lang::En => format!(
            "Coverage: {total} controls, {automated} checked by kensa, {manual} with no automated check (MANUAL). Controls: {statuses}"
        ),
        Lang::Ja => format!(
            "対象範囲: コントロール {total} 件、kensa が自動判定 {automated} 件、自動チェックなし {manual} 件 (MANUAL)。コントロール別: {statuses}"
        ),
    }
}

fn control_findings<'a>(report: &'a Report, control: &ControlView) -> Vec<&'a Finding> {
    let mut findings: Vec<&Finding> = control
        .findings
        .iter()
        .filter_map(|i| report.findings.get(*i))
        .filter(|f| f.status != Status::Pass)
        .collect();
    findings.sort_by_key(|f| f.status);
    findings
}

fn differs_label(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "the sheet differs from this framework here:",
        Lang::Ja => "設計書はこの項目でフレームワークと意図的に異なります:",
    }
}

/// The framework view as text: per control its status, its checks with
/// their counts, and every finding that is not a PASS.
pub(crate) fn write_view_text(
    report: &Report,
    view: &FrameworkView,
    lang: Lang,
    heading: &dyn Fn(&str) -> String,
    label: &dyn Fn(Status) -> String,
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(out)?;
    writeln!(
        out,
        "{}",
        heading(&format!("== {} ==", view.title.get(lang)))
    )?;
    writeln!(out, "{}", coverage_line(view, lang))?;
    let mut group: Option<&str> = None;
    for control in &view.controls {
        let this_group = control.group.get(lang);
        if group != Some(this_group) {
            writeln!(out)?;
            writeln!(out, "{}", heading(&format!("-- {this_group} --")))?;
            group = Some(this_group);
        }
        let note = control
            .note
            .map(|n| format!(" ({})", n.text().get(lang)))
            .unwrap_or_default();
        writeln!(
            out,
            "{} {:<18} {}{note}",
            label(control.status),
            control.id,
            control.title.get(lang)
        )?;
        if !control.checks.is_empty() && control.note.is_none() {
            let summary = counts(control);
            writeln!(out, "         {}: {summary}", control.checks.join(", "))?;
        }
        for f in control_findings(report, control) {
            writeln!(
                out,
                "         {} {:<38} {}",
                label(f.status),
                f.check_id,
                f.message.get(lang)
            )?;
            if let Some(s) = &f.suppression {
                writeln!(out, "{:>16}{}", "", suppression_note(s, lang))?;
            }
        }
        for d in &control.differs {
            writeln!(out, "         ! {} {}", differs_label(lang), d.get(lang))?;
        }
    }
    Ok(())
}

/// The framework view in Markdown: a table per section or service, then
/// the findings that need a reader's eye.
pub(crate) fn write_view_markdown(
    report: &Report,
    view: &FrameworkView,
    lang: Lang,
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(out)?;
    writeln!(out, "## {}", cell(view.title.get(lang)))?;
    writeln!(out)?;
    writeln!(out, "{}", coverage_line(view, lang))?;
    let mut groups: Vec<&str> = Vec::new();
    for c in &view.controls {
        let g = c.group.get(lang);
        if !groups.contains(&g) {
            groups.push(g);
        }
    }
    for group in groups {
        let controls: Vec<&ControlView> = view
            .controls
            .iter()
            .filter(|c| c.group.get(lang) == group)
            .collect();
        writeln!(out)?;
        writeln!(out, "### {}", cell(group))?;
        writeln!(out)?;
        match lang {
            Lang::En => writeln!(
                out,
                "| Status | Control | Title | kensa checks | Findings |"
            )?,
            Lang::Ja => writeln!(
                out,
                "| 結果 | コントロール | タイトル | kensa のチェック | 結果件数 |"
            )?,
        }
        writeln!(out, "|---|---|---|---|---|")?;
        for c in &controls {
            let checks = match c.note {
                Some(note) if c.checks.is_empty() => format!("— {}", note.text().get(lang)),
                Some(note) => format!(
                    "{} ({})",
                    c.checks
                        .iter()
                        .map(|id| format!("`{id}`"))
                        .collect::<Vec<_>>()
                        .join(" "),
                    note.text().get(lang)
                ),
                None => c
                    .checks
                    .iter()
                    .map(|id| format!("`{id}`"))
                    .collect::<Vec<_>>()
                    .join(" "),
            };
            writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                status_text(c.status),
                cell(&c.id),
                cell(c.title.get(lang)),
                cell(&checks),
                counts(c)
            )?;
        }
        let mut notes: Vec<String> = Vec::new();
        for c in &controls {
            for f in control_findings(report, c) {
                let r = &f.resource;
                let mut line = format!(
                    "- **{}** {} `{}` {} ({}): {}",
                    c.id,
                    status_text(f.status),
                    f.check_id,
                    r.name.as_deref().unwrap_or(&r.id),
                    r.region,
                    f.message.get(lang).replace('\n', " ")
                );
                if let Some(s) = &f.suppression {
                    line.push_str(&format!(" — {}", suppression_note(s, lang)));
                }
                notes.push(line);
            }
            for d in &c.differs {
                notes.push(format!(
                    "- **{}** {} {}",
                    c.id,
                    differs_label(lang),
                    d.get(lang)
                ));
            }
        }
        if !notes.is_empty() {
            writeln!(out)?;
            for n in notes {
                writeln!(out, "{n}")?;
            }
        }
    }
    Ok(())
}
