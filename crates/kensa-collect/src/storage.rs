//! Data stores, one region at a time, and how they are encrypted (ENC-1,
//! ENC-2): EBS, RDS (with the TLS parameters of the parameter groups in
//! use), EFS, DynamoDB, AWS Backup vaults, SNS topics and SQS queues.
//! S3 buckets are account-wide: see [`crate::s3_buckets`].

use std::collections::{BTreeMap, BTreeSet};

use aws_config::SdkConfig;
use futures::future::join_all;
use futures::join;
use kensa_snapshot::storage::{
    BackupVault, DbCluster, DbInstance, DbParameter, DbParameterGroupStatus, DynamoDbTable, Ebs,
    EbsSnapshot, EbsVolume, EfsFileSystem, QueueEncryption, Rds, SnsTopic, SqsQueue, Storage,
    TableEncryption,
};
use kensa_snapshot::{CallError, Collected};

use crate::call::{Call, Caller};
use crate::clients::regional_config;

/// The RDS parameters that make a database refuse connections without TLS.
pub const TLS_PARAMETERS: [&str; 2] = ["rds.force_ssl", "require_secure_transport"];

/// The clients of one region, sharing the one SDK configuration.
#[derive(Debug, Clone)]
pub(crate) struct RegionClients {
    ec2: aws_sdk_ec2::Client,
    rds: aws_sdk_rds::Client,
    efs: aws_sdk_efs::Client,
    dynamodb: aws_sdk_dynamodb::Client,
    kms: aws_sdk_kms::Client,
    backup: aws_sdk_backup::Client,
    sns: aws_sdk_sns::Client,
    sqs: aws_sdk_sqs::Client,
}

impl RegionClients {
    pub(crate) fn new(sdk: &SdkConfig, region: &str) -> Self {
        let sdk = regional_config(sdk, region);
        RegionClients {
            ec2: aws_sdk_ec2::Client::new(&sdk),
            rds: aws_sdk_rds::Client::new(&sdk),
            efs: aws_sdk_efs::Client::new(&sdk),
            dynamodb: aws_sdk_dynamodb::Client::new(&sdk),
            kms: aws_sdk_kms::Client::new(&sdk),
            backup: aws_sdk_backup::Client::new(&sdk),
            sns: aws_sdk_sns::Client::new(&sdk),
            sqs: aws_sdk_sqs::Client::new(&sdk),
        }
    }
}

/// Every data store of one region, read concurrently.
pub(crate) async fn collect(caller: &Caller, clients: &RegionClients, region: &str) -> Storage {
    let (ebs, rds, efs, dynamodb, backup, sns, sqs) = join!(
        ebs(caller, &clients.ec2, region),
        rds(caller, &clients.rds, region),
        efs(caller, &clients.efs, region),
        dynamodb(caller, &clients.dynamodb, &clients.kms, region),
        backup_vaults(caller, &clients.backup, region),
        sns_topics(caller, &clients.sns, region),
        sqs_queues(caller, &clients.sqs, region),
    );
    Storage {
        ebs,
        rds,
        efs_file_systems: efs.into(),
        dynamodb_tables: dynamodb.into(),
        backup_vaults: backup.into(),
        sns_topics: sns.into(),
        sqs_queues: sqs.into(),
    }
}

fn name_tag(tags: Option<&[aws_sdk_ec2::types::Tag]>) -> Option<String> {
    tags.unwrap_or_default()
        .iter()
        .find(|t| t.key() == Some("Name"))
        .and_then(|t| t.value().map(str::to_owned))
}

