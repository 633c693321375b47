//! SVC-4: every running EC2 instance is managed by Systems Manager, whose
//! Patch Manager applies the OS patches.

use std::collections::BTreeMap;

use serde_json::json;

use super::patching::{each_region, instance_resource, region_part, running_instances};
use crate::{Check, CheckMeta, Context, Finding, Severity, StaticText, Status, text};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "svc-patch-managed-instances",
        requirements: &["SVC-4"],
        severity: Severity::Medium,
        title: StaticText {
            en: "Every running EC2 instance is managed by Systems Manager",
            ja: "稼働中のすべての EC2 インスタンスが Systems Manager のマネージドインスタンスである",
        },
        description: StaticText {
            en: "OS patches are applied with Systems Manager, which only reaches managed instances. \
                 Each running instance must be listed by ssm:DescribeInstanceInformation with its \
                 agent Online; one that is missing, or whose agent lost its connection, fails. \
                 Stopped instances are not judged.",
            ja: "OS のパッチは Systems Manager で適用するが、Systems Manager が扱えるのはマネージド\
                 インスタンスだけである。稼働中の各インスタンスが ssm:DescribeInstanceInformation に\
                 載り、エージェントが Online であること。載っていないもの、エージェントの接続が\
                 失われているものは不合格。停止中のインスタンスは判定しない。",
        },
        remediation: StaticText {
            en: "Install and start the SSM Agent, give the instance a role with \
                 AmazonSSMManagedInstanceCore (or turn on Default Host Management Configuration), \
                 and make sure it reaches the Systems Manager endpoints.",
            ja: "SSM エージェントを導入・起動し、AmazonSSMManagedInstanceCore を持つロールを\
                 インスタンスに付与する (またはデフォルトのホスト管理設定を有効にする)。\
                 Systems Manager のエンドポイントに到達できることを確認する。",
        },
        cis_1_2: &[],
        fsbp: &["SSM.1"],
        pci_dss: &["PCI.SSM.3"],
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
        let by_id: BTreeMap<&str, _> = managed
            .iter()
            .map(|m| (m.instance_id.as_str(), m))
            .collect();
        Ok(instances
            .into_iter()
            .map(|instance| {
                let id = &instance.id;
                let resource = instance_resource(ctx, region, instance);
                match by_id.get(id.as_str()) {
                    None => meta.finding(
                        Status::Fail,
                        resource,
                        text!(
                            "{id} is not a managed instance: Systems Manager cannot patch it",
                            "{id} はマネージドインスタンスではありません: Systems Manager でパッチを適用できません"
                        ),
                        json!({ "managed_instance": null }),
                    ),
                    Some(m) if !m.is_online() => {
                        let ping = m.ping_status.as_deref().unwrap_or("unknown");
                        meta.finding(
                            Status::Fail,
                            resource,
                            text!(
                                "{id} is registered with Systems Manager but its agent is {ping}",
                                "{id} は Systems Manager に登録されていますが、エージェントの状態が {ping} です"
                            ),
                            json!({ "managed_instance": m }),
                        )
                    }
                    Some(m) => meta.finding(
                        Status::Pass,
                        resource,
                        text!(
                            "{id} is a managed instance and its agent is online",
                            "{id} はマネージドインスタンスで、エージェントはオンラインです"
                        ),
                        json!({ "managed_instance": m }),
                    ),
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
    use kensa_snapshot::{Collected, Region};

    #[test]
    fn each_verdict() {
        let mut tokyo = region_with(vec![
            instance("i-0aaa", &[("Name", "web-1")]),
            instance("i-0bbb", &[]),
            instance("i-0ccc", &[]),
            stopped(instance("i-0ddd", &[])),
        ]);
        tokyo.patching.managed_instances = Collected::Value(vec![
            managed("i-0aaa", "Online"),
            managed("i-0bbb", "ConnectionLost"),
            managed("mi-0123456789abcdef0", "Online"),
        ]);
        let mut unreadable = region_with(vec![instance("i-0eee", &[])]);
        unreadable.patching.managed_instances =
            Collected::Error(not_implemented("ssm", "DescribeInstanceInformation"));
        let mut no_ec2 = Region::default();
        no_ec2.network.instances = Collected::Error(not_implemented("ec2", "DescribeInstances"));
        let s = snapshot(vec![
            ("ap-northeast-1", tokyo),
            ("eu-west-1", unreadable),
            ("us-east-1", no_ec2),
            ("us-west-2", region_with(vec![])),
        ]);
        let f = run_check(&CHECK, &s);
        insta::assert_snapshot!(render(&f));
        assert_eq!(f[0].resource.name.as_deref(), Some("web-1 (i-0aaa)"));
        assert_eq!(
            f[0].resource.arn.as_deref(),
            Some("arn:aws:ec2:ap-northeast-1:123456789012:instance/i-0aaa")
        );
        assert_eq!(
            f[1].evidence["managed_instance"]["ping_status"],
            "ConnectionLost"
        );
    }
}
