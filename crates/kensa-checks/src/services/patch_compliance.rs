//! SVC-4: each running instance's patch state: no approved patch missing,
//! none failed to install.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::json;

use super::patching::{each_region, instance_resource, region_part, running_instances};
use crate::{Check, CheckMeta, Context, Finding, Severity, StaticText, Status, text};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "svc-patch-compliance",
        requirements: &["SVC-4"],
        severity: Severity::High,
        title: StaticText {
            en: "Every running instance has its approved patches installed",
            ja: "稼働中のすべてのインスタンスに承認済みのパッチが適用されている",
        },
        description: StaticText {
            en: "Each running EC2 instance's patch state (ssm:DescribeInstancePatchStates) shows \
                 no missing and no failed patches. An instance with missing or failed patches \
                 fails, with the counts as evidence; so does a managed instance that was never \
                 scanned, and one Systems Manager does not manage (it has no patch state).",
            ja: "稼働中の各 EC2 インスタンスのパッチの状態 (ssm:DescribeInstancePatchStates) で、未適用\
                 (Missing) と適用失敗 (Failed) のパッチが 0 件であること。未適用か適用失敗のパッチがある\
                 ものは不合格で、件数を証跡に載せる。一度もスキャンされていないマネージドインスタンスと、\
                 Systems Manager が管理していないインスタンス (パッチの状態がない) も不合格。",
        },
        remediation: StaticText {
            en: "Run AWS-RunPatchBaseline with Operation=Install on the instance (through its \
                 maintenance window), and look into the command output for the failed patches.",
            ja: "インスタンスに Operation=Install で AWS-RunPatchBaseline を実行し (メンテナンス\
                 ウィンドウで)、失敗したパッチはコマンドの出力で原因を調べる。",
        },
        cis_1_2: &[],
        fsbp: &["SSM.2"],
        pci_dss: &["PCI.SSM.1"],
        differs_from_frameworks: None,
    },
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let meta = &CHECK.meta;
    each_region(ctx, |region, data| {
        let instances = running_instances(ctx, meta, region, data)?;
        if instances.is_empty() {
            return Ok(vec![]);
        }
        let managed = region_part(
            ctx,
            meta,
            region,
            data,
            "ssm:DescribeInstanceInformation",
            |r| &r.patching.managed_instances,
        )?;
        let managed: BTreeSet<&str> = managed.iter().map(|m| m.instance_id.as_str()).collect();
        let states = region_part(
            ctx,
            meta,
            region,
            data,
            "ssm:DescribeInstancePatchStates",
            |r| &r.patching.patch_states,
        )?;
        let states: BTreeMap<&str, _> =
            states.iter().map(|s| (s.instance_id.as_str(), s)).collect();
        Ok(instances
            .into_iter()
            .map(|instance| {
                let id = &instance.id;
                let resource = instance_resource(ctx, region, instance);
                if !managed.contains(id.as_str()) {
                    return meta.finding(
                        Status::Fail,
                        resource,
                        text!(
                            "{id} has no patch state: Systems Manager does not manage it",
                            "{id} にはパッチの状態がありません: Systems Manager が管理していません"
                        ),
                        json!({ "patch_state": null, "managed": false }),
                    );
                }
                let Some(state) = states.get(id.as_str()) else {
                    return meta.finding(
                        Status::Fail,
                        resource,
                        text!(
                            "{id} has never been scanned for patches",
                            "{id} は一度もパッチのスキャンが行われていません"
                        ),
                        json!({ "patch_state": null, "managed": true }),
                    );
                };
                let (missing, failed) = (state.missing_count, state.failed_count);
                let evidence = json!({ "patch_state": state });
                if missing > 0 || failed > 0 {
                    meta.finding(
                        Status::Fail,
                        resource,
                        text!(
                            "{id} lacks patches: {missing} missing, {failed} failed",
                            "{id} にはパッチが不足しています: 未適用 {missing} 件、適用失敗 {failed} 件"
                        ),
                        evidence,
                    )
                } else {
                    let installed = state.installed_count;
                    let operation = &state.operation;
                    meta.finding(
                        Status::Pass,
                        resource,
                        text!(
                            "{id} has no missing or failed patches ({installed} installed, last \
                             {operation})",
                            "{id} に未適用・適用失敗のパッチはありません (適用済み {installed} 件、\
                             最後の操作 {operation})"
                        ),
                        evidence,
                    )
                }
            })
            .collect())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::fixtures::run_check;
    use crate::services::fixtures::not_implemented;
    use crate::services::patching::fixtures::*;
    use chrono::{TimeZone, Utc};
    use kensa_snapshot::Collected;
    use kensa_snapshot::patching::InstancePatchState;

    fn state(id: &str, missing: i32, failed: i32) -> InstancePatchState {
        InstancePatchState {
            instance_id: id.into(),
            patch_group: "production".into(),
            baseline_id: "pb-0prd00000000000b".into(),
            operation: "Install".into(),
            operation_end_time: Some(Utc.with_ymd_and_hms(2026, 10, 26, 2, 30, 0).unwrap()),
            installed_count: 412,
            installed_other_count: 3,
            installed_pending_reboot_count: Some(0),
            installed_rejected_count: Some(0),
            missing_count: missing,
            failed_count: failed,
            not_applicable_count: 1021,
            critical_non_compliant_count: Some(missing),
            security_non_compliant_count: Some(missing),
        }
    }

    #[test]
    fn each_verdict() {
        let mut tokyo = region_with(vec![
            instance("i-0ok", &[]),
            instance("i-0missing", &[]),
            instance("i-0failed", &[]),
            instance("i-0never", &[]),
            instance("i-0unmanaged", &[]),
        ]);
        tokyo.patching.managed_instances = Collected::Value(vec![
            managed("i-0ok", "Online"),
            managed("i-0missing", "Online"),
            managed("i-0failed", "Online"),
            managed("i-0never", "Online"),
        ]);
        tokyo.patching.patch_states = Collected::Value(vec![
            state("i-0ok", 0, 0),
            state("i-0missing", 4, 0),
            state("i-0failed", 0, 2),
        ]);
        let mut moto_like = region_with(vec![instance("i-0web", &[])]);
        moto_like.patching.managed_instances =
            Collected::Error(not_implemented("ssm", "DescribeInstanceInformation"));
        let mut states_unread = region_with(vec![instance("i-0web", &[])]);
        states_unread.patching.managed_instances =
            Collected::Value(vec![managed("i-0web", "Online")]);
        states_unread.patching.patch_states =
            Collected::Error(not_implemented("ssm", "DescribeInstancePatchStates"));
        let s = snapshot(vec![
            ("ap-northeast-1", tokyo),
            ("eu-west-1", moto_like),
            ("us-east-1", states_unread),
        ]);
        let f = run_check(&CHECK, &s);
        insta::assert_snapshot!(render(&f));
        let missing = f.iter().find(|f| f.resource.id == "i-0missing").unwrap();
        assert_eq!(missing.evidence["patch_state"]["missing_count"], 4);
        assert_eq!(missing.evidence["patch_state"]["failed_count"], 0);
    }
}
