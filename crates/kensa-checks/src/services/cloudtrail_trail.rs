//! SVC-7: a multi-region trail records management events, validates its
//! log files, delivers to CloudWatch Logs and to an S3 bucket that logs
//! access and is not public.

use std::collections::BTreeMap;

use kensa_snapshot::monitoring::{EventSelectors, Trail};
use kensa_snapshot::services::PublicAccessBlock;
use kensa_snapshot::{Collected, Missing};
use serde_json::json;

use super::join_gaps;
use crate::{
    Check, CheckMeta, Context, Finding, Resource, Severity, StaticText, Status, Text, text,
};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "svc-cloudtrail-trail",
        requirements: &["SVC-7"],
        severity: Severity::High,
        title: StaticText {
            en: "A multi-region CloudTrail trail records and protects activity logs",
            ja: "マルチリージョンの CloudTrail 証跡がアクティビティを記録し、ログを保護している",
        },
        description: StaticText {
            en: "At least one trail meets every condition: multi-region; logging; records \
                 management events, read and write, with no event source left out (basic or \
                 advanced selectors); log file validation on; delivers to a CloudWatch Logs group \
                 with no delivery error and a delivery within the last 24 hours; delivers to an S3 \
                 bucket with server access logging on, no public policy, no public ACL grant, and \
                 all four public access block settings on at bucket or account level. Verifying \
                 the digest chain of delivered logs is not part of this check.",
            ja: "少なくとも 1 つの証跡がすべての条件を満たすこと: マルチリージョン、ログ記録中、\
                 管理イベントを読み取り・書き込みとも除外なしで記録 (基本または高度なセレクター)、\
                 ログファイルの検証が有効、CloudWatch Logs のロググループへ配信しエラーがなく 24 時間以内に\
                 配信がある、S3 バケットへ配信し、そのバケットはサーバーアクセスログが有効で、公開ポリシーも\
                 公開 ACL もなく、パブリックアクセスブロックの 4 設定がバケットかアカウントで有効。\
                 配信済みログのダイジェストの検証はこのチェックに含まない。",
        },
        remediation: StaticText {
            en: "Create or fix a multi-region trail: start logging, record all management events, \
                 turn on log file validation, send it to CloudWatch Logs, and on its S3 bucket turn \
                 on server access logging and block public access.",
            ja: "マルチリージョン証跡を作成または修正する: ログ記録を開始し、すべての管理イベントを記録し、\
                 ログファイルの検証を有効にし、CloudWatch Logs へ送る。S3 バケットではサーバーアクセス\
                 ログを有効にし、パブリックアクセスをブロックする。",
        },
        cis_1_2: &["2.1", "2.2", "2.3", "2.4", "2.6"],
        // CloudTrail.3, .6 and .7 are the security controls of PCI.CloudTrail.2
        // and CIS 2.3 / 2.6, which this check decides too.
        fsbp: &[
            "CloudTrail.1",
            "CloudTrail.3",
            "CloudTrail.4",
            "CloudTrail.5",
            "CloudTrail.6",
            "CloudTrail.7",
        ],
        pci_dss: &["PCI.CloudTrail.2", "PCI.CloudTrail.3", "PCI.CloudTrail.4"],
        differs_from_frameworks: None,
    },
    run,
};

/// CloudTrail delivers to CloudWatch Logs within minutes; a day without a
/// delivery means the integration is broken.
const CLOUDWATCH_DELIVERY_MAX_AGE_HOURS: i64 = 24;

