//! Systems Manager, one region at a time: managed instances, patch states,
//! patch groups and baselines, maintenance windows, State Manager
//! associations and the software inventory (SVC-4, MAL-1).
//!
//! Patch states and the inventory are asked for the running EC2 instances
//! that Systems Manager manages, so this runs after the region's instances
//! are known.

use std::collections::{BTreeMap, BTreeSet};

use aws_config::SdkConfig;
use aws_sdk_ssm::types;
use futures::future::join_all;
use futures::join;
use kensa_snapshot::ec2::Instance;
use kensa_snapshot::patching::{
    Application, ApprovalRule, Association, InstancePatchState, MaintenanceWindow, ManagedInstance,
    PatchBaseline, PatchGroup, Patching, Target, WindowTarget, WindowTask, is_patch_document,
};
use kensa_snapshot::{CallError, Collected};

use crate::call::{Call, Caller, to_chrono};
use crate::clients::regional_config;

/// DescribeInstancePatchStates takes at most this many instance IDs.
const PATCH_STATES_BATCH: usize = 50;

/// The inventory type that lists installed software.
const APPLICATION_INVENTORY: &str = "AWS:Application";

pub(crate) fn client(sdk: &SdkConfig, region: &str) -> aws_sdk_ssm::Client {
    aws_sdk_ssm::Client::new(&regional_config(sdk, region))
}

/// Everything SVC-4 and MAL-1 read in one region. `instances` is the
/// region's `ec2:DescribeInstances` answer.
pub(crate) async fn collect(
    caller: &Caller,
    client: &aws_sdk_ssm::Client,
    region: &str,
    instances: &Collected<Vec<Instance>>,
) -> Patching {
    let (managed_instances, (patch_groups, baselines), maintenance_windows, associations) = join!(
        managed_instances(caller, client, region),
        patch_groups_and_baselines(caller, client, region),
        maintenance_windows(caller, client, region),
        associations(caller, client, region),
    );
    // Only running EC2 instances the agent has registered have patch
    // states and an inventory to ask for.
    let managed_running: Option<Vec<String>> = match (instances, &managed_instances) {
        (Collected::Value(instances), Ok(managed)) => {
            let managed: BTreeSet<&str> = managed.iter().map(|m| m.instance_id.as_str()).collect();
            Some(
                instances
                    .iter()
                    .filter(|i| i.is_running() && managed.contains(i.id.as_str()))
                    .map(|i| i.id.clone())
                    .collect(),
            )
        }
        _ => None,
    };
    let (patch_states, applications) = match &managed_running {
        Some(ids) => {
            let (states, applications) = join!(
                patch_states(caller, client, region, ids),
                applications(caller, client, region, ids),
            );
            (Collected::from(states), applications)
        }
        None => (Collected::NotCollected, BTreeMap::new()),
    };
    Patching {
        managed_instances: managed_instances.into(),
        patch_states,
        patch_groups,
        baselines,
        maintenance_windows: maintenance_windows.into(),
        associations: associations.into(),
        applications,
    }
}

async fn managed_instances(
    caller: &Caller,
    client: &aws_sdk_ssm::Client,
    region: &str,
) -> Result<Vec<ManagedInstance>, CallError> {
    let call = Call::regional("ssm", "DescribeInstanceInformation", region);
    let pages = caller
        .all_pages(
            &call,
            client
                .describe_instance_information()
                .into_paginator()
                .send(),
        )
        .await?;
    let mut out: Vec<ManagedInstance> = pages
        .into_iter()
        .flat_map(|p| p.instance_information_list.unwrap_or_default())
        .filter_map(|i| {
            Some(ManagedInstance {
                instance_id: i.instance_id?,
                ping_status: i.ping_status.map(|s| s.as_str().to_owned()),
                last_ping_date_time: i.last_ping_date_time.as_ref().map(to_chrono),
                agent_version: i.agent_version,
                platform_type: i.platform_type.map(|p| p.as_str().to_owned()),
                platform_name: i.platform_name,
                platform_version: i.platform_version,
                resource_type: i.resource_type.map(|r| r.as_str().to_owned()),
            })
        })
        .collect();
    out.sort_by(|a, b| a.instance_id.cmp(&b.instance_id));
    Ok(out)
}

