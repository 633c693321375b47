//! The design sheet's requirements, with their stable IDs
//! (`docs/requirements.md`, a copy of the design's own list).

use crate::StaticText;

/// A section of the sheet (ネットワークセキュリティ, 論理アクセス...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section {
    /// The ID prefix: `IAM` for IAM-1..IAM-9.
    pub prefix: &'static str,
    pub title: StaticText,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Requirement {
    pub id: &'static str,
    pub title: StaticText,
}

const fn t(en: &'static str, ja: &'static str) -> StaticText {
    StaticText { en, ja }
}

/// In the sheet's order.
pub const SECTIONS: &[Section] = &[
    Section {
        prefix: "NET",
        title: t("Network security", "ネットワークセキュリティ"),
    },
    Section {
        prefix: "IAM",
        title: t("Logical access", "論理アクセス"),
    },
    Section {
        prefix: "ENC",
        title: t("Data encryption", "データ暗号化"),
    },
    Section {
        prefix: "MAL",
        title: t("Virus and malware protection", "ウィルス/マルウェア対策"),
    },
    Section {
        prefix: "SVC",
        title: t(
            "Services that strengthen security",
            "セキュリティを強化する AWS サービス",
        ),
    },
    Section {
        prefix: "ALM",
        title: t(
            "Notification of suspicious operations",
            "不正と疑われる操作の通知",
        ),
    },
];

pub const REQUIREMENTS: &[Requirement] = &[
    Requirement {
        id: "NET-1",
        title: t(
            "Security groups allow only the needed flows",
            "セキュリティグループで必要な通信のみ許可する",
        ),
    },
    Requirement {
        id: "NET-2",
        title: t(
            "Network ACLs set a subnet baseline",
            "ネットワーク ACL でサブネット単位のベースラインを設定する",
        ),
    },
    Requirement {
        id: "IAM-1",
        title: t(
            "One IAM group per duty, least privilege",
            "職責ごとの IAM グループと最小権限",
        ),
    },
    Requirement {
        id: "IAM-2",
        title: t(
            "Administrators: at least 2 members, not used day to day",
            "Administrators は最低2名、通常は使用しない",
        ),
    },
    Requirement {
        id: "IAM-3",
        title: t(
            "One IAM user per person and per program",
            "1人・1プログラムにつき1つの IAM ユーザー",
        ),
    },
    Requirement {
        id: "IAM-4",
        title: t(
            "Permissions through groups only (API-only users excepted)",
            "権限は IAM グループで付与する (API 専用ユーザーは例外)",
        ),
    },
    Requirement {
        id: "IAM-5",
        title: t("Password policy", "IAM ユーザーパスワードポリシー"),
    },
    Requirement {
        id: "IAM-6",
        title: t("MFA for console sign-in", "ログイン時の MFA 利用"),
    },
    Requirement {
        id: "IAM-7",
        title: t(
            "Root user unused and protected by MFA",
            "ルートアカウントは使用せず MFA で保護する",
        ),
    },
    Requirement {
        id: "IAM-8",
        title: t(
            "Access keys rotated periodically",
            "アクセスキーの定期的なローテーション",
        ),
    },
    Requirement {
        id: "IAM-9",
        title: t(
            "Access keys not kept as text",
            "アクセスキーをテキストで保管しない",
        ),
    },
    Requirement {
        id: "ENC-1",
        title: t("Encryption in transit", "通信の暗号化"),
    },
    Requirement {
        id: "ENC-2",
        title: t("Encryption at rest", "保管データの暗号化"),
    },
    Requirement {
        id: "MAL-1",
        title: t(
            "Anti-malware on every EC2 instance",
            "全 EC2 インスタンスにマルウェア対策ソフトを導入する",
        ),
    },
    Requirement {
        id: "SVC-1",
        title: t(
            "AWS Config records configuration",
            "AWS Config で構成を記録する",
        ),
    },
    Requirement {
        id: "SVC-2",
        title: t(
            "Inspector checks EC2 for vulnerabilities",
            "Inspector で EC2 の脆弱性を検査する",
        ),
    },
    Requirement {
        id: "SVC-3",
        title: t("ECR images are scanned", "ECR のイメージをスキャンする"),
    },
    Requirement {
        id: "SVC-4",
        title: t(
            "OS patches applied with Systems Manager",
            "Systems Manager で OS パッチを適用する",
        ),
    },
    Requirement {
        id: "SVC-5",
        title: t(
            "GuardDuty monitors and notifies",
            "GuardDuty で監視し通知する",
        ),
    },
    Requirement {
        id: "SVC-6",
        title: t("Security Hub standards", "Security Hub による自動チェック"),
    },
    Requirement {
        id: "SVC-7",
        title: t(
            "CloudTrail records and protects logs",
            "CloudTrail で操作証跡を記録・保護する",
        ),
    },
    Requirement {
        id: "ALM-1",
        title: t(
            "Security group changes notified",
            "セキュリティグループの変更を通知する",
        ),
    },
    Requirement {
        id: "ALM-2",
        title: t(
            "EC2 instance lifecycle notified",
            "EC2 インスタンスの作成・停止等を通知する",
        ),
    },
    Requirement {
        id: "ALM-3",
        title: t(
            "Large EC2 instance lifecycle notified",
            "大型 EC2 インスタンスの作成・停止等を通知する",
        ),
    },
    Requirement {
        id: "ALM-4",
        title: t(
            "IAM policy changes notified",
            "IAM ポリシーの変更を通知する",
        ),
    },
    Requirement {
        id: "ALM-5",
        title: t(
            "Unauthorized API calls notified",
            "不正な API コールを通知する",
        ),
    },
    Requirement {
        id: "ALM-6",
        title: t(
            "Failed console sign-ins notified",
            "コンソールへのサインイン失敗を通知する",
        ),
    },
    Requirement {
        id: "ALM-7",
        title: t(
            "VPC and peering changes notified",
            "VPC・VPC ピアリングの変更を通知する",
        ),
    },
    Requirement {
        id: "ALM-8",
        title: t(
            "Internet and customer gateway changes notified",
            "インターネット/カスタマーゲートウェイの変更を通知する",
        ),
    },
    Requirement {
        id: "ALM-9",
        title: t(
            "Network ACL changes notified",
            "ネットワーク ACL の変更を通知する",
        ),
    },
    Requirement {
        id: "ALM-10",
        title: t("CloudTrail changes notified", "CloudTrail の変更を通知する"),
    },
    Requirement {
        id: "ALM-11",
        title: t(
            "S3 bucket policy changes notified",
            "S3 バケットポリシーの変更を通知する",
        ),
    },
];

