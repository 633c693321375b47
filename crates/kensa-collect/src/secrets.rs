//! IAM-9: access keys kept as text in a region's resources.
//!
//! Reads EC2 user data (instances and every launch template version),
//! Lambda environment variables (every version), ECS task definitions (the
//! latest ACTIVE revision of each family), CloudFormation stack parameters
//! and outputs, and SSM `String`/`StringList` parameters. Each text is
//! scanned as soon as it is read ([`kensa_secrets`]), and only sightings
//! are kept: where, what kind, the value redacted. The text itself, and any
//! secret in it, never reaches the snapshot.
//!
//! Whose key a sighting is (an IAM user's, temporary, unknown) is decided
//! once IAM is read, by [`RegionScan::finish`]; until then the key ID is
//! held whole in memory only ([`KeyId`] cannot be serialized).

use std::collections::{BTreeMap, HashMap};

use aws_config::SdkConfig;
use futures::future::join_all;
use futures::join;
use kensa_secrets::{Field, KeyId, Kind};
use kensa_snapshot::secrets::{
    KeyMaterial, KeyOwner, Scan, ScannedResource, Secrets, Sighting, Unscanned,
};
use kensa_snapshot::{CallError, Collected, Iam};

use crate::call::{Call, Caller};
use crate::clients::regional_config;
use crate::instances::RegionInstances;

/// kensa's code for user data it could not decode completely.
const UNDECODABLE_USER_DATA: &str = "UndecodableUserData";
/// kensa's code for a Lambda function whose environment Lambda reported
/// an error for instead of variables, when Lambda gives no code.
const ENVIRONMENT_ERROR: &str = "EnvironmentError";
/// `ssm:GetParameters` takes at most this many names.
const SSM_BATCH: usize = 10;

/// The clients of one region, from the one SDK configuration.
#[derive(Debug, Clone)]
pub(crate) struct Clients {
    ec2: aws_sdk_ec2::Client,
    lambda: aws_sdk_lambda::Client,
    ecs: aws_sdk_ecs::Client,
    cloudformation: aws_sdk_cloudformation::Client,
    ssm: aws_sdk_ssm::Client,
}

impl Clients {
    pub(crate) fn new(sdk: &SdkConfig, region: &str) -> Self {
        let config = regional_config(sdk, region);
        Clients {
            ec2: aws_sdk_ec2::Client::new(&config),
            lambda: aws_sdk_lambda::Client::new(&config),
            ecs: aws_sdk_ecs::Client::new(&config),
            cloudformation: aws_sdk_cloudformation::Client::new(&config),
            ssm: aws_sdk_ssm::Client::new(&config),
        }
    }
}

/// A sighting whose key ID is still whole, until the IAM users are known.
#[derive(Debug)]
struct Found {
    sighting: Sighting,
    key_id: Option<KeyId>,
}

/// One kind of resource scanned, before owners are matched.
#[derive(Debug, Default)]
struct RawScan {
    scanned: u64,
    found: Vec<Found>,
    unscanned: Vec<Unscanned>,
}

/// One region scanned, before owners are matched.
#[derive(Debug)]
pub(crate) struct RegionScan {
    instances: Result<RawScan, CallError>,
    launch_templates: Result<RawScan, CallError>,
    lambda_functions: Result<RawScan, CallError>,
    ecs_task_definitions: Result<RawScan, CallError>,
    cloudformation_stacks: Result<RawScan, CallError>,
    ssm_parameters: Result<RawScan, CallError>,
}

/// Reads and scans every kind of resource of one region, concurrently.
pub(crate) async fn collect(
    caller: &Caller,
    clients: &Clients,
    region: &str,
    region_instances: &RegionInstances<'_>,
) -> RegionScan {
    let (instances, launch_templates, lambda_functions, ecs_task_definitions, stacks, parameters) = join!(
        instances(caller, &clients.ec2, region, region_instances),
        launch_templates(caller, &clients.ec2, region),
        lambda_functions(caller, &clients.lambda, region),
        ecs_task_definitions(caller, &clients.ecs, region),
        cloudformation_stacks(caller, &clients.cloudformation, region),
        ssm_parameters(caller, &clients.ssm, region),
    );
    RegionScan {
        instances,
        launch_templates,
        lambda_functions,
        ecs_task_definitions,
        cloudformation_stacks: stacks,
        ssm_parameters: parameters,
    }
}

