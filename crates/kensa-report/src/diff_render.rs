//! The formats of `kensa diff`: text for terminals, JSON for programs,
//! Markdown for pull requests, HTML like the report's.

use std::io::{self, Write};

use kensa_checks::{Finding, Lang, Status};
use maud::{Markup, html};
use owo_colors::OwoColorize;

use crate::diff::{Diff, ResolvedHow, ResultInfo};
use crate::html::{badge, finding_card, page, source_text};
use crate::labels::{self as l, status_code};
use crate::markdown::cell;

/// `name (region)`, or the ID when the resource has no name.
fn resource_label(f: &Finding) -> String {
    let r = &f.resource;
    format!("{} ({})", r.name.as_deref().unwrap_or(&r.id), r.region)
}

fn account(info: &ResultInfo, lang: Lang) -> &str {
    info.account_id.as_deref().unwrap_or(l::UNKNOWN.get(lang))
}

fn collected(info: &ResultInfo) -> String {
    info.collected_at.format("%Y-%m-%d %H:%M UTC").to_string()
}

fn verdict(diff: &Diff, lang: Lang) -> &'static str {
    if diff.introduces_problems() {
        l::INTRODUCES_PROBLEMS.get(lang)
    } else {
        l::NO_NEW_PROBLEMS.get(lang)
    }
}

fn counts_line(diff: &Diff, lang: Lang) -> String {
    let s = &diff.summary;
    match lang {
        Lang::En => format!(
            "{} new ({} FAIL/ERROR), {} resolved, {} changed ({} into FAIL/ERROR), {} unchanged",
            s.new, s.new_problems, s.resolved, s.changed, s.changed_into_problems, s.unchanged
        ),
        Lang::Ja => format!(
            "新規 {} 件（うち FAIL/ERROR {} 件）、解消 {} 件、変化 {} 件（うち FAIL/ERROR になったもの {} 件）、変化なし {} 件",
            s.new, s.new_problems, s.resolved, s.changed, s.changed_into_problems, s.unchanged
        ),
    }
}

fn how_text(how: ResolvedHow, lang: Lang) -> &'static str {
    match how {
        ResolvedHow::Gone => l::GONE.get(lang),
        ResolvedHow::NowPasses => l::NOW_PASSES.get(lang),
    }
}

/// Colours for a terminal that wants them, plain otherwise.
struct Paint {
    color: bool,
}

impl Paint {
    fn status(&self, status: Status) -> String {
        let code = status_code(status);
        if !self.color {
            return code.to_owned();
        }
        match status {
            Status::Fail => code.red().bold().to_string(),
            Status::Error => code.magenta().bold().to_string(),
            Status::Manual => code.yellow().to_string(),
            Status::Pass => code.green().to_string(),
            Status::NotApplicable | Status::Suppressed => code.dimmed().to_string(),
        }
    }

    fn heading(&self, s: &str) -> String {
        if self.color {
            s.bold().to_string()
        } else {
            s.to_owned()
        }
    }
}

/// The diff for a terminal; `color` for ANSI colours.
pub fn render_diff_text(
    diff: &Diff,
    lang: Lang,
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    let paint = Paint { color };
    writeln!(out, "{}", paint.heading(l::DIFF_TITLE.get(lang)))?;
    for (label, info) in [(l::BEFORE, &diff.before), (l::AFTER, &diff.after)] {
        writeln!(
            out,
            "{}: {} {} \u{2014} {} {} \u{2014} {}",
            label.get(lang),
            l::ACCOUNT.get(lang),
            account(info, lang),
            l::COLLECTED.get(lang),
            collected(info),
            source_text(&info.source, lang)
        )?;
    }
    if diff.different_accounts() {
        writeln!(out, "{}", l::DIFFERENT_ACCOUNTS.get(lang))?;
    }

    writeln!(out)?;
    writeln!(
        out,
        "{}",
        paint.heading(&format!("{} ({})", l::NEW.get(lang), diff.new.len()))
    )?;
    for f in &diff.new {
        writeln!(
            out,
            "  {:<6} {:<38} {} [{}]: {}",
            paint.status(f.status),
            f.check_id,
            resource_label(f),
            f.requirements.join(","),
            f.message.get(lang)
        )?;
    }

    writeln!(out)?;
    writeln!(
        out,
        "{}",
        paint.heading(&format!(
            "{} ({})",
            l::RESOLVED.get(lang),
            diff.resolved.len()
        ))
    )?;
    for r in &diff.resolved {
        let statuses = match &r.after {
            Some(after) => format!(
                "{} \u{2192} {}",
                paint.status(r.before.status),
                paint.status(after.status)
            ),
            None => paint.status(r.before.status),
        };
        writeln!(
            out,
            "  {statuses} {:<38} {} [{}]: {} \u{2014} {}",
            r.before.check_id,
            resource_label(&r.before),
            r.before.requirements.join(","),
            how_text(r.how, lang),
            r.before.message.get(lang)
        )?;
    }

    writeln!(out)?;
    writeln!(
        out,
        "{}",
        paint.heading(&format!(
            "{} ({})",
            l::CHANGED.get(lang),
            diff.changed.len()
        ))
    )?;
    for c in &diff.changed {
        writeln!(
            out,
            "  {} \u{2192} {} {:<38} {} [{}]",
            paint.status(c.before.status),
            paint.status(c.after.status),
            c.after.check_id,
            resource_label(&c.after),
            c.after.requirements.join(",")
        )?;
        writeln!(
            out,
            "      {}: {}",
            l::BEFORE.get(lang),
            c.before.message.get(lang)
        )?;
        writeln!(
            out,
            "      {}: {}",
            l::AFTER.get(lang),
            c.after.message.get(lang)
        )?;
    }

    writeln!(out)?;
    writeln!(
        out,
        "{} {}",
        paint.heading(&format!("{}:", l::SUMMARY.get(lang))),
        counts_line(diff, lang)
    )?;
    writeln!(out, "{}", verdict(diff, lang))?;
    Ok(())
}

