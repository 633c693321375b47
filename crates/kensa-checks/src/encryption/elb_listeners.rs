//! ENC-1: every Application and Network Load Balancer listener encrypts:
//! HTTPS/TLS with a security policy that allows TLS 1.2 or newer only, or
//! plain HTTP whose only action is a redirect to HTTPS.

use kensa_snapshot::endpoints::{Endpoints, Listener, ListenerAction, LoadBalancer};
use serde_json::json;

use super::edge::each_item;
use super::tls_policies::{ELBV2_POLICIES, below_tls12, known_protocols};
use crate::{
    Check, CheckMeta, Context, Finding, Resource, Severity, StaticText, Status, Text, text,
};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "enc-elbv2-listener-tls",
        requirements: &["ENC-1"],
        severity: Severity::High,
        title: StaticText {
            en: "Application and Network Load Balancer listeners use TLS 1.2 or newer",
            ja: "Application/Network Load Balancer のリスナーが TLS 1.2 以上を使っている",
        },
        description: StaticText {
            en: "Each HTTPS or TLS listener uses a security policy that allows TLS 1.2 or newer \
                 only (the protocols come from the region's DescribeSSLPolicies answer, else from \
                 kensa's table of AWS's documented policies). An HTTP listener passes only when \
                 its default action and every rule redirect to HTTPS; its SslPolicy field is \
                 ignored. TCP, UDP and TCP_UDP listeners pass bytes through unchanged, so whether \
                 the traffic is encrypted only a person can tell (MANUAL). Gateway Load Balancer \
                 (GENEVE) listeners carry packets to appliances and are outside TLS \
                 (NOT_APPLICABLE). Plain traffic that the sheet allows inside a protected VPC path \
                 is recorded as an exception with its reason.",
            ja: "HTTPS/TLS リスナーは TLS 1.2 以上のみを許可するセキュリティポリシーを使うこと (プロトコルは\
                 リージョンの DescribeSSLPolicies の応答、なければ AWS が文書化したポリシーの kensa の表による)。\
                 HTTP リスナーはデフォルトアクションとすべてのルールが HTTPS へのリダイレクトの場合のみ合格とし、\
                 その SslPolicy 欄は見ない。TCP・UDP・TCP_UDP リスナーはバイト列をそのまま通すため、暗号化の有無は\
                 人にしか分からない (MANUAL)。Gateway Load Balancer (GENEVE) のリスナーはアプライアンスへパケットを\
                 運ぶもので TLS の対象外 (NOT_APPLICABLE)。設計書が保護された VPC 内の経路で認める平文の通信は、\
                 理由を付けて例外として記録する。",
        },
        remediation: StaticText {
            en: "Change the listener to HTTPS (or TLS) with a policy such as \
                 ELBSecurityPolicy-TLS13-1-2-2021-06, or make the HTTP listener's default action and \
                 every rule redirect to HTTPS. For plain traffic on a protected path inside a VPC, \
                 add an [[exceptions]] entry with the reason.",
            ja: "リスナーを HTTPS (または TLS) にして ELBSecurityPolicy-TLS13-1-2-2021-06 などのポリシーを使うか、\
                 HTTP リスナーのデフォルトアクションとすべてのルールを HTTPS へのリダイレクトにする。VPC 内の\
                 保護された経路での平文通信は、理由を付けて [[exceptions]] に記録する。",
        },
        cis_1_2: &[],
        fsbp: &["ELB.1", "ELB.17", "ELB.18"],
        pci_dss: &["PCI.ELBv2.1"],
        differs_from_frameworks: Some(StaticText {
            en: "ELB.17 accepts only six recommended TLS 1.3 policies; the sheet asks for TLS 1.2 \
                 or newer, so any policy without TLS 1.0/1.1 passes here.",
            ja: "ELB.17 は推奨の TLS 1.3 ポリシー 6 つのみを認めるが、設計書の要件は TLS 1.2 以上のため、\
                 TLS 1.0/1.1 を含まないポリシーはここでは合格とする。",
        }),
    },
    run,
};

