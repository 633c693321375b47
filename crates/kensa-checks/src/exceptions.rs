//! Exceptions: findings a person has accepted, with a reason, an approver
//! and an expiry (`[[exceptions]]` in `kensa.toml`).
//!
//! A matching, unexpired exception turns a FAIL or MANUAL finding into
//! SUPPRESSED and keeps the original verdict. ERROR is never suppressed:
//! the data could not be read, so nobody knows whether it complies. PASS
//! needs no exception. Expiry is judged against the snapshot's collection
//! date, so re-running an old snapshot gives the same result.

use chrono::NaiveDate;
use globset::{Glob, GlobMatcher};
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;

use crate::{Check, Finding, Status, Suppression, Text, registry, requirements, text};

/// One `[[exceptions]]` entry as written. Every field is read leniently
/// here and checked by [`compile`], so a mistake is reported with the
/// exception's ID and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct ExceptionConfig {
    /// A stable name for the exception (a ticket number, say).
    pub id: String,
    /// The check it accepts (`kensa checks` lists them).
    pub check: Option<String>,
    /// The requirement it accepts (`IAM-8`); with `check`, both must match.
    pub requirement: Option<String>,
    /// Glob over the resource's ID, ARN or name (`arn:aws:iam::*:user/ci-*`).
    pub resource: String,
    /// Only findings in this region (`global` for IAM).
    pub region: Option<String>,
    pub reason: String,
    pub approver: String,
    /// The last day it applies, `YYYY-MM-DD` (a TOML date or a string).
    #[serde(deserialize_with = "date_as_text")]
    pub expires: String,
}

/// Accepts `expires = 2026-12-31` (a TOML date) as well as a string.
fn date_as_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    match toml::Value::deserialize(deserializer)? {
        toml::Value::String(s) => Ok(s),
        toml::Value::Datetime(d) => Ok(d.to_string()),
        other => Err(serde::de::Error::custom(format!(
            "expected a date YYYY-MM-DD, found {}",
            other.type_str()
        ))),
    }
}

/// An exception ready to match findings.
#[derive(Debug, Clone)]
pub struct Exception {
    pub config: ExceptionConfig,
    pub expires: NaiveDate,
    resource: GlobMatcher,
}

/// Checks one entry; the error names it (`exceptions[2] (CHG-1234)`).
pub fn compile(index: usize, config: &ExceptionConfig) -> Result<Exception, String> {
    let name = if config.id.trim().is_empty() {
        format!("exceptions[{index}]")
    } else {
        format!("exceptions[{index}] (`{}`)", config.id)
    };
    let fail = |what: String| Err(format!("{name}: {what}"));
    if config.id.trim().is_empty() {
        return fail("`id` is missing: give the exception a name".into());
    }
    if config.check.is_none() && config.requirement.is_none() {
        return fail("give `check`, `requirement` or both: what does it accept?".into());
    }
    if let Some(check) = &config.check
        && registry::find(check).is_none()
    {
        return fail(format!("no check `{check}`; `kensa checks` lists them"));
    }
    if let Some(requirement) = &config.requirement
        && requirements::requirement(&requirement.to_ascii_uppercase()).is_none()
    {
        return fail(format!(
            "no requirement `{requirement}` in the design sheet"
        ));
    }
    if config.resource.trim().is_empty() {
        return fail(
            "`resource` is missing: a pattern over resource ID, ARN or name (`*` for all)".into(),
        );
    }
    let resource = Glob::new(&config.resource)
        .map_err(|e| format!("{name}: `resource` is not a valid pattern: {e}"))?
        .compile_matcher();
    if config.reason.trim().is_empty() {
        return fail("`reason` is missing: say why the finding is accepted".into());
    }
    if config.approver.trim().is_empty() {
        return fail("`approver` is missing: say who accepted it".into());
    }
    if config.expires.trim().is_empty() {
        return fail("`expires` is missing: the last day it applies, YYYY-MM-DD".into());
    }
    let expires = NaiveDate::parse_from_str(config.expires.trim(), "%Y-%m-%d").map_err(|e| {
        format!(
            "{name}: `expires` = `{}` is not a date YYYY-MM-DD ({e})",
            config.expires
        )
    })?;
    Ok(Exception {
        config: config.clone(),
        expires,
        resource,
    })
}

