//! What the SVC-4 (patching) and MAL-1 (anti-malware) checks share: their
//! `kensa.toml` sections, the region's running instances, and how Systems
//! Manager targets select an instance.

use globset::GlobBuilder;
use kensa_snapshot::ec2::Instance;
use kensa_snapshot::patching::{MaintenanceWindow, Target, WindowTask};
use kensa_snapshot::{Collected, Missing, Region};
use serde::{Deserialize, Serialize};

use super::regional_arn;
use crate::network::region_resource;
use crate::{CheckMeta, Context, Finding, Resource, StaticText};

/// `[services.patching]`: the sheet's patch process (SVC-4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PatchingConfig {
    /// Patch groups (values of the instances' `Patch Group` or `PatchGroup`
    /// tag) of the verification environment, where patches go first.
    /// Patterns: `*` stands for any run of characters.
    pub verification_patch_groups: Vec<String>,
    /// Patch groups of the production environment, patched after the
    /// verification environment showed no problem.
    pub production_patch_groups: Vec<String>,
    /// SSM documents whose State Manager associations turn the operating
    /// system's own automatic updates off (patterns). None by default: an
    /// instance no such association covers is MANUAL.
    pub os_auto_update_off_documents: Vec<String>,
}

impl Default for PatchingConfig {
    fn default() -> Self {
        PatchingConfig {
            verification_patch_groups: vec![
                "staging*".to_owned(),
                "stg*".to_owned(),
                "verification*".to_owned(),
            ],
            production_patch_groups: vec!["production*".to_owned(), "prod*".to_owned()],
            os_auto_update_off_documents: Vec::new(),
        }
    }
}

/// `[services.anti_malware]`: what counts as an anti-malware agent (MAL-1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AntiMalwareConfig {
    /// Installed application names (SSM inventory, `AWS:Application`) that
    /// are an anti-malware agent. Case does not matter; a name without `*`
    /// matches applications whose name contains it, one with `*` is a
    /// pattern over the whole name.
    pub products: Vec<String>,
}

impl Default for AntiMalwareConfig {
    fn default() -> Self {
        let products = [
            // Trend Micro Deep Security / Cloud One Workload Security agent
            // (Windows name, Linux package) and Vision One / Apex One.
            "Deep Security Agent",
            "ds_agent",
            "Trend Micro Cloud One",
            "Trend Micro Vision One",
            "Trend Micro Apex One",
            // CrowdStrike Falcon (Windows sensor, Linux package).
            "CrowdStrike",
            "falcon-sensor",
            // Microsoft Defender for Endpoint (Windows installer, Linux package).
            "Microsoft Defender",
            "mdatp",
            "Sophos",
            "SentinelOne",
            "SentinelAgent",
            "Symantec Endpoint Protection",
            "Trellix",
            "McAfee Endpoint Security",
        ];
        AntiMalwareConfig {
            products: products.iter().map(|p| (*p).to_owned()).collect(),
        }
    }
}

impl PatchingConfig {
    pub(crate) fn validate(&self) -> Result<(), String> {
        for (key, patterns) in [
            (
                "services.patching.verification_patch_groups",
                &self.verification_patch_groups,
            ),
            (
                "services.patching.production_patch_groups",
                &self.production_patch_groups,
            ),
            (
                "services.patching.os_auto_update_off_documents",
                &self.os_auto_update_off_documents,
            ),
        ] {
            validate_patterns(key, patterns)?;
        }
        Ok(())
    }
}

impl AntiMalwareConfig {
    pub(crate) fn validate(&self) -> Result<(), String> {
        validate_patterns("services.anti_malware.products", &self.products)
    }

    /// The configured product `text` matches, if any.
    pub fn product_matching(&self, application: &str) -> Option<&str> {
        self.products
            .iter()
            .find(|p| {
                if p.contains('*') {
                    glob_matches(p, application, true)
                } else {
                    application.to_lowercase().contains(&p.to_lowercase())
                }
            })
            .map(String::as_str)
    }
}

