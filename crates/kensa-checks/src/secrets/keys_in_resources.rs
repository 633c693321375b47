//! IAM-9: no AWS access key is kept as text in user data, environment
//! variables, task definitions, stack parameters and outputs, or SSM
//! parameters.

use std::collections::BTreeMap;

use kensa_snapshot::secrets::{
    KeyMaterial, KeyOwner, ScannedResource, SecretSource, Secrets, Sighting, Unscanned,
};
use kensa_snapshot::{CallError, Missing};
use serde_json::{Map, Value, json};

use crate::network::region_resource;
use crate::services::regional_arn;
use crate::{
    Check, CheckMeta, Context, Finding, Resource, Severity, StaticText, Status, Text, text,
};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "iam-keys-in-resources",
        requirements: &["IAM-9"],
        severity: Severity::Critical,
        title: StaticText {
            en: "No access key is kept as text in AWS resources",
            ja: "AWS リソースにアクセスキーが平文で保存されていない",
        },
        description: StaticText {
            en: "In every audited region, kensa scans EC2 user data (of instances and of every launch \
                 template version; base64, gzip and MIME multi-part are decoded), Lambda environment \
                 variables (every version), ECS task definitions (the latest ACTIVE revision of each \
                 family: container environment, command and entry point), CloudFormation stack \
                 parameters and outputs (NoEcho parameters come back masked), and SSM parameters of \
                 type String and StringList, for AWS access key IDs (AKIA or ASIA and 16 more \
                 characters) and secret access keys (40 characters, written under a secret-like \
                 name such as aws_secret_access_key or near a key ID). A resource holding either \
                 fails; the finding names the field, variable or line and, when the key ID is one \
                 of this account's IAM users' keys, the user. Keys are always shown redacted, and \
                 the snapshot holds only the redacted form. A kind of resource that could not be \
                 read is ERROR naming the call; reading SSM parameter values needs \
                 ssm:GetParameters, which the SecurityAudit policy does not grant. Keys in files \
                 and Git history are outside this check.",
            ja: "監査するすべてのリージョンで、EC2 のユーザーデータ (インスタンスと起動テンプレートの全\
                 バージョン。base64・gzip・MIME マルチパートは復号する)、Lambda の環境変数 (全バージョン)、\
                 ECS タスク定義 (各ファミリーの最新の ACTIVE リビジョンのコンテナー環境変数・コマンド・\
                 エントリーポイント)、CloudFormation スタックのパラメータと出力 (NoEcho のパラメータは\
                 マスクされて返る)、String と StringList 型の SSM パラメータから、AWS のアクセスキー ID \
                 (AKIA または ASIA に続く 16 文字) とシークレットアクセスキー (aws_secret_access_key の\
                 ようなシークレットを示す名前の下、またはアクセスキー ID の近くに書かれた 40 文字) を探す。\
                 どちらかを含むリソースは不合格とし、結果には項目・変数・行と、キー ID がこのアカウントの \
                 IAM ユーザーのキーであればそのユーザーを示す。キーは常に伏せ字で示し、スナップショットにも\
                 伏せ字の形しか保存しない。読み取れなかった種類のリソースは呼び出しを示して ERROR とする。\
                 SSM パラメータの値の読み取りには ssm:GetParameters が必要で、SecurityAudit ポリシーには\
                 含まれない。ファイルや Git 履歴のキーはこのチェックの対象外。",
        },
        remediation: StaticText {
            en: "Treat the key as exposed: deactivate and delete it (anyone who can read the resource \
                 can read it), check CloudTrail for its use, then give the workload an IAM role \
                 instead (an instance profile for EC2, the execution role for Lambda, a task role for \
                 ECS) and keep any other secret in Secrets Manager or an SSM SecureString parameter. \
                 Delete the old launch template versions and task definition revisions that hold it.",
            ja: "キーは漏えいしたものとして扱う: 無効化して削除し (リソースを読める人は誰でもキーを読める)、\
                 CloudTrail でその使用を確認したうえで、ワークロードには IAM ロール (EC2 はインスタンス\
                 プロファイル、Lambda は実行ロール、ECS はタスクロール) を使わせ、その他のシークレットは \
                 Secrets Manager か SSM の SecureString パラメータに保存する。キーを含む古い起動テンプレートの\
                 バージョンやタスク定義のリビジョンも削除する。",
        },
        // FSBP ECS.8 and CodeBuild.2 look at variable names (AWS_ACCESS_KEY_ID...) in ECS and
        // CodeBuild only; this check reads values everywhere else too, so it maps to neither.
        cis_1_2: &[],
        fsbp: &[],
        pci_dss: &[],
        differs_from_frameworks: None,
    },
    run,
};