async fn patch_states(
    caller: &Caller,
    client: &aws_sdk_ssm::Client,
    region: &str,
    instance_ids: &[String],
) -> Result<Vec<InstancePatchState>, CallError> {
    let call = Call::regional("ssm", "DescribeInstancePatchStates", region);
    let batches = join_all(instance_ids.chunks(PATCH_STATES_BATCH).map(|batch| {
        let call = &call;
        async move {
            caller
                .all_pages(
                    call,
                    client
                        .describe_instance_patch_states()
                        .set_instance_ids(Some(batch.to_vec()))
                        .into_paginator()
                        .send(),
                )
                .await
        }
    }))
    .await;
    let mut out = Vec::new();
    for pages in batches {
        for state in pages?
            .into_iter()
            .flat_map(|p| p.instance_patch_states.unwrap_or_default())
        {
            out.push(InstancePatchState {
                instance_id: state.instance_id,
                patch_group: state.patch_group,
                baseline_id: state.baseline_id,
                operation: state.operation.as_str().to_owned(),
                operation_end_time: Some(to_chrono(&state.operation_end_time)),
                installed_count: state.installed_count,
                installed_other_count: state.installed_other_count,
                installed_pending_reboot_count: state.installed_pending_reboot_count,
                installed_rejected_count: state.installed_rejected_count,
                missing_count: state.missing_count,
                failed_count: state.failed_count,
                not_applicable_count: state.not_applicable_count,
                critical_non_compliant_count: state.critical_non_compliant_count,
                security_non_compliant_count: state.security_non_compliant_count,
            });
        }
    }
    out.sort_by(|a, b| a.instance_id.cmp(&b.instance_id));
    Ok(out)
}

/// The patch groups, then `GetPatchBaseline` for each baseline they use.
async fn patch_groups_and_baselines(
    caller: &Caller,
    client: &aws_sdk_ssm::Client,
    region: &str,
) -> (
    Collected<Vec<PatchGroup>>,
    BTreeMap<String, Collected<PatchBaseline>>,
) {
    let call = Call::regional("ssm", "DescribePatchGroups", region);
    let groups = caller
        .all_pages(
            &call,
            client.describe_patch_groups().into_paginator().send(),
        )
        .await
        .map(|pages| {
            let mut groups: Vec<PatchGroup> = pages
                .into_iter()
                .flat_map(|p| p.mappings.unwrap_or_default())
                .filter_map(|m| {
                    let baseline = m.baseline_identity?;
                    Some(PatchGroup {
                        name: m.patch_group?,
                        baseline_id: baseline.baseline_id?,
                        baseline_name: baseline.baseline_name,
                        operating_system: baseline.operating_system.map(|o| o.as_str().to_owned()),
                        default_baseline: baseline.default_baseline,
                    })
                })
                .collect();
            groups.sort_by(|a, b| (&a.name, &a.baseline_id).cmp(&(&b.name, &b.baseline_id)));
            groups
        });
    let baseline_ids: BTreeSet<String> = groups
        .iter()
        .flatten()
        .map(|g| g.baseline_id.clone())
        .collect();
    let baselines = join_all(baseline_ids.into_iter().map(|id| async move {
        let call = Call::regional("ssm", "GetPatchBaseline", region).on(id.clone());
        let baseline = caller
            .call(&call, client.get_patch_baseline().baseline_id(&id).send())
            .await
            .map(|b| patch_baseline(&id, b));
        (id, Collected::from(baseline))
    }))
    .await
    .into_iter()
    .collect();
    (groups.into(), baselines)
}

