//! SVC-4: the verification and production environments have patch
//! baselines, and production approves patches later than verification.

use chrono::{DateTime, NaiveDate, Utc};
use kensa_snapshot::patching::{PatchBaseline, PatchGroup};
use serde_json::{Value, json};

use super::join_gaps;
use super::patching::{Environment, each_region, region_part, running_instances};
use crate::network::region_resource;
use crate::{Check, CheckMeta, Context, Finding, Severity, StaticText, Status, Text, text};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "svc-patch-baselines",
        requirements: &["SVC-4"],
        severity: Severity::Medium,
        title: StaticText {
            en: "Verification and production have patch baselines; production approves later",
            ja: "検証環境と本番環境にパッチベースラインがあり、本番環境の承認が後である",
        },
        description: StaticText {
            en: "In each region with running instances, a patch baseline is registered \
                 (ssm:DescribePatchGroups) for at least one verification and one production patch \
                 group of kensa.toml. For every production baseline, the verification baselines of \
                 the same operating system approve patches sooner: the shortest approval delay of \
                 the production baseline's rules (ApproveAfterDays, or the days since \
                 ApproveUntilDate) is longer than that of each verification baseline \
                 (ssm:GetPatchBaseline). A baseline with no approval rules (only patches listed by \
                 name) leaves the comparison to a person.",
            ja: "稼働中のインスタンスがある各リージョンで、kensa.toml の検証環境と本番環境のパッチグループの\
                 それぞれ少なくとも 1 つにパッチベースラインが登録されていること \
                 (ssm:DescribePatchGroups)。本番環境の各ベースラインについて、同じ OS の検証環境の\
                 ベースラインの方が先にパッチを承認すること: 本番環境のベースラインの承認ルールの最短の\
                 承認待ち日数 (ApproveAfterDays、または ApproveUntilDate からの日数) が、検証環境の各\
                 ベースラインのそれより長いこと (ssm:GetPatchBaseline)。承認ルールがなく名前で指定した\
                 パッチだけを承認するベースラインは、人が比較する。",
        },
        remediation: StaticText {
            en: "Create a patch baseline for each environment and register it for the \
                 environment's patch groups; give the production baseline a longer approval delay \
                 (e.g. verification 0 days, production 7 days).",
            ja: "環境ごとにパッチベースラインを作成して各環境のパッチグループに登録し、本番環境の\
                 ベースラインの承認待ち日数を長くする (例: 検証環境 0 日、本番環境 7 日)。",
        },
        cis_1_2: &[],
        fsbp: &[],
        pci_dss: &[],
        differs_from_frameworks: None,
    },
    run,
};

/// The days after release at which a baseline first approves a patch: the
/// shortest delay of its rules. `None`: no rule says (no rules, or only
/// dates that do not parse).
pub fn earliest_approval_days(baseline: &PatchBaseline, now: DateTime<Utc>) -> Option<i64> {
    baseline
        .approval_rules
        .iter()
        .filter_map(
            |rule| match (rule.approve_after_days, &rule.approve_until_date) {
                (Some(days), _) => Some(i64::from(days)),
                // Patches released up to the date are approved: as of the
                // collection, that is a delay of the days since the date (none
                // for a date still ahead).
                (None, Some(date)) => NaiveDate::parse_from_str(date, "%Y-%m-%d")
                    .ok()
                    .map(|d| (now.date_naive() - d).num_days().max(0)),
                (None, None) => None,
            },
        )
        .min()
}

/// One environment's baselines as the evidence shows them.
struct EnvBaseline<'a> {
    group: &'a PatchGroup,
    baseline: &'a PatchBaseline,
    earliest: Option<i64>,
}

