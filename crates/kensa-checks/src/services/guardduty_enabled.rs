//! SVC-5: a GuardDuty detector is enabled in every region.

use kensa_snapshot::services::Detector;
use serde_json::json;

use super::{each_region, region_value, regional_arn};
use crate::network::region_resource;
use crate::{Check, CheckMeta, Context, Finding, Resource, Severity, StaticText, Status, text};

pub static CHECK: Check = Check {
    meta: CheckMeta {
        id: "svc-guardduty-enabled",
        requirements: &["SVC-5"],
        severity: Severity::High,
        title: StaticText {
            en: "GuardDuty is enabled in every region",
            ja: "GuardDuty がすべてのリージョンで有効になっている",
        },
        description: StaticText {
            en: "Each audited region has a GuardDuty detector whose status is ENABLED. A region \
                 without a detector fails, and so does one whose detector exists but is disabled. \
                 The evidence lists the detector's protection plans (malware protection among them).",
            ja: "監査する各リージョンに、状態が ENABLED の GuardDuty ディテクターがあること。\
                 ディテクターがないリージョンも、ディテクターがあっても無効なリージョンも不合格。\
                 証跡にはディテクターの保護プラン (マルウェア保護を含む) を載せる。",
        },
        remediation: StaticText {
            en: "Enable GuardDuty in the region (or re-enable its detector).",
            ja: "そのリージョンで GuardDuty を有効化する (またはディテクターを再度有効にする)。",
        },
        cis_1_2: &[],
        fsbp: &["GuardDuty.1"],
        pci_dss: &["PCI.GuardDuty.1"],
        differs_from_frameworks: None,
    },
    run,
};

fn detector_resource(ctx: &Context<'_>, region: &str, detector: &Detector) -> Resource {
    Resource {
        kind: "AWS::GuardDuty::Detector".to_owned(),
        id: detector.id.clone(),
        arn: regional_arn(
            ctx,
            region,
            "guardduty",
            &format!("detector/{}", detector.id),
        ),
        name: Some(format!("{} ({region})", detector.id)),
        region: region.to_owned(),
    }
}

fn run(ctx: &Context<'_>) -> Vec<Finding> {
    let meta = &CHECK.meta;
    each_region(ctx, |region, services| {
        let detectors = region_value(
            ctx,
            meta,
            region,
            services,
            "guardduty:ListDetectors",
            |s| &s.guardduty.detectors,
        )?;
        let Some(detector) = detectors.first() else {
            return Ok(vec![meta.finding(
                Status::Fail,
                region_resource(ctx, region),
                text!(
                    "{region} has no GuardDuty detector",
                    "{region} に GuardDuty のディテクターがありません"
                ),
                json!({ "detectors": [] }),
            )]);
        };
        // A region has at most one detector; should AWS ever list more,
        // any enabled one serves, and the evidence shows them all.
        let enabled = detectors
            .iter()
            .find(|d| d.details.value().is_some_and(|x| x.is_enabled()));
        let evidence = json!({ "detectors": detectors });
        if let Some(on) = enabled {
            let id = &on.id;
            return Ok(vec![meta.finding(
                Status::Pass,
                detector_resource(ctx, region, on),
                text!(
                    "GuardDuty detector {id} is enabled in {region}",
                    "{region} の GuardDuty ディテクター {id} は有効です"
                ),
                evidence,
            )]);
        }
        if let Some(unread) = detectors.iter().find(|d| d.details.value().is_none()) {
            let missing = match unread.details.get() {
                Err(m) => m,
                Ok(_) => kensa_snapshot::Missing::NotCollected,
            };
            return Ok(vec![meta.missing(
                detector_resource(ctx, region, unread),
                missing,
                "guardduty:GetDetector",
            )]);
        }
        let id = &detector.id;
        Ok(vec![meta.finding(
            Status::Fail,
            detector_resource(ctx, region, detector),
            text!(
                "GuardDuty detector {id} in {region} exists but is disabled",
                "{region} の GuardDuty ディテクター {id} は存在しますが無効です"
            ),
            evidence,
        )])
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::fixtures::run_check;
    use crate::services::fixtures::*;
    use kensa_snapshot::Collected;
    use kensa_snapshot::services::{DetectorDetails, GuardDuty, Services};

    fn with_detector(status: Option<&str>) -> Services {
        let details = match status {
            Some(status) => Collected::Value(DetectorDetails {
                status: status.into(),
                features: [("EBS_MALWARE_PROTECTION".to_owned(), status.to_owned())].into(),
            }),
            None => Collected::Error(not_implemented("guardduty", "GetDetector")),
        };
        Services {
            guardduty: GuardDuty {
                detectors: Collected::Value(vec![Detector {
                    id: "12abc34d567e8fa901bc2d34e56789f0".into(),
                    details,
                }]),
            },
            ..Default::default()
        }
    }

    fn no_detector() -> Services {
        Services {
            guardduty: GuardDuty {
                detectors: Collected::Value(vec![]),
            },
            ..Default::default()
        }
    }

    #[test]
    fn each_verdict() {
        let mut unreadable = Services::default();
        unreadable.guardduty.detectors =
            Collected::Error(not_implemented("guardduty", "ListDetectors"));
        let s = snapshot(vec![
            ("ap-northeast-1", with_detector(Some("ENABLED"))),
            ("ap-northeast-3", with_detector(Some("DISABLED"))),
            ("eu-west-1", with_detector(None)),
            ("us-east-1", no_detector()),
            ("us-west-2", unreadable),
        ]);
        let f = run_check(&CHECK, &s);
        let got: Vec<(Status, &str, &str)> = f
            .iter()
            .map(|f| (f.status, f.message.en.as_str(), f.message.ja.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    Status::Pass,
                    "GuardDuty detector 12abc34d567e8fa901bc2d34e56789f0 is enabled in ap-northeast-1",
                    "ap-northeast-1 の GuardDuty ディテクター 12abc34d567e8fa901bc2d34e56789f0 は有効です",
                ),
                (
                    Status::Fail,
                    "GuardDuty detector 12abc34d567e8fa901bc2d34e56789f0 in ap-northeast-3 exists but is disabled",
                    "ap-northeast-3 の GuardDuty ディテクター 12abc34d567e8fa901bc2d34e56789f0 は存在しますが無効です",
                ),
                (
                    Status::Error,
                    "Could not decide for 12abc34d567e8fa901bc2d34e56789f0 (eu-west-1): \
                     guardduty:GetDetector failed (InvalidAction: GetDetector is not implemented)",
                    "12abc34d567e8fa901bc2d34e56789f0 (eu-west-1) を判定できません: \
                     guardduty:GetDetector が失敗しました (InvalidAction: GetDetector is not implemented)",
                ),
                (
                    Status::Fail,
                    "us-east-1 has no GuardDuty detector",
                    "us-east-1 に GuardDuty のディテクターがありません",
                ),
                (
                    Status::Error,
                    "Could not decide for us-west-2 (123456789012): guardduty:ListDetectors \
                     failed (InvalidAction: ListDetectors is not implemented)",
                    "us-west-2 (123456789012) を判定できません: guardduty:ListDetectors が\
                     失敗しました (InvalidAction: ListDetectors is not implemented)",
                ),
            ]
        );
        assert_eq!(
            f[0].evidence["detectors"][0]["details"]["value"]["features"]["EBS_MALWARE_PROTECTION"],
            "ENABLED"
        );
        assert_eq!(
            f[0].resource.arn.as_deref(),
            Some(
                "arn:aws:guardduty:ap-northeast-1:123456789012:detector/12abc34d567e8fa901bc2d34e56789f0"
            )
        );
    }
}
