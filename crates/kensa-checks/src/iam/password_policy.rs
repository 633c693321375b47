//! IAM-5: the account password policy, one check per item of the sheet's
//! table, so each item is its own finding and maps to its own CIS control.

use kensa_snapshot::PasswordPolicy;
use serde_json::json;

use crate::config::PasswordPolicyConfig;
use crate::{Check, CheckMeta, Context, Finding, Lang, Severity, StaticText, Status, Text, text};

/// The items of the sheet's password policy table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Item {
    MinimumLength,
    Uppercase,
    Lowercase,
    Numbers,
    Symbols,
    NoExpiry,
    NoHardExpiry,
    UsersCanChange,
    ReusePrevention,
}

/// What the item requires (from config) and what the account has, as text
/// for people and JSON for evidence. `None` from the account side means the
/// account has no password policy at all: AWS's defaults apply.
fn judge(
    item: Item,
    want: &PasswordPolicyConfig,
    have: Option<&PasswordPolicy>,
) -> (bool, serde_json::Value, serde_json::Value) {
    // AWS's behaviour with no policy: length 8 (shown as the documented
    // minimum 6 accepted by the API), no character classes, no expiry,
    // no reuse prevention, users may change their own password.
    let flag = |f: fn(&PasswordPolicy) -> bool| have.map(f).unwrap_or(false);
    match item {
        Item::MinimumLength => {
            let got = have.and_then(|p| p.minimum_password_length);
            (
                got.is_some_and(|n| n >= want.minimum_length),
                json!(want.minimum_length),
                json!(got),
            )
        }
        Item::Uppercase => {
            let got = flag(|p| p.require_uppercase_characters);
            (
                got || !want.require_uppercase,
                json!(want.require_uppercase),
                json!(got),
            )
        }
        Item::Lowercase => {
            let got = flag(|p| p.require_lowercase_characters);
            (
                got || !want.require_lowercase,
                json!(want.require_lowercase),
                json!(got),
            )
        }
        Item::Numbers => {
            let got = flag(|p| p.require_numbers);
            (
                got || !want.require_numbers,
                json!(want.require_numbers),
                json!(got),
            )
        }
        Item::Symbols => {
            let got = flag(|p| p.require_symbols);
            (
                got || !want.require_symbols,
                json!(want.require_symbols),
                json!(got),
            )
        }
        Item::NoExpiry => {
            let got = flag(|p| p.expire_passwords);
            (
                got == want.expire_passwords,
                json!(want.expire_passwords),
                json!(got),
            )
        }
        Item::NoHardExpiry => {
            let got = have.and_then(|p| p.hard_expiry).unwrap_or(false);
            (got == want.hard_expiry, json!(want.hard_expiry), json!(got))
        }
        Item::UsersCanChange => {
            // With no policy, IAM lets users change their own password
            // (given iam:ChangePassword), which is what the sheet asks.
            let got = have.is_none_or(|p| p.allow_users_to_change_password);
            (
                got == want.allow_users_to_change,
                json!(want.allow_users_to_change),
                json!(got),
            )
        }
        Item::ReusePrevention => {
            let got = have.and_then(|p| p.password_reuse_prevention);
            let ok = if want.reuse_prevention == 0 {
                true
            } else {
                got.is_some_and(|n| n >= want.reuse_prevention)
            };
            (ok, json!(want.reuse_prevention), json!(got))
        }
    }
}

/// A policy value as people say it: on/off, not true/false.
fn show(value: &serde_json::Value, lang: Lang) -> String {
    match (value, lang) {
        (serde_json::Value::Bool(true), Lang::En) => "on".into(),
        (serde_json::Value::Bool(false), Lang::En) => "off".into(),
        (serde_json::Value::Null, Lang::En) => "not set".into(),
        (serde_json::Value::Bool(true), Lang::Ja) => "オン".into(),
        (serde_json::Value::Bool(false), Lang::Ja) => "オフ".into(),
        (serde_json::Value::Null, Lang::Ja) => "未設定".into(),
        (other, _) => other.to_string(),
    }
}