impl RegionScan {
    /// The region's sightings with their owners, as the snapshot keeps them.
    pub(crate) fn finish(self, owners: &Owners) -> Secrets {
        let finish = |raw: Result<RawScan, CallError>| -> Collected<Scan> {
            raw.map(|raw| raw.finish(owners)).into()
        };
        Secrets {
            instances: finish(self.instances),
            launch_templates: finish(self.launch_templates),
            lambda_functions: finish(self.lambda_functions),
            ecs_task_definitions: finish(self.ecs_task_definitions),
            cloudformation_stacks: finish(self.cloudformation_stacks),
            ssm_parameters: finish(self.ssm_parameters),
        }
    }
}

impl RawScan {
    fn finish(self, owners: &Owners) -> Scan {
        Scan {
            scanned: self.scanned,
            sightings: self
                .found
                .into_iter()
                .map(|found| Sighting {
                    key_owner: found.key_id.as_ref().map(|k| owners.owner(k)),
                    ..found.sighting
                })
                .collect(),
            unscanned: self.unscanned,
        }
    }

    /// Records what the scanner found in one resource.
    fn add(&mut self, resource: &ScannedResource, sightings: Vec<kensa_secrets::Sighting>) {
        self.found.extend(sightings.into_iter().map(|s| Found {
            sighting: Sighting {
                resource: resource.clone(),
                location: s.location,
                field: s.field,
                name: s.name,
                line: s.line.map(|l| l as u64),
                kind: match s.kind {
                    Kind::AccessKeyId => KeyMaterial::AccessKeyId,
                    Kind::SecretAccessKey => KeyMaterial::SecretAccessKey,
                },
                redacted: s.redacted,
                key_id: s.key_id.as_ref().map(KeyId::redacted),
                key_owner: None,
            },
            key_id: s.key_id,
        }));
    }

    /// Scans fields kensa built from an answer (owned strings).
    fn add_fields(&mut self, resource: &ScannedResource, fields: &[OwnedField]) {
        let borrowed: Vec<Field<'_>> = fields
            .iter()
            .map(|f| Field {
                location: &f.location,
                name: f.name.as_deref(),
                text: &f.text,
            })
            .collect();
        self.add(resource, kensa_secrets::scan_fields(&borrowed));
    }

    /// Decodes and scans one piece of user data; what cannot be decoded is
    /// scanned as it is and also recorded as unscanned, naming `call`.
    fn add_user_data(
        &mut self,
        resource: &ScannedResource,
        call: &Call,
        prefix: &str,
        encoded: &str,
    ) {
        let decoded = kensa_secrets::decode_user_data(encoded);
        let fields: Vec<OwnedField> = decoded
            .parts
            .into_iter()
            .map(|part| OwnedField {
                location: format!("{prefix}{}", part.label),
                name: None,
                text: part.text,
            })
            .collect();
        self.add_fields(resource, &fields);
        if !decoded.problems.is_empty() {
            self.unscanned.push(Unscanned {
                resource: resource.clone(),
                error: call.error(UNDECODABLE_USER_DATA, decoded.problems.join("; ")),
            });
        }
    }

    /// One item's call failed: it stays unscanned.
    fn failed(&mut self, resource: ScannedResource, error: CallError) {
        self.unscanned.push(Unscanned { resource, error });
    }

    /// When every item's call failed (a missing permission, typically), the
    /// kind as a whole could not be read: one error, not one per item.
    #[allow(
        clippy::result_large_err,
        reason = "CallError is the snapshot's own record and ends up stored by value"
    )]
    fn or_all_failed(self, items: usize) -> Result<RawScan, CallError> {
        let all_failed = items > 0
            && self.scanned == 0
            && self.unscanned.len() == items
            && self
                .unscanned
                .iter()
                .all(|u| u.error.code != UNDECODABLE_USER_DATA);
        match self.unscanned.first() {
            Some(first) if all_failed => {
                let mut error = first.error.clone();
                error.resource = None;
                if items > 1 {
                    error.message = format!("{} (and for all {items} items)", error.message);
                }
                Err(error)
            }
            _ => Ok(self),
        }
    }
}

