//! ENC-1: every Classic Load Balancer listener is HTTPS or SSL with a
//! negotiation policy that allows TLS 1.2 or newer only.

use kensa_snapshot::endpoints::{ClassicListener, ClassicLoadBalancer, ClassicPolicy};
use serde_json::json;

use super::edge::{each_item, regional_arn};
use super::tls_policies::{CLASSIC_POLICIES, below_tls12, known_protocols};
use crate::{Check, CheckMeta, Context, Finding, Resource, Severity, StaticText, Status, text};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "enc-classic-elb-listener-tls",
        requirements: &["ENC-1"],
        severity: Severity::High,
        title: StaticText {
            en: "Classic Load Balancer listeners use TLS 1.2 or newer",
            ja: "Classic Load Balancer のリスナーが TLS 1.2 以上を使っている",
        },
        description: StaticText {
            en: "Each HTTPS or SSL listener's SSL negotiation policy enables TLS 1.2 or newer only: \
                 its Protocol-* attributes decide, else its Reference-Security-Policy looked up in \
                 AWS's table of predefined policies. An HTTP listener fails, since a Classic Load \
                 Balancer cannot redirect to HTTPS. A TCP listener passes bytes through unchanged, \
                 so whether the traffic is encrypted only a person can tell (MANUAL). Plain traffic \
                 that the sheet allows inside a protected VPC path is recorded as an exception with \
                 its reason.",
            ja: "HTTPS/SSL リスナーの SSL ネゴシエーションポリシーが TLS 1.2 以上のみを有効にしていること。\
                 Protocol-* 属性で判定し、なければ Reference-Security-Policy を AWS の定義済みポリシーの表で引く。\
                 Classic Load Balancer は HTTPS へリダイレクトできないため、HTTP リスナーは不合格。TCP リスナーは\
                 バイト列をそのまま通すため、暗号化の有無は人にしか分からない (MANUAL)。設計書が保護された VPC 内の\
                 経路で認める平文の通信は、理由を付けて例外として記録する。",
        },
        remediation: StaticText {
            en: "Use HTTPS or SSL listeners with the predefined policy \
                 ELBSecurityPolicy-TLS-1-2-2017-01, or move to an Application Load Balancer that \
                 redirects HTTP to HTTPS.",
            ja: "HTTPS/SSL リスナーで定義済みポリシー ELBSecurityPolicy-TLS-1-2-2017-01 を使うか、HTTP を HTTPS へ\
                 リダイレクトする Application Load Balancer へ移行する。",
        },
        cis_1_2: &[],
        fsbp: &["ELB.3", "ELB.8"],
        pci_dss: &[],
        differs_from_frameworks: None,
    },
    run,
};

const SSL_NEGOTIATION: &str = "SSLNegotiationPolicyType";

/// The protocols a negotiation policy enables, from its own attributes or
/// its reference policy; `None` when neither says.
fn enabled_protocols(policy: &ClassicPolicy) -> Option<(Vec<String>, String)> {
    let switches: Vec<(&str, &str)> = policy
        .attributes
        .iter()
        .filter_map(|(name, value)| Some((name.strip_prefix("Protocol-")?, value.as_str())))
        .collect();
    if !switches.is_empty() {
        let on = switches
            .iter()
            .filter(|(_, value)| value.eq_ignore_ascii_case("true"))
            .map(|(protocol, _)| (*protocol).to_owned())
            .collect();
        return Some((on, format!("the Protocol-* attributes of {}", policy.name)));
    }
    let reference = policy.attributes.get("Reference-Security-Policy")?;
    known_protocols(CLASSIC_POLICIES, reference).map(|protocols| {
        (
            protocols.iter().map(|p| (*p).to_owned()).collect(),
            format!("{reference}, per AWS's table of predefined policies"),
        )
    })
}

