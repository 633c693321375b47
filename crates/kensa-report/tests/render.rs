//! Every renderer on the shared fixture: the demo account.

use std::path::Path;

use kensa_checks::{Config, Lang, Report, Selection, Source, Status, evaluate};
use kensa_report::{TextOptions, render_json, render_text};

fn demo_report() -> Report {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo-account.json");
    let snapshot = kensa_snapshot::load(&path).expect("the demo snapshot loads");
    evaluate(
        &snapshot,
        &Config::default(),
        &Selection::default(),
        Source::Snapshot {
            path: "examples/demo-account.json".into(),
        },
    )
}

fn text(report: &Report, lang: Lang, verbose: bool) -> String {
    let mut out = Vec::new();
    render_text(
        report,
        TextOptions {
            lang,
            color: false,
            verbose,
        },
        &mut out,
    )
    .expect("writing to memory cannot fail");
    String::from_utf8(out).expect("the text report is UTF-8")
}

#[test]
fn demo_shows_every_kind_of_verdict_and_every_check() {
    let report = demo_report();
    for status in [Status::Pass, Status::Fail, Status::Error, Status::Manual] {
        assert!(report.summary.count(status) > 0, "no {status} in the demo");
    }
    for check in kensa_checks::registry::CHECKS {
        assert!(
            report.findings.iter().any(|f| f.check_id == check.meta.id),
            "{} says nothing on the demo",
            check.meta.id
        );
    }
    assert!(report.has_problems());
}

#[test]
fn text_english() {
    insta::assert_snapshot!(text(&demo_report(), Lang::En, false));
}

#[test]
fn text_japanese() {
    insta::assert_snapshot!(text(&demo_report(), Lang::Ja, false));
}

#[test]
fn text_verbose_lists_every_pass() {
    let report = demo_report();
    let out = text(&report, Lang::En, true);
    let lines = out
        .lines()
        .filter(|l| l.trim_start().starts_with("PASS"))
        .count();
    assert_eq!(lines, report.summary.count(Status::Pass));
}

#[test]
fn json() {
    let mut out = Vec::new();
    render_json(&demo_report(), &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    // The documented schema: every finding has these fields.
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    for f in value["findings"].as_array().unwrap() {
        for field in [
            "check_id",
            "requirements",
            "status",
            "severity",
            "resource",
            "message",
            "evidence",
        ] {
            assert!(f.get(field).is_some(), "finding without {field}: {f}");
        }
        for field in ["type", "id", "arn", "name", "region"] {
            assert!(
                f["resource"].get(field).is_some(),
                "resource without {field}: {f}"
            );
        }
        assert!(f["message"]["en"].is_string() && f["message"]["ja"].is_string());
    }
    // Access key IDs never appear in full.
    assert!(!text.contains("AKIA2DEMOYAMADAKP9Z2"));
    insta::assert_snapshot!(text);
}