pub fn requirement(id: &str) -> Option<&'static Requirement> {
    REQUIREMENTS.iter().find(|r| r.id == id)
}

/// The section a requirement ID belongs to (`IAM-5` → 論理アクセス).
pub fn section_of(id: &str) -> Option<&'static Section> {
    let prefix = id.split('-').next()?;
    SECTIONS.iter().find(|s| s.prefix == prefix)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The IDs in a requirements.md table: `| IAM-5 | ...`.
    fn ids_in(markdown: &str) -> BTreeSet<String> {
        markdown
            .lines()
            .filter_map(|line| line.strip_prefix("| "))
            .filter_map(|rest| rest.split(" |").next())
            .filter(|id| {
                id.split_once('-').is_some_and(|(p, n)| {
                    p.chars().all(|c| c.is_ascii_uppercase()) && n.parse::<u32>().is_ok()
                })
            })
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn table_matches_the_vendored_requirements() {
        let vendored = include_str!("../../../docs/requirements.md");
        let ours: BTreeSet<String> = REQUIREMENTS.iter().map(|r| r.id.to_owned()).collect();
        assert_eq!(ours, ids_in(vendored));
        for r in REQUIREMENTS {
            assert!(section_of(r.id).is_some(), "{} has no section", r.id);
        }
    }

    /// When the design folder sits beside the clone (as on the team's
    /// machines and in CI), the vendored copy must not drift from it.
    #[test]
    fn vendored_copy_matches_the_design_folder() {
        let design = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/design/requirements.md"
        );
        let Ok(original) = std::fs::read_to_string(design) else {
            eprintln!("{design} not present; only the vendored copy is checked");
            return;
        };
        let vendored = include_str!("../../../docs/requirements.md");
        assert_eq!(ids_in(&original), ids_in(vendored));
    }
}
