//! SVC-2: open critical and high Inspector findings are counted and
//! reported; one open longer than `[services] inspector_max_finding_age_days`
//! fails.

use std::collections::BTreeMap;

use kensa_snapshot::inspector::Finding as InspectorFinding;
use serde_json::json;

use super::inspector_ec2::{own_status, status_missing};
use super::{each_region, region_value};
use crate::network::region_resource;
use crate::{Check, CheckMeta, Context, Finding, Severity, StaticText, Status, text};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "svc-inspector-findings",
        requirements: &["SVC-2"],
        severity: Severity::High,
        title: StaticText {
            en: "Open critical and high Inspector findings are fixed in time",
            ja: "Inspector の重大・高の未解決の検出結果が期限内に対処されている",
        },
        description: StaticText {
            en: "In each audited region where Amazon Inspector scans something, the open (ACTIVE) \
                 findings of severity CRITICAL or HIGH (ListFindings) are counted by severity and by \
                 resource type and reported. A finding first observed more than \
                 `[services] inspector_max_finding_age_days` (default 30, PCI DSS's one month for \
                 critical patches) days before the collection fails, and the finding names it. A \
                 region where Inspector scans nothing is not applicable: svc-inspector-ec2-scanning \
                 judges that.",
            ja: "Amazon Inspector が何かをスキャンしている監査対象の各リージョンで、重要度 CRITICAL または \
                 HIGH の未解決 (ACTIVE) の検出結果 (ListFindings) を重要度別・リソース種別に数えて報告する。\
                 収集時点で最初の検出から `[services] inspector_max_finding_age_days` 日 (既定 30 日、PCI DSS \
                 が重大なパッチに求める 1 か月) を超えたものがあれば不合格とし、それを示す。Inspector が何も\
                 スキャンしていないリージョンは対象外 (svc-inspector-ec2-scanning で判定する)。",
        },
        remediation: StaticText {
            en: "Patch or update the affected instances and images (Systems Manager Patch Manager, \
                 rebuilt images); for a finding that does not apply, record a suppression rule in \
                 Inspector with the reason.",
            ja: "対象のインスタンスとイメージにパッチを適用または更新する (Systems Manager Patch Manager、\
                 イメージの再ビルド)。該当しない検出結果は、理由を付けて Inspector の抑制ルールに記録する。",
        },
        cis_1_2: &[],
        fsbp: &[],
        pci_dss: &[],
        differs_from_frameworks: None,
    },
    run,
};

/// At most this many overdue findings are named in the message; the
/// evidence lists them all.
const NAMED_IN_MESSAGE: usize = 5;

fn counts<'a>(
    findings: &'a [InspectorFinding],
    key: impl Fn(&'a InspectorFinding) -> &'a str,
) -> BTreeMap<&'a str, usize> {
    let mut counts = BTreeMap::new();
    for f in findings {
        *counts.entry(key(f)).or_insert(0) += 1;
    }
    counts
}