/// The diff as JSON (`docs/json-output.md`, "kensa diff").
pub fn render_diff_json(diff: &Diff, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, diff)?;
    writeln!(out)
}

/// The diff as Markdown, for pull-request comments.
pub fn render_diff_markdown(diff: &Diff, lang: Lang, out: &mut dyn Write) -> io::Result<()> {
    let (b, a) = (&diff.before, &diff.after);
    writeln!(out, "# {}", l::DIFF_TITLE.get(lang))?;
    writeln!(out)?;
    writeln!(
        out,
        "| | {} | {} |",
        l::BEFORE.get(lang),
        l::AFTER.get(lang)
    )?;
    writeln!(out, "|---|---|---|")?;
    writeln!(
        out,
        "| {} | `{}` | `{}` |",
        l::ACCOUNT.get(lang),
        cell(account(b, lang)),
        cell(account(a, lang))
    )?;
    writeln!(
        out,
        "| {} | {} | {} |",
        l::COLLECTED.get(lang),
        collected(b),
        collected(a)
    )?;
    writeln!(
        out,
        "| {} | {} | {} |",
        l::SOURCE.get(lang),
        cell(&source_text(&b.source, lang)),
        cell(&source_text(&a.source, lang))
    )?;
    for status in Status::ALL {
        let count = |info: &ResultInfo| info.by_status.get(&status).copied().unwrap_or(0);
        writeln!(
            out,
            "| {} | {} | {} |",
            status_code(status),
            count(b),
            count(a)
        )?;
    }
    writeln!(out)?;
    if diff.different_accounts() {
        writeln!(out, "{}", l::DIFFERENT_ACCOUNTS.get(lang))?;
        writeln!(out)?;
    }
    writeln!(out, "{}.", counts_line(diff, lang))?;
    writeln!(out)?;
    writeln!(out, "**{}**", verdict(diff, lang))?;

    let header = |out: &mut dyn Write, last: &[&str]| -> io::Result<()> {
        let mut cols = vec![
            l::STATUS.get(lang),
            l::CHECK.get(lang),
            l::REQUIREMENTS.get(lang),
            l::RESOURCE.get(lang),
        ];
        cols.extend_from_slice(last);
        writeln!(out)?;
        writeln!(out, "| {} |", cols.join(" | "))?;
        writeln!(out, "|{}", "---|".repeat(cols.len()))
    };
    let row = |out: &mut dyn Write, status: String, f: &Finding, last: &[&str]| -> io::Result<()> {
        let last: Vec<String> = last.iter().map(|s| cell(s)).collect();
        writeln!(
            out,
            "| {status} | `{}` | {} | {} | {} |",
            f.check_id,
            f.requirements.join(", "),
            cell(&resource_label(f)),
            last.join(" | ")
        )
    };

    writeln!(out)?;
    writeln!(out, "## {} ({})", l::NEW.get(lang), diff.new.len())?;
    if !diff.new.is_empty() {
        header(out, &[l::MESSAGE.get(lang)])?;
        for f in &diff.new {
            row(
                out,
                status_code(f.status).to_owned(),
                f,
                &[f.message.get(lang)],
            )?;
        }
    }
    writeln!(out)?;
    writeln!(
        out,
        "## {} ({})",
        l::RESOLVED.get(lang),
        diff.resolved.len()
    )?;
    if !diff.resolved.is_empty() {
        header(out, &[l::HOW.get(lang), l::MESSAGE.get(lang)])?;
        for r in &diff.resolved {
            let status = match &r.after {
                Some(after) => format!(
                    "{} \u{2192} {}",
                    status_code(r.before.status),
                    status_code(after.status)
                ),
                None => status_code(r.before.status).to_owned(),
            };
            row(
                out,
                status,
                &r.before,
                &[how_text(r.how, lang), r.before.message.get(lang)],
            )?;
        }
    }
    writeln!(out)?;
    writeln!(out, "## {} ({})", l::CHANGED.get(lang), diff.changed.len())?;
    if !diff.changed.is_empty() {
        header(out, &[l::BEFORE.get(lang), l::AFTER.get(lang)])?;
        for c in &diff.changed {
            let status = format!(
                "{} \u{2192} {}",
                status_code(c.before.status),
                status_code(c.after.status)
            );
            row(
                out,
                status,
                &c.after,
                &[c.before.message.get(lang), c.after.message.get(lang)],
            )?;
        }
    }
    Ok(())
}