fn judge_ssl(
    meta: &CheckMeta,
    resource: Resource,
    lb: &ClassicLoadBalancer,
    listener: &ClassicListener,
    mut evidence: serde_json::Value,
) -> Finding {
    let name = resource.name.clone().unwrap_or_default();
    let policies = match lb.policies.get() {
        Ok(policies) => policies,
        Err(missing) => {
            return meta.missing(
                resource,
                missing,
                "elasticloadbalancing:DescribeLoadBalancerPolicies",
            );
        }
    };
    let decided = listener.policy_names.iter().find_map(|policy_name| {
        match policies.iter().find(|p| &p.name == policy_name) {
            Some(policy) if policy.type_name.as_deref() == Some(SSL_NEGOTIATION) => {
                evidence["policy"] = json!(policy);
                enabled_protocols(policy).map(|found| (policy_name.clone(), found))
            }
            Some(_) => None,
            None => known_protocols(CLASSIC_POLICIES, policy_name).map(|protocols| {
                (
                    policy_name.clone(),
                    (
                        protocols.iter().map(|p| (*p).to_owned()).collect(),
                        format!("{policy_name}, per AWS's table of predefined policies"),
                    ),
                )
            }),
        }
    });
    let Some((policy, (protocols, source))) = decided else {
        return meta.incomplete(
            resource,
            "elasticloadbalancing:DescribeLoadBalancerPolicies",
            text!(
                "the listener's SSL negotiation policy and its protocols",
                "リスナーの SSL ネゴシエーションポリシーとそのプロトコル"
            ),
        );
    };
    let old = below_tls12(&protocols);
    evidence["enabled_protocols"] = json!(protocols);
    evidence["protocols_from"] = json!(source);
    if old.is_empty() {
        let list = protocols.join(", ");
        meta.finding(
            Status::Pass,
            resource,
            text!(
                "{name} uses policy {policy}, which enables {list} only",
                "{name} はポリシー {policy} を使い、{list} のみを有効にしています"
            ),
            evidence,
        )
    } else {
        let list = old.join(", ");
        meta.finding(
            Status::Fail,
            resource,
            text!(
                "{name} uses policy {policy}, which still enables {list}",
                "{name} はポリシー {policy} を使っており、{list} をまだ有効にしています"
            ),
            evidence,
        )
    }
}

fn judge(
    ctx: &Context<'_>,
    region: &str,
    lb: &ClassicLoadBalancer,
    listener: &ClassicListener,
) -> Finding {
    let meta = &CHECK.meta;
    let protocol = listener.protocol.as_str();
    let port = listener.load_balancer_port;
    let resource = Resource {
        kind: "AWS::ElasticLoadBalancing::LoadBalancer".to_owned(),
        id: format!("{}/{protocol}:{port}", lb.name),
        arn: regional_arn(
            ctx,
            region,
            "elasticloadbalancing",
            &format!("loadbalancer/{}", lb.name),
        ),
        name: Some(format!("{} {protocol}:{port}", lb.name)),
        region: region.to_owned(),
    };
    let name = resource.name.clone().unwrap_or_default();
    let evidence = json!({
        "load_balancer": lb.name,
        "scheme": lb.scheme,
        "vpc_id": lb.vpc_id,
        "listener": listener,
    });
    match protocol {
        "HTTPS" | "SSL" => judge_ssl(meta, resource, lb, listener, evidence),
        "HTTP" => meta.finding(
            Status::Fail,
            resource,
            text!(
                "{name} serves plain HTTP, and a Classic Load Balancer cannot redirect it to HTTPS",
                "{name} は平文の HTTP で応答し、Classic Load Balancer は HTTPS へリダイレクトできません"
            ),
            evidence,
        ),
        _ => meta.finding(
            Status::Manual,
            resource,
            text!(
                "{name} passes {protocol} through unchanged: check that the instances speak TLS, or record an exception with the reason",
                "{name} は {protocol} をそのまま通します: インスタンスが TLS で通信しているか確認するか、理由を付けて例外を記録してください"
            ),
            evidence,
        ),
    }
}

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    each_item(
        ctx,
        &CHECK.meta,
        "elasticloadbalancing:DescribeLoadBalancers",
        |e| &e.classic_load_balancers,
        |region, _, lb| {
            lb.listeners
                .iter()
                .map(|listener| judge(ctx, region, lb, listener))
                .collect()
        },
    )
}
