//! SVC-6: Security Hub runs the sheet's standards in every region, every
//! disabled control says why, and failed controls are reported.

use std::collections::BTreeMap;

use kensa_snapshot::Missing;
use serde_json::json;

use super::{each_region, join_gaps, region_value, regional_arn};
use crate::{
    Check, CheckMeta, Context, Finding, Resource, Severity, StaticText, Status, Text, text,
};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "svc-security-hub",
        requirements: &["SVC-6"],
        severity: Severity::High,
        title: StaticText {
            en: "Security Hub runs the sheet's standards in every region",
            ja: "Security Hub がすべてのリージョンでシートの基準を実行している",
        },
        description: StaticText {
            en: "In each audited region Security Hub is enabled; the standards named in \
                 `[services] security_hub_standards` (CIS AWS Foundations 1.2, PCI DSS, AWS \
                 Foundational Security Best Practices) are enabled and READY; every disabled \
                 control of every enabled standard carries a reason (DescribeStandardsControls \
                 DisabledReason), and the finding names those that do not. The failed, active \
                 control findings are summarized by severity: none is a PASS; some is MANUAL, since \
                 only a person can confirm that they are reviewed regularly and fixed (or their \
                 control disabled with a reason). Data that cannot be read is an ERROR.",
            ja: "監査する各リージョンで Security Hub が有効であり、`[services] security_hub_standards` \
                 に挙げた基準 (CIS AWS Foundations 1.2、PCI DSS、AWS 基礎セキュリティのベストプラクティス) \
                 が有効で READY であり、有効な基準で無効にしたコントロールにはすべて理由 \
                 (DescribeStandardsControls の DisabledReason) があること。理由のないものは名前を示す。\
                 失敗している有効なコントロール検出結果を重要度別にまとめ、0 件なら PASS、あれば MANUAL \
                 (定期的に確認され修正されているか、理由を付けて無効化されているかは人にしか確認できないため)。\
                 読めないデータは ERROR。",
        },
        remediation: StaticText {
            en: "Enable Security Hub and the missing standards in the region; give every disabled \
                 control a reason (UpdateStandardsControl DisabledReason); review the failed controls.",
            ja: "そのリージョンで Security Hub と不足している基準を有効化し、無効にしたコントロールには\
                 理由を記入する (UpdateStandardsControl の DisabledReason)。失敗しているコントロールを確認する。",
        },
        cis_1_2: &[],
        fsbp: &[],
        pci_dss: &[],
        differs_from_frameworks: None,
    },
    run,
};

fn hub_resource(ctx: &Context<'_>, region: &str) -> Resource {
    Resource {
        kind: "AWS::SecurityHub::Hub".to_owned(),
        id: format!("hub/default ({region})"),
        arn: regional_arn(ctx, region, "securityhub", "hub/default"),
        name: Some(format!("Security Hub ({region})")),
        region: region.to_owned(),
    }
}