async fn ebs(caller: &Caller, ec2: &aws_sdk_ec2::Client, region: &str) -> Ebs {
    let by_default = async {
        let call = Call::regional("ec2", "GetEbsEncryptionByDefault", region);
        let out = caller
            .call(&call, ec2.get_ebs_encryption_by_default().send())
            .await?;
        out.ebs_encryption_by_default
            .ok_or_else(|| call.malformed("no EbsEncryptionByDefault in the answer"))
    };
    let volumes = async {
        let call = Call::regional("ec2", "DescribeVolumes", region);
        let pages = caller
            .all_pages(&call, ec2.describe_volumes().into_paginator().send())
            .await?;
        let mut volumes: Vec<EbsVolume> = pages
            .into_iter()
            .flat_map(|p| p.volumes.unwrap_or_default())
            .filter_map(|v| {
                Some(EbsVolume {
                    name: name_tag(v.tags.as_deref()),
                    encrypted: v.encrypted.unwrap_or(false),
                    kms_key_id: v.kms_key_id.clone(),
                    state: v.state.as_ref().map(|s| s.as_str().to_owned()),
                    attached_to: v
                        .attachments
                        .unwrap_or_default()
                        .into_iter()
                        .filter_map(|a| a.instance_id)
                        .collect(),
                    id: v.volume_id?,
                })
            })
            .collect();
        volumes.sort_by(|a, b| a.id.cmp(&b.id));
        Ok::<_, CallError>(volumes)
    };
    let snapshots = async {
        let call = Call::regional("ec2", "DescribeSnapshots", region);
        let pages = caller
            .all_pages(
                &call,
                ec2.describe_snapshots()
                    .owner_ids("self")
                    .into_paginator()
                    .send(),
            )
            .await?;
        let mut snapshots: Vec<EbsSnapshot> = pages
            .into_iter()
            .flat_map(|p| p.snapshots.unwrap_or_default())
            .filter_map(|s| {
                Some(EbsSnapshot {
                    name: name_tag(s.tags.as_deref()),
                    volume_id: s.volume_id.clone(),
                    encrypted: s.encrypted.unwrap_or(false),
                    kms_key_id: s.kms_key_id.clone(),
                    id: s.snapshot_id?,
                })
            })
            .collect();
        snapshots.sort_by(|a, b| a.id.cmp(&b.id));
        Ok::<_, CallError>(snapshots)
    };
    let (by_default, volumes, snapshots) = join!(by_default, volumes, snapshots);
    Ebs {
        encryption_by_default: by_default.into(),
        volumes: volumes.into(),
        snapshots: snapshots.into(),
    }
}

/// The TLS-related parameters of a parameter group, from the `Parameters`
/// of each page of DescribeDBParameters or DescribeDBClusterParameters.
fn tls_parameters(
    pages: impl IntoIterator<Item = Option<Vec<aws_sdk_rds::types::Parameter>>>,
) -> Vec<DbParameter> {
    pages
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|p| {
            let name = p.parameter_name?;
            TLS_PARAMETERS
                .contains(&name.as_str())
                .then_some(DbParameter {
                    name,
                    value: p.parameter_value,
                    source: p.source,
                    apply_type: p.apply_type,
                })
        })
        .collect()
}