fn listener_resource(region: &str, lb: &LoadBalancer, listener: &Listener) -> Resource {
    let port = listener.port.map(|p| p.to_string()).unwrap_or_default();
    Resource {
        kind: "AWS::ElasticLoadBalancingV2::Listener".to_owned(),
        id: listener.arn.clone(),
        arn: Some(listener.arn.clone()),
        name: Some(format!("{} {}:{port}", lb.name, listener.protocol)),
        region: region.to_owned(),
    }
}

fn redirects_to_https(action: &ListenerAction) -> bool {
    action.kind == "redirect"
        && action
            .redirect_protocol
            .as_deref()
            .is_some_and(|p| p.eq_ignore_ascii_case("HTTPS"))
}

fn describe_action(action: &ListenerAction) -> String {
    match (&*action.kind, &action.redirect_protocol) {
        ("redirect", Some(protocol)) => format!("redirect to {protocol}"),
        ("redirect", None) => "redirect keeping the protocol".to_owned(),
        (kind, _) => kind.to_owned(),
    }
}

fn judge_http(
    meta: &CheckMeta,
    resource: Resource,
    listener: &Listener,
    evidence: serde_json::Value,
) -> Finding {
    let rules = match listener.rules.get() {
        Ok(rules) => rules,
        Err(missing) => {
            return meta.missing(resource, missing, "elasticloadbalancing:DescribeRules");
        }
    };
    let mut offending: Vec<String> = listener
        .default_actions
        .iter()
        .filter(|a| !redirects_to_https(a))
        .map(|a| format!("default action: {}", describe_action(a)))
        .collect();
    for rule in rules.iter().filter(|r| !r.is_default) {
        offending.extend(
            rule.actions
                .iter()
                .filter(|a| !redirects_to_https(a))
                .map(|a| format!("rule {}: {}", rule.priority, describe_action(a))),
        );
    }
    let mut evidence = evidence;
    evidence["rules"] = json!(rules);
    evidence["not_redirecting_to_https"] = json!(offending);
    let name = resource.name.clone().unwrap_or_default();
    if listener.default_actions.is_empty() {
        return meta.incomplete(
            resource,
            "elasticloadbalancing:DescribeListeners",
            text!(
                "the listener's default actions",
                "リスナーのデフォルトアクション"
            ),
        );
    }
    if offending.is_empty() {
        meta.finding(
            Status::Pass,
            resource,
            text!(
                "{name} accepts plain HTTP only to redirect it to HTTPS",
                "{name} は平文の HTTP を HTTPS へリダイレクトするためだけに受け付けています"
            ),
            evidence,
        )
    } else {
        let list = offending.join("; ");
        meta.finding(
            Status::Fail,
            resource,
            text!(
                "{name} serves plain HTTP: not every action redirects to HTTPS ({list})",
                "{name} は平文の HTTP で応答します: HTTPS へリダイレクトしないアクションがあります ({list})"
            ),
            evidence,
        )
    }
}

/// The protocols a policy allows, and where kensa learned them.
fn policy_protocols(endpoints: &Endpoints, name: &str) -> Option<(Vec<String>, &'static str)> {
    if let Some(policy) = endpoints
        .ssl_policies
        .value()
        .and_then(|policies| policies.iter().find(|p| p.name == name))
    {
        return Some((
            policy.ssl_protocols.clone(),
            "elasticloadbalancing:DescribeSSLPolicies",
        ));
    }
    known_protocols(ELBV2_POLICIES, name).map(|protocols| {
        (
            protocols.iter().map(|p| (*p).to_owned()).collect(),
            "AWS's documented policy table",
        )
    })
}

