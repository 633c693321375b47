//! SVC-2: Amazon Inspector scans EC2 in every region where EC2 runs, and
//! every running instance there is covered.

use kensa_snapshot::inspector::{AccountStatus, CoveredInstance, Instance};
use serde_json::json;

use super::{each_region, region_value};
use crate::network::region_resource;
use crate::{
    Check, CheckMeta, Context, Finding, Resource, Severity, StaticText, Status, Text, text,
};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "svc-inspector-ec2-scanning",
        requirements: &["SVC-2"],
        severity: Severity::High,
        title: StaticText {
            en: "Inspector scans EC2 in every region where EC2 runs",
            ja: "EC2 が動いているすべてのリージョンで Inspector が EC2 をスキャンしている",
        },
        description: StaticText {
            en: "In each audited region that has EC2 instances (not terminated), Amazon Inspector's \
                 EC2 scanning is ENABLED for the account (BatchGetAccountStatus), and every running \
                 instance is covered: Inspector's coverage (ListCoverage, AWS_EC2_INSTANCE) lists it \
                 with scan status ACTIVE. Instances that are not covered are listed with Inspector's \
                 reason (for example UNMANAGED_EC2_INSTANCE: no SSM agent). Stopped instances are \
                 listed but not counted, since Inspector scans them once they run. A region without \
                 instances is not applicable and says so.",
            ja: "EC2 インスタンス (終了済みを除く) がある監査対象の各リージョンで、アカウントの Amazon Inspector \
                 の EC2 スキャンが ENABLED であり (BatchGetAccountStatus)、実行中のインスタンスがすべて対象に\
                 なっていること: Inspector のカバレッジ (ListCoverage、AWS_EC2_INSTANCE) にスキャン状態 ACTIVE \
                 で載っていること。対象外のインスタンスは Inspector の理由 (例: UNMANAGED_EC2_INSTANCE は SSM \
                 エージェントなし) と共に列挙する。停止中のインスタンスは起動すればスキャンされるため、列挙するが\
                 数えない。インスタンスのないリージョンは対象外とし、その旨を示す。",
        },
        remediation: StaticText {
            en: "Activate Amazon Inspector EC2 scanning in the region; make every instance a \
                 Systems Manager managed instance (SSM agent and instance profile) so that Inspector \
                 can scan it.",
            ja: "そのリージョンで Amazon Inspector の EC2 スキャンを有効化し、すべてのインスタンスを Systems \
                 Manager のマネージドインスタンス (SSM エージェントとインスタンスプロファイル) にして Inspector \
                 がスキャンできるようにする。",
        },
        cis_1_2: &[],
        fsbp: &["Inspector.1"],
        pci_dss: &[],
        differs_from_frameworks: Some(StaticText {
            en: "FSBP Inspector.1 wants EC2 scanning on in every region; the sheet asks for it where \
                 EC2 runs, so a region without instances is not applicable here.",
            ja: "FSBP Inspector.1 はすべてのリージョンで EC2 スキャンを求めるが、シートは EC2 が動く\
                 リージョンでのみ求めるため、インスタンスのないリージョンはここでは対象外。",
        }),
    },
    run,
};

/// The account's entry in `BatchGetAccountStatus`: the snapshot's account,
/// or the only entry when the account could not be read.
pub(crate) fn own_status<'a>(
    ctx: &Context<'_>,
    statuses: &'a [AccountStatus],
) -> Option<&'a AccountStatus> {
    match ctx.snapshot.account_id() {
        Some(id) => statuses.iter().find(|s| s.account_id == id),
        None if statuses.len() == 1 => statuses.first(),
        None => None,
    }
}

/// The ERROR for an answer that does not include this account.
pub(crate) fn status_missing(meta: &CheckMeta, ctx: &Context<'_>, resource: Resource) -> Finding {
    let account = ctx.snapshot.account_id().unwrap_or("unknown");
    meta.incomplete(
        resource,
        "inspector2:BatchGetAccountStatus",
        text!(
            "the status of account {account}",
            "アカウント {account} の状態"
        ),
    )
}

/// The scan status of a scan type, `UNKNOWN` when AWS left it out.
pub(crate) fn shown(status: Option<&str>) -> &str {
    status.unwrap_or("UNKNOWN")
}

