//! SVC-4: maintenance windows install patches (AWS-RunPatchBaseline) on
//! every instance of every patch group.

use std::collections::BTreeMap;

use kensa_snapshot::Missing;
use kensa_snapshot::ec2::Instance;
use kensa_snapshot::patching::{MaintenanceWindow, WindowTask};
use serde_json::{Value, json};

use super::patching::{Selection, each_region, region_part, running_instances, task_selects};
use super::regional_arn;
use crate::{Check, CheckMeta, Context, Finding, Resource, Severity, StaticText, Status, text};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "svc-patch-maintenance-windows",
        requirements: &["SVC-4"],
        severity: Severity::Medium,
        title: StaticText {
            en: "Maintenance windows install patches on every patch group",
            ja: "メンテナンスウィンドウがすべてのパッチグループにパッチを適用する",
        },
        description: StaticText {
            en: "For each patch group the running instances are in (their `Patch Group` tag), \
                 every instance is a target of an enabled maintenance window task that runs \
                 AWS-RunPatchBaseline (or its WithHooks / Association variants) with Operation \
                 Install. Targets by instance ID, by tag and by tag key are resolved against the \
                 instances; resource-group targets are left to a person (MANUAL). A task that only \
                 scans does not count. The windows' schedules are in the evidence: check that \
                 verification runs before production.",
            ja: "稼働中のインスタンスが属する各パッチグループ (`Patch Group` タグ) について、すべての\
                 インスタンスが、AWS-RunPatchBaseline (または WithHooks／Association 版) を \
                 Operation Install で実行する有効なメンテナンスウィンドウのタスクの対象であること。\
                 インスタンス ID・タグ・タグキーによるターゲットはインスタンスと突き合わせる。\
                 リソースグループによるターゲットは人が確認する (MANUAL)。スキャンだけのタスクは\
                 数えない。ウィンドウのスケジュールは証跡に載せるので、検証環境が本番環境より先に\
                 実行されることを確認する。",
        },
        remediation: StaticText {
            en: "Create a maintenance window per environment, register the patch group \
                 (`tag:Patch Group`) as its target, and register an AWS-RunPatchBaseline Run \
                 Command task with Operation=Install; schedule verification before production.",
            ja: "環境ごとにメンテナンスウィンドウを作成し、パッチグループ (`tag:Patch Group`) を\
                 ターゲットに登録して、Operation=Install の AWS-RunPatchBaseline の Run Command \
                 タスクを登録する。検証環境を本番環境より先にスケジュールする。",
        },
        cis_1_2: &[],
        fsbp: &[],
        pci_dss: &[],
        differs_from_frameworks: None,
    },
    run,
};

fn group_resource(ctx: &Context<'_>, region: &str, group: &str) -> Resource {
    Resource {
        kind: "AWS::SSM::PatchGroup".to_owned(),
        id: group.to_owned(),
        arn: regional_arn(ctx, region, "ssm", &format!("patchgroup/{group}")),
        name: Some(format!("{group} ({region})")),
        region: region.to_owned(),
    }
}

/// How a task reaches one instance.
enum Reach<'a> {
    Installs,
    /// Runs on it, but scans only (or sets no Operation).
    ScansOnly,
    /// Its targets cannot be resolved (resource groups).
    Unknown,
    /// What could not be read, and which call.
    Unread(Missing<'a>, &'static str),
}

fn reach<'a>(
    window: &'a MaintenanceWindow,
    task: &'a WindowTask,
    instance: &Instance,
) -> Option<Reach<'a>> {
    let selection = match task_selects(window, task, instance) {
        Ok(s) => s,
        Err(m) => return Some(Reach::Unread(m, "ssm:DescribeMaintenanceWindowTargets")),
    };
    match selection {
        Selection::NotSelected => None,
        Selection::Unknown => Some(Reach::Unknown),
        Selection::Selected => Some(match task.operation.get() {
            Ok(Some(op)) if op.eq_ignore_ascii_case("Install") => Reach::Installs,
            Ok(_) => Reach::ScansOnly,
            Err(m) => Reach::Unread(m, "ssm:GetMaintenanceWindowTask"),
        }),
    }
}

fn window_evidence(window: &MaintenanceWindow, task: &WindowTask) -> Value {
    json!({
        "window_id": window.window_id,
        "name": window.name,
        "schedule": window.schedule,
        "schedule_timezone": window.schedule_timezone,
        "window_task_id": task.window_task_id,
        "task_arn": task.task_arn,
        "operation": task.operation.value(),
    })
}

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let meta = &CHECK.meta;
    each_region(ctx, |region, data| {
        let instances = running_instances(ctx, meta, region, data)?;
        let mut groups: BTreeMap<&str, Vec<&Instance>> = BTreeMap::new();
        for instance in instances {
            if let Some((_, group)) = instance.patch_group() {
                groups.entry(group).or_default().push(instance);
            }
        }
        if groups.is_empty() {
            // Instances in no patch group fail svc-patch-group.
            return Ok(vec![]);
        }
        let windows = region_part(
            ctx,
            meta,
            region,
            data,
            "ssm:DescribeMaintenanceWindows",
            |r| &r.patching.maintenance_windows,
        )?;
        let mut findings = Vec::new();
        for (group, members) in groups {
            findings.push(judge_group(ctx, region, group, &members, windows));
        }
        Ok(findings)
    })
}