fn validate_patterns(key: &str, patterns: &[String]) -> Result<(), String> {
    for pattern in patterns {
        if pattern.trim().is_empty() {
            return Err(format!("{key}: an empty pattern matches nothing"));
        }
        if let Err(e) = GlobBuilder::new(pattern).build() {
            return Err(format!("{key}: invalid pattern `{pattern}`: {}", e.kind()));
        }
    }
    Ok(())
}

/// `*` crosses `/` too: patch groups and product names are not paths.
pub(crate) fn glob_matches(pattern: &str, text: &str, case_insensitive: bool) -> bool {
    GlobBuilder::new(pattern)
        .literal_separator(false)
        .case_insensitive(case_insensitive)
        .build()
        .map(|glob| glob.compile_matcher().is_match(text))
        .unwrap_or(false)
}

/// Any of `patterns` matches `text`, case as written.
pub(crate) fn any_matches(patterns: &[String], text: &str) -> bool {
    patterns.iter().any(|p| glob_matches(p, text, false))
}

/// The sheet's two environments: patches go to verification first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Verification,
    Production,
}

impl Environment {
    pub fn key(self) -> &'static str {
        match self {
            Environment::Verification => "verification",
            Environment::Production => "production",
        }
    }

    pub fn title(self) -> StaticText {
        match self {
            Environment::Verification => StaticText {
                en: "verification",
                ja: "検証環境",
            },
            Environment::Production => StaticText {
                en: "production",
                ja: "本番環境",
            },
        }
    }
}

impl PatchingConfig {
    /// The environment a patch group belongs to; verification wins should
    /// both lists match, since patching it first is the safe side.
    pub fn environment(&self, patch_group: &str) -> Option<Environment> {
        if any_matches(&self.verification_patch_groups, patch_group) {
            Some(Environment::Verification)
        } else if any_matches(&self.production_patch_groups, patch_group) {
            Some(Environment::Production)
        } else {
            None
        }
    }
}

/// Runs `per_region` on every audited region; a region that could not be
/// read gives its ERROR finding instead.
pub(crate) fn each_region<'a>(
    ctx: &Context<'a>,
    mut per_region: impl FnMut(&str, Option<&'a Region>) -> Result<Vec<Finding>, Box<Finding>>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for region in &ctx.snapshot.audited_regions {
        match per_region(region, ctx.snapshot.regions.get(region)) {
            Ok(found) => findings.extend(found),
            Err(error) => findings.push(*error),
        }
    }
    findings
}

/// One collected part of a region, or the region's ERROR finding naming `call`.
pub(crate) fn region_part<'a, T>(
    ctx: &Context<'_>,
    meta: &CheckMeta,
    region: &str,
    data: Option<&'a Region>,
    call: &str,
    part: impl Fn(&'a Region) -> &'a Collected<T>,
) -> Result<&'a T, Box<Finding>> {
    let missing = match data {
        Some(r) => match part(r).get() {
            Ok(v) => return Ok(v),
            Err(m) => m,
        },
        None => Missing::NotCollected,
    };
    Err(Box::new(meta.missing(
        region_resource(ctx, region),
        missing,
        call,
    )))
}

/// The region's running EC2 instances; stopped ones are not patched or
/// scanned until they run again.
pub(crate) fn running_instances<'a>(
    ctx: &Context<'_>,
    meta: &CheckMeta,
    region: &str,
    data: Option<&'a Region>,
) -> Result<Vec<&'a Instance>, Box<Finding>> {
    let all = region_part(ctx, meta, region, data, "ec2:DescribeInstances", |r| {
        &r.network.instances
    })?;
    Ok(all.iter().filter(|i| i.is_running()).collect())
}

pub(crate) fn instance_resource(ctx: &Context<'_>, region: &str, instance: &Instance) -> Resource {
    Resource {
        kind: "AWS::EC2::Instance".to_owned(),
        id: instance.id.clone(),
        arn: regional_arn(ctx, region, "ec2", &format!("instance/{}", instance.id)),
        name: Some(match instance.name() {
            Some(name) => format!("{name} ({})", instance.id),
            None => instance.id.clone(),
        }),
        region: region.to_owned(),
    }
}

