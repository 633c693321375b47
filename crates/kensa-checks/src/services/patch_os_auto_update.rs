//! SVC-4: the operating system's own automatic updates are off, so that
//! patches arrive only through Systems Manager, verification first.

use kensa_snapshot::ec2::Instance;
use kensa_snapshot::patching::Association;
use serde_json::{Value, json};

use super::patching::{
    Selection, any_matches, each_region, instance_resource, region_part, running_instances,
    targets_select,
};
use crate::{Check, CheckMeta, Context, Finding, Severity, StaticText, Status, Text, text};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "svc-patch-os-auto-update-off",
        requirements: &["SVC-4"],
        severity: Severity::Low,
        title: StaticText {
            en: "Automatic updates inside the OS are turned off",
            ja: "OS 上のパッチ自動適用の設定が無効になっている",
        },
        description: StaticText {
            en: "An OS that updates itself bypasses the verification environment. A running \
                 instance passes when a State Manager association (ssm:ListAssociations) whose \
                 document matches `[services.patching] os_auto_update_off_documents` targets it \
                 and last ran successfully; it fails when that association failed. Otherwise the \
                 setting lives inside the OS and the finding is MANUAL, with what to check for the \
                 instance's platform.",
            ja: "OS が自ら更新すると検証環境を経ずにパッチが入る。`[services.patching] \
                 os_auto_update_off_documents` に一致するドキュメントの State Manager の関連付け \
                 (ssm:ListAssociations) が対象とし、最後の実行が成功している稼働中のインスタンスは合格、\
                 その関連付けが失敗していれば不合格。それ以外は設定が OS の中にあるため MANUAL とし、\
                 インスタンスのプラットフォームごとに確認する項目を示す。",
        },
        remediation: StaticText {
            en: "Turn automatic updates off in the OS (Windows Update, dnf-automatic/yum-cron, \
                 unattended-upgrades), preferably through a State Manager association so that it \
                 stays off, and list its document in kensa.toml.",
            ja: "OS の自動更新 (Windows Update、dnf-automatic／yum-cron、unattended-upgrades) を無効に\
                 する。無効のまま保つため State Manager の関連付けで設定し、そのドキュメントを \
                 kensa.toml に記載することが望ましい。",
        },
        cis_1_2: &[],
        fsbp: &[],
        pci_dss: &[],
        differs_from_frameworks: None,
    },
    run,
};

/// What a person checks on the instance, by platform.
fn checklist(instance: &Instance) -> Text {
    if instance.is_windows() {
        text!(
            "Windows Update set not to install automatically (Group Policy \"Configure Automatic \
             Updates\" disabled, or NoAutoUpdate=1)",
            "Windows Update が自動でインストールしない設定であること (グループポリシー「自動更新を\
             構成する」が無効、または NoAutoUpdate=1)"
        )
    } else {
        text!(
            "no automatic package updates: dnf-automatic / yum-cron timers disabled (Amazon Linux, \
             RHEL), unattended-upgrades off (Ubuntu, Debian: APT::Periodic::Unattended-Upgrade \"0\")",
            "パッケージの自動更新がないこと: dnf-automatic／yum-cron のタイマーが無効 (Amazon Linux、\
             RHEL)、unattended-upgrades が無効 (Ubuntu、Debian: APT::Periodic::Unattended-Upgrade \"0\")"
        )
    }
}

fn selects(association: &Association, instance: &Instance) -> Selection {
    if association.instance_id.as_deref() == Some(instance.id.as_str()) {
        return Selection::Selected;
    }
    targets_select(&association.targets, instance)
}