fn judge_group(
    ctx: &Context<'_>,
    region: &str,
    group: &str,
    members: &[&Instance],
    windows: &[MaintenanceWindow],
) -> Finding {
    let meta = &CHECK.meta;
    let resource = group_resource(ctx, region, group);
    let mut installing: Vec<Value> = Vec::new();
    let mut not_installed: Vec<&str> = Vec::new();
    let mut scanned_only: Vec<&str> = Vec::new();
    let mut unknown: Vec<&str> = Vec::new();
    for instance in members {
        let mut best: Option<Reach<'_>> = None;
        for window in windows.iter().filter(|w| w.enabled) {
            let tasks = match window.tasks.get() {
                Ok(tasks) => tasks,
                Err(m) => return meta.missing(resource, m, "ssm:DescribeMaintenanceWindowTasks"),
            };
            for task in tasks.iter().filter(|t| t.runs_patch_baseline()) {
                let Some(r) = reach(window, task, instance) else {
                    continue;
                };
                if let Reach::Installs = r {
                    let entry = window_evidence(window, task);
                    if !installing.contains(&entry) {
                        installing.push(entry);
                    }
                }
                best = Some(match (best, r) {
                    (Some(Reach::Installs), _) | (_, Reach::Installs) => Reach::Installs,
                    // What could not be read might have installed: it
                    // outranks what is known not to.
                    (Some(Reach::Unread(m, call)), _) | (_, Reach::Unread(m, call)) => {
                        Reach::Unread(m, call)
                    }
                    (Some(Reach::Unknown), _) | (_, Reach::Unknown) => Reach::Unknown,
                    _ => Reach::ScansOnly,
                });
            }
        }
        match best {
            Some(Reach::Installs) => {}
            Some(Reach::Unread(m, call)) => return meta.missing(resource, m, call),
            Some(Reach::Unknown) => unknown.push(&instance.id),
            Some(Reach::ScansOnly) => scanned_only.push(&instance.id),
            None => not_installed.push(&instance.id),
        }
    }
    let evidence = json!({
        "instances": members.iter().map(|i| &i.id).collect::<Vec<_>>(),
        "installing_windows": installing,
        "not_targeted": not_installed,
        "scanned_only": scanned_only,
        "unresolved_targets": unknown,
        "disabled_windows": windows.iter().filter(|w| !w.enabled).map(|w| &w.window_id).collect::<Vec<_>>(),
    });
    if !not_installed.is_empty() || !scanned_only.is_empty() {
        let missing = not_installed
            .iter()
            .chain(&scanned_only)
            .copied()
            .collect::<Vec<_>>()
            .join(", ");
        return meta.finding(
            Status::Fail,
            resource,
            text!(
                "No enabled maintenance window installs patches on {missing} of patch group {group}",
                "パッチグループ {group} の {missing} にパッチを適用する有効なメンテナンスウィンドウがありません"
            ),
            evidence,
        );
    }
    if !unknown.is_empty() {
        let unsure = unknown.join(", ");
        return meta.finding(
            Status::Manual,
            resource,
            text!(
                "Confirm that the resource groups a patch window targets include {unsure} of patch group {group}",
                "パッチを適用するウィンドウのターゲットのリソースグループに、パッチグループ {group} の {unsure} が含まれることを確認してください"
            ),
            evidence,
        );
    }
    let count = members.len();
    meta.finding(
        Status::Pass,
        resource,
        text!(
            "Maintenance windows install patches on all {count} instances of patch group {group}",
            "パッチグループ {group} の {count} 台すべてにメンテナンスウィンドウがパッチを適用します"
        ),
        evidence,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::fixtures::run_check;
    use crate::services::fixtures::not_implemented;
    use crate::services::patching::fixtures::*;
    use kensa_snapshot::patching::WindowTarget;
    use kensa_snapshot::{Collected, Region};

    fn window(
        id: &str,
        enabled: bool,
        targets: Vec<(&str, Vec<kensa_snapshot::patching::Target>)>,
        tasks: Vec<WindowTask>,
    ) -> MaintenanceWindow {
        MaintenanceWindow {
            window_id: id.into(),
            name: Some(format!("{id}-name")),
            enabled,
            schedule: Some("cron(0 2 ? * SUN *)".into()),
            schedule_timezone: Some("Asia/Tokyo".into()),
            next_execution_time: None,
            targets: Collected::Value(
                targets
                    .into_iter()
                    .map(|(id, targets)| WindowTarget {
                        window_target_id: id.into(),
                        name: None,
                        targets,
                    })
                    .collect(),
            ),
            tasks: Collected::Value(tasks),
        }
    }

    fn task(
        id: &str,
        document: &str,
        window_targets: &[&str],
        operation: Collected<Option<String>>,
    ) -> WindowTask {
        WindowTask {
            window_task_id: id.into(),
            task_arn: document.into(),
            task_type: Some("RUN_COMMAND".into()),
            targets: vec![target("WindowTargetIds", window_targets)],
            operation,
        }
    }

    fn install() -> Collected<Option<String>> {
        Collected::Value(Some("Install".into()))
    }

    fn region(instances: Vec<Instance>, windows: Vec<MaintenanceWindow>) -> Region {
        let mut r = region_with(instances);
        r.patching.maintenance_windows = Collected::Value(windows);
        r
    }

    #[test]
    fn each_verdict() {
        let tokyo = region(
            vec![
                instance("i-0stg1", &[("Patch Group", "staging")]),
                instance("i-0prd1", &[("Patch Group", "production")]),
                instance("i-0prd2", &[("Patch Group", "production"), ("Role", "db")]),
                instance("i-0bat1", &[("Patch Group", "batch")]),
                instance("i-0qa01", &[("Patch Group", "stg-qa")]),
                instance("i-0none", &[]),
            ],
            vec![
                window(
                    "mw-0stg",
                    true,
                    vec![("wt-stg", vec![target("tag:Patch Group", &["staging"])])],
                    vec![task(
                        "task-stg",
                        "AWS-RunPatchBaseline",
                        &["wt-stg"],
                        install(),
                    )],
                ),
                window(
                    "mw-0prd",
                    true,
                    vec![
                        (
                            "wt-prd",
                            vec![
                                target("tag:Patch Group", &["production"]),
                                target("tag-key", &["Role"]),
                            ],
                        ),
                        ("wt-bat", vec![target("InstanceIds", &["i-0bat1"])]),
                    ],
                    vec![
                        task("task-prd", "AWS-RunPatchBaseline", &["wt-prd"], install()),
                        task(
                            "task-bat",
                            "AWS-RunPatchBaseline",
                            &["wt-bat"],
                            Collected::Value(Some("Scan".into())),
                        ),
                        task(
                            "task-sh",
                            "AWS-RunShellScript",
                            &["wt-prd"],
                            Collected::NotCollected,
                        ),
                    ],
                ),
                window(
                    "mw-0off",
                    false,
                    vec![("wt-all", vec![target("InstanceIds", &["*"])])],
                    vec![task(
                        "task-off",
                        "AWS-RunPatchBaseline",
                        &["wt-all"],
                        install(),
                    )],
                ),
            ],
        );
        // A resource group could hold any instance: only a person can tell.
        let resource_groups = region(
            vec![instance("i-0rg01", &[("Patch Group", "legacy")])],
            vec![window(
                "mw-0rg",
                true,
                vec![(
                    "wt-rg",
                    vec![target("resource-groups:Name", &["legacy-servers"])],
                )],
                vec![task(
                    "task-rg",
                    "AWS-RunPatchBaseline",
                    &["wt-rg"],
                    install(),
                )],
            )],
        );
        let moto_like = region(
            vec![instance("i-0web1", &[("Patch Group", "production")])],
            vec![window(
                "mw-0moto",
                true,
                vec![("wt-1", vec![target("tag:Patch Group", &["production"])])],
                vec![task(
                    "task-1",
                    "AWS-RunPatchBaseline",
                    &["wt-1"],
                    Collected::Error(not_implemented("ssm", "GetMaintenanceWindowTask")),
                )],
            )],
        );
        let mut unreadable = region_with(vec![instance("i-0x", &[("Patch Group", "production")])]);
        unreadable.patching.maintenance_windows =
            Collected::Error(not_implemented("ssm", "DescribeMaintenanceWindows"));
        let s = snapshot(vec![
            ("ap-northeast-1", tokyo),
            ("ap-northeast-3", resource_groups),
            ("eu-west-1", moto_like),
            ("us-east-1", unreadable),
            ("us-west-2", region_with(vec![instance("i-0y", &[])])),
        ]);
        let f = run_check(&CHECK, &s);
        insta::assert_snapshot!(render(&f));
        let staging = f.iter().find(|f| f.resource.id == "staging").unwrap();
        assert_eq!(
            staging.evidence["installing_windows"][0]["window_id"],
            "mw-0stg"
        );
        assert_eq!(staging.evidence["disabled_windows"][0], "mw-0off");
    }
}
