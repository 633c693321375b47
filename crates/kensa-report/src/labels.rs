//! The words the HTML report and `kensa diff` show around the findings, in
//! both languages. Check texts come from the registry and requirement
//! titles from the sheet's table; these are only the frame.

use kensa_checks::{Lang, Severity, StaticText, Status};

const fn t(en: &'static str, ja: &'static str) -> StaticText {
    StaticText { en, ja }
}

pub(crate) const REPORT_TITLE: StaticText = t("kensa audit report", "kensa 監査レポート");
pub(crate) const DIFF_TITLE: StaticText = t("kensa: what changed", "kensa 差分レポート");
pub(crate) const ACCOUNT: StaticText = t("Account", "アカウント");
pub(crate) const UNKNOWN: StaticText = t("unknown", "不明");
pub(crate) const SOURCE: StaticText = t("Source", "取得元");
pub(crate) const LIVE: StaticText = t("live", "ライブ");
pub(crate) const SNAPSHOT: StaticText = t("snapshot", "スナップショット");
pub(crate) const COLLECTED: StaticText = t("Collected", "収集日時");
pub(crate) const REGIONS: StaticText = t("Regions", "リージョン");
pub(crate) const KENSA_VERSION: StaticText = t("kensa version", "kensa バージョン");
pub(crate) const SUMMARY: StaticText = t("Summary", "概要");
pub(crate) const SECTION: StaticText = t("Section of the sheet", "設計書の章");
pub(crate) const ALL_SECTIONS: StaticText = t("All findings", "全体");
pub(crate) const OTHER: StaticText = t("Other", "その他");
pub(crate) const COMPLIANCE: StaticText = t("Compliance", "適合率");
pub(crate) const CHART: StaticText = t("Chart", "グラフ");
pub(crate) const COMPLIANCE_DEFINITION: StaticText = t(
    "Compliance = PASS / (PASS + FAIL + ERROR), rounded down. An ERROR counts against it: \
     what could not be read is never taken as met. MANUAL, N/A and SUPPRESSED findings are \
     not in it and are counted separately. A finding serving requirements of several \
     sections counts once in each. \u{2014} means there is nothing to measure.",
    "適合率 = PASS / (PASS + FAIL + ERROR)（切り捨て）。ERROR は不適合と同じく分母に入ります\
     （読み取れなかったものを適合とはみなしません）。MANUAL・N/A・SUPPRESSED は含めず、別に件数を示します。\
     複数の章の要件に関わる結果は、それぞれの章で 1 件と数えます。\u{2014} は測る対象がないことを示します。",
);
pub(crate) const FINDINGS: StaticText = t("Findings", "結果");
pub(crate) const FILTERS: StaticText = t("Filter", "絞り込み");
pub(crate) const STATUS: StaticText = t("Status", "結果");
pub(crate) const SEVERITY: StaticText = t("Severity", "重要度");
pub(crate) const REQUIREMENT: StaticText = t("Requirement", "要件");
pub(crate) const REGION: StaticText = t("Region", "リージョン");
pub(crate) const ANY: StaticText = t("all", "すべて");
pub(crate) const CLEAR: StaticText = t("Clear", "解除");
pub(crate) const SHOWN: StaticText = t("shown", "件表示");
pub(crate) const NO_FINDINGS: StaticText = t("None.", "ありません。");
pub(crate) const CHECK: StaticText = t("Check", "チェック");
pub(crate) const MESSAGE: StaticText = t("Message", "内容");
pub(crate) const RESOURCE: StaticText = t("Resource", "リソース");
pub(crate) const RESOURCE_TYPE: StaticText = t("Type", "種類");
pub(crate) const RESOURCE_ID: StaticText = t("ID", "ID");
pub(crate) const RESOURCE_ARN: StaticText = t("ARN", "ARN");
pub(crate) const NONE: StaticText = t("none", "なし");
pub(crate) const REQUIREMENTS: StaticText = t("Requirements", "要件");
pub(crate) const FRAMEWORKS: StaticText = t("Other frameworks", "他の基準");
pub(crate) const REMEDIATION: StaticText = t("Remediation", "対処方法");
pub(crate) const EVIDENCE: StaticText = t("Evidence", "証跡");
pub(crate) const EXCEPTION: StaticText = t("Accepted exception", "承認済みの例外");
pub(crate) const EXCEPTION_ID: StaticText = t("Exception", "例外 ID");
pub(crate) const ORIGINAL_STATUS: StaticText = t("Verdict without it", "例外がない場合の結果");
pub(crate) const REASON: StaticText = t("Reason", "理由");
pub(crate) const APPROVER: StaticText = t("Approved by", "承認者");
pub(crate) const EXPIRES: StaticText = t("Expires (last day, UTC)", "有効期限（最終日, UTC）");
pub(crate) const COLLECTION_ERRORS: StaticText = t("Collection errors", "収集エラー");
pub(crate) const GENERATED_BY: StaticText = t(
    "Written by kensa. This file loads nothing from the network.",
    "kensa が出力しました。このファイルはネットワークから何も読み込みません。",
);