async fn rds(caller: &Caller, client: &aws_sdk_rds::Client, region: &str) -> Rds {
    let instances = async {
        let call = Call::regional("rds", "DescribeDBInstances", region);
        let pages = caller
            .all_pages(
                &call,
                client.describe_db_instances().into_paginator().send(),
            )
            .await?;
        let mut instances: Vec<DbInstance> = pages
            .into_iter()
            .flat_map(|p| p.db_instances.unwrap_or_default())
            .filter_map(|i| {
                Some(DbInstance {
                    identifier: i.db_instance_identifier?,
                    arn: i.db_instance_arn,
                    engine: i.engine.unwrap_or_default(),
                    engine_version: i.engine_version,
                    storage_encrypted: i.storage_encrypted.unwrap_or(false),
                    kms_key_id: i.kms_key_id,
                    cluster_identifier: i.db_cluster_identifier,
                    parameter_groups: i
                        .db_parameter_groups
                        .unwrap_or_default()
                        .into_iter()
                        .filter_map(|g| {
                            Some(DbParameterGroupStatus {
                                name: g.db_parameter_group_name?,
                                apply_status: g.parameter_apply_status,
                            })
                        })
                        .collect(),
                })
            })
            .collect();
        instances.sort_by(|a, b| a.identifier.cmp(&b.identifier));
        Ok::<_, CallError>(instances)
    };
    let clusters = async {
        let call = Call::regional("rds", "DescribeDBClusters", region);
        let pages = caller
            .all_pages(&call, client.describe_db_clusters().into_paginator().send())
            .await?;
        let mut clusters: Vec<DbCluster> = pages
            .into_iter()
            .flat_map(|p| p.db_clusters.unwrap_or_default())
            .filter_map(|c| {
                Some(DbCluster {
                    identifier: c.db_cluster_identifier?,
                    arn: c.db_cluster_arn,
                    engine: c.engine.unwrap_or_default(),
                    engine_version: c.engine_version,
                    storage_encrypted: c.storage_encrypted.unwrap_or(false),
                    kms_key_id: c.kms_key_id,
                    parameter_group: c.db_cluster_parameter_group,
                })
            })
            .collect();
        clusters.sort_by(|a, b| a.identifier.cmp(&b.identifier));
        Ok::<_, CallError>(clusters)
    };
    let (instances, clusters) = join!(instances, clusters);

    // Only the groups in use, each read once however many databases share it.
    let groups: BTreeSet<String> = instances
        .iter()
        .flatten()
        .filter(|i| i.cluster_identifier.is_none())
        .flat_map(|i| i.parameter_groups.iter().map(|g| g.name.clone()))
        .collect();
    let cluster_groups: BTreeSet<String> = clusters
        .iter()
        .flatten()
        .filter_map(|c| c.parameter_group.clone())
        .collect();
    let parameter_groups = join_all(groups.into_iter().map(|name| async move {
        let call = Call::regional("rds", "DescribeDBParameters", region).on(name.clone());
        let pages = caller
            .all_pages(
                &call,
                client
                    .describe_db_parameters()
                    .db_parameter_group_name(&name)
                    .into_paginator()
                    .send(),
            )
            .await;
        let parameters: Collected<Vec<DbParameter>> = pages
            .map(|pages| tls_parameters(pages.into_iter().map(|p| p.parameters)))
            .into();
        (name, parameters)
    }));
    let cluster_parameter_groups = join_all(cluster_groups.into_iter().map(|name| async move {
        let call = Call::regional("rds", "DescribeDBClusterParameters", region).on(name.clone());
        let pages = caller
            .all_pages(
                &call,
                client
                    .describe_db_cluster_parameters()
                    .db_cluster_parameter_group_name(&name)
                    .into_paginator()
                    .send(),
            )
            .await;
        let parameters: Collected<Vec<DbParameter>> = pages
            .map(|pages| tls_parameters(pages.into_iter().map(|p| p.parameters)))
            .into();
        (name, parameters)
    }));
    let (parameter_groups, cluster_parameter_groups) =
        join!(parameter_groups, cluster_parameter_groups);
    Rds {
        instances: instances.into(),
        clusters: clusters.into(),
        parameter_groups: parameter_groups.into_iter().collect::<BTreeMap<_, _>>(),
        cluster_parameter_groups: cluster_parameter_groups.into_iter().collect(),
    }
}

async fn efs(
    caller: &Caller,
    client: &aws_sdk_efs::Client,
    region: &str,
) -> Result<Vec<EfsFileSystem>, CallError> {
    let call = Call::regional("elasticfilesystem", "DescribeFileSystems", region);
    let pages = caller
        .all_pages(
            &call,
            client.describe_file_systems().into_paginator().send(),
        )
        .await?;
    let mut file_systems: Vec<EfsFileSystem> = pages
        .into_iter()
        .flat_map(|p| p.file_systems.unwrap_or_default())
        .map(|f| EfsFileSystem {
            id: f.file_system_id,
            arn: f.file_system_arn,
            name: f.name,
            encrypted: f.encrypted.unwrap_or(false),
            kms_key_id: f.kms_key_id,
        })
        .collect();
    file_systems.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(file_systems)
}