/// Whether the selectors record read and write management events from
/// every source.
pub fn records_all_management_events(selectors: &EventSelectors) -> bool {
    let (mut read, mut write) = (false, false);
    for s in &selectors.basic {
        if !s.include_management_events || !s.exclude_management_event_sources.is_empty() {
            continue;
        }
        match s.read_write_type.as_str() {
            "All" => (read, write) = (true, true),
            "ReadOnly" => read = true,
            "WriteOnly" => write = true,
            _ => {}
        }
    }
    for s in &selectors.advanced {
        let field = |name: &str| s.field_selectors.iter().find(|f| f.field == name);
        let management =
            field("eventCategory").is_some_and(|f| f.equals.iter().any(|v| v == "Management"));
        // Any condition other than the category and readOnly narrows the
        // sources (eventSource NotEquals kms...), which the sheet does not allow.
        let narrowed = s
            .field_selectors
            .iter()
            .any(|f| f.field != "eventCategory" && f.field != "readOnly");
        if !management || narrowed {
            continue;
        }
        match field("readOnly") {
            None => (read, write) = (true, true),
            Some(f) => {
                read |= f.equals.iter().any(|v| v == "true");
                write |= f.equals.iter().any(|v| v == "false");
            }
        }
    }
    read && write
}

/// A trail's verdict inputs: what it lacks, and the calls that could not be read.
struct Judged {
    gaps: Vec<Text>,
    unread: Vec<String>,
}

fn note_unread<T>(unread: &mut Vec<String>, value: &Collected<T>, call: &str) {
    if value.value().is_none() {
        unread.push(match value.get() {
            Err(Missing::Failed(e)) => format!("{} ({}: {})", e.call(), e.code, e.message),
            _ => format!("{call} (not collected)"),
        });
    }
}

fn judge(ctx: &Context<'_>, trail: &Trail) -> Judged {
    let mut gaps = Vec::new();
    let mut unread = Vec::new();
    if !trail.is_multi_region_trail {
        gaps.push(text!(
            "it is not multi-region",
            "マルチリージョンではありません"
        ));
    }
    note_unread(&mut unread, &trail.status, "cloudtrail:GetTrailStatus");
    if let Some(status) = trail.status.value()
        && !status.is_logging
    {
        gaps.push(text!("it is not logging", "ログ記録が停止しています"));
    }
    note_unread(
        &mut unread,
        &trail.event_selectors,
        "cloudtrail:GetEventSelectors",
    );
    if let Some(selectors) = trail.event_selectors.value()
        && !records_all_management_events(selectors)
    {
        gaps.push(text!(
            "it does not record all read and write management events",
            "読み取り・書き込みのすべての管理イベントを記録していません"
        ));
    }
    if !trail.log_file_validation_enabled {
        gaps.push(text!(
            "log file validation is off",
            "ログファイルの検証が無効です"
        ));
    }
    if trail.cloud_watch_logs_log_group_arn.is_none() {
        gaps.push(text!(
            "it does not deliver to CloudWatch Logs",
            "CloudWatch Logs に配信していません"
        ));
    } else if let Some(status) = trail.status.value() {
        if let Some(error) = &status.latest_cloud_watch_logs_delivery_error {
            gaps.push(text!(
                "its last CloudWatch Logs delivery failed ({error})",
                "最後の CloudWatch Logs への配信が失敗しています ({error})"
            ));
        } else {
            let recent = status
                .latest_cloud_watch_logs_delivery_time
                .is_some_and(|t| (ctx.now - t).num_hours() < CLOUDWATCH_DELIVERY_MAX_AGE_HOURS);
            if !recent {
                gaps.push(text!(
                    "it delivered nothing to CloudWatch Logs in the last 24 hours",
                    "過去 24 時間に CloudWatch Logs への配信がありません"
                ));
            }
        }
    }
    match trail.s3_bucket_name.as_deref() {
        None => gaps.push(text!("it does not deliver to S3", "S3 に配信していません")),
        Some(name) => bucket_gaps(ctx, name, &mut gaps, &mut unread),
    }
    Judged { gaps, unread }
}