/// A field built from an answer.
#[derive(Debug)]
struct OwnedField {
    location: String,
    name: Option<String>,
    text: String,
}

/// The IAM users' access keys, to tell whose key a sighting is.
#[derive(Debug, Default)]
pub(crate) struct Owners {
    /// Key ID → (user name, user ARN, key status).
    keys: HashMap<String, (String, String, String)>,
    /// Whether every user's keys were read: only then does "no user has
    /// it" mean the key is not this account's users'.
    complete: bool,
}

impl Owners {
    pub(crate) fn new(iam: &Iam) -> Self {
        let Some(users) = iam.users.value() else {
            return Owners::default();
        };
        let mut owners = Owners {
            keys: HashMap::new(),
            complete: true,
        };
        for user in users {
            match user.access_keys.value() {
                Some(keys) => {
                    for key in keys {
                        owners.keys.insert(
                            key.id.clone(),
                            (user.name.clone(), user.arn.clone(), key.status.clone()),
                        );
                    }
                }
                None => owners.complete = false,
            }
        }
        owners
    }

    fn owner(&self, key: &KeyId) -> KeyOwner {
        if key.is_temporary() {
            return KeyOwner::Temporary;
        }
        match self.keys.get(key.as_str()) {
            Some((user_name, user_arn, key_status)) => KeyOwner::IamUser {
                user_name: user_name.clone(),
                user_arn: user_arn.clone(),
                key_status: key_status.clone(),
            },
            None if self.complete => KeyOwner::NotInAccount,
            None => KeyOwner::Unknown,
        }
    }
}

/// Every error recorded in a region's scan, for the snapshot's list.
pub(crate) fn errors(errors: &mut Vec<CallError>, secrets: &Secrets) {
    for (_, collected) in secrets.kinds() {
        match collected {
            Collected::Error(error) => errors.push(error.clone()),
            Collected::Value(scan) => errors.extend(scan.unscanned.iter().map(|u| u.error.clone())),
            Collected::NotCollected => {}
        }
    }
}

#[allow(
    clippy::result_large_err,
    reason = "CallError is the snapshot's own record and ends up stored by value"
)]
async fn instances(
    caller: &Caller,
    client: &aws_sdk_ec2::Client,
    region: &str,
    region_instances: &RegionInstances<'_>,
) -> Result<RawScan, CallError> {
    use aws_sdk_ec2::types::{InstanceAttributeName, InstanceStateName};
    let instances: Vec<ScannedResource> = region_instances
        .get()
        .await?
        .iter()
        // A terminated instance has no user data left to read.
        .filter(|i| {
            i.state.as_ref().and_then(|s| s.name.as_ref()) != Some(&InstanceStateName::Terminated)
        })
        .filter_map(|i| {
            let name = i
                .tags()
                .iter()
                .find(|t| t.key.as_deref() == Some("Name"))
                .and_then(|t| t.value.clone());
            Some(ScannedResource {
                id: i.instance_id.clone()?,
                arn: None,
                name,
            })
        })
        .collect();
    let count = instances.len();
    let answers = join_all(instances.into_iter().map(|resource| async move {
        let call =
            Call::regional("ec2", "DescribeInstanceAttribute", region).on(resource.id.clone());
        let answer = caller
            .call(
                &call,
                client
                    .describe_instance_attribute()
                    .instance_id(&resource.id)
                    .attribute(InstanceAttributeName::UserData)
                    .send(),
            )
            .await
            .map(|out| out.user_data.and_then(|v| v.value));
        (resource, call, answer)
    }))
    .await;
    let mut scan = RawScan::default();
    for (resource, call, answer) in answers {
        match answer {
            Err(error) => scan.failed(resource, error),
            Ok(user_data) => {
                scan.scanned += 1;
                if let Some(data) = user_data.filter(|d| !d.trim().is_empty()) {
                    scan.add_user_data(&resource, &call, "", &data);
                }
            }
        }
    }
    scan.or_all_failed(count)
}