fn patch_baseline(
    id: &str,
    b: aws_sdk_ssm::operation::get_patch_baseline::GetPatchBaselineOutput,
) -> PatchBaseline {
    PatchBaseline {
        baseline_id: b.baseline_id.unwrap_or_else(|| id.to_owned()),
        name: b.name,
        operating_system: b.operating_system.map(|o| o.as_str().to_owned()),
        approval_rules: b
            .approval_rules
            .map(|g| g.patch_rules)
            .unwrap_or_default()
            .into_iter()
            .map(|r| ApprovalRule {
                approve_after_days: r.approve_after_days,
                approve_until_date: r.approve_until_date,
                compliance_level: r.compliance_level.map(|c| c.as_str().to_owned()),
                enable_non_security: r.enable_non_security.unwrap_or(false),
                filters: r
                    .patch_filter_group
                    .map(|g| g.patch_filters)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|f| (f.key.as_str().to_owned(), f.values))
                    .collect(),
            })
            .collect(),
        approved_patches: b.approved_patches.unwrap_or_default(),
        patch_groups: b.patch_groups.unwrap_or_default(),
    }
}

fn targets(targets: Option<Vec<types::Target>>) -> Vec<Target> {
    targets
        .unwrap_or_default()
        .into_iter()
        .filter_map(|t| {
            Some(Target {
                key: t.key?,
                values: t.values.unwrap_or_default(),
            })
        })
        .collect()
}

async fn maintenance_windows(
    caller: &Caller,
    client: &aws_sdk_ssm::Client,
    region: &str,
) -> Result<Vec<MaintenanceWindow>, CallError> {
    let call = Call::regional("ssm", "DescribeMaintenanceWindows", region);
    let pages = caller
        .all_pages(
            &call,
            client
                .describe_maintenance_windows()
                .into_paginator()
                .send(),
        )
        .await?;
    let identities: Vec<_> = pages
        .into_iter()
        .flat_map(|p| p.window_identities.unwrap_or_default())
        .filter(|w| w.window_id.is_some())
        .collect();
    let mut windows = join_all(identities.into_iter().map(|w| async move {
        let id = w.window_id.clone().unwrap_or_default();
        let (targets, tasks) = join!(
            window_targets(caller, client, region, &id),
            window_tasks(caller, client, region, &id),
        );
        MaintenanceWindow {
            window_id: id,
            name: w.name,
            enabled: w.enabled,
            schedule: w.schedule,
            schedule_timezone: w.schedule_timezone,
            next_execution_time: w.next_execution_time,
            targets: targets.into(),
            tasks: tasks.into(),
        }
    }))
    .await;
    windows.sort_by(|a, b| a.window_id.cmp(&b.window_id));
    Ok(windows)
}

async fn window_targets(
    caller: &Caller,
    client: &aws_sdk_ssm::Client,
    region: &str,
    window_id: &str,
) -> Result<Vec<WindowTarget>, CallError> {
    let call = Call::regional("ssm", "DescribeMaintenanceWindowTargets", region).on(window_id);
    let pages = caller
        .all_pages(
            &call,
            client
                .describe_maintenance_window_targets()
                .window_id(window_id)
                .into_paginator()
                .send(),
        )
        .await?;
    Ok(pages
        .into_iter()
        .flat_map(|p| p.targets.unwrap_or_default())
        .filter_map(|t| {
            Some(WindowTarget {
                window_target_id: t.window_target_id?,
                name: t.name,
                targets: targets(t.targets),
            })
        })
        .collect())
}

async fn window_tasks(
    caller: &Caller,
    client: &aws_sdk_ssm::Client,
    region: &str,
    window_id: &str,
) -> Result<Vec<WindowTask>, CallError> {
    let call = Call::regional("ssm", "DescribeMaintenanceWindowTasks", region).on(window_id);
    let pages = caller
        .all_pages(
            &call,
            client
                .describe_maintenance_window_tasks()
                .window_id(window_id)
                .into_paginator()
                .send(),
        )
        .await?;
    let tasks: Vec<_> = pages
        .into_iter()
        .flat_map(|p| p.tasks.unwrap_or_default())
        .filter(|t| t.window_task_id.is_some())
        .collect();
    Ok(join_all(tasks.into_iter().map(|t| async move {
        let id = t.window_task_id.clone().unwrap_or_default();
        let task_arn = t.task_arn.clone().unwrap_or_default();
        // Only the task's own record says whether it installs or only
        // scans; it is read for patch tasks alone.
        let operation = if is_patch_document(&task_arn) {
            task_operation(caller, client, region, window_id, &id)
                .await
                .into()
        } else {
            Collected::NotCollected
        };
        WindowTask {
            window_task_id: id,
            task_arn,
            task_type: t.r#type.map(|k| k.as_str().to_owned()),
            targets: targets(t.targets),
            operation,
        }
    }))
    .await)
}