/// Whether Systems Manager targets select an instance, as far as the
/// snapshot can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    Selected,
    NotSelected,
    /// Resource groups and other target kinds kensa cannot resolve.
    Unknown,
}

/// A list of targets selects the instances every one of them selects, as
/// Systems Manager combines them.
pub fn targets_select(targets: &[Target], instance: &Instance) -> Selection {
    if targets.is_empty() {
        return Selection::NotSelected;
    }
    let mut unknown = false;
    for target in targets {
        match target_selects(target, instance) {
            Selection::NotSelected => return Selection::NotSelected,
            Selection::Unknown => unknown = true,
            Selection::Selected => {}
        }
    }
    if unknown {
        Selection::Unknown
    } else {
        Selection::Selected
    }
}

fn target_selects(target: &Target, instance: &Instance) -> Selection {
    let values = &target.values;
    let selected = if target.key.eq_ignore_ascii_case("InstanceIds") {
        values.iter().any(|v| v == "*" || *v == instance.id)
    } else if let Some(key) = target.key.strip_prefix("tag:") {
        instance.tags.get(key).is_some_and(|v| values.contains(v))
    } else if target.key.eq_ignore_ascii_case("tag-key") {
        values.iter().any(|k| instance.tags.contains_key(k))
    } else {
        return Selection::Unknown;
    };
    if selected {
        Selection::Selected
    } else {
        Selection::NotSelected
    }
}

/// Whether a maintenance window task runs on an instance: through the
/// window's registered targets it names, or through targets of its own.
/// `Err` names the window's unreadable target list.
pub fn task_selects<'a>(
    window: &'a MaintenanceWindow,
    task: &WindowTask,
    instance: &Instance,
) -> Result<Selection, Missing<'a>> {
    let mut by_window_target = false;
    let mut result = Selection::NotSelected;
    for target in &task.targets {
        if !target.key.eq_ignore_ascii_case("WindowTargetIds") {
            continue;
        }
        by_window_target = true;
        let registered = window.targets.get()?;
        for wt in registered
            .iter()
            .filter(|wt| target.values.contains(&wt.window_target_id))
        {
            match targets_select(&wt.targets, instance) {
                Selection::Selected => return Ok(Selection::Selected),
                Selection::Unknown => result = Selection::Unknown,
                Selection::NotSelected => {}
            }
        }
    }
    if by_window_target {
        Ok(result)
    } else {
        Ok(targets_select(&task.targets, instance))
    }
}

#[cfg(test)]
pub(crate) mod fixtures {
    //! Regions with instances and Systems Manager data, shaped as AWS
    //! documents its answers.
    use chrono::{DateTime, TimeZone, Utc};
    use kensa_snapshot::ec2::Instance;
    use kensa_snapshot::patching::{ManagedInstance, Target};
    use kensa_snapshot::{Collected, Region, Snapshot};

    use crate::Finding;

    pub fn snapshot(regions: Vec<(&str, Region)>) -> Snapshot {
        let mut s = crate::iam::fixtures::snapshot();
        for (name, region) in regions {
            s.audited_regions.push(name.to_owned());
            s.regions.insert(name.to_owned(), region);
        }
        s
    }

