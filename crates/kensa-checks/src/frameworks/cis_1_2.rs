//! CIS Amazon Web Services Foundations Benchmark v1.2.0: every
//! recommendation, 1.1 to 4.4, with the benchmark's own titles.

use super::Control;
use crate::StaticText;

const fn c(id: &'static str, en: &'static str, ja: &'static str) -> Control {
    Control {
        id,
        title: StaticText { en, ja },
    }
}

/// The sections (the number before the dot).
pub(super) fn section(id: &str) -> StaticText {
    let (en, ja) = match id.split('.').next() {
        Some("1") => ("1 Identity and Access Management", "1 ID とアクセス管理"),
        Some("2") => ("2 Logging", "2 ログ記録"),
        Some("3") => ("3 Monitoring", "3 モニタリング"),
        Some("4") => ("4 Networking", "4 ネットワーキング"),
        _ => ("Other", "その他"),
    };
    StaticText { en, ja }
}

pub static CONTROLS: &[Control] = &[
    c(
        "1.1",
        "Avoid the use of the \"root\" account",
        "ルートアカウントを使用しない",
    ),
    c(
        "1.2",
        "Ensure multi-factor authentication (MFA) is enabled for all IAM users that have a console password",
        "コンソールパスワードを持つすべての IAM ユーザーで MFA を有効にする",
    ),
    c(
        "1.3",
        "Ensure credentials unused for 90 days or greater are disabled",
        "90 日以上使用されていない認証情報を無効にする",
    ),
    c(
        "1.4",
        "Ensure access keys are rotated every 90 days or less",
        "アクセスキーを 90 日以内にローテーションする",
    ),
    c(
        "1.5",
        "Ensure IAM password policy requires at least one uppercase letter",
        "IAM パスワードポリシーで大文字を 1 文字以上必須にする",
    ),
    c(
        "1.6",
        "Ensure IAM password policy require at least one lowercase letter",
        "IAM パスワードポリシーで小文字を 1 文字以上必須にする",
    ),
    c(
        "1.7",
        "Ensure IAM password policy require at least one symbol",
        "IAM パスワードポリシーで記号を 1 文字以上必須にする",
    ),
    c(
        "1.8",
        "Ensure IAM password policy require at least one number",
        "IAM パスワードポリシーで数字を 1 文字以上必須にする",
    ),
    c(
        "1.9",
        "Ensure IAM password policy requires minimum length of 14 or greater",
        "IAM パスワードポリシーで最小文字数を 14 以上にする",
    ),
    c(
        "1.10",
        "Ensure IAM password policy prevents password reuse",
        "IAM パスワードポリシーでパスワードの再利用を禁止する",
    ),
    c(
        "1.11",
        "Ensure IAM password policy expires passwords within 90 days or less",
        "IAM パスワードポリシーでパスワードを 90 日以内に失効させる",
    ),
    c(
        "1.12",
        "Ensure no root account access key exists",
        "ルートアカウントのアクセスキーが存在しないようにする",
    ),
    c(
        "1.13",
        "Ensure MFA is enabled for the \"root\" account",
        "ルートアカウントで MFA を有効にする",
    ),
    c(
        "1.14",
        "Ensure hardware MFA is enabled for the \"root\" account",
        "ルートアカウントでハードウェア MFA を有効にする",
    ),
    c(
        "1.15",
        "Ensure security questions are registered in the AWS account",
        "AWS アカウントに秘密の質問を登録する",
    ),
    c(
        "1.16",
        "Ensure IAM policies are attached only to groups or roles",
        "IAM ポリシーはグループまたはロールにのみアタッチする",
    ),
    c(
        "1.17",
        "Maintain current contact details",
        "連絡先情報を最新に保つ",
    ),
    c(
        "1.18",
        "Ensure security contact information is registered",
        "セキュリティ連絡先情報を登録する",
    ),
    c(
        "1.19",
        "Ensure IAM instance roles are used for AWS resource access from instances",
        "インスタンスから AWS リソースへのアクセスには IAM インスタンスロールを使用する",
    ),
    c(
        "1.20",
        "Ensure a support role has been created to manage incidents with AWS Support",
        "AWS サポートでインシデントを管理するサポートロールを作成する",
    ),
    c(
        "1.21",
        "Do not setup access keys during initial user setup for all IAM users that have a console password",
        "コンソールパスワードを持つ IAM ユーザーの初期設定時にアクセスキーを作成しない",
    ),
    c(
        "1.22",
        "Ensure IAM policies that allow full \"*:*\" administrative privileges are not created",
        "\"*:*\" の完全な管理者権限を許可する IAM ポリシーを作成しない",
    ),
    c(
        "2.1",
        "Ensure CloudTrail is enabled in all regions",
        "すべてのリージョンで CloudTrail を有効にする",
    ),
    c(
        "2.2",
        "Ensure CloudTrail log file validation is enabled",
        "CloudTrail のログファイル検証を有効にする",
    ),
    c(
        "2.3",
        "Ensure the S3 bucket used to store CloudTrail logs is not publicly accessible",
        "CloudTrail ログを保存する S3 バケットを公開しない",
    ),
    c(
        "2.4",
        "Ensure CloudTrail trails are integrated with CloudWatch Logs",
        "CloudTrail の証跡を CloudWatch Logs と統合する",
    ),
    c(
        "2.5",
        "Ensure AWS Config is enabled in all regions",
        "すべてのリージョンで AWS Config を有効にする",
    ),
    c(
        "2.6",
        "Ensure S3 bucket access logging is enabled on the CloudTrail S3 bucket",
        "CloudTrail の S3 バケットでアクセスログ記録を有効にする",
    ),
    c(
        "2.7",
        "Ensure CloudTrail logs are encrypted at rest using KMS CMKs",
        "CloudTrail ログを KMS CMK で保管時に暗号化する",
    ),
    c(
        "2.8",
        "Ensure rotation for customer created CMKs is enabled",
        "カスタマー作成の CMK のローテーションを有効にする",
    ),
    c(
        "2.9",
        "Ensure VPC flow logging is enabled in all VPCs",
        "すべての VPC で VPC フローログを有効にする",
    ),
    c(
        "3.1",
        "Ensure a log metric filter and alarm exist for unauthorized API calls",
        "不正な API コールのメトリクスフィルターとアラームを設定する",
    ),
    c(
        "3.2",
        "Ensure a log metric filter and alarm exist for Management Console sign-in without MFA",
        "MFA なしのマネジメントコンソールサインインのメトリクスフィルターとアラームを設定する",
    ),
    c(
        "3.3",
        "Ensure a log metric filter and alarm exist for usage of \"root\" account",
        "ルートアカウント使用のメトリクスフィルターとアラームを設定する",
    ),
    c(
        "3.4",
        "Ensure a log metric filter and alarm exist for IAM policy changes",
        "IAM ポリシー変更のメトリクスフィルターとアラームを設定する",
    ),
    c(
        "3.5",
        "Ensure a log metric filter and alarm exist for CloudTrail configuration changes",
        "CloudTrail 設定変更のメトリクスフィルターとアラームを設定する",
    ),
    c(
        "3.6",
        "Ensure a log metric filter and alarm exist for AWS Management Console authentication failures",
        "マネジメントコンソール認証失敗のメトリクスフィルターとアラームを設定する",
    ),
    c(
        "3.7",
        "Ensure a log metric filter and alarm exist for disabling or scheduled deletion of customer created CMKs",
        "カスタマー作成 CMK の無効化または削除予定のメトリクスフィルターとアラームを設定する",
    ),
    c(
        "3.8",
        "Ensure a log metric filter and alarm exist for S3 bucket policy changes",
        "S3 バケットポリシー変更のメトリクスフィルターとアラームを設定する",
    ),
    c(
        "3.9",
        "Ensure a log metric filter and alarm exist for AWS Config configuration changes",
        "AWS Config 設定変更のメトリクスフィルターとアラームを設定する",
    ),
    c(
        "3.10",
        "Ensure a log metric filter and alarm exist for security group changes",
        "セキュリティグループ変更のメトリクスフィルターとアラームを設定する",
    ),
    c(
        "3.11",
        "Ensure a log metric filter and alarm exist for changes to Network Access Control Lists (NACL)",
        "ネットワーク ACL 変更のメトリクスフィルターとアラームを設定する",
    ),
    c(
        "3.12",
        "Ensure a log metric filter and alarm exist for changes to network gateways",
        "ネットワークゲートウェイ変更のメトリクスフィルターとアラームを設定する",
    ),
    c(
        "3.13",
        "Ensure a log metric filter and alarm exist for route table changes",
        "ルートテーブル変更のメトリクスフィルターとアラームを設定する",
    ),
    c(
        "3.14",
        "Ensure a log metric filter and alarm exist for VPC changes",
        "VPC 変更のメトリクスフィルターとアラームを設定する",
    ),
    c(
        "4.1",
        "Ensure no security groups allow ingress from 0.0.0.0/0 to port 22",
        "0.0.0.0/0 からポート 22 への受信を許可するセキュリティグループをなくす",
    ),
    c(
        "4.2",
        "Ensure no security groups allow ingress from 0.0.0.0/0 to port 3389",
        "0.0.0.0/0 からポート 3389 への受信を許可するセキュリティグループをなくす",
    ),
    c(
        "4.3",
        "Ensure the default security group of every VPC restricts all traffic",
        "すべての VPC のデフォルトセキュリティグループで全通信を制限する",
    ),
    c(
        "4.4",
        "Ensure routing tables for VPC peering are \"least access\"",
        "VPC ピアリングのルートテーブルを最小限のアクセスにする",
    ),
];