/// What the kinds of resource are called in messages and evidence.
fn source_names(source: SecretSource) -> (&'static str, &'static str, &'static str) {
    // (evidence key, English, Japanese)
    match source {
        SecretSource::Instances => ("ec2_instances", "EC2 instances", "EC2 インスタンス"),
        SecretSource::LaunchTemplates => (
            "launch_template_versions",
            "launch template versions",
            "起動テンプレートのバージョン",
        ),
        SecretSource::LambdaFunctions => (
            "lambda_function_versions",
            "Lambda function versions",
            "Lambda 関数のバージョン",
        ),
        SecretSource::EcsTaskDefinitions => (
            "ecs_task_definitions",
            "ECS task definitions",
            "ECS タスク定義",
        ),
        SecretSource::CloudFormationStacks => (
            "cloudformation_stacks",
            "CloudFormation stacks",
            "CloudFormation スタック",
        ),
        SecretSource::SsmParameters => ("ssm_parameters", "SSM parameters", "SSM パラメータ"),
    }
}

/// One resource of a kind, in a message.
fn resource_noun(source: SecretSource) -> (&'static str, &'static str) {
    match source {
        SecretSource::Instances => ("EC2 instance", "EC2 インスタンス"),
        SecretSource::LaunchTemplates => ("Launch template", "起動テンプレート"),
        SecretSource::LambdaFunctions => ("Lambda function", "Lambda 関数"),
        SecretSource::EcsTaskDefinitions => ("ECS task definition", "ECS タスク定義"),
        SecretSource::CloudFormationStacks => ("CloudFormation stack", "CloudFormation スタック"),
        SecretSource::SsmParameters => ("SSM parameter", "SSM パラメータ"),
    }
}

fn resource(
    ctx: &Context<'_>,
    region: &str,
    source: SecretSource,
    scanned: &ScannedResource,
) -> Resource {
    let arn = scanned.arn.clone().or_else(|| match source {
        SecretSource::Instances => {
            regional_arn(ctx, region, "ec2", &format!("instance/{}", scanned.id))
        }
        SecretSource::LaunchTemplates => regional_arn(
            ctx,
            region,
            "ec2",
            &format!("launch-template/{}", scanned.id),
        ),
        _ => None,
    });
    Resource {
        kind: source.resource_type().to_owned(),
        id: scanned.id.clone(),
        arn,
        name: Some(scanned.name.clone().unwrap_or_else(|| scanned.id.clone())),
        region: region.to_owned(),
    }
}

/// Where in the resource: `UserData, line 3`, `Environment.Variables AWS_SECRET_ACCESS_KEY`.
fn place(s: &Sighting) -> Text {
    let mut en = s.location.clone();
    let mut ja = s.location.clone();
    if let Some(field) = &s.field {
        en.push_str(&format!(" {field}"));
        ja.push_str(&format!(" の {field}"));
    }
    if let Some(name) = &s.name {
        en.push_str(&format!(" ({name})"));
        ja.push_str(&format!(" ({name})"));
    }
    if let Some(line) = s.line {
        en.push_str(&format!(", line {line}"));
        ja.push_str(&format!(" の {line} 行目"));
    }
    Text { en, ja }
}

fn owner(owner: Option<&KeyOwner>) -> Text {
    match owner {
        Some(KeyOwner::IamUser {
            user_name,
            key_status,
            ..
        }) => text!(
            ", a key of IAM user {user_name} ({key_status})",
            " (IAM ユーザー {user_name} のキー、{key_status})"
        ),
        Some(KeyOwner::Temporary) => {
            text!(", temporary (STS) credentials", " (STS の一時的な認証情報)")
        }
        Some(KeyOwner::NotInAccount) => text!(
            ", not a key of any IAM user of this account",
            " (このアカウントの IAM ユーザーのキーではない)"
        ),
        Some(KeyOwner::Unknown) => text!(
            ", owner unknown: the IAM users' keys could not all be read",
            " (IAM ユーザーのキーをすべては読み取れず、所有者は不明)"
        ),
        None => Text::new("", ""),
    }
}