fn evaluate(meta: &'static CheckMeta, item: Item, ctx: &Context<'_>) -> Vec<Finding> {
    let resource = ctx.account_resource("AWS::IAM::AccountPasswordPolicy", "password policy");
    let policy = match ctx.snapshot.iam.password_policy.get() {
        Ok(p) => p.as_ref(),
        Err(m) => return vec![meta.missing(resource, m, "iam:GetAccountPasswordPolicy")],
    };
    let (ok, required, actual) = judge(item, &ctx.config.iam.password_policy, policy);
    let title = meta.title;
    let (title_en, title_ja) = (title.en, title.ja);
    let (req, act) = (show(&required, Lang::En), show(&actual, Lang::En));
    let (req_ja, act_ja) = (show(&required, Lang::Ja), show(&actual, Lang::Ja));
    let message: Text = match (ok, policy.is_some()) {
        (true, true) => text!(
            "{title_en}: the sheet requires {req}, the account has {act}",
            "{title_ja}: 設計書の値 {req_ja}、アカウントの値 {act_ja}"
        ),
        (false, true) => text!(
            "{title_en}: the sheet requires {req} but the account has {act}",
            "{title_ja}: 設計書の値は {req_ja} ですが、アカウントの値は {act_ja} です"
        ),
        (true, false) => text!(
            "{title_en}: no password policy is set, and AWS's default ({act}) meets the sheet's {req}",
            "{title_ja}: パスワードポリシーは未設定ですが、AWS の既定値 ({act_ja}) は設計書の値 {req_ja} を満たします"
        ),
        (false, false) => text!(
            "{title_en}: no password policy is set; AWS's default ({act}) does not meet the sheet's {req}",
            "{title_ja}: パスワードポリシーが未設定です。AWS の既定値 ({act_ja}) は設計書の値 {req_ja} を満たしません"
        ),
    };
    vec![meta.finding(
        if ok { Status::Pass } else { Status::Fail },
        resource,
        message,
        json!({
            "policy_set": policy.is_some(),
            "required": required,
            "actual": actual,
            "password_policy": policy,
        }),
    )]
}

const REMEDIATION: StaticText = StaticText {
    en: "Set the account password policy to the sheet's values: `aws iam \
         update-account-password-policy --minimum-password-length 14 --require-uppercase-characters \
         --require-lowercase-characters --require-numbers --require-symbols \
         --allow-users-to-change-password --password-reuse-prevention 24` (no --max-password-age, \
         no --hard-expiry).",
    ja: "アカウントのパスワードポリシーを設計書の値にする: `aws iam update-account-password-policy \
         --minimum-password-length 14 --require-uppercase-characters --require-lowercase-characters \
         --require-numbers --require-symbols --allow-users-to-change-password \
         --password-reuse-prevention 24` (--max-password-age と --hard-expiry は指定しない)。",
};

macro_rules! password_check {
    ($static:ident, $fn:ident, $item:expr, $id:literal, $severity:expr,
     title: ($en:literal, $ja:literal),
     description: ($den:literal, $dja:literal),
     cis: $cis:expr, fsbp: $fsbp:expr, pci: $pci:expr, differs: $differs:expr) => {
        pub static $static: Check = Check {
            meta: CheckMeta {
                id: $id,
                requirements: &["IAM-5"],
                severity: $severity,
                title: StaticText { en: $en, ja: $ja },
                description: StaticText { en: $den, ja: $dja },
                remediation: REMEDIATION,
                cis_1_2: $cis,
                fsbp: $fsbp,
                pci_dss: $pci,
                differs_from_frameworks: $differs,
            },
            run: $fn,
        };
        fn $fn(ctx: &Context<'_>) -> Vec<Finding> {
            evaluate(&$static.meta, $item, ctx)
        }
    };
}

password_check!(MINIMUM_LENGTH, minimum_length, Item::MinimumLength, "iam-password-policy-minimum-length", Severity::Medium,
    title: ("Password minimum length", "パスワードの最小文字数"),
    description: ("The password policy enforces a minimum length of at least the sheet's value (14).",
                  "パスワードポリシーで設計書の値 (14) 以上の最小文字数を強制する。"),
    cis: &["1.9"], fsbp: &["IAM.7", "IAM.15"], pci: &["PCI.IAM.8"], differs: None);

