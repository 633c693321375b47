//! SVC-4: every running EC2 instance is in a patch group of the
//! verification or the production environment.

use serde_json::json;

use super::patching::{each_region, instance_resource, running_instances};
use crate::{Check, CheckMeta, Context, Finding, Severity, StaticText, Status, text};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "svc-patch-group",
        requirements: &["SVC-4"],
        severity: Severity::Medium,
        title: StaticText {
            en: "Every running EC2 instance is in a verification or production patch group",
            ja: "稼働中のすべての EC2 インスタンスが検証環境か本番環境のパッチグループに属している",
        },
        description: StaticText {
            en: "Patches go to the verification environment first and to production after no \
                 problem is found, so each instance must say which it is. Systems Manager reads an \
                 instance's patch group from its `Patch Group` (or `PatchGroup`) tag. The tag's \
                 value must match `[services.patching] verification_patch_groups` or \
                 `production_patch_groups` in kensa.toml (defaults: staging*, stg*, \
                 verification*; production*, prod*). An instance without the tag, or in a group \
                 that is neither, fails.",
            ja: "パッチは検証環境に先に適用し、問題がないことを確認してから本番環境に適用するため、\
                 各インスタンスがどちらに属するかが分かる必要がある。Systems Manager はインスタンスの\
                 パッチグループを `Patch Group` (または `PatchGroup`) タグから読む。その値が kensa.toml の\
                 `[services.patching] verification_patch_groups` か `production_patch_groups` に一致する\
                 こと (既定値: staging*、stg*、verification*／production*、prod*)。タグがないもの、\
                 どちらにも一致しないグループのものは不合格。",
        },
        remediation: StaticText {
            en: "Tag the instance with `Patch Group` set to its environment's patch group, or list \
                 the group in kensa.toml under the right environment.",
            ja: "インスタンスに、所属する環境のパッチグループを値とする `Patch Group` タグを付ける。\
                 または kensa.toml の該当する環境にそのグループを記載する。",
        },
        cis_1_2: &[],
        fsbp: &[],
        pci_dss: &[],
        differs_from_frameworks: None,
    },
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let meta = &CHECK.meta;
    let config = &ctx.config.services.patching;
    each_region(ctx, |region, data| {
        let instances = running_instances(ctx, meta, region, data)?;
        Ok(instances
            .into_iter()
            .map(|instance| {
                let id = &instance.id;
                let resource = instance_resource(ctx, region, instance);
                let Some((tag, group)) = instance.patch_group() else {
                    return meta.finding(
                        Status::Fail,
                        resource,
                        text!(
                            "{id} has no `Patch Group` tag: it is in no patch group",
                            "{id} には `Patch Group` タグがなく、どのパッチグループにも属していません"
                        ),
                        json!({ "patch_group": null }),
                    );
                };
                match config.environment(group) {
                    Some(env) => {
                        let (env_en, env_ja) = (env.title().en, env.title().ja);
                        meta.finding(
                            Status::Pass,
                            resource,
                            text!(
                                "{id} is in patch group {group} ({env_en})",
                                "{id} はパッチグループ {group} ({env_ja}) に属しています"
                            ),
                            json!({ "tag": tag, "patch_group": group, "environment": env.key() }),
                        )
                    }
                    None => meta.finding(
                        Status::Fail,
                        resource,
                        text!(
                            "{id} is in patch group {group}, which is neither a verification nor a \
                             production group in kensa.toml",
                            "{id} のパッチグループ {group} は、kensa.toml の検証環境にも本番環境にも\
                             ありません"
                        ),
                        json!({
                            "tag": tag,
                            "patch_group": group,
                            "verification_patch_groups": config.verification_patch_groups,
                            "production_patch_groups": config.production_patch_groups,
                        }),
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
        let mut no_ec2 = Region::default();
        no_ec2.network.instances = Collected::Error(not_implemented("ec2", "DescribeInstances"));
        let s = snapshot(vec![
            (
                "ap-northeast-1",
                region_with(vec![
                    instance("i-0aaa", &[("Patch Group", "staging-web")]),
                    instance("i-0bbb", &[("PatchGroup", "prod-web")]),
                    instance("i-0ccc", &[("Patch Group", "dev")]),
                    instance("i-0ddd", &[("Name", "batch")]),
                    stopped(instance("i-0eee", &[])),
                ]),
            ),
            ("us-east-1", no_ec2),
        ]);
        let f = run_check(&CHECK, &s);
        insta::assert_snapshot!(render(&f));
        assert_eq!(f[1].evidence["tag"], "PatchGroup");
        assert_eq!(f[1].evidence["environment"], "production");
    }
}
