//! Markdown, for pull-request comments and audit evidence: a summary, then
//! the sheet's sections and requirements, problems listed and passes counted.

use std::collections::BTreeMap;
use std::io::{self, Write};

use kensa_checks::registry;
use kensa_checks::requirements::{SECTIONS, requirement, section_of};
use kensa_checks::{Finding, Lang, Report, Source, Status};

/// Makes text safe inside a table cell: `|` would end the cell and a line
/// break would end the row.
pub(crate) fn cell(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace("\r\n", " ")
        .replace(['\n', '\r'], " ")
}

fn status_label(status: Status) -> &'static str {
    match status {
        Status::NotApplicable => "N/A",
        other => other.as_str(),
    }
}

/// The number after the dash, so IAM-10 sorts after IAM-9.
fn requirement_number(id: &str) -> u32 {
    id.split('-')
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(u32::MAX)
}

fn resource_cell(f: &Finding) -> String {
    let r = &f.resource;
    cell(&format!(
        "{} ({})",
        r.name.as_deref().unwrap_or(&r.id),
        r.region
    ))
}

fn write_requirement(
    out: &mut dyn Write,
    id: &str,
    findings: &[&Finding],
    lang: Lang,
) -> io::Result<()> {
    let ja = lang == Lang::Ja;
    let title = requirement(id).map(|r| r.title.get(lang)).unwrap_or("");
    writeln!(out)?;
    writeln!(out, "### {id} {}", cell(title))?;
    writeln!(out)?;
    if ja {
        writeln!(out, "| 結果 | チェック | リソース | 内容 |")?;
    } else {
        writeln!(out, "| Status | Check | Resource | Message |")?;
    }
    writeln!(out, "|---|---|---|---|")?;
    let mut check_ids: Vec<&str> = Vec::new();
    for f in findings {
        if !check_ids.contains(&f.check_id.as_str()) {
            check_ids.push(&f.check_id);
        }
    }
    for check_id in check_ids {
        let mut problems: Vec<&&Finding> = findings
            .iter()
            .filter(|f| f.check_id == check_id && f.status != Status::Pass)
            .collect();
        problems.sort_by_key(|f| f.status);
        for f in problems {
            let message = match &f.suppression {
                Some(s) => format!(
                    "{} — {}",
                    f.message.get(lang),
                    crate::views::suppression_note(s, lang)
                ),
                None => f.message.get(lang).to_owned(),
            };
            writeln!(
                out,
                "| {} | `{check_id}` | {} | {} |",
                status_label(f.status),
                resource_cell(f),
                cell(&message)
            )?;
        }
        let passes = findings
            .iter()
            .filter(|f| f.check_id == check_id && f.status == Status::Pass)
            .count();
        if passes > 0 {
            let title = registry::find(check_id)
                .map(|c| c.meta.title.get(lang))
                .unwrap_or("");
            let count = match (ja, passes) {
                (true, n) => format!("{n} 件のリソース"),
                (false, 1) => "1 resource".to_owned(),
                (false, n) => format!("{n} resources"),
            };
            writeln!(out, "| PASS | `{check_id}` | {count} | {} |", cell(title))?;
        }
    }
    Ok(())
}

/// The Markdown report, headers in `lang`.
pub fn render_markdown(report: &Report, lang: Lang, out: &mut dyn Write) -> io::Result<()> {
    let ja = lang == Lang::Ja;
    let account = report
        .account_id
        .as_deref()
        .unwrap_or(if ja { "不明" } else { "unknown" });
    let collected = report.collected_at.format("%Y-%m-%d %H:%M UTC");
    let source = match &report.source {
        Source::Live => (if ja { "ライブ" } else { "live" }).to_owned(),
        Source::Snapshot { path } => format!(
            "{} `{path}`",
            if ja {
                "スナップショット"
            } else {
                "snapshot"
            }
        ),
    };
    let regions = report.regions.join(", ");
    if ja {
        writeln!(out, "# kensa 監査レポート")?;
        writeln!(out)?;
        writeln!(out, "- アカウント: `{account}`")?;
        writeln!(out, "- 収集日時: {collected}")?;
        writeln!(out, "- 取得元: {source}")?;
        writeln!(out, "- リージョン: {regions}")?;
        writeln!(out, "- kensa {}", report.kensa_version)?;
        writeln!(out)?;
        writeln!(out, "## 概要")?;
        writeln!(out)?;
        writeln!(
            out,
            "チェック {} 件、結果 {} 件。",
            report.summary.checks, report.summary.findings
        )?;
        writeln!(out)?;
        writeln!(out, "| 結果 | 件数 |")?;
    } else {
        writeln!(out, "# kensa audit report")?;
        writeln!(out)?;
        writeln!(out, "- Account: `{account}`")?;
        writeln!(out, "- Collected: {collected}")?;
        writeln!(out, "- Source: {source}")?;
        writeln!(out, "- Regions: {regions}")?;
        writeln!(out, "- kensa {}", report.kensa_version)?;
        writeln!(out)?;
        writeln!(out, "## Summary")?;
        writeln!(out)?;
        writeln!(
            out,
            "{} checks, {} findings.",
            report.summary.checks, report.summary.findings
        )?;
        writeln!(out)?;
        writeln!(out, "| Status | Findings |")?;
    }
    writeln!(out, "|---|---:|")?;
    for status in Status::ALL {
        writeln!(
            out,
            "| {} | {} |",
            status_label(status),
            report.summary.count(status)
        )?;
    }

    if let Some(view) = &report.framework_view {
        crate::views::write_view_markdown(report, view, lang, out)?;
    } else {
        write_by_requirement(report, lang, out)?;
    }
    crate::views::write_exceptions_markdown(report, lang, out)?;
    if !report.collection_errors.is_empty() {
        let n = report.collection_errors.len();
        writeln!(out)?;
        if ja {
            writeln!(out, "## 収集エラー ({n} 件)")?;
        } else {
            writeln!(out, "## Collection errors ({n})")?;
        }
        writeln!(out)?;
        for e in &report.collection_errors {
            writeln!(out, "- {}", e.to_string().replace('\n', " "))?;
        }
    }
    Ok(())
}

/// Findings under every requirement they serve, in the sheet's order.
fn write_by_requirement(report: &Report, lang: Lang, out: &mut dyn Write) -> io::Result<()> {
    let ja = lang == Lang::Ja;
    let mut by_requirement: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in &report.findings {
        for r in &f.requirements {
            by_requirement.entry(r).or_default().push(f);
        }
    }
    for section in SECTIONS {
        let ids: Vec<&str> = by_requirement
            .keys()
            .copied()
            .filter(|id| section_of(id).is_some_and(|s| s.prefix == section.prefix))
            .collect();
        if ids.is_empty() {
            continue;
        }
        writeln!(out)?;
        writeln!(out, "## {}", section.title.get(lang))?;
        let mut ids = ids;
        ids.sort_by_key(|id| (requirement_number(id), *id));
        for id in ids {
            write_requirement(out, id, &by_requirement[id], lang)?;
        }
    }
    let others: Vec<&str> = by_requirement
        .keys()
        .copied()
        .filter(|id| section_of(id).is_none())
        .collect();
    if !others.is_empty() {
        writeln!(out)?;
        writeln!(out, "## {}", if ja { "その他" } else { "Other" })?;
        for id in others {
            write_requirement(out, id, &by_requirement[id], lang)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn cells_cannot_break_the_table() {
        assert_eq!(cell("a|b\nc\\"), "a\\|b c\\\\");
    }
}
