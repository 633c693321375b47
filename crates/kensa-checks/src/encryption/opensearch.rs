//! ENC-2 and ENC-1 for OpenSearch Service domains: encrypted at rest;
//! HTTPS enforced with a TLS 1.2 minimum, and node-to-node encryption on.

use kensa_snapshot::endpoints::SearchDomain;
use serde_json::json;

use super::edge::{each_item, join};
use crate::{Check, CheckMeta, Context, Finding, Resource, Severity, StaticText, Status, text};

pub static AT_REST: Check = Check {
    meta: CheckMeta {
        id: "enc-opensearch-at-rest",
        requirements: &["ENC-2"],
        severity: Severity::Medium,
        title: StaticText {
            en: "OpenSearch domains are encrypted at rest",
            ja: "OpenSearch ドメインが保管時に暗号化されている",
        },
        description: StaticText {
            en: "Every OpenSearch Service domain (OpenSearch or Elasticsearch engine) has \
                 encryption at rest on.",
            ja: "すべての OpenSearch Service ドメイン (OpenSearch・Elasticsearch エンジンとも) で保管時の暗号化が\
                 有効であること。",
        },
        remediation: StaticText {
            en: "Turn on encryption at rest for the domain (domains on OpenSearch or Elasticsearch \
                 6.7 and later can enable it in place).",
            ja: "ドメインの保管時の暗号化を有効にする (OpenSearch または Elasticsearch 6.7 以降のドメインはその場で\
                 有効にできる)。",
        },
        cis_1_2: &[],
        fsbp: &["Opensearch.1", "ES.1"],
        pci_dss: &["PCI.Opensearch.2", "PCI.ES.2"],
        differs_from_frameworks: None,
    },
    run: run_at_rest,
};

pub static IN_TRANSIT: Check = Check {
    meta: CheckMeta {
        id: "enc-opensearch-in-transit",
        requirements: &["ENC-1"],
        severity: Severity::Medium,
        title: StaticText {
            en: "OpenSearch domains require HTTPS with TLS 1.2 and encrypt between nodes",
            ja: "OpenSearch ドメインが TLS 1.2 の HTTPS を必須にし、ノード間を暗号化している",
        },
        description: StaticText {
            en: "Every OpenSearch Service domain enforces HTTPS, with a TLS security policy whose \
                 minimum is TLS 1.2 (Policy-Min-TLS-1-2-*), and has node-to-node encryption on.",
            ja: "すべての OpenSearch Service ドメインが HTTPS を強制し、TLS セキュリティポリシーの最低バージョンが \
                 TLS 1.2 (Policy-Min-TLS-1-2-*) で、ノード間の暗号化が有効であること。",
        },
        remediation: StaticText {
            en: "In the domain's endpoint options require HTTPS with Policy-Min-TLS-1-2-PFS-2023-10, \
                 and turn on node-to-node encryption.",
            ja: "ドメインのエンドポイント設定で HTTPS を必須にして Policy-Min-TLS-1-2-PFS-2023-10 を選び、\
                 ノード間の暗号化を有効にする。",
        },
        cis_1_2: &[],
        fsbp: &["Opensearch.3", "Opensearch.8", "ES.3", "ES.8"],
        pci_dss: &[],
        differs_from_frameworks: Some(StaticText {
            en: "Opensearch.8 accepts only Policy-Min-TLS-1-2-PFS-2023-10; the sheet asks for TLS 1.2 \
                 or newer, so Policy-Min-TLS-1-2-2019-07 passes here.",
            ja: "Opensearch.8 は Policy-Min-TLS-1-2-PFS-2023-10 のみを認めるが、設計書の要件は TLS 1.2 以上の\
                 ため、Policy-Min-TLS-1-2-2019-07 もここでは合格とする。",
        }),
    },
    run: run_in_transit,
};

fn domain_resource(region: &str, d: &SearchDomain) -> Resource {
    Resource {
        kind: "AWS::OpenSearchService::Domain".to_owned(),
        id: d.name.clone(),
        arn: Some(d.arn.clone()),
        name: Some(d.name.clone()),
        region: region.to_owned(),
    }
}

fn run_at_rest(ctx: &Context<'_>) -> Vec<Finding> {
    let meta = &AT_REST.meta;
    each_item(
        ctx,
        meta,
        "es:ListDomainNames",
        |e| &e.search_domains,
        |region, _, d| {
            let name = d.name.clone();
            let evidence = json!({
                "engine_version": d.engine_version,
                "encryption_at_rest_enabled": d.encryption_at_rest_enabled,
                "kms_key_id": d.kms_key_id,
            });
            let resource = domain_resource(region, d);
            vec![if d.encryption_at_rest_enabled {
                meta.finding(
                    Status::Pass,
                    resource,
                    text!(
                        "{name} is encrypted at rest",
                        "{name} は保管時に暗号化されています"
                    ),
                    evidence,
                )
            } else {
                meta.finding(
                    Status::Fail,
                    resource,
                    text!(
                        "{name} is not encrypted at rest",
                        "{name} は保管時に暗号化されていません"
                    ),
                    evidence,
                )
            }]
        },
    )
}

fn run_in_transit(ctx: &Context<'_>) -> Vec<Finding> {
    let meta = &IN_TRANSIT.meta;
    each_item(
        ctx,
        meta,
        "es:ListDomainNames",
        |e| &e.search_domains,
        |region, _, d| {
            let name = d.name.clone();
            let mut gaps = Vec::new();
            if !d.enforce_https {
                gaps.push(text!("HTTPS is not enforced", "HTTPS が強制されていません"));
            }
            match d.tls_security_policy.as_deref() {
                Some(policy)
                    if policy.starts_with("Policy-Min-TLS-1-2")
                        || policy.starts_with("Policy-Min-TLS-1-3") => {}
                Some(policy) => gaps.push(text!(
                    "its TLS security policy {policy} allows TLS older than 1.2",
                    "TLS セキュリティポリシー {policy} は 1.2 より古い TLS を許可しています"
                )),
                None => gaps.push(text!(
                    "it reports no TLS security policy",
                    "TLS セキュリティポリシーが報告されていません"
                )),
            }
            if !d.node_to_node_encryption_enabled {
                gaps.push(text!(
                    "node-to-node encryption is off",
                    "ノード間の暗号化が無効です"
                ));
            }
            let evidence = json!({
                "engine_version": d.engine_version,
                "enforce_https": d.enforce_https,
                "tls_security_policy": d.tls_security_policy,
                "node_to_node_encryption_enabled": d.node_to_node_encryption_enabled,
            });
            let resource = domain_resource(region, d);
            vec![if gaps.is_empty() {
                let policy = d.tls_security_policy.clone().unwrap_or_default();
                meta.finding(
                    Status::Pass,
                    resource,
                    text!(
                        "{name} requires HTTPS ({policy}) and encrypts between nodes",
                        "{name} は HTTPS ({policy}) を必須にし、ノード間を暗号化しています"
                    ),
                    evidence,
                )
            } else {
                let list = join(&gaps);
                let (en, ja) = (&list.en, &list.ja);
                meta.finding(
                    Status::Fail,
                    resource,
                    text!(
                        "{name} does not encrypt in transit: {en}",
                        "{name} は転送時に暗号化していません: {ja}"
                    ),
                    evidence,
                )
            }]
        },
    )
}