password_check!(UPPERCASE, uppercase, Item::Uppercase, "iam-password-policy-uppercase", Severity::Medium,
    title: ("Password requires an upper-case letter", "パスワードにアルファベット大文字を必須とする"),
    description: ("The password policy requires at least one upper-case letter (A-Z).",
                  "パスワードポリシーで 1 文字以上のアルファベット大文字 (A～Z) を必要とする。"),
    cis: &["1.5"], fsbp: &["IAM.7"], pci: &["PCI.IAM.8"], differs: None);

password_check!(LOWERCASE, lowercase, Item::Lowercase, "iam-password-policy-lowercase", Severity::Medium,
    title: ("Password requires a lower-case letter", "パスワードにアルファベット小文字を必須とする"),
    description: ("The password policy requires at least one lower-case letter (a-z).",
                  "パスワードポリシーで 1 文字以上のアルファベット小文字 (a～z) を必要とする。"),
    cis: &["1.6"], fsbp: &["IAM.7"], pci: &["PCI.IAM.8"], differs: None);

password_check!(NUMBERS, numbers, Item::Numbers, "iam-password-policy-numbers", Severity::Medium,
    title: ("Password requires a digit", "パスワードに数字を必須とする"),
    description: ("The password policy requires at least one digit.",
                  "パスワードポリシーで少なくとも 1 つの数字を必要とする。"),
    cis: &["1.8"], fsbp: &["IAM.7"], pci: &["PCI.IAM.8"], differs: None);

password_check!(SYMBOLS, symbols, Item::Symbols, "iam-password-policy-symbols", Severity::Medium,
    title: ("Password requires a symbol", "パスワードに英数字以外の文字を必須とする"),
    description: ("The password policy requires at least one non-alphanumeric character (!@#$%^&*()_+-=[]{}|').",
                  "パスワードポリシーで少なくとも 1 つの英数字以外の文字 (!@#$%^&*()_+-=[]{}|') を必要とする。"),
    cis: &["1.7"], fsbp: &["IAM.7"], pci: &["PCI.IAM.8"], differs: None);

password_check!(NO_EXPIRY, no_expiry, Item::NoExpiry, "iam-password-policy-no-expiry", Severity::Low,
title: ("Passwords do not expire", "パスワードの有効期限を無効にする"),
description: ("The sheet turns password expiry off, following current guidance that forced rotation weakens passwords. A policy that expires passwords fails; configurable with `iam.password_policy.expire_passwords`.",
              "設計書はパスワードの有効期限をオフにする (定期変更の強制はパスワードを弱くするという現在の指針に沿う)。有効期限のあるポリシーは FAIL とする。`iam.password_policy.expire_passwords` で変更できる。"),
cis: &["1.11"], fsbp: &[], pci: &[],
differs: Some(StaticText {
    en: "CIS 1.11 requires passwords to expire within 90 days; the sheet deliberately turns expiry off, and kensa follows the sheet.",
    ja: "CIS 1.11 は 90 日以内の有効期限を求めるが、設計書は意図的に有効期限をオフにしており、kensa は設計書に従う。",
}));

password_check!(NO_HARD_EXPIRY, no_hard_expiry, Item::NoHardExpiry, "iam-password-policy-no-hard-expiry", Severity::Low,
    title: ("Expired passwords do not need an administrator reset", "パスワードの有効期限に管理者のリセットを必要としない"),
    description: ("The sheet turns hard expiry off: a user whose password expired is not locked out until an administrator resets it.",
                  "設計書は「パスワードの有効期限には管理者のリセットが必要」をオフにする。"),
    cis: &[], fsbp: &[], pci: &[], differs: None);

password_check!(USERS_CAN_CHANGE, users_can_change, Item::UsersCanChange, "iam-password-policy-users-can-change", Severity::Low,
    title: ("Users may change their own password", "ユーザーにパスワードの変更を許可する"),
    description: ("The password policy allows users to change their own password.",
                  "パスワードポリシーでユーザー自身によるパスワード変更を許可する。"),
    cis: &[], fsbp: &[], pci: &[], differs: None);