impl Exception {
    /// Whether the exception is about this finding (whatever its status).
    pub fn matches(&self, finding: &Finding) -> bool {
        let c = &self.config;
        let check = c.check.as_ref().is_none_or(|id| *id == finding.check_id);
        let requirement = c.requirement.as_ref().is_none_or(|wanted| {
            finding
                .requirements
                .iter()
                .any(|r| r.eq_ignore_ascii_case(wanted))
        });
        let region = c
            .region
            .as_ref()
            .is_none_or(|r| *r == finding.resource.region);
        let r = &finding.resource;
        let resource = self.resource.is_match(&r.id)
            || r.arn
                .as_ref()
                .is_some_and(|arn| self.resource.is_match(arn))
            || r.name.as_ref().is_some_and(|n| self.resource.is_match(n));
        check && requirement && region && resource
    }

    /// Whether it still applies on `day` (the last day counts).
    pub fn applies_on(&self, day: NaiveDate) -> bool {
        day <= self.expires
    }

    /// Whether any of the checks that ran is one it is about.
    fn targets_any(&self, ran: &[&Check]) -> bool {
        ran.iter().any(|check| {
            let c = &self.config;
            c.check.as_ref().is_none_or(|id| id == check.meta.id)
                && c.requirement.as_ref().is_none_or(|wanted| {
                    check
                        .meta
                        .requirements
                        .iter()
                        .any(|r| r.eq_ignore_ascii_case(wanted))
                })
        })
    }
}

/// What became of one exception in a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExceptionOutcome {
    /// It suppressed at least one finding.
    Applied,
    /// Its expiry is before the collection date; it suppressed nothing.
    Expired,
    /// No finding matched it.
    Unmatched,
    /// It matched only findings that are never suppressed (ERROR, PASS,
    /// NOT_APPLICABLE).
    NotSuppressible,
    /// Every FAIL or MANUAL it matched was already suppressed by an
    /// earlier exception.
    Shadowed,
    /// None of its checks ran (`--check`/`--requirement` left them out).
    NotEvaluated,
    /// The entry is invalid (only possible for a config built in code;
    /// `Config::load` refuses invalid entries).
    Invalid,
}

impl ExceptionOutcome {
    /// Outcomes a person should hear about (kensa warns on stderr).
    pub fn needs_attention(self) -> bool {
        !matches!(
            self,
            ExceptionOutcome::Applied | ExceptionOutcome::NotEvaluated
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ExceptionOutcome::Applied => "applied",
            ExceptionOutcome::Expired => "expired",
            ExceptionOutcome::Unmatched => "unmatched",
            ExceptionOutcome::NotSuppressible => "not_suppressible",
            ExceptionOutcome::Shadowed => "shadowed",
            ExceptionOutcome::NotEvaluated => "not_evaluated",
            ExceptionOutcome::Invalid => "invalid",
        }
    }
}

/// One exception in the report: the entry, what it did and a sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExceptionReport {
    pub id: String,
    pub check: Option<String>,
    pub requirement: Option<String>,
    pub resource: String,
    pub region: Option<String>,
    pub reason: String,
    pub approver: String,
    /// Null only for an invalid entry.
    pub expires: Option<NaiveDate>,
    pub outcome: ExceptionOutcome,
    /// Findings it turned into SUPPRESSED.
    pub suppressed: usize,
    /// Findings it matched, by their verdict before any exception.
    pub matched: BTreeMap<Status, usize>,
    pub message: Text,
}