/// `CRITICAL 1, HIGH 2`.
fn severity_summary(findings: &[InspectorFinding]) -> String {
    let by = counts(findings, |f| f.severity.as_str());
    ["CRITICAL", "HIGH"]
        .iter()
        .map(|s| format!("{s} {}", by.get(s).copied().unwrap_or(0)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let meta = &CHECK.meta;
    let max_age = i64::from(ctx.config.services.inspector_max_finding_age_days);
    each_region(ctx, |region, services| {
        let resource = region_resource(ctx, region);
        let statuses = region_value(
            ctx,
            meta,
            region,
            services,
            "inspector2:BatchGetAccountStatus",
            |s| &s.inspector.account_status,
        )?;
        let Some(status) = own_status(ctx, statuses) else {
            return Ok(vec![status_missing(meta, ctx, resource)]);
        };
        if !status.scans_anything() {
            return Ok(vec![meta.finding(
                Status::NotApplicable,
                resource,
                text!(
                    "Inspector scans nothing in {region}, so it has no findings to report",
                    "{region} では Inspector が何もスキャンしていないため、報告する検出結果がありません"
                ),
                json!({ "account_status": status }),
            )]);
        }
        let open = region_value(
            ctx,
            meta,
            region,
            services,
            "inspector2:ListFindings",
            |s| &s.inspector.open_findings,
        )?;
        let overdue: Vec<(&InspectorFinding, i64)> = open
            .iter()
            .map(|f| (f, ctx.days_since(f.first_observed_at)))
            .filter(|(_, age)| *age > max_age)
            .collect();
        let summary = severity_summary(open);
        let total = open.len();
        let evidence = json!({
            "account_status": status,
            "max_age_days": max_age,
            "open_by_severity": counts(open, |f| f.severity.as_str()),
            "open_by_resource_type": counts(open, |f| f.resource_type.as_deref().unwrap_or("UNKNOWN")),
            "overdue": overdue.iter().map(|(f, age)| json!({
                "finding_arn": f.finding_arn,
                "severity": f.severity,
                "title": f.title,
                "resource_type": f.resource_type,
                "resource_id": f.resource_id,
                "first_observed_at": f.first_observed_at,
                "age_days": age,
            })).collect::<Vec<_>>(),
        });
        if !overdue.is_empty() {
            let n = overdue.len();
            let name = |ja: bool| {
                overdue
                    .iter()
                    .take(NAMED_IN_MESSAGE)
                    .map(|(f, age)| {
                        let what = f.title.as_deref().unwrap_or(f.finding_arn.as_str());
                        let on = f.resource_id.as_deref().unwrap_or("?");
                        let severity = &f.severity;
                        if ja {
                            format!("{severity} {what} ({on}、{age} 日)")
                        } else {
                            format!("{severity} {what} on {on} ({age} days)")
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(if ja { "、" } else { "; " })
            };
            let (named, named_ja) = (name(false), name(true));
            let more = if n > NAMED_IN_MESSAGE { " ..." } else { "" };
            return Ok(vec![meta.finding(
                Status::Fail,
                resource,
                text!(
                    "{n} open critical/high Inspector finding(s) in {region} are older than {max_age} days \
                     (open: {summary}): {named}{more}",
                    "{region} の Inspector の重大・高の未解決の検出結果のうち {n} 件が {max_age} 日を超えています \
                     (未解決: {summary}): {named_ja}{more}"
                ),
                evidence,
            )]);
        }
        let message = if total == 0 {
            text!(
                "No open critical/high Inspector findings in {region}",
                "{region} に Inspector の重大・高の未解決の検出結果はありません"
            )
        } else {
            text!(
                "{total} open critical/high Inspector finding(s) in {region} ({summary}), none older than {max_age} days",
                "{region} に Inspector の重大・高の未解決の検出結果が {total} 件あります ({summary})。{max_age} 日を超えたものはありません"
            )
        };
        Ok(vec![meta.finding(
            Status::Pass,
            resource,
            message,
            evidence,
        )])
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::iam::fixtures::{run_check, run_with};
    use crate::services::fixtures::*;
    use crate::services::inspector_fixtures::*;
    use kensa_snapshot::Collected;

    fn with_findings(
        findings: Collected<Vec<InspectorFinding>>,
    ) -> kensa_snapshot::services::Services {
        inspector(
            Collected::Value(vec![instance("i-0a", "running")]),
            status(Some("ENABLED"), Some("ENABLED")),
            Collected::Value(vec![covered("i-0a", "ACTIVE", "SUCCESSFUL")]),
            findings,
        )
    }

    fn verdicts(services: kensa_snapshot::services::Services) -> String {
        render(&run_check(&CHECK, &snapshot(vec![(REGION, services)])))
    }

    #[test]
    fn recent_findings_are_counted_and_pass() {
        let none = with_findings(Collected::Value(vec![]));
        let recent = with_findings(Collected::Value(vec![
            finding(1, "CRITICAL", at(2026, 10, 20), "i-0a"),
            finding(
                2,
                "HIGH",
                at(2026, 10, 2),
                "arn:aws:ecr:ap-northeast-1:123456789012:repository/app/sha256:ab",
            ),
            finding(3, "HIGH", at(2026, 10, 25), "i-0a"),
        ]));
        insta::assert_snapshot!(format!("{}{}", verdicts(none), verdicts(recent)));
    }

    #[test]
    fn findings_older_than_the_limit_fail_and_are_named() {
        let s = with_findings(Collected::Value(vec![
            finding(1, "CRITICAL", at(2026, 8, 1), "i-0a"),
            finding(
                2,
                "HIGH",
                at(2026, 9, 30),
                "arn:aws:ecr:ap-northeast-1:123456789012:repository/app/sha256:ab",
            ),
            finding(3, "HIGH", at(2026, 10, 25), "i-0a"),
        ]));
        let findings = run_check(&CHECK, &snapshot(vec![(REGION, s)]));
        insta::assert_snapshot!(render(&findings));
        insta::assert_snapshot!(
            "overdue_evidence",
            serde_json::to_string_pretty(&findings[0].evidence).unwrap()
        );
    }

    #[test]
    fn the_age_limit_comes_from_the_configuration() {
        let s = snapshot(vec![(
            REGION,
            with_findings(Collected::Value(vec![finding(
                1,
                "HIGH",
                at(2026, 10, 20),
                "i-0a",
            )])),
        )]);
        let mut config = Config::default();
        assert_eq!(config.services.inspector_max_finding_age_days, 30);
        assert_eq!(run_with(&CHECK, &s, &config)[0].status, Status::Pass);
        config.services.inspector_max_finding_age_days = 7;
        let strict = run_with(&CHECK, &s, &config);
        assert_eq!(strict[0].status, Status::Fail);
        assert!(
            strict[0].message.en.contains("older than 7 days"),
            "{}",
            strict[0].message.en
        );
        // Exactly the limit is still in time.
        config.services.inspector_max_finding_age_days = 12;
        assert_eq!(run_with(&CHECK, &s, &config)[0].status, Status::Pass);
    }

    #[test]
    fn inspector_off_is_not_applicable_and_unreadable_data_is_an_error() {
        let off = inspector(
            Collected::Value(vec![]),
            status(Some("DISABLED"), Some("DISABLED")),
            Collected::NotCollected,
            Collected::Error(not_implemented("inspector2", "ListFindings")),
        );
        let unreadable_findings = with_findings(Collected::Error(not_implemented(
            "inspector2",
            "ListFindings",
        )));
        let mut unreadable_status = with_findings(Collected::Value(vec![]));
        unreadable_status.inspector.account_status =
            Collected::Error(not_implemented("inspector2", "BatchGetAccountStatus"));
        let mut other_account_only = with_findings(Collected::Value(vec![]));
        other_account_only.inspector.account_status = Collected::Value(vec![]);
        insta::assert_snapshot!(
            [
                off,
                unreadable_findings,
                unreadable_status,
                other_account_only
            ]
            .into_iter()
            .map(verdicts)
            .collect::<String>()
        );
    }
}