#[allow(
    clippy::result_large_err,
    reason = "CallError is the snapshot's own record and ends up stored by value"
)]
async fn launch_templates(
    caller: &Caller,
    client: &aws_sdk_ec2::Client,
    region: &str,
) -> Result<RawScan, CallError> {
    let call = Call::regional("ec2", "DescribeLaunchTemplates", region);
    let pages = caller
        .all_pages(
            &call,
            client.describe_launch_templates().into_paginator().send(),
        )
        .await?;
    let templates: Vec<ScannedResource> = pages
        .into_iter()
        .flat_map(|p| p.launch_templates.unwrap_or_default())
        .filter_map(|t| {
            Some(ScannedResource {
                id: t.launch_template_id?,
                arn: None,
                name: t.launch_template_name,
            })
        })
        .collect();
    let count = templates.len();
    let answers = join_all(templates.into_iter().map(|resource| async move {
        let call =
            Call::regional("ec2", "DescribeLaunchTemplateVersions", region).on(resource.id.clone());
        // Every version: an old one still holds what it was given.
        let answer = caller
            .all_pages(
                &call,
                client
                    .describe_launch_template_versions()
                    .launch_template_id(&resource.id)
                    .into_paginator()
                    .send(),
            )
            .await;
        (resource, call, answer)
    }))
    .await;
    let mut scan = RawScan::default();
    for (resource, call, answer) in answers {
        let pages = match answer {
            Ok(pages) => pages,
            Err(error) => {
                scan.failed(resource, error);
                continue;
            }
        };
        for version in pages
            .into_iter()
            .flat_map(|p| p.launch_template_versions.unwrap_or_default())
        {
            scan.scanned += 1;
            let number = version
                .version_number
                .map(|n| n.to_string())
                .unwrap_or_else(|| "?".to_owned());
            let user_data = version.launch_template_data.and_then(|d| d.user_data);
            if let Some(data) = user_data.filter(|d| !d.trim().is_empty()) {
                scan.add_user_data(&resource, &call, &format!("version {number}, "), &data);
            }
        }
    }
    scan.or_all_failed(count)
}

#[allow(
    clippy::result_large_err,
    reason = "CallError is the snapshot's own record and ends up stored by value"
)]
async fn lambda_functions(
    caller: &Caller,
    client: &aws_sdk_lambda::Client,
    region: &str,
) -> Result<RawScan, CallError> {
    use aws_sdk_lambda::types::FunctionVersion;
    let call = Call::regional("lambda", "ListFunctions", region);
    let pages = caller
        .all_pages(
            &call,
            client
                .list_functions()
                // Every published version keeps its own variables.
                .function_version(FunctionVersion::All)
                .into_paginator()
                .send(),
        )
        .await?;
    let mut scan = RawScan::default();
    for function in pages
        .into_iter()
        .flat_map(|p| p.functions.unwrap_or_default())
    {
        let name = function.function_name.unwrap_or_default();
        let id = match function.version.as_deref() {
            None | Some("$LATEST") => name.clone(),
            Some(version) => format!("{name}:{version}"),
        };
        let resource = ScannedResource {
            id,
            arn: function.function_arn,
            name: Some(name),
        };
        scan.scanned += 1;
        let Some(environment) = function.environment else {
            continue;
        };
        if let Some(error) = environment.error {
            scan.failed(
                resource.clone(),
                call.clone().on(resource.id.clone()).error(
                    error
                        .error_code
                        .unwrap_or_else(|| ENVIRONMENT_ERROR.to_owned()),
                    error.message.unwrap_or_else(|| {
                        "Lambda could not return the environment variables".to_owned()
                    }),
                ),
            );
        }
        let variables: BTreeMap<String, String> = environment
            .variables
            .unwrap_or_default()
            .into_iter()
            .collect();
        let fields: Vec<OwnedField> = variables
            .into_iter()
            .map(|(name, value)| OwnedField {
                location: "Environment.Variables".to_owned(),
                name: Some(name),
                text: value,
            })
            .collect();
        scan.add_fields(&resource, &fields);
    }
    Ok(scan)
}

