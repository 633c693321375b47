//! End-to-end tests of the patching (SVC-4) and anti-malware (MAL-1)
//! checks against a local moto server.
//!
//! moto serves EC2 instances, patch baselines and their patch group
//! registrations, maintenance windows with their targets and tasks, and
//! GuardDuty detectors with features. It does not serve
//! DescribeInstanceInformation, DescribeInstancePatchStates,
//! DescribePatchGroups, GetPatchBaseline, GetMaintenanceWindowTask,
//! ListAssociations or ListInventoryEntries: the checks that need them must
//! say ERROR and name the call. Their verdict logic is tested with fixture
//! snapshots in kensa-checks.

mod support;

use aws_config::SdkConfig;
use serde_json::Value;

use support::moto::{MotoServer, TEST_ACCESS_KEY, TEST_SECRET_KEY, kensa};
use support::run::{Report, findings, listing, read_report, run, str_of};

/// The region with GuardDuty Malware Protection and the patch setup.
const SEEDED: &str = "us-east-1";
/// A region with one instance and nothing else.
const BARE: &str = "eu-west-1";

async fn sdk(moto: &MotoServer, region: &str) -> SdkConfig {
    let credentials = aws_sdk_iam::config::Credentials::new(
        TEST_ACCESS_KEY,
        TEST_SECRET_KEY,
        None,
        None,
        "kensa-tests",
    );
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .credentials_provider(credentials)
        .region(aws_config::Region::new(region.to_owned()))
        .endpoint_url(moto.endpoint())
        .load()
        .await
}

/// Launches one instance with these tags and returns its ID.
async fn launch(ec2: &aws_sdk_ec2::Client, tags: &[(&str, &str)]) -> String {
    use aws_sdk_ec2::types::{ResourceType, Tag, TagSpecification};
    let mut spec = TagSpecification::builder().resource_type(ResourceType::Instance);
    for (key, value) in tags {
        spec = spec.tags(Tag::builder().key(*key).value(*value).build());
    }
    let mut request = ec2
        .run_instances()
        .image_id("ami-0abcdef1234567890")
        .instance_type(aws_sdk_ec2::types::InstanceType::T3Micro)
        .min_count(1)
        .max_count(1);
    if !tags.is_empty() {
        request = request.tag_specifications(spec.build());
    }
    request
        .send()
        .await
        .expect("run an instance")
        .instances
        .and_then(|i| i.into_iter().next())
        .and_then(|i| i.instance_id)
        .expect("an instance ID")
}

/// The IDs of the seeded instances.
struct Seeded {
    staging: String,
    production: String,
    untagged: String,
    dev: String,
    bare: String,
}