fn counts_text(matched: &BTreeMap<Status, usize>) -> String {
    matched
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(s, n)| format!("{n} {s}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Applies the exceptions, in config order (the first that matches a
/// finding suppresses it), to the findings of the checks that ran.
/// `collected_on` is the snapshot's collection date.
pub fn apply(
    findings: &mut [Finding],
    exceptions: &[ExceptionConfig],
    ran: &[&Check],
    collected_on: NaiveDate,
) -> Vec<ExceptionReport> {
    exceptions
        .iter()
        .enumerate()
        .map(|(index, config)| {
            let mut report = ExceptionReport {
                id: config.id.clone(),
                check: config.check.clone(),
                requirement: config.requirement.clone(),
                resource: config.resource.clone(),
                region: config.region.clone(),
                reason: config.reason.clone(),
                approver: config.approver.clone(),
                expires: None,
                outcome: ExceptionOutcome::Invalid,
                suppressed: 0,
                matched: BTreeMap::new(),
                message: Text::new("", ""),
            };
            let exception = match compile(index, config) {
                Ok(e) => e,
                Err(error) => {
                    report.message = Text::new(error.clone(), error);
                    return report;
                }
            };
            let expires = exception.expires;
            report.expires = Some(expires);
            if !exception.targets_any(ran) {
                report.outcome = ExceptionOutcome::NotEvaluated;
                report.message = text!(
                    "not evaluated: none of its checks ran in this selection",
                    "未評価: このチェック選択では対象のチェックを実行していません"
                );
                return report;
            }
            let live = exception.applies_on(collected_on);
            let mut shadowed = 0;
            for finding in findings.iter_mut().filter(|f| exception.matches(f)) {
                let original = finding
                    .suppression
                    .as_ref()
                    .map_or(finding.status, |s| s.original_status);
                *report.matched.entry(original).or_default() += 1;
                let suppressible = matches!(finding.status, Status::Fail | Status::Manual);
                if finding.status == Status::Suppressed {
                    shadowed += 1;
                }
                if live && suppressible {
                    finding.suppression = Some(Suppression {
                        exception_id: config.id.clone(),
                        original_status: finding.status,
                        reason: config.reason.clone(),
                        approver: config.approver.clone(),
                        expires,
                    });
                    finding.status = Status::Suppressed;
                    report.suppressed += 1;
                }
            }
            let matched_total: usize = report.matched.values().sum();
            let errors = report.matched.get(&Status::Error).copied().unwrap_or(0);
            let n = report.suppressed;
            let listing = counts_text(&report.matched);
            (report.outcome, report.message) = if !live {
                (
                    ExceptionOutcome::Expired,
                    text!(
                        "expired on {expires} (the data was collected on {collected_on}); it no longer applies to the {matched_total} finding(s) it matches",
                        "{expires} に期限切れです (データ収集日 {collected_on})。該当する {matched_total} 件の結果には適用されません"
                    ),
                )
            } else if n > 0 && errors > 0 {
                (
                    ExceptionOutcome::Applied,
                    text!(
                        "suppressed {n} finding(s) until {expires}; {errors} ERROR finding(s) stay ERROR: their data could not be read, so nobody knows whether they comply",
                        "{n} 件の結果を {expires} まで抑制しました。ERROR の {errors} 件はデータを読み取れず適合かどうか分からないため、ERROR のままです"
                    ),
                )
            } else if n > 0 {
                (
                    ExceptionOutcome::Applied,
                    text!(
                        "suppressed {n} finding(s) until {expires}",
                        "{n} 件の結果を {expires} まで抑制しました"
                    ),
                )
            } else if matched_total == 0 {
                (
                    ExceptionOutcome::Unmatched,
                    text!(
                        "matched no finding: check its check, requirement, resource and region",
                        "どの結果にも一致しません。check・requirement・resource・region を確認してください"
                    ),
                )
            } else if shadowed > 0 && shadowed + errors == matched_total {
                (
                    ExceptionOutcome::Shadowed,
                    text!(
                        "matched only findings an earlier exception already suppressed ({listing})",
                        "一致した結果はすべて先の例外で抑制済みです ({listing})"
                    ),
                )
            } else {
                (
                    ExceptionOutcome::NotSuppressible,
                    text!(
                        "matched only findings that are never suppressed ({listing}): ERROR means the data could not be read, so nobody knows whether it complies; PASS needs no exception",
                        "抑制できない結果にのみ一致しました ({listing})。ERROR はデータを読み取れず適合かどうか分からない状態です。PASS に例外は不要です"
                    ),
                )
            };
            report
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Compliance, Resource, Severity};

    fn finding(check_id: &str, status: Status, name: &str) -> Finding {
        Finding {
            check_id: check_id.into(),
            requirements: registry::find(check_id)
                .map(|c| {
                    c.meta
                        .requirements
                        .iter()
                        .map(|r| (*r).to_owned())
                        .collect()
                })
                .unwrap_or_default(),
            status,
            severity: Severity::Medium,
            resource: Resource {
                kind: "AWS::IAM::User".into(),
                id: format!("AIDA{name}"),
                arn: Some(format!("arn:aws:iam::123456789012:user/{name}")),
                name: Some(name.into()),
                region: "global".into(),
            },
            message: Text::new("m", "m"),
            evidence: serde_json::json!({}),
            compliance: Compliance::default(),
            suppression: None,
        }
    }

    fn exception(id: &str, resource: &str, expires: &str) -> ExceptionConfig {
        ExceptionConfig {
            id: id.into(),
            check: Some("iam-access-key-rotation".into()),
            requirement: None,
            resource: resource.into(),
            region: None,
            reason: "legacy batch job, replaced in Q1".into(),
            approver: "ciso@example.com".into(),
            expires: expires.into(),
        }
    }

    fn ran() -> Vec<&'static Check> {
        registry::CHECKS.to_vec()
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn expires_today_applies_and_keeps_the_original_verdict() {
        let mut findings = vec![finding("iam-access-key-rotation", Status::Fail, "batch")];
        let reports = apply(
            &mut findings,
            &[exception("CHG-1", "batch", "2026-11-20")],
            &ran(),
            day("2026-11-20"),
        );
        assert_eq!(findings[0].status, Status::Suppressed);
        let s = findings[0].suppression.as_ref().unwrap();
        assert_eq!(s.original_status, Status::Fail);
        assert_eq!(s.exception_id, "CHG-1");
        assert_eq!(s.approver, "ciso@example.com");
        assert_eq!(s.expires, day("2026-11-20"));
        assert_eq!(reports[0].outcome, ExceptionOutcome::Applied);
        assert_eq!(reports[0].suppressed, 1);
        assert_eq!(
            reports[0].message.en,
            "suppressed 1 finding(s) until 2026-11-20"
        );
    }

    #[test]
    fn expired_yesterday_does_not_apply_and_is_reported() {
        let mut findings = vec![finding("iam-access-key-rotation", Status::Fail, "batch")];
        let reports = apply(
            &mut findings,
            &[exception("CHG-1", "batch", "2026-11-19")],
            &ran(),
            day("2026-11-20"),
        );
        assert_eq!(findings[0].status, Status::Fail);
        assert!(findings[0].suppression.is_none());
        assert_eq!(reports[0].outcome, ExceptionOutcome::Expired);
        assert_eq!(
            reports[0].message.en,
            "expired on 2026-11-19 (the data was collected on 2026-11-20); it no longer applies to the 1 finding(s) it matches"
        );
    }

    #[test]
    fn error_stays_error_and_pass_stays_pass() {
        let mut findings = vec![
            finding("iam-access-key-rotation", Status::Error, "batch"),
            finding("iam-access-key-rotation", Status::Pass, "batch"),
        ];
        let reports = apply(
            &mut findings,
            &[exception("CHG-1", "*", "2027-01-01")],
            &ran(),
            day("2026-11-20"),
        );
        assert_eq!(findings[0].status, Status::Error);
        assert_eq!(findings[1].status, Status::Pass);
        assert_eq!(reports[0].outcome, ExceptionOutcome::NotSuppressible);
        assert!(
            reports[0].message.en.contains("1 ERROR, 1 PASS"),
            "{}",
            reports[0].message.en
        );
    }

    #[test]
    fn manual_is_suppressed_and_errors_are_named_beside_it() {
        let mut findings = vec![
            finding("iam-access-key-rotation", Status::Manual, "a"),
            finding("iam-access-key-rotation", Status::Error, "b"),
        ];
        let reports = apply(
            &mut findings,
            &[exception("CHG-1", "*", "2027-01-01")],
            &ran(),
            day("2026-11-20"),
        );
        assert_eq!(findings[0].status, Status::Suppressed);
        assert_eq!(findings[1].status, Status::Error);
        assert!(
            reports[0]
                .message
                .en
                .contains("1 ERROR finding(s) stay ERROR")
        );
    }

    #[test]
    fn the_pattern_matches_id_arn_or_name_and_nothing_else() {
        let ex = compile(0, &exception("X", "arn:aws:iam::*:user/ci-*", "2027-01-01")).unwrap();
        assert!(ex.matches(&finding(
            "iam-access-key-rotation",
            Status::Fail,
            "ci-deploy"
        )));
        assert!(!ex.matches(&finding("iam-access-key-rotation", Status::Fail, "alice")));
        assert!(!ex.matches(&finding("iam-root-mfa", Status::Fail, "ci-deploy")));
        let by_name = compile(0, &exception("X", "ci-*", "2027-01-01")).unwrap();
        assert!(by_name.matches(&finding("iam-access-key-rotation", Status::Fail, "ci-x")));
        let by_id = compile(0, &exception("X", "AIDAci-x", "2027-01-01")).unwrap();
        assert!(by_id.matches(&finding("iam-access-key-rotation", Status::Fail, "ci-x")));
        let mut in_region = exception("X", "*", "2027-01-01");
        in_region.region = Some("us-east-1".into());
        let in_region = compile(0, &in_region).unwrap();
        assert!(!in_region.matches(&finding("iam-access-key-rotation", Status::Fail, "ci-x")));
    }

    #[test]
    fn requirement_alone_or_with_check_must_all_match() {
        let mut by_requirement = exception("R", "*", "2027-01-01");
        by_requirement.check = None;
        by_requirement.requirement = Some("iam-8".into());
        let ex = compile(0, &by_requirement).unwrap();
        assert!(ex.matches(&finding("iam-access-key-unused", Status::Fail, "a")));
        assert!(!ex.matches(&finding("iam-root-mfa", Status::Fail, "a")));
        let mut both = by_requirement.clone();
        both.check = Some("iam-root-mfa".into());
        let ex = compile(0, &both).unwrap();
        assert!(!ex.matches(&finding("iam-access-key-unused", Status::Fail, "a")));
    }

    #[test]
    fn unmatched_shadowed_and_not_evaluated_are_told_apart() {
        let mut findings = vec![finding("iam-access-key-rotation", Status::Fail, "batch")];
        let reports = apply(
            &mut findings,
            &[
                exception("FIRST", "batch", "2027-01-01"),
                exception("SECOND", "*", "2027-01-01"),
                exception("NONE", "nobody", "2027-01-01"),
            ],
            &ran(),
            day("2026-11-20"),
        );
        let outcomes: Vec<_> = reports.iter().map(|r| r.outcome).collect();
        assert_eq!(
            outcomes,
            [
                ExceptionOutcome::Applied,
                ExceptionOutcome::Shadowed,
                ExceptionOutcome::Unmatched
            ]
        );
        assert_eq!(
            findings[0].suppression.as_ref().unwrap().exception_id,
            "FIRST"
        );

        let only_root = [registry::find("iam-root-mfa").unwrap()];
        let reports = apply(
            &mut findings,
            &[exception("X", "*", "2027-01-01")],
            &only_root,
            day("2026-11-20"),
        );
        assert_eq!(reports[0].outcome, ExceptionOutcome::NotEvaluated);
    }

    #[test]
    fn invalid_entries_say_which_and_what() {
        let err = |c: ExceptionConfig| compile(3, &c).unwrap_err();
        let mut e = exception("CHG-9", "*", "2027-01-01");
        e.reason = " ".into();
        assert_eq!(
            err(e),
            "exceptions[3] (`CHG-9`): `reason` is missing: say why the finding is accepted"
        );
        let e = exception("CHG-9", "user/[", "2027-01-01");
        assert!(err(e).starts_with("exceptions[3] (`CHG-9`): `resource` is not a valid pattern: "),);
        let e = exception("CHG-9", "*", "2027-02-30");
        assert_eq!(
            err(e),
            "exceptions[3] (`CHG-9`): `expires` = `2027-02-30` is not a date YYYY-MM-DD (input is out of range)"
        );
        let mut e = exception("CHG-9", "*", "2027-01-01");
        e.check = None;
        assert_eq!(
            err(e),
            "exceptions[3] (`CHG-9`): give `check`, `requirement` or both: what does it accept?"
        );
        let mut e = exception("CHG-9", "*", "2027-01-01");
        e.check = Some("iam-no-such-check".into());
        assert_eq!(
            err(e),
            "exceptions[3] (`CHG-9`): no check `iam-no-such-check`; `kensa checks` lists them"
        );
        let e = exception("", "*", "2027-01-01");
        assert_eq!(
            err(e),
            "exceptions[3]: `id` is missing: give the exception a name"
        );
    }
}
