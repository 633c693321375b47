//! SVC-3: every ECR repository's images are scanned.

use globset::GlobBuilder;
use kensa_snapshot::services::{RegistryScanning, Repository};
use serde_json::json;

use super::{each_region, region_value, regional_arn};
use crate::{Check, CheckMeta, Context, Finding, Resource, Severity, StaticText, Status, text};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "svc-ecr-scan",
        requirements: &["SVC-3"],
        severity: Severity::Medium,
        title: StaticText {
            en: "Every ECR repository is scanned",
            ja: "すべての ECR リポジトリがスキャンされている",
        },
        description: StaticText {
            en: "Each repository is covered by a scan: with enhanced scanning (Amazon Inspector), a \
                 registry rule whose filter matches the repository; with basic scanning, a registry \
                 scan-on-push rule that matches it or the repository's own scan-on-push setting. \
                 Under enhanced scanning the repository's own setting does not apply, so it does \
                 not count. A filter without `*` matches names that contain it.",
            ja: "各リポジトリがスキャンの対象であること。拡張スキャン (Amazon Inspector) ではフィルターが\
                 リポジトリに一致するレジストリのルール、基本スキャンではリポジトリに一致するレジストリの\
                 プッシュ時スキャンのルールか、リポジトリ自身のプッシュ時スキャン設定。拡張スキャンでは\
                 リポジトリ自身の設定は使われないため数えない。`*` のないフィルターはそれを含む名前に一致する。",
        },
        remediation: StaticText {
            en: "Turn on scan on push for the repository, or add a registry scanning rule whose filter \
                 matches it (enhanced scanning with Amazon Inspector is preferred).",
            ja: "リポジトリのプッシュ時スキャンを有効にするか、リポジトリに一致するフィルターを持つ\
                 レジストリのスキャンルールを追加する (Amazon Inspector による拡張スキャンが望ましい)。",
        },
        cis_1_2: &[],
        fsbp: &["ECR.1"],
        pci_dss: &[],
        differs_from_frameworks: None,
    },
    run,
};

/// Whether an ECR repository filter matches `name`, as ECR documents it:
/// with `*`, a wildcard over the whole name; without, a substring.
pub fn filter_matches(filter: &str, name: &str) -> bool {
    if !filter.contains('*') {
        return name.contains(filter);
    }
    // ECR filters hold only [a-z0-9._/-] and `*`; `*` must cross `/` too.
    GlobBuilder::new(filter)
        .literal_separator(false)
        .build()
        .map(|glob| glob.compile_matcher().is_match(name))
        .unwrap_or(false)
}

/// The registry rule that covers `repository`, if any.
///
/// Under enhanced scanning only the registry's rules count, never the
/// repository's own scanOnPush: the Amazon ECR User Guide, "Enhanced
/// scanning" > "Considerations for enhanced scanning": "When your private
/// registry has enhanced scanning enabled, all repositories matching the
/// scan filters are scanned using enhanced scanning only. Any repositories
/// that don't match a filter will have a Manual scan frequency, but won't be
/// scanned." ("Image scanning" > "Using filters" says the same: repositories
/// not matching an enhanced scanning filter "will have scanning disabled".)
fn covering_rule<'a>(registry: &'a RegistryScanning, repository: &str) -> Option<&'a str> {
    let enhanced = registry.scan_type.as_deref() == Some("ENHANCED");
    registry
        .rules
        .iter()
        // Basic scanning only scans on push; enhanced rules scan either way.
        .filter(|rule| enhanced || rule.scan_frequency == "SCAN_ON_PUSH")
        .flat_map(|rule| rule.filters.iter())
        .find(|filter| filter_matches(filter, repository))
        .map(String::as_str)
}

