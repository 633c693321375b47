use std::collections::BTreeMap;
use std::io::{self, Write};

use kensa_checks::registry;
use kensa_checks::requirements::{SECTIONS, requirement};
use kensa_checks::{Finding, Lang, Report, Source, Status};
use owo_colors::OwoColorize;

#[derive(Debug, Clone, Copy)]
pub struct TextOptions {
    pub lang: Lang,
    /// ANSI colours (a terminal that wants them).
    pub color: bool,
    /// List every PASS finding instead of a count per check.
    pub verbose: bool,
}

pub(crate) fn status_label(status: Status, color: bool) -> String {
    let label = format!(
        "{:<6}",
        match status {
            Status::NotApplicable => "N/A",
            other => other.as_str(),
        }
    );
    if !color {
        return label;
    }
    match status {
        Status::Fail => label.red().bold().to_string(),
        Status::Error => label.magenta().bold().to_string(),
        Status::Manual => label.yellow().to_string(),
        Status::Pass => label.green().to_string(),
        Status::NotApplicable | Status::Suppressed => label.dimmed().to_string(),
    }
}

/// The terminal report: grouped by the sheet's sections and requirements,
/// problems first within each check, passes counted unless `verbose`.
pub fn render_text(report: &Report, options: TextOptions, out: &mut dyn Write) -> io::Result<()> {
    let TextOptions { lang, color, .. } = options;
    let ja = lang == Lang::Ja;
    let heading = |s: &str| {
        if color {
            s.bold().to_string()
        } else {
            s.to_owned()
        }
    };

    let account = report
        .account_id
        .as_deref()
        .unwrap_or(if ja { "不明" } else { "unknown" });
    let collected = report.collected_at.format("%Y-%m-%d %H:%M UTC");
    let source = match &report.source {
        Source::Live => (if ja { "ライブ" } else { "live" }).to_owned(),
        Source::Snapshot { path } => format!(
            "{} {path}",
            if ja {
                "スナップショット"
            } else {
                "snapshot"
            }
        ),
    };
    if ja {
        writeln!(
            out,
            "kensa {} — アカウント {account} — 収集 {collected} — {source}",
            report.kensa_version
        )?;
        writeln!(out, "リージョン: {}", report.regions.join(", "))?;
    } else {
        writeln!(
            out,
            "kensa {} — account {account} — collected {collected} — {source}",
            report.kensa_version
        )?;
        writeln!(out, "regions: {}", report.regions.join(", "))?;
    }

    let label = |status: Status| status_label(status, color);
    if let Some(view) = &report.framework_view {
        crate::views::write_view_text(report, view, lang, &heading, &label, out)?;
    } else {
        write_by_requirement(report, options, &heading, out)?;
    }
    crate::views::write_exceptions_text(report, lang, &heading, out)?;
    if !report.collection_errors.is_empty() {
        writeln!(out)?;
        let n = report.collection_errors.len();
        writeln!(
            out,
            "{}",
            heading(&if ja {
                format!("収集エラー ({n} 件)")
            } else {
                format!("Collection errors ({n})")
            })
        )?;
        for e in &report.collection_errors {
            writeln!(out, "  {e}")?;
        }
    }

    writeln!(out)?;
    let s = &report.summary;
    let counts: Vec<String> = Status::ALL
        .iter()
        .map(|st| format!("{} {}", s.count(*st), status_label(*st, color).trim_end()))
        .collect();
    if ja {
        writeln!(
            out,
            "{} チェック {} 件、結果 {} 件: {}",
            heading("概要:"),
            s.checks,
            s.findings,
            counts.join(", ")
        )?;
    } else {
        writeln!(
            out,
            "{} {} checks, {} findings: {}",
            heading("Summary:"),
            s.checks,
            s.findings,
            counts.join(", ")
        )?;
    }
    Ok(())
}

/// The sheet's sections and requirements, problems first within each check.
fn write_by_requirement(
    report: &Report,
    options: TextOptions,
    heading: &dyn Fn(&str) -> String,
    out: &mut dyn Write,
) -> io::Result<()> {
    let TextOptions {
        lang,
        color,
        verbose,
    } = options;
    let ja = lang == Lang::Ja;
    // Findings by the first requirement their check serves, in sheet order.
    let mut by_requirement: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in &report.findings {
        let first = f.requirements.first().map(String::as_str).unwrap_or("");
        by_requirement.entry(first).or_default().push(f);
    }
    for section in SECTIONS {
        let mut requirement_ids: Vec<&str> = by_requirement
            .keys()
            .copied()
            .filter(|id| id.split('-').next() == Some(section.prefix))
            .collect();
        if requirement_ids.is_empty() {
            continue;
        }
        requirement_ids.sort_by_key(|id| {
            id.split('-')
                .nth(1)
                .and_then(|n| n.parse::<u32>().ok())
                .unwrap_or(u32::MAX)
        });
        writeln!(out)?;
        writeln!(
            out,
            "{}",
            heading(&format!("== {} ==", section.title.get(lang)))
        )?;
        for id in requirement_ids {
            let title = requirement(id).map(|r| r.title.get(lang)).unwrap_or("");
            writeln!(out, "{}", heading(&format!("{id}  {title}")))?;
            let findings = &by_requirement[id];
            // Registry order for checks, then problems before passes.
            let mut check_ids: Vec<&str> = Vec::new();
            for f in findings.iter() {
                if !check_ids.contains(&f.check_id.as_str()) {
                    check_ids.push(&f.check_id);
                }
            }
            for check_id in check_ids {
                let mut of_check: Vec<&&Finding> =
                    findings.iter().filter(|f| f.check_id == check_id).collect();
                of_check.sort_by_key(|f| f.status);
                let passes = of_check.iter().filter(|f| f.status == Status::Pass).count();
                for f in &of_check {
                    if f.status == Status::Pass && !verbose && passes > 1 {
                        continue;
                    }
                    writeln!(
                        out,
                        "  {} {:<38} {}",
                        status_label(f.status, color),
                        check_id,
                        f.message.get(lang)
                    )?;
                    if let Some(s) = &f.suppression {
                        writeln!(out, "{:>10}{}", "", crate::views::suppression_note(s, lang))?;
                    }
                }
                if passes > 1 && !verbose {
                    let title = registry::find(check_id)
                        .map(|c| c.meta.title.get(lang))
                        .unwrap_or("");
                    let line = if ja {
                        format!("{passes} 件のリソースが適合: {title}")
                    } else {
                        format!("{passes} resources pass: {title}")
                    };
                    writeln!(
                        out,
                        "  {} {:<38} {line}",
                        status_label(Status::Pass, color),
                        check_id
                    )?;
                }
            }
        }
    }
    Ok(())
}