#[allow(
    clippy::result_large_err,
    reason = "CallError is the snapshot's own record and ends up stored by value; boxing it here would only add a move"
)]
async fn dynamodb(
    caller: &Caller,
    client: &aws_sdk_dynamodb::Client,
    kms: &aws_sdk_kms::Client,
    region: &str,
) -> Result<Vec<DynamoDbTable>, CallError> {
    let call = Call::regional("dynamodb", "ListTables", region);
    let pages = caller
        .all_pages(&call, client.list_tables().into_paginator().send())
        .await?;
    let mut names: Vec<String> = pages
        .into_iter()
        .flat_map(|p| p.table_names.unwrap_or_default())
        .collect();
    names.sort();
    Ok(join_all(names.into_iter().map(|name| async move {
        let call = Call::regional("dynamodb", "DescribeTable", region).on(name.clone());
        let encryption = match caller
            .call(&call, client.describe_table().table_name(&name).send())
            .await
        {
            Err(e) => Err(e),
            Ok(out) => {
                let table = out.table;
                let sse = table.as_ref().and_then(|t| t.sse_description.clone());
                let kms_master_key_arn = sse.as_ref().and_then(|s| s.kms_master_key_arn.clone());
                let key_manager = match &kms_master_key_arn {
                    None => Collected::NotCollected,
                    Some(key) => {
                        let call = Call::regional("kms", "DescribeKey", region).on(key.clone());
                        caller
                            .call(&call, kms.describe_key().key_id(key).send())
                            .await
                            .and_then(|out| {
                                out.key_metadata
                                    .and_then(|m| m.key_manager)
                                    .map(|m| m.as_str().to_owned())
                                    .ok_or_else(|| call.malformed("no KeyManager in the answer"))
                            })
                            .into()
                    }
                };
                Ok(TableEncryption {
                    arn: table.and_then(|t| t.table_arn),
                    sse_status: sse
                        .as_ref()
                        .and_then(|s| s.status.as_ref())
                        .map(|s| s.as_str().to_owned()),
                    sse_type: sse
                        .as_ref()
                        .and_then(|s| s.sse_type.as_ref())
                        .map(|s| s.as_str().to_owned()),
                    kms_master_key_arn,
                    key_manager,
                })
            }
        };
        DynamoDbTable {
            name,
            encryption: encryption.into(),
        }
    }))
    .await)
}

async fn backup_vaults(
    caller: &Caller,
    client: &aws_sdk_backup::Client,
    region: &str,
) -> Result<Vec<BackupVault>, CallError> {
    let call = Call::regional("backup", "ListBackupVaults", region);
    let pages = caller
        .all_pages(&call, client.list_backup_vaults().into_paginator().send())
        .await?;
    let mut vaults: Vec<BackupVault> = pages
        .into_iter()
        .flat_map(|p| p.backup_vault_list.unwrap_or_default())
        .filter_map(|v| {
            Some(BackupVault {
                name: v.backup_vault_name?,
                arn: v.backup_vault_arn,
                encryption_key_arn: v.encryption_key_arn,
                encryption_key_type: v.encryption_key_type.map(|t| t.as_str().to_owned()),
                vault_type: v.vault_type.map(|t| t.as_str().to_owned()),
            })
        })
        .collect();
    vaults.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(vaults)
}

