//! Every check kensa has, in the sheet's order.

use crate::Check;
use crate::{alarms, encryption, iam, network, secrets, services};

/// The registry. Adding a check: write its file, list it here, run
/// `UPDATE_DOCS=1 cargo test -p kensa-checks docs` to generate its page.
pub static CHECKS: &[&Check] = &[
    &network::sg_flows_declared::CHECK,
    &network::sg_admin_ports::CHECK,
    &network::default_sg_no_rules::CHECK,
    &network::sg_unused::CHECK,
    &network::sg_references_resolve::CHECK,
    &network::nacl_baseline::CHECK,
    &network::nacl_boundaries::CHECK,
    &iam::duty_groups_exist::CHECK,
    &iam::duty_group_privilege::CHECK,
    &iam::administrators_members::CHECK,
    &iam::administrators_not_in_daily_use::CHECK,
    &iam::user_console_and_keys::CHECK,
    &iam::user_in_group::CHECK,
    &iam::console_user_no_direct_policies::CHECK,
    &iam::password_policy::MINIMUM_LENGTH,
    &iam::password_policy::UPPERCASE,
    &iam::password_policy::LOWERCASE,
    &iam::password_policy::NUMBERS,
    &iam::password_policy::SYMBOLS,
    &iam::password_policy::NO_EXPIRY,
    &iam::password_policy::NO_HARD_EXPIRY,
    &iam::password_policy::USERS_CAN_CHANGE,
    &iam::password_policy::REUSE_PREVENTION,
    &iam::console_user_mfa::CHECK,
    &iam::root_mfa::CHECK,
    &iam::root_access_keys::CHECK,
    &iam::root_recent_use::CHECK,
    &iam::root_holder_separation::CHECK,
    &iam::access_key_rotation::CHECK,
    &iam::access_key_unused::CHECK,
    &secrets::keys_in_resources::CHECK,
    &alarms::security_group_changes::CHECK,
    &alarms::ec2_instance_changes::CHECK,
    &alarms::large_instance_launch::CHECK,
    &alarms::iam_policy_changes::CHECK,
    &alarms::unauthorized_api_calls::CHECK,
    &alarms::console_sign_in_failures::CHECK,
    &alarms::vpc_changes::CHECK,
    &alarms::gateway_changes::CHECK,
    &alarms::network_acl_changes::CHECK,
    &alarms::cloudtrail_changes::CHECK,
    &alarms::s3_bucket_policy_changes::CHECK,
    &alarms::console_sign_in_without_mfa::CHECK,
    &alarms::root_use::CHECK,
    &alarms::kms_key_disable::CHECK,
    &alarms::config_changes::CHECK,
    &alarms::route_table_changes::CHECK,
    &services::anti_malware::CHECK,
    &services::anti_malware_policy::CHECK,
    &services::config_recorder::CHECK,
    &services::inspector_ec2::CHECK,
    &services::inspector_findings::CHECK,
    &services::ecr_scan::CHECK,
    &services::patch_managed::CHECK,
    &services::patch_group::CHECK,
    &services::patch_baselines::CHECK,
    &services::patch_windows::CHECK,
    &services::patch_compliance::CHECK,
    &services::patch_os_auto_update::CHECK,
    &services::inspector_ecr::CHECK,
    &services::guardduty_enabled::CHECK,
    &services::guardduty_notified::CHECK,
    &services::security_hub::CHECK,
    &services::cloudtrail_trail::CHECK,
    &encryption::s3_tls_only::CHECK,
    &encryption::rds_tls::CHECK,
    &encryption::s3_default_encryption::CHECK,
    &encryption::ebs_default::CHECK,
    &encryption::ebs_volumes::CHECK,
    &encryption::ebs_snapshots::CHECK,
    &encryption::rds_instance_at_rest::CHECK,
    &encryption::rds_cluster_at_rest::CHECK,
    &encryption::efs_at_rest::CHECK,
    &encryption::dynamodb_at_rest::CHECK,
    &encryption::backup_vault_at_rest::CHECK,
    &encryption::sns_at_rest::CHECK,
    &encryption::sqs_at_rest::CHECK,
    &encryption::elb_listeners::CHECK,
    &encryption::classic_elb_listeners::CHECK,
    &encryption::cloudfront::CHECK,
    &encryption::elasticache::IN_TRANSIT,
    &encryption::opensearch::IN_TRANSIT,
    &encryption::redshift::IN_TRANSIT,
    &encryption::elasticache::AT_REST,
    &encryption::opensearch::AT_REST,
    &encryption::redshift::AT_REST,
    &encryption::cloudtrail_kms::CHECK,
    &encryption::log_groups_kms::CHECK,
];

