//! `kensa audit --format asff|ocsf` on the demo snapshot, through the binary.

mod support;

use std::path::{Path, PathBuf};

use serde_json::Value;
use support::moto::kensa;
use support::run::run;

fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo-account.json")
}

/// The JSON array kensa prints for `--format FORMAT` plus `extra`.
fn audit(format: &str, extra: &[&str]) -> Vec<Value> {
    let mut command = kensa();
    command
        .arg("audit")
        .arg("--snapshot")
        .arg(demo())
        .args(["--format", format])
        .args(extra);
    let outcome = run(&mut command);
    assert_eq!(
        outcome.code,
        Some(1),
        "the demo has problems\n{}",
        outcome.describe()
    );
    let value: Value = serde_json::from_str(&outcome.stdout)
        .unwrap_or_else(|e| panic!("not JSON: {e}\n{}", outcome.describe()));
    value.as_array().cloned().expect("a JSON array")
}

#[test]
fn asff_files_global_findings_under_the_first_audited_region_unless_told() {
    let findings = audit("asff", &[]);
    assert!(findings.len() > 50);
    let arn = |f: &Value| f["ProductArn"].as_str().unwrap_or_default().to_owned();
    assert!(findings.iter().all(|f| arn(f)
        == "arn:aws:securityhub:ap-northeast-1:123456789012:product/123456789012/default"));
    let told = audit("asff", &["--security-hub-region", "us-east-1"]);
    assert!(told.iter().all(
        |f| arn(f) == "arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default"
    ));
    // The IDs do not depend on the region chosen.
    let ids = |fs: &[Value]| fs.iter().map(|f| f["Id"].clone()).collect::<Vec<_>>();
    assert_eq!(ids(&findings), ids(&told));
    let japanese = audit("asff", &["--lang", "ja"]);
    assert_eq!(ids(&japanese), ids(&findings));
    assert_ne!(japanese[0]["Title"], findings[0]["Title"]);
}

#[test]
fn ocsf_prints_one_compliance_finding_per_finding() {
    let events = audit("ocsf", &[]);
    let asff = audit("asff", &[]);
    assert_eq!(events.len(), asff.len());
    for (event, finding) in events.iter().zip(&asff) {
        assert_eq!(event["class_uid"], 2003);
        assert_eq!(event["finding_info"]["uid"], finding["Id"]);
    }
}