async fn sns_topics(
    caller: &Caller,
    client: &aws_sdk_sns::Client,
    region: &str,
) -> Result<Vec<SnsTopic>, CallError> {
    let call = Call::regional("sns", "ListTopics", region);
    let pages = caller
        .all_pages(&call, client.list_topics().into_paginator().send())
        .await?;
    let mut arns: Vec<String> = pages
        .into_iter()
        .flat_map(|p| p.topics.unwrap_or_default())
        .filter_map(|t| t.topic_arn)
        .collect();
    arns.sort();
    Ok(join_all(arns.into_iter().map(|arn| async move {
        let call = Call::regional("sns", "GetTopicAttributes", region).on(arn.clone());
        let key = caller
            .call(&call, client.get_topic_attributes().topic_arn(&arn).send())
            .await
            .map(|out| {
                out.attributes
                    .unwrap_or_default()
                    .remove("KmsMasterKeyId")
                    .filter(|k| !k.is_empty())
            });
        SnsTopic {
            arn,
            kms_master_key_id: key.into(),
        }
    }))
    .await)
}

async fn sqs_queues(
    caller: &Caller,
    client: &aws_sdk_sqs::Client,
    region: &str,
) -> Result<Vec<SqsQueue>, CallError> {
    use aws_sdk_sqs::types::QueueAttributeName;

    let call = Call::regional("sqs", "ListQueues", region);
    let pages = caller
        .all_pages(&call, client.list_queues().into_paginator().send())
        .await?;
    let mut urls: Vec<String> = pages
        .into_iter()
        .flat_map(|p| p.queue_urls.unwrap_or_default())
        .collect();
    urls.sort();
    Ok(join_all(urls.into_iter().map(|url| async move {
        let call = Call::regional("sqs", "GetQueueAttributes", region).on(url.clone());
        let encryption = caller
            .call(
                &call,
                client
                    .get_queue_attributes()
                    .queue_url(&url)
                    .attribute_names(QueueAttributeName::QueueArn)
                    .attribute_names(QueueAttributeName::KmsMasterKeyId)
                    .attribute_names(QueueAttributeName::SqsManagedSseEnabled)
                    .send(),
            )
            .await
            .map(|out| {
                let mut attributes = out.attributes.unwrap_or_default();
                QueueEncryption {
                    arn: attributes.remove(&QueueAttributeName::QueueArn),
                    kms_master_key_id: attributes
                        .remove(&QueueAttributeName::KmsMasterKeyId)
                        .filter(|k| !k.is_empty()),
                    sqs_managed_sse_enabled: attributes
                        .remove(&QueueAttributeName::SqsManagedSseEnabled)
                        .is_some_and(|v| v.eq_ignore_ascii_case("true")),
                }
            });
        SqsQueue {
            url,
            encryption: encryption.into(),
        }
    }))
    .await)
}

/// Every error recorded in one region's data stores.
pub(crate) fn errors(errors: &mut Vec<CallError>, storage: &Storage) {
    fn push<T>(errors: &mut Vec<CallError>, collected: &Collected<T>) {
        if let Some(error) = collected.error() {
            errors.push(error.clone());
        }
    }
    push(errors, &storage.ebs.encryption_by_default);
    push(errors, &storage.ebs.volumes);
    push(errors, &storage.ebs.snapshots);
    push(errors, &storage.rds.instances);
    push(errors, &storage.rds.clusters);
    for group in storage
        .rds
        .parameter_groups
        .values()
        .chain(storage.rds.cluster_parameter_groups.values())
    {
        push(errors, group);
    }
    push(errors, &storage.efs_file_systems);
    push(errors, &storage.dynamodb_tables);
    for table in storage.dynamodb_tables.value().into_iter().flatten() {
        push(errors, &table.encryption);
        if let Some(encryption) = table.encryption.value() {
            push(errors, &encryption.key_manager);
        }
    }
    push(errors, &storage.backup_vaults);
    push(errors, &storage.sns_topics);
    for topic in storage.sns_topics.value().into_iter().flatten() {
        push(errors, &topic.kms_master_key_id);
    }
    push(errors, &storage.sqs_queues);
    for queue in storage.sqs_queues.value().into_iter().flatten() {
        push(errors, &queue.encryption);
    }
}