/// The `Operation` parameter a patch task passes: from its invocation
/// parameters, or from the older task parameters.
async fn task_operation(
    caller: &Caller,
    client: &aws_sdk_ssm::Client,
    region: &str,
    window_id: &str,
    task_id: &str,
) -> Result<Option<String>, CallError> {
    let call = Call::regional("ssm", "GetMaintenanceWindowTask", region).on(task_id);
    let task = caller
        .call(
            &call,
            client
                .get_maintenance_window_task()
                .window_id(window_id)
                .window_task_id(task_id)
                .send(),
        )
        .await?;
    let from_invocation = task
        .task_invocation_parameters
        .and_then(|p| p.run_command)
        .and_then(|r| r.parameters)
        .and_then(|mut p| p.remove("Operation"))
        .and_then(|values| values.into_iter().next());
    let from_task_parameters = || {
        task.task_parameters
            .and_then(|mut p| p.remove("Operation"))
            .and_then(|v| v.values)
            .and_then(|values| values.into_iter().next())
    };
    Ok(from_invocation.or_else(from_task_parameters))
}

async fn associations(
    caller: &Caller,
    client: &aws_sdk_ssm::Client,
    region: &str,
) -> Result<Vec<Association>, CallError> {
    let call = Call::regional("ssm", "ListAssociations", region);
    let pages = caller
        .all_pages(&call, client.list_associations().into_paginator().send())
        .await?;
    let mut out: Vec<Association> = pages
        .into_iter()
        .flat_map(|p| p.associations.unwrap_or_default())
        .filter_map(|a| {
            Some(Association {
                association_id: a.association_id?,
                name: a.name?,
                association_name: a.association_name,
                instance_id: a.instance_id,
                targets: targets(a.targets),
                status: a.overview.and_then(|o| o.status),
                last_execution_date: a.last_execution_date.as_ref().map(to_chrono),
                schedule_expression: a.schedule_expression,
            })
        })
        .collect();
    out.sort_by(|a, b| a.association_id.cmp(&b.association_id));
    Ok(out)
}

/// The installed software of each instance, one instance at a time.
async fn applications(
    caller: &Caller,
    client: &aws_sdk_ssm::Client,
    region: &str,
    instance_ids: &[String],
) -> BTreeMap<String, Collected<Vec<Application>>> {
    join_all(instance_ids.iter().map(|id| async move {
        let apps = instance_applications(caller, client, region, id).await;
        (id.clone(), Collected::from(apps))
    }))
    .await
    .into_iter()
    .collect()
}

async fn instance_applications(
    caller: &Caller,
    client: &aws_sdk_ssm::Client,
    region: &str,
    instance_id: &str,
) -> Result<Vec<Application>, CallError> {
    let call = Call::regional("ssm", "ListInventoryEntries", region).on(instance_id);
    let mut out = Vec::new();
    let mut next_token: Option<String> = None;
    // ListInventoryEntries has no paginator in the SDK; its token is
    // followed by hand, and a failed page fails the whole list.
    loop {
        let page = caller
            .call(
                &call,
                client
                    .list_inventory_entries()
                    .instance_id(instance_id)
                    .type_name(APPLICATION_INVENTORY)
                    .set_next_token(next_token.take())
                    .send(),
            )
            .await?;
        out.extend(
            page.entries
                .unwrap_or_default()
                .into_iter()
                .filter_map(|mut entry| {
                    Some(Application {
                        name: entry.remove("Name")?,
                        publisher: entry.remove("Publisher").filter(|p| !p.is_empty()),
                        version: entry.remove("Version").filter(|v| !v.is_empty()),
                    })
                }),
        );
        match page.next_token.filter(|t| !t.is_empty()) {
            Some(token) => next_token = Some(token),
            None => break,
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}