async fn seed(moto: &MotoServer) -> Seeded {
    use aws_sdk_guardduty::types::{DetectorFeature, DetectorFeatureConfiguration, FeatureStatus};
    use aws_sdk_ssm::types::{
        MaintenanceWindowResourceType, MaintenanceWindowTaskType, OperatingSystem, PatchFilter,
        PatchFilterGroup, PatchFilterKey, PatchRule, PatchRuleGroup, Target,
    };

    let sdk_seeded = sdk(moto, SEEDED).await;
    let ec2 = aws_sdk_ec2::Client::new(&sdk_seeded);
    let staging = launch(&ec2, &[("Name", "web-stg"), ("Patch Group", "staging")]).await;
    let production = launch(&ec2, &[("Name", "web-prod"), ("Patch Group", "production")]).await;
    let untagged = launch(&ec2, &[]).await;
    let dev = launch(&ec2, &[("Patch Group", "dev")]).await;
    let bare = launch(&aws_sdk_ec2::Client::new(&sdk(moto, BARE).await), &[]).await;

    aws_sdk_guardduty::Client::new(&sdk_seeded)
        .create_detector()
        .enable(true)
        .features(
            DetectorFeatureConfiguration::builder()
                .name(DetectorFeature::EbsMalwareProtection)
                .status(FeatureStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .expect("create a GuardDuty detector with malware protection");

    let ssm = aws_sdk_ssm::Client::new(&sdk_seeded);
    let rules = |days: i32| {
        PatchRuleGroup::builder()
            .patch_rules(
                PatchRule::builder()
                    .approve_after_days(days)
                    .patch_filter_group(
                        PatchFilterGroup::builder()
                            .patch_filters(
                                PatchFilter::builder()
                                    .key(PatchFilterKey::Classification)
                                    .values("Security")
                                    .build()
                                    .expect("a patch filter"),
                            )
                            .build()
                            .expect("a patch filter group"),
                    )
                    .build(),
            )
            .build()
            .expect("a patch rule group")
    };
    for (name, days, group) in [
        ("AL2023-Staging", 0, "staging"),
        ("AL2023-Production", 7, "production"),
    ] {
        let baseline = ssm
            .create_patch_baseline()
            .name(name)
            .operating_system(OperatingSystem::AmazonLinux2023)
            .approval_rules(rules(days))
            .send()
            .await
            .expect("create a patch baseline")
            .baseline_id
            .expect("a baseline ID");
        ssm.register_patch_baseline_for_patch_group()
            .baseline_id(&baseline)
            .patch_group(group)
            .send()
            .await
            .expect("register the baseline for its patch group");
    }

    // A window patching the staging group only.
    let window = ssm
        .create_maintenance_window()
        .name("staging-patch")
        .schedule("cron(0 2 ? * SUN *)")
        .duration(3)
        .cutoff(1)
        .allow_unassociated_targets(false)
        .send()
        .await
        .expect("create a maintenance window")
        .window_id
        .expect("a window ID");
    let window_target = ssm
        .register_target_with_maintenance_window()
        .window_id(&window)
        .resource_type(MaintenanceWindowResourceType::Instance)
        .targets(
            Target::builder()
                .key("tag:Patch Group")
                .values("staging")
                .build(),
        )
        .send()
        .await
        .expect("register the window's target")
        .window_target_id
        .expect("a window target ID");
    ssm.register_task_with_maintenance_window()
        .window_id(&window)
        .task_arn("AWS-RunPatchBaseline")
        .task_type(MaintenanceWindowTaskType::RunCommand)
        .targets(
            Target::builder()
                .key("WindowTargetIds")
                .values(&window_target)
                .build(),
        )
        .max_concurrency("1")
        .max_errors("1")
        .send()
        .await
        .expect("register the patch task");

    Seeded {
        staging,
        production,
        untagged,
        dev,
        bare,
    }
}

fn audit(moto: &MotoServer, dir: &std::path::Path) -> Report {
    let endpoint = moto.endpoint();
    let output = dir.join("report.json");
    let mut command = kensa();
    command
        .current_dir(dir)
        .args(["audit", "--endpoint-url", &endpoint])
        .args(["--region", SEEDED, "--region", BARE])
        .args(["--requirement", "SVC-4", "--requirement", "MAL-1"])
        .args(["--format", "json", "--output"])
        .arg(&output);
    let outcome = run(&mut command);
    assert_eq!(
        outcome.code,
        Some(1),
        "FAILs and ERRORs make kensa exit 1\n{}",
        outcome.describe()
    );
    read_report(outcome, &output)
}

/// The one finding of `check` about `resource`.
fn finding<'a>(report: &'a Value, check: &str, resource: &str) -> &'a Value {
    let matching: Vec<&Value> = findings(report)
        .iter()
        .filter(|f| str_of(f, "/check_id") == check && str_of(f, "/resource/id") == resource)
        .collect();
    assert_eq!(
        matching.len(),
        1,
        "expected one {check} finding about {resource}\n{}",
        listing(findings(report))
    );
    matching[0]
}