/// `i-1 (UNMANAGED_EC2_INSTANCE), i-2 (not in coverage)`.
fn uncovered_list(uncovered: &[(&Instance, Option<&CoveredInstance>)]) -> Text {
    let item = |(instance, covered): &(&Instance, Option<&CoveredInstance>), lang_ja: bool| {
        let id = &instance.instance_id;
        match covered.and_then(|c| c.scan_status_reason.as_deref()) {
            Some(reason) => format!("{id} ({reason})"),
            None if lang_ja => format!("{id} (カバレッジになし)"),
            None => format!("{id} (not in coverage)"),
        }
    };
    Text {
        en: uncovered
            .iter()
            .map(|u| item(u, false))
            .collect::<Vec<_>>()
            .join(", "),
        ja: uncovered
            .iter()
            .map(|u| item(u, true))
            .collect::<Vec<_>>()
            .join("、"),
    }
}

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let meta = &CHECK.meta;
    each_region(ctx, |region, services| {
        let instances = region_value(ctx, meta, region, services, "ec2:DescribeInstances", |s| {
            &s.inspector.ec2_instances
        })?;
        let resource = region_resource(ctx, region);
        if instances.is_empty() {
            let status = services
                .and_then(|s| s.inspector.account_status.value())
                .and_then(|statuses| own_status(ctx, statuses))
                .map(|s| shown(s.ec2.as_deref()).to_owned());
            return Ok(vec![meta.finding(
                Status::NotApplicable,
                resource,
                text!(
                    "EC2 does not run in {region}: it has no instances",
                    "{region} では EC2 が動いていません: インスタンスがありません"
                ),
                json!({ "instances": [], "inspector_ec2_status": status }),
            )]);
        }
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
        let count = instances.len();
        if !status.ec2_enabled() {
            let ec2 = shown(status.ec2.as_deref());
            return Ok(vec![meta.finding(
                Status::Fail,
                resource,
                text!(
                    "Inspector EC2 scanning is {ec2} in {region}, where {count} instance(s) run",
                    "{region} では {count} 台のインスタンスが動いていますが、Inspector の EC2 スキャンが {ec2} です"
                ),
                json!({ "account_status": status, "instances": instances }),
            )]);
        }
        let coverage = region_value(
            ctx,
            meta,
            region,
            services,
            "inspector2:ListCoverage",
            |s| &s.inspector.ec2_coverage,
        )?;
        let covered = |instance: &Instance| {
            coverage
                .iter()
                .find(|c| c.resource_id == instance.instance_id)
        };
        let uncovered: Vec<(&Instance, Option<&CoveredInstance>)> = instances
            .iter()
            .filter(|i| i.is_running())
            .map(|i| (i, covered(i)))
            .filter(|(_, c)| !c.is_some_and(CoveredInstance::is_active))
            .collect();
        let stopped: Vec<&str> = instances
            .iter()
            .filter(|i| !i.is_running())
            .map(|i| i.instance_id.as_str())
            .collect();
        let evidence = json!({
            "account_status": status,
            "instances": instances,
            "coverage": coverage,
            "not_covered": uncovered.iter().map(|(i, c)| json!({
                "instance_id": i.instance_id,
                "scan_status_code": c.and_then(|c| c.scan_status_code.as_deref()),
                "scan_status_reason": c.and_then(|c| c.scan_status_reason.as_deref()),
            })).collect::<Vec<_>>(),
            "stopped": stopped,
        });
        if !uncovered.is_empty() {
            let n = uncovered.len();
            let list = uncovered_list(&uncovered);
            let (en, ja) = (&list.en, &list.ja);
            return Ok(vec![meta.finding(
                Status::Fail,
                resource,
                text!(
                    "Inspector does not scan {n} of {count} instance(s) in {region}: {en}",
                    "{region} の {count} 台のインスタンスのうち {n} 台を Inspector がスキャンしていません: {ja}"
                ),
                evidence,
            )]);
        }
        let running = count - stopped.len();
        Ok(vec![meta.finding(
            Status::Pass,
            resource,
            text!(
                "Inspector scans EC2 in {region} and covers all {running} running instance(s)",
                "{region} で Inspector が EC2 をスキャンしており、実行中の {running} 台すべてが対象です"
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
    use crate::services::inspector_fixtures::*;
    use kensa_snapshot::Collected;

    fn verdicts(services: kensa_snapshot::services::Services) -> String {
        render(&run_check(&CHECK, &snapshot(vec![(REGION, services)])))
    }

    #[test]
    fn every_running_instance_covered_passes() {
        let s = inspector(
            Collected::Value(vec![
                instance("i-0a", "running"),
                instance("i-0b", "stopped"),
            ]),
            status(Some("ENABLED"), Some("DISABLED")),
            Collected::Value(vec![
                covered("i-0a", "ACTIVE", "SUCCESSFUL"),
                covered("i-0b", "INACTIVE", "EC2_INSTANCE_STOPPED"),
            ]),
            Collected::Value(vec![]),
        );
        insta::assert_snapshot!(verdicts(s));
    }

    #[test]
    fn uncovered_and_unlisted_instances_fail_and_are_named() {
        let s = inspector(
            Collected::Value(vec![
                instance("i-0a", "running"),
                instance("i-0b", "running"),
                instance("i-0c", "pending"),
            ]),
            status(Some("ENABLED"), None),
            Collected::Value(vec![
                covered("i-0a", "ACTIVE", "SUCCESSFUL"),
                covered("i-0b", "INACTIVE", "UNMANAGED_EC2_INSTANCE"),
            ]),
            Collected::Value(vec![]),
        );
        let findings = run_check(&CHECK, &snapshot(vec![(REGION, s)]));
        insta::assert_snapshot!(render(&findings));
        insta::assert_snapshot!(
            "uncovered_evidence",
            serde_json::to_string_pretty(&findings[0].evidence["not_covered"]).unwrap()
        );
    }

    #[test]
    fn disabled_or_suspended_ec2_scanning_fails_where_ec2_runs() {
        let instances = || Collected::Value(vec![instance("i-0a", "running")]);
        let disabled = inspector(
            instances(),
            status(Some("DISABLED"), Some("ENABLED")),
            Collected::NotCollected,
            Collected::Value(vec![]),
        );
        let suspended = inspector(
            instances(),
            status(Some("SUSPENDED"), None),
            Collected::NotCollected,
            Collected::Value(vec![]),
        );
        insta::assert_snapshot!(format!("{}{}", verdicts(disabled), verdicts(suspended)));
    }

    #[test]
    fn a_region_without_instances_is_not_applicable_and_says_so() {
        let s = inspector(
            Collected::Value(vec![]),
            status(Some("DISABLED"), None),
            Collected::NotCollected,
            Collected::Value(vec![]),
        );
        insta::assert_snapshot!(verdicts(s));
    }

    #[test]
    fn unreadable_data_is_an_error_naming_the_call() {
        let unreadable_instances = inspector(
            Collected::Error(not_implemented("ec2", "DescribeInstances")),
            status(Some("ENABLED"), None),
            Collected::Value(vec![]),
            Collected::Value(vec![]),
        );
        let unreadable_status = inspector(
            Collected::Value(vec![instance("i-0a", "running")]),
            Collected::Error(not_implemented("inspector2", "BatchGetAccountStatus")),
            Collected::Value(vec![]),
            Collected::Value(vec![]),
        );
        let other_account_only = inspector(
            Collected::Value(vec![instance("i-0a", "running")]),
            Collected::Value(vec![]),
            Collected::Value(vec![]),
            Collected::Value(vec![]),
        );
        let unreadable_coverage = inspector(
            Collected::Value(vec![instance("i-0a", "running")]),
            status(Some("ENABLED"), None),
            Collected::Error(not_implemented("inspector2", "ListCoverage")),
            Collected::Value(vec![]),
        );
        let not_collected = Default::default();
        let all = [
            unreadable_instances,
            unreadable_status,
            other_account_only,
            unreadable_coverage,
            not_collected,
        ]
        .into_iter()
        .map(|s| {
            let findings = run_check(&CHECK, &snapshot(vec![(REGION, s)]));
            assert!(findings.iter().all(|f| f.status == Status::Error));
            render(&findings)
        })
        .collect::<String>();
        insta::assert_snapshot!(all);
    }
}