fn repository_resource(ctx: &Context<'_>, region: &str, repo: &Repository) -> Resource {
    Resource {
        kind: "AWS::ECR::Repository".to_owned(),
        id: repo.name.clone(),
        arn: repo
            .arn
            .clone()
            .or_else(|| regional_arn(ctx, region, "ecr", &format!("repository/{}", repo.name))),
        name: Some(repo.name.clone()),
        region: region.to_owned(),
    }
}

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let meta = &CHECK.meta;
    each_region(ctx, |region, services| {
        let repositories = region_value(
            ctx,
            meta,
            region,
            services,
            "ecr:DescribeRepositories",
            |s| &s.ecr.repositories,
        )?;
        let registry = services.map(|s| &s.ecr.registry_scanning);
        let mut findings = Vec::new();
        for repo in repositories {
            let name = &repo.name;
            let resource = repository_resource(ctx, region, repo);
            let registry = match registry.map(|r| r.get()) {
                Some(Ok(registry)) => registry,
                other => {
                    let missing = match other {
                        Some(Err(m)) => m,
                        _ => kensa_snapshot::Missing::NotCollected,
                    };
                    findings.push(meta.missing(
                        resource,
                        missing,
                        "ecr:GetRegistryScanningConfiguration",
                    ));
                    continue;
                }
            };
            let enhanced = registry.scan_type.as_deref() == Some("ENHANCED");
            let scan_type = registry.scan_type.as_deref().unwrap_or("BASIC");
            let rule = covering_rule(registry, name);
            let evidence = json!({
                "repository_scan_on_push": repo.scan_on_push,
                "registry_scan_type": scan_type,
                "registry_rules": registry.rules,
                "matching_filter": rule,
            });
            let finding = match (rule, enhanced, repo.scan_on_push) {
                (Some(filter), _, _) => meta.finding(
                    Status::Pass,
                    resource,
                    text!(
                        "{name} is scanned by the registry's {scan_type} rule `{filter}`",
                        "{name} はレジストリの {scan_type} ルール `{filter}` でスキャンされます"
                    ),
                    evidence,
                ),
                (None, false, true) => meta.finding(
                    Status::Pass,
                    resource,
                    text!(
                        "{name} scans images on push",
                        "{name} はプッシュ時にイメージをスキャンします"
                    ),
                    evidence,
                ),
                (None, true, _) => meta.finding(
                    Status::Fail,
                    resource,
                    text!(
                        "{name} matches no enhanced scanning rule of the registry",
                        "{name} はレジストリの拡張スキャンのルールのどれにも一致しません"
                    ),
                    evidence,
                ),
                (None, false, false) => meta.finding(
                    Status::Fail,
                    resource,
                    text!(
                        "{name} is not scanned: no scan on push, and no registry rule matches it",
                        "{name} はスキャンされません: プッシュ時スキャンがなく、一致するレジストリのルールもありません"
                    ),
                    evidence,
                ),
            };
            findings.push(finding);
        }
        Ok(findings)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::fixtures::run_check;
    use crate::services::fixtures::*;
    use kensa_snapshot::Collected;
    use kensa_snapshot::services::{Ecr, RegistryScanningRule, Services};

    fn repo(name: &str, scan_on_push: bool) -> Repository {
        Repository {
            name: name.into(),
            arn: Some(format!(
                "arn:aws:ecr:ap-northeast-1:123456789012:repository/{name}"
            )),
            scan_on_push,
        }
    }

    fn registry(scan_type: &str, rules: &[(&str, &[&str])]) -> RegistryScanning {
        RegistryScanning {
            scan_type: Some(scan_type.into()),
            rules: rules
                .iter()
                .map(|(frequency, filters)| RegistryScanningRule {
                    scan_frequency: (*frequency).into(),
                    filters: filters.iter().map(|f| (*f).to_owned()).collect(),
                })
                .collect(),
        }
    }

    fn ecr(repos: Vec<Repository>, registry: Collected<RegistryScanning>) -> Services {
        Services {
            ecr: Ecr {
                repositories: Collected::Value(repos),
                registry_scanning: registry,
            },
            ..Default::default()
        }
    }

    fn verdicts(services: Services) -> Vec<(Status, String, String)> {
        run_check(&CHECK, &snapshot(vec![(REGION, services)]))
            .into_iter()
            .map(|f| (f.status, f.message.en, f.message.ja))
            .collect()
    }

    #[test]
    fn basic_scanning_counts_repository_and_registry_scan_on_push() {
        let got = verdicts(ecr(
            vec![
                repo("app/web", false),
                repo("batch", true),
                repo("tools", false),
            ],
            Collected::Value(registry(
                "BASIC",
                &[("SCAN_ON_PUSH", &["app/*"]), ("MANUAL", &["tools"])],
            )),
        ));
        assert_eq!(
            got,
            vec![
                (
                    Status::Pass,
                    "app/web is scanned by the registry's BASIC rule `app/*`".into(),
                    "app/web はレジストリの BASIC ルール `app/*` でスキャンされます".into()
                ),
                (
                    Status::Pass,
                    "batch scans images on push".into(),
                    "batch はプッシュ時にイメージをスキャンします".into()
                ),
                (
                    Status::Fail,
                    "tools is not scanned: no scan on push, and no registry rule matches it"
                        .into(),
                    "tools はスキャンされません: プッシュ時スキャンがなく、一致するレジストリのルールもありません"
                        .into()
                ),
            ]
        );
    }

    #[test]
    fn enhanced_scanning_needs_a_matching_rule() {
        let got = verdicts(ecr(
            vec![repo("payments-api", false), repo("legacy", true)],
            Collected::Value(registry("ENHANCED", &[("CONTINUOUS_SCAN", &["payments"])])),
        ));
        assert_eq!(
            got.iter()
                .map(|(s, en, _)| (*s, en.as_str()))
                .collect::<Vec<_>>(),
            vec![
                (
                    Status::Pass,
                    "payments-api is scanned by the registry's ENHANCED rule `payments`"
                ),
                (
                    Status::Fail,
                    "legacy matches no enhanced scanning rule of the registry"
                ),
            ]
        );
        assert_eq!(
            got[1].2,
            "legacy はレジストリの拡張スキャンのルールのどれにも一致しません"
        );
    }

    #[test]
    fn an_unreadable_registry_configuration_is_an_error_per_repository() {
        let got = verdicts(ecr(
            vec![repo("app", true)],
            Collected::Error(not_implemented("ecr", "GetRegistryScanningConfiguration")),
        ));
        assert_eq!(got[0].0, Status::Error);
        assert!(
            got[0]
                .1
                .contains("ecr:GetRegistryScanningConfiguration failed"),
            "{}",
            got[0].1
        );
    }

    #[test]
    fn filters_match_as_ecr_documents() {
        assert!(filter_matches("*", "a/b/c"));
        assert!(filter_matches("prod*", "prod/api"));
        assert!(filter_matches("*api", "team/api"));
        assert!(!filter_matches("prod*", "team/prod"));
        assert!(filter_matches("prod", "team/prod-api"));
        assert!(!filter_matches("prod", "staging"));
    }
}