impl EnvBaseline<'_> {
    fn evidence(&self) -> Value {
        json!({
            "patch_group": self.group.name,
            "baseline_id": self.baseline.baseline_id,
            "baseline_name": self.baseline.name,
            "operating_system": self.baseline.operating_system,
            "earliest_approval_days": self.earliest,
            "approval_rules": self.baseline.approval_rules,
            "approved_patches": self.baseline.approved_patches,
        })
    }

    fn label(&self) -> String {
        format!(
            "{} ({})",
            self.baseline
                .name
                .as_deref()
                .unwrap_or(&self.baseline.baseline_id),
            self.group.name
        )
    }
}

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let meta = &CHECK.meta;
    let config = &ctx.config.services.patching;
    each_region(ctx, |region, data| {
        let instances = running_instances(ctx, meta, region, data)?;
        if instances.is_empty() {
            return Ok(vec![meta.finding(
                Status::NotApplicable,
                region_resource(ctx, region),
                text!(
                    "{region} has no running EC2 instances to patch",
                    "{region} にはパッチを適用する稼働中の EC2 インスタンスがありません"
                ),
                json!({ "running_instances": 0 }),
            )]);
        }
        let groups = region_part(ctx, meta, region, data, "ssm:DescribePatchGroups", |r| {
            &r.patching.patch_groups
        })?;
        let mut verification = Vec::new();
        let mut production = Vec::new();
        for group in groups {
            let Some(env) = config.environment(&group.name) else {
                continue;
            };
            let baseline = match data
                .and_then(|r| r.patching.baselines.get(&group.baseline_id))
                .map(|b| b.get())
            {
                Some(Ok(b)) => b,
                other => {
                    let missing = match other {
                        Some(Err(m)) => m,
                        _ => kensa_snapshot::Missing::NotCollected,
                    };
                    return Err(Box::new(meta.missing(
                        region_resource(ctx, region),
                        missing,
                        "ssm:GetPatchBaseline",
                    )));
                }
            };
            let entry = EnvBaseline {
                group,
                baseline,
                earliest: earliest_approval_days(baseline, ctx.now),
            };
            match env {
                Environment::Verification => verification.push(entry),
                Environment::Production => production.push(entry),
            }
        }
        let evidence = json!({
            "verification": verification.iter().map(EnvBaseline::evidence).collect::<Vec<_>>(),
            "production": production.iter().map(EnvBaseline::evidence).collect::<Vec<_>>(),
            "verification_patch_groups": config.verification_patch_groups,
            "production_patch_groups": config.production_patch_groups,
        });
        let resource = region_resource(ctx, region);

        let mut gaps: Vec<Text> = Vec::new();
        if verification.is_empty() {
            gaps.push(text!(
                "no verification patch group has a patch baseline",
                "検証環境のパッチグループにパッチベースラインが登録されていません"
            ));
        }
        if production.is_empty() {
            gaps.push(text!(
                "no production patch group has a patch baseline",
                "本番環境のパッチグループにパッチベースラインが登録されていません"
            ));
        }
        let mut undecided: Vec<String> = Vec::new();
        for prod in &production {
            let os = prod.baseline.operating_system.as_deref().unwrap_or("?");
            let same_os: Vec<&EnvBaseline<'_>> = verification
                .iter()
                .filter(|v| v.baseline.operating_system == prod.baseline.operating_system)
                .collect();
            let prod_label = prod.label();
            if same_os.is_empty() {
                if !verification.is_empty() {
                    gaps.push(text!(
                        "production baseline {prod_label} has no verification baseline for {os}",
                        "本番環境のベースライン {prod_label} に対応する {os} の検証環境のベースラインがありません"
                    ));
                }
                continue;
            }
            for ver in same_os {
                let ver_label = ver.label();
                match (prod.earliest, ver.earliest) {
                    (Some(p), Some(v)) if p <= v => gaps.push(text!(
                        "production baseline {prod_label} approves after {p} days, not later than \
                         verification baseline {ver_label} ({v} days)",
                        "本番環境のベースライン {prod_label} の承認は {p} 日後で、検証環境の\
                         ベースライン {ver_label} ({v} 日後) より後ではありません"
                    )),
                    (Some(_), Some(_)) => {}
                    _ => undecided.push(format!("{prod_label} / {ver_label}")),
                }
            }
        }

        if !gaps.is_empty() {
            let gaps = join_gaps(&gaps);
            let (en, ja) = (&gaps.en, &gaps.ja);
            return Ok(vec![meta.finding(
                Status::Fail,
                resource,
                text!("In {region}: {en}", "{region}: {ja}"),
                evidence,
            )]);
        }
        if !undecided.is_empty() {
            let pairs = undecided.join(", ");
            return Ok(vec![meta.finding(
                Status::Manual,
                resource,
                text!(
                    "In {region}, compare by hand which patches these baselines approve (no \
                     approval rules to compare): {pairs}",
                    "{region}: 次のベースラインは比較できる承認ルールがないため、承認するパッチを人が\
                     比較してください: {pairs}"
                ),
                evidence,
            )]);
        }
        Ok(vec![meta.finding(
            Status::Pass,
            resource,
            text!(
                "In {region}, verification and production have patch baselines and production \
                 approves later",
                "{region}: 検証環境と本番環境にパッチベースラインがあり、本番環境の承認が後です"
            ),
            evidence,
        )])
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::fixtures::{now, run_check};
    use crate::services::fixtures::not_implemented;
    use crate::services::patching::fixtures::*;
    use kensa_snapshot::patching::ApprovalRule;
    use kensa_snapshot::{Collected, Region};

    fn rule(after_days: Option<i32>, until: Option<&str>) -> ApprovalRule {
        ApprovalRule {
            approve_after_days: after_days,
            approve_until_date: until.map(str::to_owned),
            compliance_level: Some("CRITICAL".into()),
            enable_non_security: false,
            filters: [
                ("CLASSIFICATION".to_owned(), vec!["Security".to_owned()]),
                (
                    "SEVERITY".to_owned(),
                    vec!["Critical".to_owned(), "Important".to_owned()],
                ),
            ]
            .into(),
        }
    }

    fn baseline(id: &str, name: &str, os: &str, rules: Vec<ApprovalRule>) -> PatchBaseline {
        PatchBaseline {
            baseline_id: id.into(),
            name: Some(name.into()),
            operating_system: Some(os.into()),
            approval_rules: rules,
            approved_patches: vec![],
            patch_groups: vec![],
        }
    }

    /// A region with one instance, these patch groups and their baselines.
    fn region(groups: &[(&str, &PatchBaseline)]) -> Region {
        let mut r = region_with(vec![instance("i-0aaa", &[("Patch Group", "prod-web")])]);
        r.patching.patch_groups = Collected::Value(
            groups
                .iter()
                .map(|(name, b)| PatchGroup {
                    name: (*name).into(),
                    baseline_id: b.baseline_id.clone(),
                    baseline_name: b.name.clone(),
                    operating_system: b.operating_system.clone(),
                    default_baseline: false,
                })
                .collect(),
        );
        for (_, b) in groups {
            r.patching
                .baselines
                .insert(b.baseline_id.clone(), Collected::Value((*b).clone()));
        }
        r
    }

    #[test]
    fn approval_delay_counts_days_or_days_since_the_cutoff_date() {
        let b = baseline(
            "pb-0",
            "b",
            "AMAZON_LINUX_2023",
            vec![rule(Some(14), None), rule(None, Some("2026-10-25"))],
        );
        // 2026-11-01 (now) - 2026-10-25 = 7 days.
        assert_eq!(earliest_approval_days(&b, now()), Some(7));
        let ahead = baseline("pb-1", "b", "WINDOWS", vec![rule(None, Some("2027-01-01"))]);
        assert_eq!(earliest_approval_days(&ahead, now()), Some(0));
        let none = baseline("pb-2", "b", "WINDOWS", vec![]);
        assert_eq!(earliest_approval_days(&none, now()), None);
    }

    #[test]
    fn each_verdict() {
        let stg = baseline(
            "pb-0stg00000000000a",
            "AL2023-Staging",
            "AMAZON_LINUX_2023",
            vec![rule(Some(0), None)],
        );
        let prod = baseline(
            "pb-0prd00000000000b",
            "AL2023-Production",
            "AMAZON_LINUX_2023",
            vec![rule(Some(7), None)],
        );
        let prod_same_day = baseline(
            "pb-0prd00000000000c",
            "AL2023-Production-Fast",
            "AMAZON_LINUX_2023",
            vec![rule(None, Some("2026-11-01"))],
        );
        let win_prod = baseline(
            "pb-0win00000000000d",
            "Windows-Production",
            "WINDOWS",
            vec![rule(Some(7), None)],
        );
        let listed_only = baseline(
            "pb-0lst00000000000e",
            "AL2023-Listed",
            "AMAZON_LINUX_2023",
            vec![],
        );

        let mut group_error = region_with(vec![instance("i-0aaa", &[])]);
        group_error.patching.patch_groups =
            Collected::Error(not_implemented("ssm", "DescribePatchGroups"));
        let mut baseline_error = region(&[("staging", &stg)]);
        baseline_error.patching.baselines.insert(
            stg.baseline_id.clone(),
            Collected::Error(not_implemented("ssm", "GetPatchBaseline")),
        );

        let s = snapshot(vec![
            (
                "ap-northeast-1",
                region(&[("staging", &stg), ("production", &prod)]),
            ),
            (
                "ap-northeast-3",
                region(&[
                    ("staging", &stg),
                    ("production", &prod_same_day),
                    ("prod-win", &win_prod),
                ]),
            ),
            (
                "ap-southeast-1",
                region(&[("staging", &stg), ("dev", &prod)]),
            ),
            (
                "eu-central-1",
                region(&[("staging", &listed_only), ("production", &prod)]),
            ),
            ("eu-west-1", group_error),
            ("eu-west-2", baseline_error),
            ("us-west-2", region_with(vec![])),
        ]);
        let f = run_check(&CHECK, &s);
        insta::assert_snapshot!(render(&f));
        insta::assert_snapshot!(
            "pass_evidence",
            serde_json::to_string_pretty(&f[0].evidence).unwrap()
        );
    }
}