/// `family` and revision of a task definition ARN
/// (`arn:aws:ecs:REGION:ACCOUNT:task-definition/FAMILY:REVISION`).
fn family_and_revision(arn: &str) -> Option<(&str, u64)> {
    let (_, tail) = arn.rsplit_once("task-definition/")?;
    let (family, revision) = tail.rsplit_once(':')?;
    Some((family, revision.parse().ok()?))
}

#[allow(
    clippy::result_large_err,
    reason = "CallError is the snapshot's own record and ends up stored by value"
)]
async fn ecs_task_definitions(
    caller: &Caller,
    client: &aws_sdk_ecs::Client,
    region: &str,
) -> Result<RawScan, CallError> {
    use aws_sdk_ecs::types::TaskDefinitionStatus;
    let call = Call::regional("ecs", "ListTaskDefinitions", region);
    let pages = caller
        .all_pages(
            &call,
            client
                .list_task_definitions()
                .status(TaskDefinitionStatus::Active)
                .into_paginator()
                .send(),
        )
        .await?;
    // The latest ACTIVE revision of each family: the one new tasks run.
    let mut latest: BTreeMap<String, (u64, String)> = BTreeMap::new();
    for arn in pages
        .into_iter()
        .flat_map(|p| p.task_definition_arns.unwrap_or_default())
    {
        let Some((family, revision)) = family_and_revision(&arn) else {
            continue;
        };
        let newer = latest
            .get(family)
            .is_none_or(|(known, _)| revision > *known);
        if newer {
            latest.insert(family.to_owned(), (revision, arn.clone()));
        }
    }
    let count = latest.len();
    let answers = join_all(
        latest
            .into_iter()
            .map(|(family, (revision, arn))| async move {
                let resource = ScannedResource {
                    id: format!("{family}:{revision}"),
                    arn: Some(arn.clone()),
                    name: Some(family),
                };
                let call = Call::regional("ecs", "DescribeTaskDefinition", region).on(arn.clone());
                let answer = caller
                    .call(
                        &call,
                        client
                            .describe_task_definition()
                            .task_definition(&arn)
                            .send(),
                    )
                    .await;
                (resource, answer)
            }),
    )
    .await;
    let mut scan = RawScan::default();
    for (resource, answer) in answers {
        let definition = match answer {
            Ok(out) => out.task_definition,
            Err(error) => {
                scan.failed(resource, error);
                continue;
            }
        };
        scan.scanned += 1;
        let mut fields = Vec::new();
        for container in definition
            .and_then(|d| d.container_definitions)
            .unwrap_or_default()
        {
            let name = container.name.unwrap_or_default();
            for pair in container.environment.unwrap_or_default() {
                fields.push(OwnedField {
                    location: format!("containerDefinitions[{name}].environment"),
                    name: pair.name,
                    text: pair.value.unwrap_or_default(),
                });
            }
            for (what, words) in [
                ("command", container.command),
                ("entryPoint", container.entry_point),
            ] {
                if let Some(words) = words.filter(|w| !w.is_empty()) {
                    fields.push(OwnedField {
                        location: format!("containerDefinitions[{name}].{what}"),
                        name: None,
                        text: words.join(" "),
                    });
                }
            }
        }
        scan.add_fields(&resource, &fields);
    }
    scan.or_all_failed(count)
}

