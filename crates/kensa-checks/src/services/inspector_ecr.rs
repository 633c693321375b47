//! SVC-2 and SVC-3: where the ECR registry relies on enhanced scanning,
//! Amazon Inspector's ECR scanning is on, since enhanced scanning is
//! Inspector's.

use serde_json::json;

use super::inspector_ec2::{own_status, shown, status_missing};
use super::{each_region, region_value};
use crate::network::region_resource;
use crate::{Check, CheckMeta, Context, Finding, Severity, StaticText, Status, text};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "svc-inspector-ecr-scanning",
        requirements: &["SVC-2", "SVC-3"],
        severity: Severity::High,
        title: StaticText {
            en: "Inspector scans ECR where the registry uses enhanced scanning",
            ja: "レジストリが拡張スキャンを使うリージョンで Inspector が ECR をスキャンしている",
        },
        description: StaticText {
            en: "In each audited region with ECR repositories whose registry scanning type is \
                 ENHANCED, Amazon Inspector's ECR scanning is ENABLED for the account \
                 (BatchGetAccountStatus): enhanced scanning is done by Inspector, so with Inspector's \
                 ECR scanning off no image is scanned, whatever the registry's rules say. A region \
                 without repositories, or whose registry uses basic scanning (judged by svc-ecr-scan), \
                 is not applicable; the evidence still shows Inspector's ECR status.",
            ja: "ECR リポジトリがあり、レジストリのスキャンタイプが ENHANCED の監査対象の各リージョンで、\
                 アカウントの Amazon Inspector の ECR スキャンが ENABLED であること (BatchGetAccountStatus)。\
                 拡張スキャンは Inspector が行うため、Inspector の ECR スキャンが無効ならレジストリのルールに\
                 関わらずイメージはスキャンされない。リポジトリのないリージョンと、レジストリが基本スキャンの\
                 リージョン (svc-ecr-scan で判定) は対象外。証跡には Inspector の ECR の状態を載せる。",
        },
        remediation: StaticText {
            en: "Activate Amazon Inspector ECR scanning in the region, or set the registry back to \
                 basic scanning with scan-on-push filters.",
            ja: "そのリージョンで Amazon Inspector の ECR スキャンを有効化するか、レジストリをプッシュ時\
                 スキャンのフィルター付きの基本スキャンに戻す。",
        },
        cis_1_2: &[],
        fsbp: &["Inspector.2"],
        pci_dss: &[],
        differs_from_frameworks: Some(StaticText {
            en: "FSBP Inspector.2 wants Inspector's ECR scanning on everywhere; the sheet accepts \
                 basic scanning on push (SVC-3), so only a registry that relies on Inspector needs it.",
            ja: "FSBP Inspector.2 はどこでも Inspector の ECR スキャンを求めるが、シートはプッシュ時の\
                 基本スキャンも認める (SVC-3) ため、Inspector に頼るレジストリでのみ求める。",
        }),
    },
    run,
};

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let meta = &CHECK.meta;
    each_region(ctx, |region, services| {
        let resource = region_resource(ctx, region);
        let repositories = region_value(
            ctx,
            meta,
            region,
            services,
            "ecr:DescribeRepositories",
            |s| &s.ecr.repositories,
        )?;
        let inspector_ecr = services
            .and_then(|s| s.inspector.account_status.value())
            .and_then(|statuses| own_status(ctx, statuses))
            .map(|s| shown(s.ecr.as_deref()).to_owned());
        if repositories.is_empty() {
            return Ok(vec![meta.finding(
                Status::NotApplicable,
                resource,
                text!(
                    "{region} has no ECR repositories",
                    "{region} には ECR リポジトリがありません"
                ),
                json!({ "repositories": [], "inspector_ecr_status": inspector_ecr }),
            )]);
        }
        let registry = region_value(
            ctx,
            meta,
            region,
            services,
            "ecr:GetRegistryScanningConfiguration",
            |s| &s.ecr.registry_scanning,
        )?;
        let scan_type = registry.scan_type.as_deref().unwrap_or("BASIC");
        if scan_type != "ENHANCED" {
            return Ok(vec![meta.finding(
                Status::NotApplicable,
                resource,
                text!(
                    "The ECR registry in {region} uses {scan_type} scanning, not Inspector (svc-ecr-scan judges it)",
                    "{region} の ECR レジストリは Inspector ではなく {scan_type} スキャンを使っています (svc-ecr-scan で判定)"
                ),
                json!({ "registry_scan_type": scan_type, "inspector_ecr_status": inspector_ecr }),
            )]);
        }
        let statuses = region_value(
            ctx,
            meta,
            region,
            services,
            "inspector2:BatchGetAccountStatus",
            |s| &s.inspector.account_status,
        )?;
        let Some(status) = own_status(ctx, statuses) else {
            return Ok(vec![status_missing(meta, ctx, resource)]);
        };
        let ecr = shown(status.ecr.as_deref());
        let count = repositories.len();
        let evidence = json!({
            "registry_scan_type": scan_type,
            "registry_rules": registry.rules,
            "account_status": status,
            "repositories": repositories.iter().map(|r| &r.name).collect::<Vec<_>>(),
        });
        if status.ecr_enabled() {
            Ok(vec![meta.finding(
                Status::Pass,
                resource,
                text!(
                    "Inspector ECR scanning is ENABLED in {region} for the registry's enhanced scanning ({count} repositories)",
                    "{region} で Inspector の ECR スキャンが ENABLED であり、レジストリの拡張スキャンが働きます (リポジトリ {count} 個)"
                ),
                evidence,
            )])
        } else {
            Ok(vec![meta.finding(
                Status::Fail,
                resource,
                text!(
                    "The ECR registry in {region} is set to enhanced scanning but Inspector ECR scanning is {ecr}: none of its {count} repositories is scanned",
                    "{region} の ECR レジストリは拡張スキャンの設定ですが、Inspector の ECR スキャンが {ecr} のため、{count} 個のリポジトリはどれもスキャンされません"
                ),
                evidence,
            )])
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::fixtures::run_check;
    use crate::services::fixtures::*;
    use crate::services::inspector_fixtures::*;
    use kensa_snapshot::Collected;
    use kensa_snapshot::services::{RegistryScanning, RegistryScanningRule, Repository, Services};

    fn ecr(scan_type: &str, repos: &[&str], ecr_status: Option<&str>) -> Services {
        let mut s = inspector(
            Collected::Value(vec![]),
            status(Some("ENABLED"), ecr_status),
            Collected::Value(vec![]),
            Collected::Value(vec![]),
        );
        s.ecr.repositories = Collected::Value(
            repos
                .iter()
                .map(|name| Repository {
                    name: (*name).into(),
                    arn: None,
                    scan_on_push: false,
                })
                .collect(),
        );
        s.ecr.registry_scanning = Collected::Value(RegistryScanning {
            scan_type: Some(scan_type.into()),
            rules: vec![RegistryScanningRule {
                scan_frequency: "CONTINUOUS_SCAN".into(),
                filters: vec!["*".into()],
            }],
        });
        s
    }

    fn verdicts(services: Services) -> String {
        render(&run_check(&CHECK, &snapshot(vec![(REGION, services)])))
    }

    #[test]
    fn enhanced_scanning_needs_inspector_ecr_scanning() {
        insta::assert_snapshot!(
            [
                ecr("ENHANCED", &["app", "batch"], Some("ENABLED")),
                ecr("ENHANCED", &["app", "batch"], Some("SUSPENDED")),
                ecr("ENHANCED", &["app"], None),
            ]
            .into_iter()
            .map(verdicts)
            .collect::<String>()
        );
    }

    #[test]
    fn basic_scanning_and_no_repositories_are_not_applicable() {
        insta::assert_snapshot!(
            [
                ecr("BASIC", &["app"], Some("DISABLED")),
                ecr("ENHANCED", &[], Some("DISABLED")),
            ]
            .into_iter()
            .map(verdicts)
            .collect::<String>()
        );
    }

    #[test]
    fn unreadable_data_is_an_error_naming_the_call() {
        let mut repos = ecr("ENHANCED", &["app"], Some("ENABLED"));
        repos.ecr.repositories = Collected::Error(not_implemented("ecr", "DescribeRepositories"));
        let mut registry = ecr("ENHANCED", &["app"], Some("ENABLED"));
        registry.ecr.registry_scanning =
            Collected::Error(not_implemented("ecr", "GetRegistryScanningConfiguration"));
        let mut status = ecr("ENHANCED", &["app"], Some("ENABLED"));
        status.inspector.account_status =
            Collected::Error(not_implemented("inspector2", "BatchGetAccountStatus"));
        let all: Vec<_> = [repos, registry, status]
            .into_iter()
            .flat_map(|s| run_check(&CHECK, &snapshot(vec![(REGION, s)])))
            .collect();
        assert!(all.iter().all(|f| f.status == Status::Error));
        insta::assert_snapshot!(render(&all));
    }
}