/// The finding is ERROR and names `call` as the call that failed.
fn assert_error_naming(f: &Value, call: &str) {
    assert_eq!(str_of(f, "/status"), "ERROR", "{f}");
    assert!(
        str_of(f, "/message/en").contains(&format!("{call} failed")),
        "{f}"
    );
    let operation = call.split_once(':').map(|(_, op)| op).unwrap_or(call);
    assert_eq!(
        str_of(f, "/evidence/failed_call/operation"),
        operation,
        "{f}"
    );
}

#[tokio::test]
async fn patching_and_anti_malware_against_moto() {
    let moto = MotoServer::start();
    let ids = seed(&moto).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let report = audit(&moto, dir.path());
    let json = &report.json;

    // Patch groups come from the instances' tags, which moto serves.
    assert_eq!(
        str_of(finding(json, "svc-patch-group", &ids.staging), "/status"),
        "PASS"
    );
    assert_eq!(
        str_of(finding(json, "svc-patch-group", &ids.production), "/status"),
        "PASS"
    );
    assert_eq!(
        str_of(finding(json, "svc-patch-group", &ids.untagged), "/status"),
        "FAIL"
    );
    assert_eq!(
        str_of(finding(json, "svc-patch-group", &ids.dev), "/status"),
        "FAIL"
    );
    assert_eq!(
        str_of(finding(json, "svc-patch-group", &ids.bare), "/status"),
        "FAIL"
    );
    let staging = finding(json, "svc-patch-group", &ids.staging);
    assert_eq!(
        str_of(staging, "/resource/name"),
        format!("web-stg ({})", ids.staging)
    );
    assert_eq!(str_of(staging, "/evidence/environment"), "verification");

    // Maintenance windows: moto serves the windows, targets and tasks. No
    // window targets the production group: FAIL. The staging window has a
    // patch task whose Operation only GetMaintenanceWindowTask tells, which
    // moto lacks: ERROR naming it.
    let production = finding(json, "svc-patch-maintenance-windows", "production");
    assert_eq!(str_of(production, "/status"), "FAIL", "{production}");
    assert!(
        str_of(production, "/message/en").contains(&ids.production),
        "{production}"
    );
    assert_error_naming(
        finding(json, "svc-patch-maintenance-windows", "staging"),
        "ssm:GetMaintenanceWindowTask",
    );
    assert_eq!(
        str_of(
            finding(json, "svc-patch-maintenance-windows", "dev"),
            "/status"
        ),
        "FAIL"
    );

    // The calls moto does not serve.
    for region in [SEEDED, BARE] {
        assert_error_naming(
            finding(json, "svc-patch-managed-instances", region),
            "ssm:DescribeInstanceInformation",
        );
        assert_error_naming(
            finding(json, "svc-patch-compliance", region),
            "ssm:DescribeInstanceInformation",
        );
        assert_error_naming(
            finding(json, "svc-patch-baselines", region),
            "ssm:DescribePatchGroups",
        );
        assert_error_naming(
            finding(json, "svc-patch-os-auto-update-off", region),
            "ssm:ListAssociations",
        );
    }

    // MAL-1: GuardDuty Malware Protection covers the seeded region's
    // instances; in the bare region only the inventory could tell, and
    // moto cannot list the managed instances.
    for id in [&ids.staging, &ids.production, &ids.untagged, &ids.dev] {
        let f = finding(json, "mal-anti-malware-agent", id);
        assert_eq!(str_of(f, "/status"), "PASS", "{f}");
        assert!(
            str_of(f, "/message/en").contains("GuardDuty Malware Protection"),
            "{f}"
        );
    }
    assert_error_naming(
        finding(json, "mal-anti-malware-agent", &ids.bare),
        "ssm:DescribeInstanceInformation",
    );
    let policy = findings(json)
        .iter()
        .find(|f| str_of(f, "/check_id") == "mal-anti-malware-policy")
        .unwrap_or_else(|| panic!("no policy finding\n{}", listing(findings(json))));
    assert_eq!(str_of(policy, "/status"), "MANUAL");
}