/// `CRITICAL 1, HIGH 2`, in severity order.
fn severity_summary(counts: &BTreeMap<String, u64>) -> String {
    const ORDER: [&str; 5] = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL"];
    let known = ORDER
        .iter()
        .filter_map(|s| counts.get(*s).map(|n| format!("{s} {n}")));
    let other = counts
        .iter()
        .filter(|(s, _)| !ORDER.contains(&s.as_str()))
        .map(|(s, n)| format!("{s} {n}"));
    let parts: Vec<String> = known.chain(other).collect();
    if parts.is_empty() {
        "none".to_owned()
    } else {
        parts.join(", ")
    }
}

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let meta = &CHECK.meta;
    let required = &ctx.config.services.security_hub_standards;
    each_region(ctx, |region, services| {
        let hub = region_value(
            ctx,
            meta,
            region,
            services,
            "securityhub:DescribeHub",
            |s| &s.security_hub.hub,
        )?;
        let resource = hub_resource(ctx, region);
        if hub.is_none() {
            return Ok(vec![meta.finding(
                Status::Fail,
                resource,
                text!(
                    "Security Hub is not enabled in {region}",
                    "{region} で Security Hub が有効になっていません"
                ),
                json!({ "hub": null }),
            )]);
        }
        let standards = region_value(
            ctx,
            meta,
            region,
            services,
            "securityhub:GetEnabledStandards",
            |s| &s.security_hub.standards,
        )?;
        let mut gaps: Vec<Text> = Vec::new();
        let mut unread: Option<(Missing<'_>, &str)> = None;
        for wanted in required {
            match standards
                .iter()
                .find(|s| s.standards_arn.contains(wanted.as_str()))
            {
                None => gaps.push(text!(
                    "standard `{wanted}` is not enabled",
                    "基準 `{wanted}` が有効になっていません"
                )),
                Some(s) if s.status != "READY" => {
                    let status = &s.status;
                    gaps.push(text!(
                        "standard `{wanted}` is {status}, not READY",
                        "基準 `{wanted}` の状態が READY ではなく {status} です"
                    ));
                }
                Some(_) => {}
            }
        }
        // Every disabled control needs a reason, in whichever enabled
        // standard it sits (the sheet: controls that do not fit the
        // company's policy are disabled with a reason).
        let mut unexplained: Vec<&str> = Vec::new();
        for standard in standards {
            match standard.controls.get() {
                Ok(controls) => unexplained.extend(
                    controls
                        .iter()
                        .filter(|c| {
                            c.status == "DISABLED"
                                && c.disabled_reason
                                    .as_deref()
                                    .is_none_or(|r| r.trim().is_empty())
                        })
                        .map(|c| c.control_id.as_str()),
                ),
                Err(missing) => {
                    unread.get_or_insert((missing, "securityhub:DescribeStandardsControls"));
                }
            }
        }
        if !unexplained.is_empty() {
            let list = unexplained.join(", ");
            gaps.insert(
                0,
                text!(
                    "disabled controls without a reason: {list}",
                    "理由のない無効なコントロール: {list}"
                ),
            );
        }
        let failed = services.map(|s| &s.security_hub.failed_controls_by_severity);
        let counts = failed.and_then(|f| f.value());
        if counts.is_none() && unread.is_none() {
            let missing = match failed.map(|f| f.get()) {
                Some(Err(m)) => m,
                _ => Missing::NotCollected,
            };
            unread = Some((missing, "securityhub:GetFindings"));
        }
        let evidence = json!({
            "hub": hub,
            "required_standards": required,
            "enabled_standards": standards,
            "failed_control_findings_by_severity": failed,
        });
        if !gaps.is_empty() {
            let gaps = join_gaps(&gaps);
            let (en, ja) = (&gaps.en, &gaps.ja);
            return Ok(vec![meta.finding(
                Status::Fail,
                resource,
                text!(
                    "Security Hub in {region}: {en}",
                    "{region} の Security Hub: {ja}"
                ),
                evidence,
            )]);
        }
        if let Some((missing, call)) = unread {
            return Ok(vec![meta.missing(resource, missing, call)]);
        }
        let summary = counts.map(severity_summary).unwrap_or_default();
        let failed_total: u64 = counts.map(|c| c.values().sum()).unwrap_or(0);
        if failed_total == 0 {
            return Ok(vec![meta.finding(
                Status::Pass,
                resource,
                text!(
                    "Security Hub in {region} runs the required standards and no control fails",
                    "{region} の Security Hub は必要な基準を実行しており、失敗しているコントロールはありません"
                ),
                evidence,
            )]);
        }
        // Whether the failures are reviewed and fixed on schedule is the
        // sheet's process, which only a person can confirm.
        Ok(vec![meta.finding(
            Status::Manual,
            resource,
            text!(
                "Security Hub in {region} runs the required standards; failed control findings by \
                 severity: {summary}. Confirm that they are reviewed regularly and fixed or their \
                 controls disabled with a reason",
                "{region} の Security Hub は必要な基準を実行しています。失敗しているコントロールの検出結果 \
                 (重要度別): {summary}。定期的に確認され、修正されるか理由を付けてコントロールが無効化されて\
                 いることを確認してください"
            ),
            evidence,
        )])
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::fixtures::run_check;
    use crate::services::fixtures::*;
    use kensa_snapshot::Collected;
    use kensa_snapshot::services::{EnabledStandard, Hub, SecurityHub, Services, StandardsControl};

    const CIS: &str = "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0";
    const PCI: &str = "arn:aws:securityhub:ap-northeast-1::standards/pci-dss/v/3.2.1";
    const FSBP: &str = "arn:aws:securityhub:ap-northeast-1::standards/aws-foundational-security-best-practices/v/1.0.0";

    fn standard(arn: &str, controls: Vec<StandardsControl>) -> EnabledStandard {
        EnabledStandard {
            standards_arn: arn.into(),
            subscription_arn: format!("{arn}/subscription"),
            status: "READY".into(),
            controls: Collected::Value(controls),
        }
    }

    fn control(id: &str, status: &str, reason: Option<&str>) -> StandardsControl {
        StandardsControl {
            control_id: id.into(),
            status: status.into(),
            disabled_reason: reason.map(str::to_owned),
            severity: Some("MEDIUM".into()),
        }
    }

    fn hub(standards: Vec<EnabledStandard>) -> Services {
        Services {
            security_hub: SecurityHub {
                hub: Collected::Value(Some(Hub {
                    hub_arn: "arn:aws:securityhub:ap-northeast-1:123456789012:hub/default".into(),
                    subscribed_at: Some("2026-01-01T00:00:00.000Z".into()),
                })),
                standards: Collected::Value(standards),
                failed_controls_by_severity: Collected::Value(
                    [("HIGH".to_owned(), 2), ("CRITICAL".to_owned(), 1)].into(),
                ),
            },
            ..Default::default()
        }
    }

    fn all_three() -> Vec<EnabledStandard> {
        vec![
            standard(
                CIS,
                vec![control("CIS.1.1", "DISABLED", Some("root is sealed"))],
            ),
            standard(PCI, vec![]),
            standard(FSBP, vec![control("IAM.1", "ENABLED", None)]),
        ]
    }

    fn run(services: Services) -> Vec<(Status, String, String)> {
        run_check(&CHECK, &snapshot(vec![(REGION, services)]))
            .into_iter()
            .map(|f| (f.status, f.message.en, f.message.ja))
            .collect()
    }

    #[test]
    fn failed_controls_are_summarized_and_left_to_a_person() {
        assert_eq!(
            run(hub(all_three())),
            vec![(
                Status::Manual,
                "Security Hub in ap-northeast-1 runs the required standards; failed control \
                 findings by severity: CRITICAL 1, HIGH 2. Confirm that they are reviewed \
                 regularly and fixed or their controls disabled with a reason"
                    .into(),
                "ap-northeast-1 の Security Hub は必要な基準を実行しています。失敗しているコントロールの\
                 検出結果 (重要度別): CRITICAL 1, HIGH 2。定期的に確認され、修正されるか理由を付けて\
                 コントロールが無効化されていることを確認してください"
                    .into()
            )]
        );
    }

    #[test]
    fn no_failed_control_passes() {
        let mut clean = hub(all_three());
        clean.security_hub.failed_controls_by_severity = Collected::Value(BTreeMap::new());
        assert_eq!(
            run(clean),
            vec![(
                Status::Pass,
                "Security Hub in ap-northeast-1 runs the required standards and no control fails"
                    .into(),
                "ap-northeast-1 の Security Hub は必要な基準を実行しており、失敗しているコントロールは\
                 ありません"
                    .into()
            )]
        );
    }

    #[test]
    fn a_disabled_control_without_a_reason_fails_in_any_enabled_standard() {
        const NIST: &str = "arn:aws:securityhub:ap-northeast-1::standards/nist-800-53/v/5.0.0";
        let mut standards = all_three();
        standards.push(standard(
            NIST,
            vec![
                control("EC2.10", "DISABLED", None),
                control("IAM.1", "DISABLED", Some("covered by SCPs")),
            ],
        ));
        let got = run(hub(standards));
        assert_eq!(got[0].0, Status::Fail);
        assert_eq!(
            got[0].1,
            "Security Hub in ap-northeast-1: disabled controls without a reason: EC2.10"
        );
        assert_eq!(
            got[0].2,
            "ap-northeast-1 の Security Hub: 理由のない無効なコントロール: EC2.10"
        );
    }

    #[test]
    fn a_missing_standard_a_pending_one_and_an_unexplained_control_fail() {
        let mut standards = vec![
            standard(CIS, vec![control("CIS.1.1", "DISABLED", Some("  "))]),
            standard(PCI, vec![]),
        ];
        standards[1].status = "PENDING".into();
        assert_eq!(
            run(hub(standards)),
            vec![(
                Status::Fail,
                "Security Hub in ap-northeast-1: disabled controls without a reason: CIS.1.1; \
                 standard `pci-dss/v/` is PENDING, not READY; standard \
                 `aws-foundational-security-best-practices/v/` is not enabled"
                    .into(),
                "ap-northeast-1 の Security Hub: 理由のない無効なコントロール: CIS.1.1、\
                 基準 `pci-dss/v/` の状態が READY ではなく PENDING です、\
                 基準 `aws-foundational-security-best-practices/v/` が有効になっていません"
                    .into()
            )]
        );
    }

    #[test]
    fn disabled_hub_fails_and_unreadable_parts_are_errors() {
        let mut off = hub(vec![]);
        off.security_hub.hub = Collected::Value(None);
        assert_eq!(
            run(off)[0].1,
            "Security Hub is not enabled in ap-northeast-1"
        );

        let mut moto_like = hub(vec![]);
        moto_like.security_hub.standards =
            Collected::Error(not_implemented("securityhub", "GetEnabledStandards"));
        let got = run(moto_like);
        assert_eq!(got[0].0, Status::Error);
        assert!(got[0].1.contains("securityhub:GetEnabledStandards failed"));

        let mut controls_unread = hub(all_three());
        if let Collected::Value(standards) = &mut controls_unread.security_hub.standards {
            standards[1].controls =
                Collected::Error(not_implemented("securityhub", "DescribeStandardsControls"));
        }
        let got = run(controls_unread);
        assert_eq!(got[0].0, Status::Error);
        assert!(
            got[0]
                .1
                .contains("securityhub:DescribeStandardsControls failed")
        );

        let mut findings_unread = hub(all_three());
        findings_unread.security_hub.failed_controls_by_severity =
            Collected::Error(not_implemented("securityhub", "GetFindings"));
        let got = run(findings_unread);
        assert_eq!(got[0].0, Status::Error);
        assert!(got[0].1.contains("securityhub:GetFindings failed"));
    }
}
