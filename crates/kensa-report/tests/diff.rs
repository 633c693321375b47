//! `kensa diff` on the demo account and a later result of it.

mod fixture;

use fixture::{demo_report, later_report, render};
use kensa_checks::{Lang, Status};
use kensa_report::diff::{Diff, ResolvedHow};

fn demo_diff() -> Diff {
    kensa_report::diff(&demo_report(), &later_report())
}

fn text(diff: &Diff, lang: Lang) -> String {
    render(|out| kensa_report::render_diff_text(diff, lang, false, out))
}

#[test]
fn the_fixture_changes_are_all_found() {
    let d = demo_diff();
    let s = &d.summary;
    assert_eq!((s.new, s.new_problems), (1, 1));
    assert_eq!(s.resolved, 2);
    assert_eq!((s.changed, s.changed_into_problems), (3, 1));
    assert_eq!(s.unchanged, demo_report().findings.len() - 1 - 1 - 3);
    assert!(d.introduces_problems());
    assert_eq!(d.new[0].resource.name.as_deref(), Some("new-contractor"));
    let how: Vec<(ResolvedHow, &str)> = d
        .resolved
        .iter()
        .map(|r| (r.how, r.before.check_id.as_str()))
        .collect();
    assert_eq!(
        how,
        [
            (ResolvedHow::Gone, "net-sg-unused"),
            (ResolvedHow::NowPasses, "iam-password-policy-no-expiry"),
        ]
    );
    let changed: Vec<(Status, Status, &str)> = d
        .changed
        .iter()
        .map(|c| (c.before.status, c.after.status, c.after.check_id.as_str()))
        .collect();
    assert_eq!(
        changed,
        [
            (Status::Manual, Status::Suppressed, "net-sg-flows-declared"),
            (
                Status::Fail,
                Status::Fail,
                "net-sg-admin-ports-from-internet"
            ),
            (Status::Pass, Status::Fail, "iam-root-access-keys"),
        ]
    );
    // The other way round, the same changes undo each other.
    let back = kensa_report::diff(&later_report(), &demo_report());
    assert_eq!(back.summary.new, 1);
    assert_eq!(back.summary.resolved, 2);
    assert!(
        back.introduces_problems(),
        "the password policy FAIL comes back"
    );
}

#[test]
fn diff_text_english() {
    insta::assert_snapshot!(text(&demo_diff(), Lang::En));
}

#[test]
fn diff_text_japanese() {
    insta::assert_snapshot!(text(&demo_diff(), Lang::Ja));
}

#[test]
fn diff_json() {
    let out = render(|out| kensa_report::render_diff_json(&demo_diff(), out));
    let value: serde_json::Value = serde_json::from_str(&out).expect("the diff is JSON");
    assert_eq!(value["schema_version"], 1);
    assert_eq!(value["summary"]["introduces_problems"], true);
    for field in ["before", "after", "summary", "new", "resolved", "changed"] {
        assert!(value.get(field).is_some(), "no {field}");
    }
    // It reads back into the same model.
    let back: Diff = serde_json::from_value(value).expect("the diff deserializes");
    assert_eq!(back, demo_diff());
    insta::assert_snapshot!(out);
}

#[test]
fn diff_markdown_english() {
    insta::assert_snapshot!(render(|out| kensa_report::render_diff_markdown(
        &demo_diff(),
        Lang::En,
        out
    )));
}

#[test]
fn diff_markdown_japanese() {
    insta::assert_snapshot!(render(|out| kensa_report::render_diff_markdown(
        &demo_diff(),
        Lang::Ja,
        out
    )));
}

#[test]
fn diff_html_english() {
    insta::assert_snapshot!(render(|out| kensa_report::render_diff_html(
        &demo_diff(),
        Lang::En,
        out
    )));
}

#[test]
fn diff_html_japanese() {
    insta::assert_snapshot!(render(|out| kensa_report::render_diff_html(
        &demo_diff(),
        Lang::Ja,
        out
    )));
}

#[test]
fn a_result_compared_with_itself_says_nothing_changed() {
    let report = demo_report();
    let d = kensa_report::diff(&report, &report);
    assert!(!d.introduces_problems());
    assert_eq!(d.summary.unchanged, report.findings.len());
    let out = text(&d, Lang::En);
    assert!(
        out.contains("New (0)\n\nResolved (0)\n\nChanged (0)\n"),
        "{out}"
    );
    assert!(
        out.ends_with("The new result introduces no problem.\n"),
        "{out}"
    );
}

#[test]
fn diff_text_is_coloured_only_when_asked() {
    let d = demo_diff();
    let plain = text(&d, Lang::En);
    assert!(!plain.contains('\u{1b}'));
    let coloured = render(|out| kensa_report::render_diff_text(&d, Lang::En, true, out));
    assert!(coloured.contains("\u{1b}[31"), "FAIL in red");
}