password_check!(REUSE_PREVENTION, reuse_prevention, Item::ReusePrevention, "iam-password-policy-reuse-prevention", Severity::Medium,
    title: ("Password reuse is prevented", "パスワードの再利用を禁止する"),
    description: ("The password policy prevents reuse of at least the configured number of previous passwords (24, the most IAM allows).",
                  "パスワードポリシーで、設定した数 (IAM の上限である 24) 以上の過去のパスワードの再利用を禁止する。"),
    cis: &["1.10"], fsbp: &["IAM.16"], pci: &["PCI.IAM.8"], differs: None);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::fixtures::*;
    use kensa_snapshot::Collected;

    const ALL: [&Check; 9] = [
        &MINIMUM_LENGTH,
        &UPPERCASE,
        &LOWERCASE,
        &NUMBERS,
        &SYMBOLS,
        &NO_EXPIRY,
        &NO_HARD_EXPIRY,
        &USERS_CAN_CHANGE,
        &REUSE_PREVENTION,
    ];

    fn sheet_policy() -> PasswordPolicy {
        PasswordPolicy {
            minimum_password_length: Some(14),
            require_symbols: true,
            require_numbers: true,
            require_uppercase_characters: true,
            require_lowercase_characters: true,
            allow_users_to_change_password: true,
            expire_passwords: false,
            max_password_age: None,
            password_reuse_prevention: Some(24),
            hard_expiry: Some(false),
        }
    }

    fn statuses(policy: Collected<Option<PasswordPolicy>>) -> Vec<Status> {
        let mut s = snapshot();
        s.iam.password_policy = policy;
        ALL.iter().map(|c| run_check(c, &s)[0].status).collect()
    }

    #[test]
    fn the_sheets_policy_passes_every_item() {
        assert_eq!(
            statuses(Collected::Value(Some(sheet_policy()))),
            vec![Status::Pass; 9]
        );
    }

    #[test]
    fn a_cis_style_policy_fails_the_expiry_item() {
        let mut cis = sheet_policy();
        cis.expire_passwords = true;
        cis.max_password_age = Some(90);
        cis.minimum_password_length = Some(8);
        let got = statuses(Collected::Value(Some(cis)));
        use Status::*;
        assert_eq!(
            got,
            vec![Fail, Pass, Pass, Pass, Pass, Fail, Pass, Pass, Pass]
        );
    }

    #[test]
    fn no_policy_fails_strength_items_and_passes_expiry_items() {
        use Status::*;
        assert_eq!(
            statuses(Collected::Value(None)),
            vec![Fail, Fail, Fail, Fail, Fail, Pass, Pass, Pass, Fail]
        );
        let mut s = snapshot();
        s.iam.password_policy = Collected::Value(None);
        let f = &run_check(&NO_EXPIRY, &s)[0];
        assert_eq!(
            f.message.en,
            "Passwords do not expire: no password policy is set, and AWS's default (off) meets the sheet's off"
        );
    }

    #[test]
    fn unreadable_policy_is_an_error_for_every_item() {
        let got = statuses(Collected::Error(denied("GetAccountPasswordPolicy", None)));
        assert_eq!(got, vec![Status::Error; 9]);
    }

    #[test]
    fn messages_are_exact_in_both_languages() {
        let mut weak = sheet_policy();
        weak.minimum_password_length = Some(10);
        let mut s = snapshot();
        s.iam.password_policy = Collected::Value(Some(weak));
        let f = &run_check(&MINIMUM_LENGTH, &s)[0];
        assert_eq!(
            f.message.en,
            "Password minimum length: the sheet requires 14 but the account has 10"
        );
        assert_eq!(
            f.message.ja,
            "パスワードの最小文字数: 設計書の値は 14 ですが、アカウントの値は 10 です"
        );
        assert_eq!(f.resource.kind, "AWS::IAM::AccountPasswordPolicy");
        assert_eq!(f.compliance.cis_1_2, vec!["1.9"]);
    }
}