fn info_rows(diff: &Diff, lang: Lang) -> Markup {
    let (b, a) = (&diff.before, &diff.after);
    html! {
        table.summary.sides {
            thead { tr { th {} th { (l::BEFORE.get(lang)) } th { (l::AFTER.get(lang)) } } }
            tbody {
                tr { th { (l::ACCOUNT.get(lang)) } td { code { (account(b, lang)) } } td { code { (account(a, lang)) } } }
                tr { th { (l::COLLECTED.get(lang)) } td { (collected(b)) } td { (collected(a)) } }
                tr { th { (l::SOURCE.get(lang)) } td { (source_text(&b.source, lang)) } td { (source_text(&a.source, lang)) } }
                tr { th { (l::KENSA_VERSION.get(lang)) } td { (b.kensa_version) } td { (a.kensa_version) } }
                @for status in Status::ALL {
                    tr {
                        th { (badge(status, lang)) }
                        td.num { (b.by_status.get(&status).copied().unwrap_or(0)) }
                        td.num { (a.by_status.get(&status).copied().unwrap_or(0)) }
                    }
                }
            }
        }
        "\n"
    }
}

/// The diff as one self-contained HTML page, like the report.
pub fn render_diff_html(diff: &Diff, lang: Lang, out: &mut dyn Write) -> io::Result<()> {
    let title = l::DIFF_TITLE.get(lang);
    let body = html! {
        header {
            h1 { (title) }
            (info_rows(diff, lang))
            @if diff.different_accounts() { p.verdict.problems { (l::DIFFERENT_ACCOUNTS.get(lang)) } }
            p.verdict.problems[diff.introduces_problems()] { (verdict(diff, lang)) }
            p { (counts_line(diff, lang)) }
        }
        section.group #new {
            h2 { (l::NEW.get(lang)) " " span.count { "(" (diff.new.len()) ")" } }
            "\n"
            @if diff.new.is_empty() { p { (l::NO_FINDINGS.get(lang)) } }
            @for f in &diff.new { (finding_card(f, lang)) }
        }
        "\n"
        section.group #resolved {
            h2 { (l::RESOLVED.get(lang)) " " span.count { "(" (diff.resolved.len()) ")" } }
            "\n"
            @if diff.resolved.is_empty() { p { (l::NO_FINDINGS.get(lang)) } }
            @for r in &diff.resolved {
                p.transition {
                    @match &r.after {
                        Some(after) => { (badge(r.before.status, lang)) " \u{2192} " (badge(after.status, lang)) }
                        None => { (badge(r.before.status, lang)) }
                    }
                    " " (how_text(r.how, lang))
                }
                (finding_card(r.after.as_ref().unwrap_or(&r.before), lang))
            }
        }
        "\n"
        section.group #changed {
            h2 { (l::CHANGED.get(lang)) " " span.count { "(" (diff.changed.len()) ")" } }
            "\n"
            @if diff.changed.is_empty() { p { (l::NO_FINDINGS.get(lang)) } }
            @for c in &diff.changed {
                div.change {
                    span { (l::BEFORE.get(lang)) } span { (badge(c.before.status, lang)) " " (c.before.message.get(lang)) }
                    span { (l::AFTER.get(lang)) } span { (badge(c.after.status, lang)) " " (c.after.message.get(lang)) }
                }
                (finding_card(&c.after, lang))
            }
        }
        "\n"
    };
    out.write_all(page(lang, title, body).into_string().as_bytes())
}
