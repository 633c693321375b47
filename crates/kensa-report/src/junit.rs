//! JUnit XML, for CI systems that show test results: one test suite per
//! check, one test case per finding.

use std::io::{self, Write};

use kensa_checks::registry::CHECKS;
use kensa_checks::{Finding, Lang, Report, Status};

/// Escapes text for XML attribute values (line breaks and tabs too, or a
/// parser would normalise them to spaces). Characters XML 1.0 cannot carry
/// at all (most C0 controls) are dropped.
pub(crate) fn escape(s: &str) -> String {
    escape_with(s, true)
}

/// Escapes character data (element content), where line breaks stay as is.
pub(crate) fn escape_text(s: &str) -> String {
    escape_with(s, false)
}

fn escape_with(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\t' | '\n' | '\r' if !attribute => out.push(c),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

impl Counts {
    fn of<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Counts {
        let mut c = Counts::default();
        for f in findings {
            c.tests += 1;
            match f.status {
                Status::Fail => c.failures += 1,
                Status::Error => c.errors += 1,
                Status::Manual | Status::NotApplicable | Status::Suppressed => c.skipped += 1,
                Status::Pass => {}
            }
        }
        c
    }

    fn attributes(self) -> String {
        format!(
            "tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\"",
            self.tests, self.failures, self.errors, self.skipped
        )
    }
}

fn case_name(f: &Finding) -> String {
    let r = &f.resource;
    format!("{} ({})", r.name.as_deref().unwrap_or(&r.id), r.region)
}

/// JUnit XML: `<testsuite name="check-id">` per check, a `<testcase>` per
/// finding; FAIL is `<failure>`, ERROR `<error>`, MANUAL, NOT_APPLICABLE
/// and SUPPRESSED `<skipped>`, PASS a plain test case.
pub fn render_junit(report: &Report, lang: Lang, out: &mut dyn Write) -> io::Result<()> {
    // Checks in registry order, then any check the registry does not know.
    let mut check_ids: Vec<&str> = CHECKS
        .iter()
        .map(|c| c.meta.id)
        .filter(|id| report.findings.iter().any(|f| f.check_id == *id))
        .collect();
    for f in &report.findings {
        if !check_ids.contains(&f.check_id.as_str()) {
            check_ids.push(&f.check_id);
        }
    }
    let timestamp = report.collected_at.format("%Y-%m-%dT%H:%M:%S");

    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="kensa" {}>"#,
        Counts::of(&report.findings).attributes()
    )?;
    for (index, check_id) in check_ids.iter().enumerate() {
        let findings: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.check_id == *check_id)
            .collect();
        writeln!(
            out,
            r#"  <testsuite name="{}" id="{index}" timestamp="{timestamp}" {}>"#,
            escape(check_id),
            Counts::of(findings.iter().copied()).attributes()
        )?;
        if let Some(first) = findings.first() {
            writeln!(out, "    <properties>")?;
            for (name, values) in [
                ("requirements", &first.requirements),
                ("cis_1_2", &first.compliance.cis_1_2),
                ("fsbp", &first.compliance.fsbp),
                ("pci_dss", &first.compliance.pci_dss),
            ] {
                writeln!(
                    out,
                    r#"      <property name="{name}" value="{}"/>"#,
                    escape(&values.join(";"))
                )?;
            }
            writeln!(
                out,
                r#"      <property name="severity" value="{}"/>"#,
                first.severity
            )?;
            writeln!(out, "    </properties>")?;
        }
        for f in findings {
            let open = format!(
                r#"    <testcase classname="{}" name="{}""#,
                escape(check_id),
                escape(&case_name(f))
            );
            let message = escape(f.message.get(lang));
            let evidence = serde_json::to_string_pretty(&f.evidence).map_err(io::Error::other)?;
            match f.status {
                Status::Pass => writeln!(out, "{open}/>")?,
                Status::Fail | Status::Error => {
                    let element = if f.status == Status::Fail {
                        "failure"
                    } else {
                        "error"
                    };
                    writeln!(out, "{open}>")?;
                    writeln!(
                        out,
                        r#"      <{element} message="{message}" type="{}">{}</{element}>"#,
                        f.status,
                        escape_text(&evidence)
                    )?;
                    writeln!(out, "    </testcase>")?;
                }
                Status::Manual | Status::NotApplicable | Status::Suppressed => {
                    // A SUPPRESSED case is skipped with the exception's
                    // reason, approver and expiry, so CI shows who accepted it.
                    let why = match &f.suppression {
                        Some(s) => format!(
                            "{}: {} — {}",
                            f.status,
                            f.message.get(lang),
                            crate::views::suppression_note(s, lang)
                        ),
                        None => format!("{}: {}", f.status, f.message.get(lang)),
                    };
                    writeln!(out, "{open}>")?;
                    writeln!(out, r#"      <skipped message="{}"/>"#, escape(&why))?;
                    writeln!(out, "    </testcase>")?;
                }
            }
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

#[cfg(test)]
mod tests {
    use super::{escape, escape_text};

    #[test]
    fn escapes_markup_and_drops_what_xml_cannot_carry() {
        assert_eq!(
            escape("a<b>&\"c\" 'd'\u{1}\n"),
            "a&lt;b&gt;&amp;&quot;c&quot; &apos;d&apos;&#10;"
        );
        assert_eq!(escape_text("<a>\n\u{1}"), "&lt;a&gt;\n");
    }
}
