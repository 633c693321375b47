//! ENC-1: CloudFront encrypts both legs: viewers reach it over HTTPS with
//! TLS 1.2 or newer, and it reaches custom origins over HTTPS with TLS 1.2.

use kensa_snapshot::endpoints::{Distribution, Origin};
use serde_json::json;

use super::edge::join;
use crate::{
    Check, CheckMeta, Context, Finding, GLOBAL_REGION, Resource, Severity, StaticText, Status,
    Text, text,
};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "enc-cloudfront-tls",
        requirements: &["ENC-1"],
        severity: Severity::High,
        title: StaticText {
            en: "CloudFront distributions use HTTPS with TLS 1.2 or newer to viewers and origins",
            ja: "CloudFront ディストリビューションがビューワーとオリジンの両方に TLS 1.2 以上の HTTPS を使っている",
        },
        description: StaticText {
            en: "Every cache behaviour's viewer protocol policy is redirect-to-https or https-only; \
                 the viewer certificate's minimum protocol version is TLSv1.2_2018 or newer (the \
                 default *.cloudfront.net certificate accepts TLSv1 and fails); every custom origin \
                 is reached with https-only (or match-viewer when every behaviour using it requires \
                 HTTPS) and allows TLSv1.2 only. S3 REST origins are reached with the viewer's \
                 protocol, so the viewer policies cover them. VPC origins set their protocol on the \
                 VPC origin resource, which kensa does not read (MANUAL).",
            ja: "すべてのキャッシュ動作のビューワープロトコルポリシーが redirect-to-https か https-only であること。\
                 ビューワー証明書の最低プロトコルバージョンが TLSv1.2_2018 以上であること (既定の *.cloudfront.net \
                 証明書は TLSv1 を受け付けるため不合格)。カスタムオリジンには https-only (またはそのオリジンを使う\
                 すべての動作が HTTPS を必須にしている場合の match-viewer) で接続し、TLSv1.2 のみを許可していること。\
                 S3 の REST オリジンにはビューワーと同じプロトコルで接続するため、ビューワーのポリシーで判定する。\
                 VPC オリジンのプロトコルは kensa が読まない VPC オリジンのリソースで設定される (MANUAL)。",
        },
        remediation: StaticText {
            en: "Set each cache behaviour's viewer protocol policy to redirect-to-https, use a custom \
                 certificate with security policy TLSv1.2_2021 (or newer), and set custom origins to \
                 https-only with the TLSv1.2 origin protocol.",
            ja: "各キャッシュ動作のビューワープロトコルポリシーを redirect-to-https にし、セキュリティポリシー \
                 TLSv1.2_2021 (以上) のカスタム証明書を使い、カスタムオリジンを https-only・オリジンプロトコル \
                 TLSv1.2 にする。",
        },
        cis_1_2: &[],
        fsbp: &["CloudFront.3", "CloudFront.9", "CloudFront.10"],
        pci_dss: &[],
        differs_from_frameworks: None,
    },
    run,
};

fn requires_https(policy: &str) -> bool {
    matches!(policy, "redirect-to-https" | "https-only")
}

/// Whether a viewer security policy (`TLSv1.2_2021`) forbids TLS 1.0 and 1.1.
fn minimum_is_tls12_or_newer(version: &str) -> bool {
    version.starts_with("TLSv1.2") || version.starts_with("TLSv1.3")
}

fn origin_gaps(d: &Distribution, origin: &Origin, gaps: &mut Vec<Text>, manual: &mut Vec<Text>) {
    let id = &origin.id;
    match origin.kind.as_str() {
        "custom" => {
            let policy = origin.origin_protocol_policy.as_deref().unwrap_or("");
            let all_viewers_https = d
                .cache_behaviors
                .iter()
                .filter(|b| b.target_origin_id == origin.id)
                .all(|b| requires_https(&b.viewer_protocol_policy));
            match policy {
                "https-only" => {}
                "match-viewer" if all_viewers_https => {}
                _ => gaps.push(text!(
                    "origin {id} is reached over plain HTTP (origin protocol policy {policy})",
                    "オリジン {id} へ平文の HTTP で接続します (オリジンプロトコルポリシー {policy})"
                )),
            }
            let old: Vec<&str> = origin
                .origin_ssl_protocols
                .iter()
                .map(String::as_str)
                .filter(|p| !matches!(*p, "TLSv1.2" | "TLSv1.3"))
                .collect();
            if !old.is_empty() {
                let list = old.join(", ");
                gaps.push(text!(
                    "origin {id} allows {list}",
                    "オリジン {id} は {list} を許可しています"
                ));
            }
        }
        "vpc" => manual.push(text!(
            "origin {id} is a VPC origin, whose protocol is set on the VPC origin resource",
            "オリジン {id} は VPC オリジンで、プロトコルは VPC オリジンのリソースで設定されます"
        )),
        _ => {}
    }
}