fn judge_tls(
    meta: &CheckMeta,
    resource: Resource,
    endpoints: &Endpoints,
    listener: &Listener,
    mut evidence: serde_json::Value,
) -> Finding {
    let name = resource.name.clone().unwrap_or_default();
    let Some(policy) = listener.ssl_policy.as_deref() else {
        return meta.incomplete(
            resource,
            "elasticloadbalancing:DescribeListeners",
            text!(
                "the listener's security policy",
                "リスナーのセキュリティポリシー"
            ),
        );
    };
    let Some((protocols, source)) = policy_protocols(endpoints, policy) else {
        return match endpoints.ssl_policies.get() {
            Err(missing) => meta.missing(
                resource,
                missing,
                "elasticloadbalancing:DescribeSSLPolicies",
            ),
            Ok(_) => meta.incomplete(
                resource,
                "elasticloadbalancing:DescribeSSLPolicies",
                Text::new(
                    format!("the policy {policy} (not in AWS's documented table either)"),
                    format!("ポリシー {policy} (AWS の文書化された表にもありません)"),
                ),
            ),
        };
    };
    let old = below_tls12(&protocols);
    evidence["policy_protocols"] = json!(protocols);
    evidence["protocols_from"] = json!(source);
    if old.is_empty() {
        let list = protocols.join(", ");
        meta.finding(
            Status::Pass,
            resource,
            text!(
                "{name} uses {policy}, which allows {list} only",
                "{name} は {policy} を使い、{list} のみを許可しています"
            ),
            evidence,
        )
    } else {
        let list = old.join(", ");
        meta.finding(
            Status::Fail,
            resource,
            text!(
                "{name} uses {policy}, which still allows {list}",
                "{name} は {policy} を使っており、{list} をまだ許可しています"
            ),
            evidence,
        )
    }
}

fn judge(region: &str, endpoints: &Endpoints, lb: &LoadBalancer, listener: &Listener) -> Finding {
    let meta = &CHECK.meta;
    let resource = listener_resource(region, lb, listener);
    let name = resource.name.clone().unwrap_or_default();
    let protocol = listener.protocol.as_str();
    let evidence = json!({
        "load_balancer": lb.name,
        "load_balancer_type": lb.kind,
        "scheme": lb.scheme,
        "vpc_id": lb.vpc_id,
        "protocol": protocol,
        "port": listener.port,
        "ssl_policy": listener.ssl_policy,
        "default_actions": listener.default_actions,
    });
    match protocol {
        "HTTPS" | "TLS" => judge_tls(meta, resource, endpoints, listener, evidence),
        "HTTP" => judge_http(meta, resource, listener, evidence),
        "GENEVE" => meta.finding(
            Status::NotApplicable,
            resource,
            text!(
                "{name} is a Gateway Load Balancer listener (GENEVE): it carries packets to appliances, TLS does not apply",
                "{name} は Gateway Load Balancer のリスナー (GENEVE) で、アプライアンスへパケットを運ぶため TLS の対象外です"
            ),
            evidence,
        ),
        _ => meta.finding(
            Status::Manual,
            resource,
            text!(
                "{name} passes {protocol} through unchanged: check that the targets speak TLS, or record an exception with the reason",
                "{name} は {protocol} をそのまま通します: ターゲットが TLS で通信しているか確認するか、理由を付けて例外を記録してください"
            ),
            evidence,
        ),
    }
}

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let meta = &CHECK.meta;
    each_item(
        ctx,
        meta,
        "elasticloadbalancing:DescribeLoadBalancers",
        |e| &e.load_balancers,
        |region, endpoints, lb| {
            let listeners = match lb.listeners.get() {
                Ok(listeners) => listeners,
                Err(missing) => {
                    let resource = Resource {
                        kind: "AWS::ElasticLoadBalancingV2::LoadBalancer".to_owned(),
                        id: lb.arn.clone(),
                        arn: Some(lb.arn.clone()),
                        name: Some(lb.name.clone()),
                        region: region.to_owned(),
                    };
                    return vec![meta.missing(
                        resource,
                        missing,
                        "elasticloadbalancing:DescribeListeners",
                    )];
                }
            };
            listeners
                .iter()
                .map(|listener| judge(region, endpoints, lb, listener))
                .collect()
        },
    )
}