    pub fn launched() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap()
    }

    pub fn instance(id: &str, tags: &[(&str, &str)]) -> Instance {
        Instance {
            id: id.into(),
            state: "running".into(),
            instance_type: Some("t3.micro".into()),
            platform: None,
            platform_details: Some("Linux/UNIX".into()),
            image_id: Some("ami-0abcdef1234567890".into()),
            launch_time: Some(launched()),
            vpc_id: Some("vpc-0a1b2c3d".into()),
            subnet_id: Some("subnet-0a1b2c3d".into()),
            tags: tags
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }

    pub fn windows(mut i: Instance) -> Instance {
        i.platform = Some("windows".into());
        i.platform_details = Some("Windows".into());
        i
    }

    pub fn stopped(mut i: Instance) -> Instance {
        i.state = "stopped".into();
        i
    }

    pub fn managed(id: &str, ping: &str) -> ManagedInstance {
        ManagedInstance {
            instance_id: id.into(),
            ping_status: Some(ping.into()),
            last_ping_date_time: Some(Utc.with_ymd_and_hms(2026, 10, 31, 23, 55, 0).unwrap()),
            agent_version: Some("3.3.1142.0".into()),
            platform_type: Some("Linux".into()),
            platform_name: Some("Amazon Linux".into()),
            platform_version: Some("2023".into()),
            resource_type: Some("EC2Instance".into()),
        }
    }

    pub fn target(key: &str, values: &[&str]) -> Target {
        Target {
            key: key.into(),
            values: values.iter().map(|v| (*v).to_owned()).collect(),
        }
    }

    pub fn region_with(instances: Vec<Instance>) -> Region {
        let mut r = Region::default();
        r.network.instances = Collected::Value(instances);
        r
    }

    /// One block per finding: verdict, resource, and both languages.
    pub fn render(findings: &[Finding]) -> String {
        findings
            .iter()
            .map(|f| {
                format!(
                    "{} {} [{}]\n  en: {}\n  ja: {}\n",
                    f.status, f.resource.id, f.resource.region, f.message.en, f.message.ja
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;
    use crate::Config;

    #[test]
    fn default_patch_groups_name_the_two_environments() {
        let c = PatchingConfig::default();
        assert_eq!(
            c.environment("staging-web"),
            Some(Environment::Verification)
        );
        assert_eq!(c.environment("stg"), Some(Environment::Verification));
        assert_eq!(c.environment("production"), Some(Environment::Production));
        assert_eq!(c.environment("prod-db"), Some(Environment::Production));
        assert_eq!(c.environment("dev"), None);
    }

    #[test]
    fn products_match_by_substring_or_pattern_ignoring_case() {
        let c = AntiMalwareConfig {
            products: vec!["deep security agent".into(), "falcon-*".into()],
        };
        assert_eq!(
            c.product_matching("Trend Micro Deep Security Agent"),
            Some("deep security agent")
        );
        assert_eq!(c.product_matching("Falcon-Sensor"), Some("falcon-*"));
        assert_eq!(c.product_matching("my-falcon-sensor"), None);
        assert_eq!(c.product_matching("openssl"), None);
    }

    #[test]
    fn bad_patterns_are_refused_with_their_key() {
        let err = Config::from_toml(
            "[services.patching]\nproduction_patch_groups = [\"prod[\"]\n",
            "k.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with(
                "k.toml: services.patching.production_patch_groups: invalid pattern `prod[`"
            ),
            "{err}"
        );
        let err = Config::from_toml("[services.anti_malware]\nproducts = [\" \"]\n", "k.toml")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "k.toml: services.anti_malware.products: an empty pattern matches nothing"
        );
    }

    #[test]
    fn targets_resolve_against_ids_and_tags() {
        let web = instance("i-0web", &[("Patch Group", "prod-web"), ("Role", "web")]);
        let sel = |targets: &[Target]| targets_select(targets, &web);
        assert_eq!(
            sel(&[target("InstanceIds", &["i-0web"])]),
            Selection::Selected
        );
        assert_eq!(sel(&[target("InstanceIds", &["*"])]), Selection::Selected);
        assert_eq!(
            sel(&[target("tag:Patch Group", &["prod-db", "prod-web"])]),
            Selection::Selected
        );
        assert_eq!(sel(&[target("tag-key", &["Role"])]), Selection::Selected);
        // Targets combine: every one must select.
        assert_eq!(
            sel(&[
                target("tag:Role", &["web"]),
                target("tag:Patch Group", &["stg"])
            ]),
            Selection::NotSelected
        );
        assert_eq!(
            sel(&[
                target("tag:Role", &["web"]),
                target("resource-groups:Name", &["web-servers"])
            ]),
            Selection::Unknown
        );
        assert_eq!(sel(&[]), Selection::NotSelected);
    }
}