#[allow(
    clippy::result_large_err,
    reason = "CallError is the snapshot's own record and ends up stored by value"
)]
async fn cloudformation_stacks(
    caller: &Caller,
    client: &aws_sdk_cloudformation::Client,
    region: &str,
) -> Result<RawScan, CallError> {
    let call = Call::regional("cloudformation", "DescribeStacks", region);
    let pages = caller
        .all_pages(&call, client.describe_stacks().into_paginator().send())
        .await?;
    let mut scan = RawScan::default();
    for stack in pages.into_iter().flat_map(|p| p.stacks.unwrap_or_default()) {
        let name = stack.stack_name.unwrap_or_default();
        let resource = ScannedResource {
            id: name.clone(),
            arn: stack.stack_id,
            name: Some(name),
        };
        scan.scanned += 1;
        let mut fields = Vec::new();
        // NoEcho parameters come back as `****`: nothing to find there.
        for parameter in stack.parameters.unwrap_or_default() {
            if let Some(value) = parameter.parameter_value {
                fields.push(OwnedField {
                    location: "Parameters".to_owned(),
                    name: parameter.parameter_key.clone(),
                    text: value,
                });
            }
            // The value an SSM-typed parameter resolved to.
            if let Some(value) = parameter.resolved_value {
                fields.push(OwnedField {
                    location: "Parameters (resolved value)".to_owned(),
                    name: parameter.parameter_key,
                    text: value,
                });
            }
        }
        for output in stack.outputs.unwrap_or_default() {
            if let Some(value) = output.output_value {
                fields.push(OwnedField {
                    location: "Outputs".to_owned(),
                    name: output.output_key,
                    text: value,
                });
            }
        }
        scan.add_fields(&resource, &fields);
    }
    Ok(scan)
}

#[allow(
    clippy::result_large_err,
    reason = "CallError is the snapshot's own record and ends up stored by value"
)]
async fn ssm_parameters(
    caller: &Caller,
    client: &aws_sdk_ssm::Client,
    region: &str,
) -> Result<RawScan, CallError> {
    use aws_sdk_ssm::types::ParameterType;
    let call = Call::regional("ssm", "DescribeParameters", region);
    let pages = caller
        .all_pages(&call, client.describe_parameters().into_paginator().send())
        .await?;
    // SecureString values are encrypted: kensa neither reads nor needs them.
    let plain: Vec<ScannedResource> = pages
        .into_iter()
        .flat_map(|p| p.parameters.unwrap_or_default())
        .filter(|p| p.r#type != Some(ParameterType::SecureString))
        .filter_map(|p| {
            let name = p.name?;
            Some(ScannedResource {
                id: name.clone(),
                arn: p.arn,
                name: Some(name),
            })
        })
        .collect();
    let count = plain.len();
    let batches = join_all(plain.chunks(SSM_BATCH).map(|batch| async move {
        let names: Vec<String> = batch.iter().map(|r| r.id.clone()).collect();
        let call = Call::regional("ssm", "GetParameters", region);
        let answer = caller
            .call(
                &call,
                client
                    .get_parameters()
                    .set_names(Some(names))
                    .with_decryption(false)
                    .send(),
            )
            .await;
        (batch, answer)
    }))
    .await;
    let mut scan = RawScan::default();
    for (batch, answer) in batches {
        let out = match answer {
            Ok(out) => out,
            Err(error) => {
                for resource in batch {
                    let mut error = error.clone();
                    error.resource = Some(resource.id.clone());
                    scan.failed(resource.clone(), error);
                }
                continue;
            }
        };
        // Names AWS calls invalid were deleted since DescribeParameters:
        // there is nothing left to hold a key.
        for parameter in out.parameters.unwrap_or_default() {
            let Some(name) = parameter.name else {
                continue;
            };
            scan.scanned += 1;
            let resource = batch
                .iter()
                .find(|r| r.id == name)
                .cloned()
                .unwrap_or_else(|| ScannedResource {
                    id: name.clone(),
                    arn: parameter.arn.clone(),
                    name: Some(name.clone()),
                });
            let fields = [OwnedField {
                location: "Value".to_owned(),
                name: Some(name),
                text: parameter.value.unwrap_or_default(),
            }];
            scan.add_fields(&resource, &fields);
        }
    }
    scan.or_all_failed(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_definition_arns_give_family_and_revision() {
        assert_eq!(
            family_and_revision("arn:aws:ecs:us-east-1:123456789012:task-definition/web-app:12"),
            Some(("web-app", 12))
        );
        assert_eq!(
            family_and_revision("arn:aws:ecs:us-east-1:1:cluster/x"),
            None
        );
    }
}