// kensa diff
pub(crate) const BEFORE: StaticText = t("Before", "変更前");
pub(crate) const AFTER: StaticText = t("After", "変更後");
pub(crate) const NEW: StaticText = t("New", "新規");
pub(crate) const RESOLVED: StaticText = t("Resolved", "解消");
pub(crate) const CHANGED: StaticText = t("Changed", "変化");
pub(crate) const HOW: StaticText = t("How", "解消の理由");
pub(crate) const GONE: StaticText = t(
    "no longer reported (the resource or the check is gone)",
    "報告されなくなりました（リソースまたはチェックがありません）",
);
pub(crate) const NOW_PASSES: StaticText = t("now passes", "適合になりました");
pub(crate) const INTRODUCES_PROBLEMS: StaticText = t(
    "The new result introduces problems (a new or changed FAIL or ERROR).",
    "新しい結果に問題が増えています（FAIL または ERROR が新たに発生、または変化）。",
);
pub(crate) const NO_NEW_PROBLEMS: StaticText = t(
    "The new result introduces no problem.",
    "新しい結果で増えた問題はありません。",
);
pub(crate) const DIFFERENT_ACCOUNTS: StaticText = t(
    "The two results are of different accounts.",
    "2 つの結果は別のアカウントのものです。",
);

pub(crate) fn status_name(status: Status) -> StaticText {
    match status {
        Status::Fail => t("Breaks the sheet", "不適合"),
        Status::Error => t("Could not decide", "判定不能"),
        Status::Manual => t("Needs a person", "要確認"),
        Status::Pass => t("Meets the sheet", "適合"),
        Status::NotApplicable => t("Does not apply", "対象外"),
        Status::Suppressed => t("Accepted exception", "例外として承認済み"),
    }
}

/// The short code every format shows (`N/A` reads better than the JSON name).
pub(crate) fn status_code(status: Status) -> &'static str {
    match status {
        Status::NotApplicable => "N/A",
        other => other.as_str(),
    }
}

pub(crate) fn severity_name(severity: Severity) -> StaticText {
    match severity {
        Severity::Critical => t("Critical", "緊急"),
        Severity::High => t("High", "高"),
        Severity::Medium => t("Medium", "中"),
        Severity::Low => t("Low", "低"),
        Severity::Informational => t("Informational", "情報"),
    }
}

pub(crate) const SEVERITIES: [Severity; 5] = [
    Severity::Critical,
    Severity::High,
    Severity::Medium,
    Severity::Low,
    Severity::Informational,
];

/// `en` or `ja`, for `<html lang>`.
pub(crate) fn lang_code(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "en",
        Lang::Ja => "ja",
    }
}