/// One sighting in a FAIL message.
fn describe(s: &Sighting) -> Text {
    let Text {
        en: place_en,
        ja: place_ja,
    } = place(s);
    let redacted = &s.redacted;
    match s.kind {
        KeyMaterial::AccessKeyId => {
            let Text {
                en: owner_en,
                ja: owner_ja,
            } = owner(s.key_owner.as_ref());
            text!(
                "access key ID {redacted} in {place_en}{owner_en}",
                "{place_ja} にアクセスキー ID {redacted}{owner_ja}"
            )
        }
        KeyMaterial::SecretAccessKey => match &s.key_id {
            Some(id) => text!(
                "secret access key {redacted} (of {id}) in {place_en}",
                "{place_ja} に {id} のシークレットアクセスキー {redacted}"
            ),
            None => text!(
                "secret access key {redacted} in {place_en}",
                "{place_ja} にシークレットアクセスキー {redacted}"
            ),
        },
    }
}

fn fail(
    ctx: &Context<'_>,
    region: &str,
    source: SecretSource,
    scanned: &ScannedResource,
    sightings: &[&Sighting],
) -> Finding {
    let (noun_en, noun_ja) = resource_noun(source);
    let id = &scanned.id;
    let items: Vec<Text> = sightings.iter().map(|s| describe(s)).collect();
    let items = crate::services::join_gaps(&items);
    let (items_en, items_ja) = (&items.en, &items.ja);
    CHECK.meta.finding(
        Status::Fail,
        resource(ctx, region, source, scanned),
        text!(
            "{noun_en} {id} keeps AWS access keys as text: {items_en}",
            "{noun_ja} {id} に AWS アクセスキーが平文で保存されています: {items_ja}"
        ),
        json!({ "source": source, "sightings": sightings }),
    )
}

/// `EC2 instances: 12, CloudFormation stacks: 3`.
fn counts_text(counts: &[(SecretSource, u64)]) -> Text {
    let en: Vec<String> = counts
        .iter()
        .map(|(source, n)| format!("{}: {n}", source_names(*source).1))
        .collect();
    let ja: Vec<String> = counts
        .iter()
        .map(|(source, n)| format!("{} {n} 件", source_names(*source).2))
        .collect();
    Text::new(en.join(", "), ja.join("、"))
}

/// Why a region could not be fully decided, in a message.
fn failure(source: SecretSource, missing: Missing<'_>) -> Text {
    match missing {
        Missing::Failed(error) => {
            let (call, code, detail) = (error.call(), &error.code, &error.message);
            text!(
                "{call} failed ({code}: {detail})",
                "{call} が失敗しました ({code}: {detail})"
            )
        }
        Missing::NotCollected => {
            let call = source.list_call();
            text!(
                "{call} was not collected in this snapshot",
                "このスナップショットには {call} の結果がありません"
            )
        }
    }
}

