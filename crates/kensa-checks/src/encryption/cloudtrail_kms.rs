//! ENC-2: CloudTrail trails encrypt their log files with a KMS key.

use std::collections::BTreeMap;

use kensa_snapshot::monitoring::Trail;
use serde_json::json;

use crate::network::region_resource;
use crate::{Check, CheckMeta, Context, Finding, Resource, Severity, StaticText, Status, text};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "enc-cloudtrail-kms",
        requirements: &["ENC-2"],
        severity: Severity::Medium,
        title: StaticText {
            en: "CloudTrail log files are encrypted with a KMS key",
            ja: "CloudTrail のログファイルが KMS キーで暗号化されている",
        },
        description: StaticText {
            en: "Every trail (each multi-region trail once) names a KMS key for its log files. \
                 Without one, S3 encrypts them with its own keys (SSE-S3), which anyone allowed to \
                 read the bucket can decrypt; a KMS key adds its key policy to who may read the \
                 audit trail.",
            ja: "すべての証跡 (マルチリージョン証跡は 1 回) がログファイル用の KMS キーを指定していること。\
                 指定がなければ S3 が自身のキー (SSE-S3) で暗号化し、バケットを読める者は誰でも復号できる。KMS \
                 キーを使うと、監査証跡を読める者をキーポリシーでも制限できる。",
        },
        remediation: StaticText {
            en: "Create a KMS key whose policy lets CloudTrail encrypt and the auditors decrypt, and \
                 set it on the trail (SSE-KMS).",
            ja: "CloudTrail が暗号化し監査担当者が復号できるキーポリシーの KMS キーを作り、証跡に設定する \
                 (SSE-KMS)。",
        },
        cis_1_2: &["2.7"],
        fsbp: &["CloudTrail.2"],
        pci_dss: &["PCI.CloudTrail.1"],
        differs_from_frameworks: None,
    },
    run,
};

fn trail_resource(trail: &Trail) -> Resource {
    Resource {
        kind: "AWS::CloudTrail::Trail".to_owned(),
        id: trail.name.clone(),
        arn: Some(trail.arn.clone()),
        name: Some(trail.name.clone()),
        region: trail.home_region.clone(),
    }
}

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let meta = &CHECK.meta;
    let mut findings = Vec::new();
    // A multi-region trail shows in every region; each is judged once.
    let mut trails: BTreeMap<&str, &Trail> = BTreeMap::new();
    for region in &ctx.snapshot.audited_regions {
        let listed = match ctx
            .snapshot
            .regions
            .get(region)
            .map(|r| r.monitoring.trails.get())
        {
            Some(Ok(listed)) => listed,
            Some(Err(missing)) => {
                findings.push(meta.missing(
                    region_resource(ctx, region),
                    missing,
                    "cloudtrail:DescribeTrails",
                ));
                continue;
            }
            None => {
                findings.push(meta.missing(
                    region_resource(ctx, region),
                    kensa_snapshot::Missing::NotCollected,
                    "cloudtrail:DescribeTrails",
                ));
                continue;
            }
        };
        for trail in listed {
            trails.entry(trail.arn.as_str()).or_insert(trail);
        }
    }
    for trail in trails.values() {
        let name = trail.name.clone();
        let evidence = json!({
            "kms_key_id": trail.kms_key_id,
            "s3_bucket_name": trail.s3_bucket_name,
            "is_multi_region_trail": trail.is_multi_region_trail,
        });
        findings.push(match &trail.kms_key_id {
            Some(key) => meta.finding(
                Status::Pass,
                trail_resource(trail),
                text!(
                    "{name} encrypts its log files with KMS key {key}",
                    "{name} はログファイルを KMS キー {key} で暗号化しています"
                ),
                evidence,
            ),
            None => meta.finding(
                Status::Fail,
                trail_resource(trail),
                text!(
                    "{name} names no KMS key: its log files have only S3's own encryption (SSE-S3)",
                    "{name} は KMS キーを指定していません: ログファイルは S3 自身の暗号化 (SSE-S3) のみです"
                ),
                evidence,
            ),
        });
    }
    findings
}