fn bucket_gaps(ctx: &Context<'_>, name: &str, gaps: &mut Vec<Text>, unread: &mut Vec<String>) {
    let buckets = &ctx.snapshot.trail_buckets;
    let Some(bucket) = buckets.buckets.get(name) else {
        unread.push(format!("s3:GetBucketLogging for {name} (not collected)"));
        return;
    };
    note_unread(unread, &bucket.logging_target, "s3:GetBucketLogging");
    if let Some(None) = bucket.logging_target.value() {
        gaps.push(text!(
            "bucket {name} has server access logging off",
            "バケット {name} のサーバーアクセスログが無効です"
        ));
    }
    note_unread(unread, &bucket.policy_is_public, "s3:GetBucketPolicyStatus");
    if bucket.policy_is_public.value() == Some(&true) {
        gaps.push(text!(
            "bucket {name} has a public policy",
            "バケット {name} のポリシーが公開されています"
        ));
    }
    note_unread(unread, &bucket.public_acl_grants, "s3:GetBucketAcl");
    if let Some(grants) = bucket.public_acl_grants.value().filter(|g| !g.is_empty()) {
        let list = grants.join(", ");
        gaps.push(text!(
            "bucket {name} grants public access by ACL ({list})",
            "バケット {name} は ACL で公開アクセスを許可しています ({list})"
        ));
    }
    let all_on =
        |b: &Collected<Option<PublicAccessBlock>>| b.value().map(|b| b.is_some_and(|b| b.all_on()));
    match (
        all_on(&bucket.public_access_block),
        all_on(&buckets.account_public_access_block),
    ) {
        (Some(true), _) | (_, Some(true)) => {}
        (Some(false), Some(false)) => gaps.push(text!(
            "bucket {name} is not covered by a full public access block (bucket or account)",
            "バケット {name} はパブリックアクセスブロック (バケットまたはアカウント) で完全には保護されていません"
        )),
        (bucket_block, _) => {
            if bucket_block.is_none() {
                note_unread(unread, &bucket.public_access_block, "s3:GetPublicAccessBlock");
            } else {
                note_unread(
                    unread,
                    &buckets.account_public_access_block,
                    "s3control:GetPublicAccessBlock",
                );
            }
        }
    }
}

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
    let account = ctx.account_resource("AWS::::Account", "CloudTrail");
    // A multi-region trail shows in every region; each is judged once.
    let mut trails: BTreeMap<&str, &Trail> = BTreeMap::new();
    let mut unreadable_regions = Vec::new();
    for region in &ctx.snapshot.audited_regions {
        match ctx
            .snapshot
            .regions
            .get(region)
            .map(|r| r.monitoring.trails.get())
        {
            Some(Ok(list)) => trails.extend(list.iter().map(|t| (t.arn.as_str(), t))),
            Some(Err(m)) => unreadable_regions.push((region.as_str(), Some(m))),
            None => unreadable_regions.push((region.as_str(), None)),
        }
    }
    let judged: Vec<(&Trail, Judged)> = trails.values().map(|t| (*t, judge(ctx, t))).collect();
    let evidence = json!({
        "trails": judged.iter().map(|(t, j)| json!({
            "trail": t,
            "gaps": j.gaps.iter().map(|g| &g.en).collect::<Vec<_>>(),
            "not_read": j.unread,
            "bucket": t.s3_bucket_name.as_deref().and_then(|b| ctx.snapshot.trail_buckets.buckets.get(b)),
        })).collect::<Vec<_>>(),
        "account_public_access_block": ctx.snapshot.trail_buckets.account_public_access_block,
        "regions_not_read": unreadable_regions.iter().map(|(r, _)| r).collect::<Vec<_>>(),
    });
    if let Some((trail, _)) = judged
        .iter()
        .find(|(_, j)| j.gaps.is_empty() && j.unread.is_empty())
    {
        let name = &trail.name;
        return vec![meta.finding(
            Status::Pass,
            trail_resource(trail),
            text!(
                "Trail {name} is multi-region, logs all management events, validates log files \
                 and delivers to CloudWatch Logs and a protected, access-logged bucket",
                "証跡 {name} はマルチリージョンで全管理イベントを記録し、ログファイルを検証し、\
                 CloudWatch Logs と保護されアクセスログのあるバケットに配信しています"
            ),
            evidence,
        )];
    }
    // No trail passes. Any trail that might pass once read makes it ERROR.
    if let Some((trail, judged)) = judged
        .iter()
        .find(|(_, j)| j.gaps.is_empty() && !j.unread.is_empty())
    {
        let name = &trail.name;
        let calls = judged.unread.join("; ");
        return vec![meta.finding(
            Status::Error,
            trail_resource(trail),
            text!(
                "Could not decide for trail {name}: {calls}",
                "証跡 {name} を判定できません: {calls}"
            ),
            evidence,
        )];
    }
    // A passing trail is multi-region, so it shows in every region that
    // could be read; only when no region could be read is it unknown.
    if unreadable_regions.len() == ctx.snapshot.audited_regions.len()
        && let Some((_, missing)) = unreadable_regions.first()
    {
        return vec![meta.missing(
            account,
            missing.unwrap_or(Missing::NotCollected),
            "cloudtrail:DescribeTrails",
        )];
    }
    if judged.is_empty() {
        return vec![meta.finding(
            Status::Fail,
            account,
            text!(
                "The account has no CloudTrail trail",
                "アカウントに CloudTrail の証跡がありません"
            ),
            evidence,
        )];
    }
    let per_trail: Vec<Text> = judged
        .iter()
        .map(|(t, j)| {
            let name = &t.name;
            let gaps = join_gaps(&j.gaps);
            let (en, ja) = (&gaps.en, &gaps.ja);
            text!("trail {name}: {en}", "証跡 {name}: {ja}")
        })
        .collect();
    let list = Text {
        en: per_trail
            .iter()
            .map(|t| t.en.as_str())
            .collect::<Vec<_>>()
            .join(" | "),
        ja: per_trail
            .iter()
            .map(|t| t.ja.as_str())
            .collect::<Vec<_>>()
            .join(" | "),
    };
    let (en, ja) = (&list.en, &list.ja);
    let resource = match judged.as_slice() {
        [(only, _)] => trail_resource(only),
        _ => account,
    };
    vec![meta.finding(
        Status::Fail,
        resource,
        text!(
            "No trail meets SVC-7: {en}",
            "SVC-7 を満たす証跡がありません: {ja}"
        ),
        evidence,
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::fixtures::{days_ago, now, run_check};
    use crate::services::fixtures::*;
    use kensa_snapshot::Snapshot;
    use kensa_snapshot::monitoring::{
        AdvancedEventSelector, EventSelector, FieldSelector, TrailStatus,
    };
    use kensa_snapshot::services::Bucket;

    const BUCKET: &str = "org-cloudtrail-logs";

    fn good_trail() -> Trail {
        Trail {
            name: "org-trail".into(),
            arn: "arn:aws:cloudtrail:ap-northeast-1:123456789012:trail/org-trail".into(),
            home_region: REGION.into(),
            is_multi_region_trail: true,
            include_global_service_events: true,
            log_file_validation_enabled: true,
            is_organization_trail: false,
            cloud_watch_logs_log_group_arn: Some(
                "arn:aws:logs:ap-northeast-1:123456789012:log-group:CloudTrail/org:*".into(),
            ),
            cloud_watch_logs_role_arn: Some("arn:aws:iam::123456789012:role/ct-logs".into()),
            s3_bucket_name: Some(BUCKET.into()),
            s3_key_prefix: None,
            kms_key_id: None,
            status: Collected::Value(TrailStatus {
                is_logging: true,
                latest_delivery_time: Some(now() - chrono::Duration::minutes(5)),
                latest_delivery_error: None,
                latest_cloud_watch_logs_delivery_time: Some(now() - chrono::Duration::minutes(3)),
                latest_cloud_watch_logs_delivery_error: None,
            }),
            event_selectors: Collected::Value(EventSelectors {
                basic: vec![EventSelector {
                    read_write_type: "All".into(),
                    include_management_events: true,
                    exclude_management_event_sources: vec![],
                }],
                advanced: vec![],
            }),
        }
    }

    fn good_bucket() -> Bucket {
        Bucket {
            logging_target: Collected::Value(Some("org-access-logs".into())),
            policy_is_public: Collected::Value(false),
            public_acl_grants: Collected::Value(vec![]),
            public_access_block: Collected::Value(Some(PublicAccessBlock {
                block_public_acls: true,
                ignore_public_acls: true,
                block_public_policy: true,
                restrict_public_buckets: true,
            })),
        }
    }

    fn account(trails: Vec<Trail>, bucket: Bucket) -> Snapshot {
        let mut s = snapshot(vec![(REGION, Default::default())]);
        if let Some(r) = s.regions.get_mut(REGION) {
            r.monitoring.trails = Collected::Value(trails);
        }
        s.trail_buckets.buckets.insert(BUCKET.into(), bucket);
        s.trail_buckets.account_public_access_block = Collected::Value(None);
        s
    }

    fn verdict(s: &Snapshot) -> (Status, String, String) {
        let f = run_check(&CHECK, s);
        assert_eq!(f.len(), 1, "{f:?}");
        (
            f[0].status,
            f[0].message.en.clone(),
            f[0].message.ja.clone(),
        )
    }

    #[test]
    fn a_trail_meeting_everything_passes() {
        let (status, en, _) = verdict(&account(vec![good_trail()], good_bucket()));
        assert_eq!(status, Status::Pass, "{en}");
        assert_eq!(
            en,
            "Trail org-trail is multi-region, logs all management events, validates log files \
             and delivers to CloudWatch Logs and a protected, access-logged bucket"
        );
    }

    #[test]
    fn each_trail_gap_is_named() {
        let mut trail = good_trail();
        trail.is_multi_region_trail = false;
        trail.log_file_validation_enabled = false;
        trail.status = Collected::Value(TrailStatus {
            is_logging: false,
            latest_cloud_watch_logs_delivery_time: Some(days_ago(3)),
            ..TrailStatus::default()
        });
        trail.event_selectors = Collected::Value(EventSelectors {
            basic: vec![EventSelector {
                read_write_type: "WriteOnly".into(),
                include_management_events: true,
                exclude_management_event_sources: vec![],
            }],
            advanced: vec![],
        });
        let mut bucket = good_bucket();
        bucket.logging_target = Collected::Value(None);
        bucket.policy_is_public = Collected::Value(true);
        bucket.public_acl_grants = Collected::Value(vec![
            "http://acs.amazonaws.com/groups/global/AllUsers READ".into(),
        ]);
        bucket.public_access_block = Collected::Value(None);
        let (status, en, ja) = verdict(&account(vec![trail], bucket));
        assert_eq!(status, Status::Fail);
        assert_eq!(
            en,
            "No trail meets SVC-7: trail org-trail: it is not multi-region; it is not logging; \
             it does not record all read and write management events; log file validation is \
             off; it delivered nothing to CloudWatch Logs in the last 24 hours; bucket \
             org-cloudtrail-logs has server access logging off; bucket org-cloudtrail-logs has a \
             public policy; bucket org-cloudtrail-logs grants public access by ACL \
             (http://acs.amazonaws.com/groups/global/AllUsers READ); bucket org-cloudtrail-logs \
             is not covered by a full public access block (bucket or account)"
        );
        assert!(ja.starts_with(
            "SVC-7 を満たす証跡がありません: 証跡 org-trail: マルチリージョンではありません、"
        ));
    }

    #[test]
    fn only_log_file_validation_off_fails() {
        let mut trail = good_trail();
        trail.log_file_validation_enabled = false;
        trail.cloud_watch_logs_log_group_arn = None;
        let (status, en, _) = verdict(&account(vec![trail], good_bucket()));
        assert_eq!(status, Status::Fail);
        assert_eq!(
            en,
            "No trail meets SVC-7: trail org-trail: log file validation is off; it does not \
             deliver to CloudWatch Logs"
        );
    }

    #[test]
    fn no_trail_fails_and_an_account_block_covers_the_bucket() {
        let (status, en, _) = verdict(&account(vec![], good_bucket()));
        assert_eq!(
            (status, en.as_str()),
            (Status::Fail, "The account has no CloudTrail trail")
        );

        let mut bucket = good_bucket();
        bucket.public_access_block = Collected::Value(None);
        let mut s = account(vec![good_trail()], bucket);
        s.trail_buckets.account_public_access_block = Collected::Value(Some(PublicAccessBlock {
            block_public_acls: true,
            ignore_public_acls: true,
            block_public_policy: true,
            restrict_public_buckets: true,
        }));
        assert_eq!(verdict(&s).0, Status::Pass);
    }

    #[test]
    fn unread_parts_are_errors_unless_something_else_fails() {
        let mut trail = good_trail();
        trail.status = Collected::Error(not_implemented("cloudtrail", "GetTrailStatus"));
        let (status, en, _) = verdict(&account(vec![trail.clone()], good_bucket()));
        assert_eq!(status, Status::Error);
        assert_eq!(
            en,
            "Could not decide for trail org-trail: cloudtrail:GetTrailStatus (InvalidAction: \
             GetTrailStatus is not implemented)"
        );
        trail.log_file_validation_enabled = false;
        assert_eq!(
            verdict(&account(vec![trail], good_bucket())).0,
            Status::Fail
        );

        let mut bucket = good_bucket();
        bucket.public_access_block =
            Collected::Error(not_implemented("s3", "GetPublicAccessBlock"));
        let mut s = account(vec![good_trail()], bucket);
        s.trail_buckets.account_public_access_block =
            Collected::Error(not_implemented("s3control", "GetPublicAccessBlock"));
        let (status, en, _) = verdict(&s);
        assert_eq!(status, Status::Error);
        assert!(en.contains("s3:GetPublicAccessBlock"), "{en}");

        let mut s = account(vec![], good_bucket());
        if let Some(r) = s.regions.get_mut(REGION) {
            r.monitoring.trails = Collected::Error(not_implemented("cloudtrail", "DescribeTrails"));
        }
        let (status, en, _) = verdict(&s);
        assert_eq!(status, Status::Error);
        assert!(en.contains("cloudtrail:DescribeTrails failed"), "{en}");
    }

    #[test]
    fn management_events_by_selectors() {
        let advanced = |fields: Vec<FieldSelector>| EventSelectors {
            basic: vec![],
            advanced: vec![AdvancedEventSelector {
                name: Some("mgmt".into()),
                field_selectors: fields,
            }],
        };
        let field = |name: &str, equals: &[&str]| FieldSelector {
            field: name.into(),
            equals: equals.iter().map(|v| (*v).to_owned()).collect(),
            ..FieldSelector::default()
        };
        assert!(records_all_management_events(&advanced(vec![field(
            "eventCategory",
            &["Management"]
        )])));
        assert!(!records_all_management_events(&advanced(vec![
            field("eventCategory", &["Management"]),
            field("readOnly", &["false"]),
        ])));
        let mut excluding_kms = field("eventSource", &[]);
        excluding_kms.not_equals = vec!["kms.amazonaws.com".into()];
        assert!(!records_all_management_events(&advanced(vec![
            field("eventCategory", &["Management"]),
            excluding_kms,
        ])));
        let basic = |pairs: &[(&str, bool)]| EventSelectors {
            basic: pairs
                .iter()
                .map(|(rw, mgmt)| EventSelector {
                    read_write_type: (*rw).into(),
                    include_management_events: *mgmt,
                    exclude_management_event_sources: vec![],
                })
                .collect(),
            advanced: vec![],
        };
        assert!(records_all_management_events(&basic(&[
            ("ReadOnly", true),
            ("WriteOnly", true)
        ])));
        assert!(!records_all_management_events(&basic(&[("All", false)])));
    }
}