/// Items of one kind that were not (fully) scanned, grouped by what went wrong.
fn unscanned_failures(unscanned: &[Unscanned]) -> Vec<Text> {
    let mut groups: BTreeMap<(String, &str, &str), Vec<&str>> = BTreeMap::new();
    for item in unscanned {
        let e: &CallError = &item.error;
        groups
            .entry((e.call(), e.code.as_str(), e.message.as_str()))
            .or_default()
            .push(item.resource.id.as_str());
    }
    groups
        .into_iter()
        .map(|((call, code, detail), ids)| {
            let ids = ids.join(", ");
            text!(
                "{call} for {ids}: {code}: {detail}",
                "{call} ({ids}): {code}: {detail}"
            )
        })
        .collect()
}

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let meta = &CHECK.meta;
    let not_collected = Secrets::default();
    let mut findings = Vec::new();
    for region in &ctx.snapshot.audited_regions {
        let secrets = ctx
            .snapshot
            .regions
            .get(region)
            .map_or(&not_collected, |r| &r.secrets);
        let mut counts = Vec::new();
        let mut failures = Vec::new();
        let mut failed_calls = Vec::new();
        let mut unscanned = Vec::new();
        let mut sightings_in_region = 0;
        for (source, collected) in secrets.kinds() {
            let scan = match collected.get() {
                Ok(scan) => scan,
                Err(missing) => {
                    failures.push(failure(source, missing));
                    failed_calls.push(match missing {
                        Missing::Failed(error) => json!({ "failed_call": error }),
                        Missing::NotCollected => json!({ "not_collected": source.list_call() }),
                    });
                    continue;
                }
            };
            counts.push((source, scan.scanned));
            let mut by_resource: BTreeMap<&ScannedResource, Vec<&Sighting>> = BTreeMap::new();
            for sighting in &scan.sightings {
                by_resource
                    .entry(&sighting.resource)
                    .or_default()
                    .push(sighting);
            }
            sightings_in_region += scan.sightings.len();
            for (scanned, sightings) in by_resource {
                findings.push(fail(ctx, region, source, scanned, &sightings));
            }
            if !scan.unscanned.is_empty() {
                failures.extend(unscanned_failures(&scan.unscanned));
                unscanned.extend(scan.unscanned.iter());
            }
        }
        let scanned: Map<String, Value> = counts
            .iter()
            .map(|(source, n)| (source_names(*source).0.to_owned(), json!(n)))
            .collect();
        let Text {
            en: counts_en,
            ja: counts_ja,
        } = counts_text(&counts);
        if !failures.is_empty() {
            let Text {
                en: failures_en,
                ja: failures_ja,
            } = crate::services::join_gaps(&failures);
            let scanned_en = if counts.is_empty() {
                String::new()
            } else {
                format!("; scanned {counts_en}")
            };
            let scanned_ja = if counts.is_empty() {
                String::new()
            } else {
                format!(" (スキャン済み: {counts_ja})")
            };
            findings.push(meta.finding(
                Status::Error,
                region_resource(ctx, region),
                text!(
                    "Could not decide for {region}: {failures_en}{scanned_en}",
                    "{region} を判定できません: {failures_ja}{scanned_ja}"
                ),
                json!({ "scanned": scanned, "failures": failed_calls, "unscanned": unscanned }),
            ));
        } else if sightings_in_region == 0 {
            findings.push(meta.finding(
                Status::Pass,
                region_resource(ctx, region),
                text!(
                    "No access key is kept as text in {region}: scanned {counts_en}",
                    "{region} のリソースにアクセスキーは平文で保存されていません (スキャン済み: {counts_ja})"
                ),
                json!({ "scanned": scanned }),
            ));
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::fixtures::run_check;
    use kensa_snapshot::secrets::Scan;
    use kensa_snapshot::{Collected, Region, Snapshot};

    const REGION: &str = "ap-northeast-1";
    const KEY_ID: &str = "AKIA************4ID5";
    const SECRET: &str = "bX9s************************************";

    fn snapshot(secrets: Secrets) -> Snapshot {
        let mut s = crate::iam::fixtures::snapshot();
        s.audited_regions.push(REGION.into());
        s.regions.insert(
            REGION.into(),
            Region {
                secrets,
                ..Default::default()
            },
        );
        s
    }

    fn clean(scanned: u64) -> Collected<Scan> {
        Collected::Value(Scan {
            scanned,
            ..Default::default()
        })
    }

    fn all_clean() -> Secrets {
        Secrets {
            instances: clean(2),
            launch_templates: clean(3),
            lambda_functions: clean(1),
            ecs_task_definitions: clean(4),
            cloudformation_stacks: clean(5),
            ssm_parameters: clean(6),
        }
    }

    fn scanned(id: &str, arn: Option<&str>) -> ScannedResource {
        ScannedResource {
            id: id.into(),
            arn: arn.map(str::to_owned),
            name: None,
        }
    }

    /// A sighting at `location`; `field`, `name` and `line` as the scanner reports them.
    fn seen(
        resource: &ScannedResource,
        location: &str,
        field: Option<&str>,
        name: Option<&str>,
        line: Option<u64>,
        kind: KeyMaterial,
        owner: Option<KeyOwner>,
    ) -> Sighting {
        Sighting {
            resource: resource.clone(),
            location: location.into(),
            field: field.map(str::to_owned),
            name: name.map(str::to_owned),
            line,
            kind,
            redacted: match kind {
                KeyMaterial::AccessKeyId => KEY_ID.into(),
                KeyMaterial::SecretAccessKey => SECRET.into(),
            },
            key_id: Some(KEY_ID.into()),
            key_owner: owner,
        }
    }

    fn with(scanned: u64, sightings: Vec<Sighting>) -> Collected<Scan> {
        Collected::Value(Scan {
            scanned,
            sightings,
            unscanned: vec![],
        })
    }

    /// `(status, resource type, resource id, arn, English, Japanese)` of a finding.
    type Verdict = (Status, String, String, Option<String>, String, String);

    fn verdicts(secrets: Secrets) -> Vec<Verdict> {
        run_check(&CHECK, &snapshot(secrets))
            .into_iter()
            .map(|f| {
                (
                    f.status,
                    f.resource.kind,
                    f.resource.id,
                    f.resource.arn,
                    f.message.en,
                    f.message.ja,
                )
            })
            .collect()
    }

    #[test]
    fn a_clean_region_passes_with_what_was_scanned() {
        assert_eq!(
            verdicts(all_clean()),
            vec![(
                Status::Pass,
                "AWS::::Region".into(),
                REGION.into(),
                None,
                "No access key is kept as text in ap-northeast-1: scanned EC2 instances: 2, \
                 launch template versions: 3, Lambda function versions: 1, ECS task definitions: 4, \
                 CloudFormation stacks: 5, SSM parameters: 6"
                    .into(),
                "ap-northeast-1 のリソースにアクセスキーは平文で保存されていません (スキャン済み: \
                 EC2 インスタンス 2 件、起動テンプレートのバージョン 3 件、Lambda 関数のバージョン 1 件、\
                 ECS タスク定義 4 件、CloudFormation スタック 5 件、SSM パラメータ 6 件)"
                    .into(),
            )]
        );
        let findings = run_check(&CHECK, &snapshot(all_clean()));
        assert_eq!(
            findings[0].evidence,
            json!({ "scanned": {
                "ec2_instances": 2, "launch_template_versions": 3, "lambda_function_versions": 1,
                "ecs_task_definitions": 4, "cloudformation_stacks": 5, "ssm_parameters": 6
            }})
        );
    }

    #[test]
    fn user_data_of_an_instance_fails_and_names_the_owner() {
        let instance = scanned("i-0abc", None);
        let owner = KeyOwner::IamUser {
            user_name: "deploy".into(),
            user_arn: "arn:aws:iam::123456789012:user/deploy".into(),
            key_status: "Active".into(),
        };
        let secrets = Secrets {
            instances: with(
                2,
                vec![
                    seen(
                        &instance,
                        "UserData",
                        None,
                        Some("aws_access_key_id"),
                        Some(2),
                        KeyMaterial::AccessKeyId,
                        Some(owner),
                    ),
                    seen(
                        &instance,
                        "UserData",
                        None,
                        Some("aws_secret_access_key"),
                        Some(3),
                        KeyMaterial::SecretAccessKey,
                        None,
                    ),
                ],
            ),
            ..all_clean()
        };
        assert_eq!(
            verdicts(secrets),
            vec![(
                Status::Fail,
                "AWS::EC2::Instance".into(),
                "i-0abc".into(),
                Some("arn:aws:ec2:ap-northeast-1:123456789012:instance/i-0abc".into()),
                format!(
                    "EC2 instance i-0abc keeps AWS access keys as text: access key ID {KEY_ID} in \
                     UserData (aws_access_key_id), line 2, a key of IAM user deploy (Active); secret \
                     access key {SECRET} (of {KEY_ID}) in UserData (aws_secret_access_key), line 3"
                ),
                format!(
                    "EC2 インスタンス i-0abc に AWS アクセスキーが平文で保存されています: \
                     UserData (aws_access_key_id) の 2 行目 にアクセスキー ID {KEY_ID} (IAM ユーザー \
                     deploy のキー、Active)、UserData (aws_secret_access_key) の 3 行目 に {KEY_ID} の\
                     シークレットアクセスキー {SECRET}"
                ),
            )]
        );
    }

    #[test]
    fn every_other_source_fails_in_both_languages() {
        let template = ScannedResource {
            name: Some("web".into()),
            ..scanned("lt-0123", None)
        };
        let function = scanned(
            "batch:3",
            Some("arn:aws:lambda:ap-northeast-1:123456789012:function:batch:3"),
        );
        let task = scanned(
            "worker:7",
            Some("arn:aws:ecs:ap-northeast-1:123456789012:task-definition/worker:7"),
        );
        let stack = scanned(
            "network",
            Some("arn:aws:cloudformation:ap-northeast-1:123456789012:stack/network/uuid"),
        );
        let parameter = scanned(
            "/app/config",
            Some("arn:aws:ssm:ap-northeast-1:123456789012:parameter/app/config"),
        );
        let secret_only = |r: &ScannedResource,
                           location: &str,
                           field: Option<&str>,
                           line: Option<u64>| Sighting {
            key_id: None,
            ..seen(
                r,
                location,
                field,
                None,
                line,
                KeyMaterial::SecretAccessKey,
                None,
            )
        };
        let secrets = Secrets {
            launch_templates: with(
                3,
                vec![secret_only(&template, "version 2, UserData", None, Some(5))],
            ),
            lambda_functions: with(
                4,
                vec![seen(
                    &function,
                    "Environment.Variables",
                    Some("AWS_ACCESS_KEY_ID"),
                    None,
                    None,
                    KeyMaterial::AccessKeyId,
                    Some(KeyOwner::Temporary),
                )],
            ),
            ecs_task_definitions: with(
                1,
                vec![seen(
                    &task,
                    "containerDefinitions[app].environment",
                    Some("KEY"),
                    None,
                    None,
                    KeyMaterial::AccessKeyId,
                    Some(KeyOwner::Unknown),
                )],
            ),
            cloudformation_stacks: with(
                2,
                vec![seen(
                    &stack,
                    "Outputs",
                    Some("DeployKey"),
                    None,
                    None,
                    KeyMaterial::AccessKeyId,
                    Some(KeyOwner::NotInAccount),
                )],
            ),
            ssm_parameters: with(
                6,
                vec![secret_only(
                    &parameter,
                    "Value",
                    Some("/app/config"),
                    Some(4),
                )],
            ),
            ..all_clean()
        };
        let got = verdicts(secrets);
        let expected = vec![
            (
                Status::Fail,
                "AWS::EC2::LaunchTemplate".to_owned(),
                "lt-0123".to_owned(),
                Some("arn:aws:ec2:ap-northeast-1:123456789012:launch-template/lt-0123".to_owned()),
                format!(
                    "Launch template lt-0123 keeps AWS access keys as text: secret access key {SECRET} in version 2, UserData, line 5"
                ),
                format!(
                    "起動テンプレート lt-0123 に AWS アクセスキーが平文で保存されています: version 2, UserData の 5 行目 にシークレットアクセスキー {SECRET}"
                ),
            ),
            (
                Status::Fail,
                "AWS::Lambda::Function".to_owned(),
                "batch:3".to_owned(),
                function.arn.clone(),
                format!(
                    "Lambda function batch:3 keeps AWS access keys as text: access key ID {KEY_ID} in Environment.Variables AWS_ACCESS_KEY_ID, temporary (STS) credentials"
                ),
                format!(
                    "Lambda 関数 batch:3 に AWS アクセスキーが平文で保存されています: Environment.Variables の AWS_ACCESS_KEY_ID にアクセスキー ID {KEY_ID} (STS の一時的な認証情報)"
                ),
            ),
            (
                Status::Fail,
                "AWS::ECS::TaskDefinition".to_owned(),
                "worker:7".to_owned(),
                task.arn.clone(),
                format!(
                    "ECS task definition worker:7 keeps AWS access keys as text: access key ID {KEY_ID} in containerDefinitions[app].environment KEY, owner unknown: the IAM users' keys could not all be read"
                ),
                format!(
                    "ECS タスク定義 worker:7 に AWS アクセスキーが平文で保存されています: containerDefinitions[app].environment の KEY にアクセスキー ID {KEY_ID} (IAM ユーザーのキーをすべては読み取れず、所有者は不明)"
                ),
            ),
            (
                Status::Fail,
                "AWS::CloudFormation::Stack".to_owned(),
                "network".to_owned(),
                stack.arn.clone(),
                format!(
                    "CloudFormation stack network keeps AWS access keys as text: access key ID {KEY_ID} in Outputs DeployKey, not a key of any IAM user of this account"
                ),
                format!(
                    "CloudFormation スタック network に AWS アクセスキーが平文で保存されています: Outputs の DeployKey にアクセスキー ID {KEY_ID} (このアカウントの IAM ユーザーのキーではない)"
                ),
            ),
            (
                Status::Fail,
                "AWS::SSM::Parameter".to_owned(),
                "/app/config".to_owned(),
                parameter.arn.clone(),
                format!(
                    "SSM parameter /app/config keeps AWS access keys as text: secret access key {SECRET} in Value /app/config, line 4"
                ),
                format!(
                    "SSM パラメータ /app/config に AWS アクセスキーが平文で保存されています: Value の /app/config の 4 行目 にシークレットアクセスキー {SECRET}"
                ),
            ),
        ];
        assert_eq!(got, expected);
    }

    #[test]
    fn unreadable_kinds_are_an_error_naming_the_call_and_keep_the_fails() {
        let instance = scanned("i-0abc", None);
        let undecodable = Unscanned {
            resource: scanned("i-0def", None),
            error: CallError {
                service: "ec2".into(),
                operation: "DescribeInstanceAttribute".into(),
                region: Some(REGION.into()),
                resource: Some("i-0def".into()),
                code: "UndecodableUserData".into(),
                message: "UserData is not valid base64".into(),
            },
        };
        let secrets = Secrets {
            instances: Collected::Value(Scan {
                scanned: 2,
                sightings: vec![seen(
                    &instance,
                    "UserData",
                    None,
                    None,
                    None,
                    KeyMaterial::AccessKeyId,
                    None,
                )],
                unscanned: vec![undecodable],
            }),
            lambda_functions: Collected::Error(CallError {
                service: "lambda".into(),
                operation: "ListFunctions".into(),
                region: Some(REGION.into()),
                resource: None,
                code: "AccessDeniedException".into(),
                message: "not authorized".into(),
            }),
            ssm_parameters: Collected::NotCollected,
            ..all_clean()
        };
        let got = verdicts(secrets);
        assert_eq!(got.len(), 2);
        assert_eq!((got[0].0, got[0].2.as_str()), (Status::Fail, "i-0abc"));
        assert_eq!(
            got[1],
            (
                Status::Error,
                "AWS::::Region".into(),
                REGION.into(),
                None,
                "Could not decide for ap-northeast-1: ec2:DescribeInstanceAttribute for i-0def: \
                 UndecodableUserData: UserData is not valid base64; lambda:ListFunctions failed \
                 (AccessDeniedException: not authorized); ssm:DescribeParameters was not collected \
                 in this snapshot; scanned EC2 instances: 2, launch template versions: 3, \
                 ECS task definitions: 4, CloudFormation stacks: 5"
                    .into(),
                "ap-northeast-1 を判定できません: ec2:DescribeInstanceAttribute (i-0def): \
                 UndecodableUserData: UserData is not valid base64、lambda:ListFunctions が失敗しました \
                 (AccessDeniedException: not authorized)、このスナップショットには ssm:DescribeParameters \
                 の結果がありません (スキャン済み: EC2 インスタンス 2 件、起動テンプレートのバージョン 3 件、\
                 ECS タスク定義 4 件、CloudFormation スタック 5 件)"
                    .into(),
            )
        );
    }

    #[test]
    fn a_snapshot_without_the_scan_is_an_error_never_a_pass() {
        let mut s = crate::iam::fixtures::snapshot();
        s.audited_regions.push(REGION.into());
        let findings = run_check(&CHECK, &s);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].status, Status::Error);
        assert!(
            findings[0]
                .message
                .en
                .contains("ec2:DescribeInstances was not collected in this snapshot"),
            "{}",
            findings[0].message.en
        );
        assert!(
            findings[0]
                .message
                .ja
                .contains("ssm:DescribeParameters の結果がありません")
        );
    }
}