fn judge(d: &Distribution) -> Finding {
    let meta = &CHECK.meta;
    let resource = Resource {
        kind: "AWS::CloudFront::Distribution".to_owned(),
        id: d.id.clone(),
        arn: Some(d.arn.clone()),
        name: Some(
            d.aliases
                .first()
                .cloned()
                .or_else(|| d.domain_name.clone())
                .unwrap_or_else(|| d.id.clone()),
        ),
        region: GLOBAL_REGION.to_owned(),
    };
    let name = d.id.clone();
    let mut gaps = Vec::new();
    let mut manual = Vec::new();
    for b in &d.cache_behaviors {
        if !requires_https(&b.viewer_protocol_policy) {
            let path = b.path_pattern.as_deref().unwrap_or("default");
            let policy = &b.viewer_protocol_policy;
            gaps.push(text!(
                "cache behaviour {path} lets viewers use plain HTTP ({policy})",
                "キャッシュ動作 {path} はビューワーに平文の HTTP を許しています ({policy})"
            ));
        }
    }
    let certificate = &d.viewer_certificate;
    if certificate.cloudfront_default_certificate {
        gaps.push(text!(
            "it uses the default *.cloudfront.net certificate, which accepts TLSv1",
            "既定の *.cloudfront.net 証明書を使っており、TLSv1 を受け付けます"
        ));
    } else {
        let version = certificate
            .minimum_protocol_version
            .as_deref()
            .unwrap_or("TLSv1");
        if !minimum_is_tls12_or_newer(version) {
            gaps.push(text!(
                "its minimum viewer protocol is {version}",
                "ビューワーの最低プロトコルが {version} です"
            ));
        }
    }
    for origin in &d.origins {
        origin_gaps(d, origin, &mut gaps, &mut manual);
    }
    let evidence = json!({
        "enabled": d.enabled,
        "cache_behaviors": d.cache_behaviors,
        "viewer_certificate": certificate,
        "origins": d.origins,
    });
    if !gaps.is_empty() {
        let list = join(&gaps);
        let (en, ja) = (&list.en, &list.ja);
        return meta.finding(
            Status::Fail,
            resource,
            text!(
                "{name} does not encrypt every leg with TLS 1.2 or newer: {en}",
                "{name} はすべての区間を TLS 1.2 以上で暗号化していません: {ja}"
            ),
            evidence,
        );
    }
    if !manual.is_empty() {
        let list = join(&manual);
        let (en, ja) = (&list.en, &list.ja);
        return meta.finding(
            Status::Manual,
            resource,
            text!(
                "{name} requires HTTPS from viewers; check the rest by hand: {en}",
                "{name} はビューワーに HTTPS を必須にしています。残りは人が確認してください: {ja}"
            ),
            evidence,
        );
    }
    meta.finding(
        Status::Pass,
        resource,
        text!(
            "{name} requires HTTPS with TLS 1.2 or newer from viewers and to its origins",
            "{name} はビューワーとオリジンの両方に TLS 1.2 以上の HTTPS を必須にしています"
        ),
        evidence,
    )
}

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let meta = &CHECK.meta;
    match ctx.snapshot.cloudfront.get() {
        Ok(distributions) => distributions.iter().map(judge).collect(),
        Err(missing) => vec![meta.missing(
            ctx.account_resource("AWS::::Account", "CloudFront"),
            missing,
            "cloudfront:ListDistributions",
        )],
    }
}