fn association_evidence(a: &Association) -> Value {
    json!({
        "association_id": a.association_id,
        "document": a.name,
        "association_name": a.association_name,
        "status": a.status,
        "last_execution_date": a.last_execution_date,
        "targets": a.targets,
    })
}

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let meta = &CHECK.meta;
    let documents = &ctx.config.services.patching.os_auto_update_off_documents;
    each_region(ctx, |region, data| {
        let instances = running_instances(ctx, meta, region, data)?;
        if instances.is_empty() {
            return Ok(vec![]);
        }
        let associations = region_part(ctx, meta, region, data, "ssm:ListAssociations", |r| {
            &r.patching.associations
        })?;
        let relevant: Vec<&Association> = associations
            .iter()
            .filter(|a| any_matches(documents, &a.name))
            .collect();
        Ok(instances
            .into_iter()
            .map(|instance| {
                let id = &instance.id;
                let resource = instance_resource(ctx, region, instance);
                let mut succeeded = None;
                let mut failed = None;
                let mut unsure = None;
                for a in &relevant {
                    match selects(a, instance) {
                        Selection::NotSelected => {}
                        Selection::Unknown => unsure = unsure.or(Some(*a)),
                        Selection::Selected => match a.status.as_deref() {
                            Some("Success") => succeeded = succeeded.or(Some(*a)),
                            Some("Failed") => failed = failed.or(Some(*a)),
                            _ => unsure = unsure.or(Some(*a)),
                        },
                    }
                }
                if let Some(a) = succeeded {
                    let document = &a.name;
                    return meta.finding(
                        Status::Pass,
                        resource,
                        text!(
                            "Association {document} keeps automatic OS updates off on {id} (last \
                             run succeeded)",
                            "関連付け {document} が {id} の OS の自動更新を無効に保っています \
                             (最後の実行は成功)"
                        ),
                        json!({ "association": association_evidence(a) }),
                    );
                }
                if let Some(a) = failed {
                    let document = &a.name;
                    return meta.finding(
                        Status::Fail,
                        resource,
                        text!(
                            "Association {document}, which turns automatic OS updates off, failed \
                             on {id}",
                            "OS の自動更新を無効にする関連付け {document} が {id} で失敗しています"
                        ),
                        json!({ "association": association_evidence(a) }),
                    );
                }
                let check = checklist(instance);
                let (check_en, check_ja) = (&check.en, &check.ja);
                let evidence = json!({
                    "association": unsure.map(association_evidence),
                    "os_auto_update_off_documents": documents,
                    "platform": instance.platform_details,
                    "checklist": check,
                });
                meta.finding(
                    Status::Manual,
                    resource,
                    text!(
                        "Confirm on {id} that automatic OS updates are off: {check_en}",
                        "{id} で OS の自動更新が無効であることを確認してください: {check_ja}"
                    ),
                    evidence,
                )
            })
            .collect())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Config;
    use crate::iam::fixtures::{days_ago, run_check, run_with};
    use crate::services::fixtures::not_implemented;
    use crate::services::patching::fixtures::*;
    use kensa_snapshot::Collected;

    fn association(
        id: &str,
        document: &str,
        targets: Vec<kensa_snapshot::patching::Target>,
        status: &str,
    ) -> Association {
        Association {
            association_id: id.into(),
            name: document.into(),
            association_name: Some(format!("{document}-assoc")),
            instance_id: None,
            targets,
            status: Some(status.into()),
            last_execution_date: Some(days_ago(1)),
            schedule_expression: Some("rate(30 minutes)".into()),
        }
    }

    #[test]
    fn each_verdict() {
        let mut tokyo = region_with(vec![
            instance("i-0ok", &[("Patch Group", "production")]),
            instance("i-0failed", &[("Patch Group", "staging")]),
            windows(instance("i-0win", &[])),
            instance("i-0linux", &[]),
            instance("i-0rg", &[("Role", "legacy")]),
        ]);
        tokyo.patching.associations = Collected::Value(vec![
            association(
                "a-1",
                "Custom-DisableAutoUpdates",
                vec![target("tag:Patch Group", &["production"])],
                "Success",
            ),
            association(
                "a-2",
                "Custom-DisableAutoUpdates",
                vec![target("tag:Patch Group", &["staging"])],
                "Failed",
            ),
            association(
                "a-3",
                "Custom-DisableAutoUpdates",
                vec![target("resource-groups:Name", &["legacy"])],
                "Success",
            ),
            association(
                "a-4",
                "AWS-GatherSoftwareInventory",
                vec![target("InstanceIds", &["*"])],
                "Success",
            ),
        ]);
        let mut moto_like = region_with(vec![instance("i-0web", &[])]);
        moto_like.patching.associations =
            Collected::Error(not_implemented("ssm", "ListAssociations"));
        let s = snapshot(vec![("ap-northeast-1", tokyo), ("eu-west-1", moto_like)]);

        let mut config = Config::default();
        config.services.patching.os_auto_update_off_documents = vec!["Custom-Disable*".into()];
        let f = run_with(&CHECK, &s, &config);
        insta::assert_snapshot!(render(&f));
        assert_eq!(f[0].evidence["association"]["association_id"], "a-1");

        // Without documents named in kensa.toml, every instance is MANUAL.
        let defaults = run_check(&CHECK, &s);
        assert!(
            defaults[..5].iter().all(|f| f.status == Status::Manual),
            "{}",
            render(&defaults)
        );
    }
}