pub fn find(id: &str) -> Option<&'static Check> {
    CHECKS.iter().copied().find(|c| c.meta.id == id)
}

/// Checks serving a requirement (`IAM-5`), in registry order.
pub fn for_requirement(requirement: &str) -> impl Iterator<Item = &'static Check> + '_ {
    CHECKS.iter().copied().filter(move |c| {
        c.meta
            .requirements
            .iter()
            .any(|r| r.eq_ignore_ascii_case(requirement))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_and_kebab_case() {
        let mut seen = HashSet::new();
        for check in CHECKS {
            let id = check.meta.id;
            assert!(seen.insert(id), "duplicate check id {id}");
            assert!(
                id.split('-').all(|part| !part.is_empty()
                    && part
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())),
                "{id} is not kebab-case"
            );
        }
    }

    #[test]
    fn every_requirement_id_exists_in_the_sheet() {
        for check in CHECKS {
            assert!(
                !check.meta.requirements.is_empty(),
                "{} serves no requirement",
                check.meta.id
            );
            for r in check.meta.requirements {
                assert!(
                    crate::requirements::requirement(r).is_some(),
                    "{}: unknown requirement {r}",
                    check.meta.id
                );
            }
        }
    }

    fn has_japanese(s: &str) -> bool {
        s.chars()
            .any(|c| matches!(c, '\u{3040}'..='\u{30ff}' | '\u{4e00}'..='\u{9fff}'))
    }

    #[test]
    fn every_text_is_in_both_languages() {
        for check in CHECKS {
            let m = &check.meta;
            let mut texts = vec![m.title, m.description, m.remediation];
            texts.extend(m.differs_from_frameworks);
            for t in texts {
                assert!(!t.en.trim().is_empty(), "{}: empty English text", m.id);
                assert!(
                    has_japanese(t.ja),
                    "{}: Japanese text missing: {:?}",
                    m.id,
                    t.ja
                );
                assert!(
                    !has_japanese(t.en),
                    "{}: English text holds Japanese: {:?}",
                    m.id,
                    t.en
                );
            }
        }
    }

    #[test]
    fn framework_ids_look_like_their_framework() {
        for check in CHECKS {
            let m = &check.meta;
            for id in m.cis_1_2 {
                let (a, b) = id
                    .split_once('.')
                    .unwrap_or_else(|| panic!("{}: CIS {id}", m.id));
                assert!(
                    a.parse::<u8>().is_ok() && b.parse::<u8>().is_ok(),
                    "{}: CIS {id}",
                    m.id
                );
            }
            for id in m.fsbp {
                assert!(
                    // Security Hub spells services as AWS does: EC2.2, Config.1, GuardDuty.1.
                    id.split_once('.').is_some_and(|(s, n)| s
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_uppercase())
                        && s.chars().all(|c| c.is_ascii_alphanumeric())
                        && n.parse::<u16>().is_ok()),
                    "{}: FSBP {id}",
                    m.id
                );
            }
            for id in m.pci_dss {
                assert!(id.starts_with("PCI."), "{}: PCI {id}", m.id);
            }
        }
    }

    #[test]
    fn lookups_work() {
        assert_eq!(
            find("iam-root-mfa").map(|c| c.meta.id),
            Some("iam-root-mfa")
        );
        assert_eq!(for_requirement("iam-5").count(), 9);
    }
}
