//! What the ENC checks on endpoints and data services share: walking the
//! audited regions' [`Endpoints`], and the ERROR for a list that could not
//! be read.

use kensa_snapshot::endpoints::Endpoints;
use kensa_snapshot::{Collected, Missing};

use crate::network::region_resource;
use crate::{CheckMeta, Context, Finding, Text};

/// Runs `per_item` on every item of one list in every audited region. A
/// region whose list could not be read (or was not collected) gives one
/// ERROR finding naming `call` instead.
pub(crate) fn each_item<'a, T: 'a>(
    ctx: &Context<'a>,
    meta: &CheckMeta,
    call: &str,
    list: impl Fn(&'a Endpoints) -> &'a Collected<Vec<T>>,
    mut per_item: impl FnMut(&'a str, &'a Endpoints, &'a T) -> Vec<Finding>,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for region in &ctx.snapshot.audited_regions {
        let endpoints = ctx.snapshot.regions.get(region).map(|r| &r.endpoints);
        let items = match endpoints.map(|e| (e, list(e).get())) {
            Some((e, Ok(items))) => (e, items),
            Some((_, Err(missing))) => {
                findings.push(meta.missing(region_resource(ctx, region), missing, call));
                continue;
            }
            None => {
                findings.push(meta.missing(
                    region_resource(ctx, region),
                    Missing::NotCollected,
                    call,
                ));
                continue;
            }
        };
        for item in items.1 {
            findings.extend(per_item(region, items.0, item));
        }
    }
    findings
}

/// `arn:PARTITION:SERVICE:REGION:ACCOUNT:REST`, when the account is known.
pub(crate) fn regional_arn(
    ctx: &Context<'_>,
    region: &str,
    service: &str,
    rest: &str,
) -> Option<String> {
    crate::services::regional_arn(ctx, region, service, rest)
}

/// The English and Japanese lists of what is wrong, for a FAIL message.
pub(crate) fn join(gaps: &[Text]) -> Text {
    crate::services::join_gaps(gaps)
}

#[cfg(test)]
pub(crate) mod fixtures {
    //! Snapshots for the endpoint checks, shaped as AWS documents its answers.
    use kensa_snapshot::endpoints::Endpoints;
    use kensa_snapshot::{CallError, Region, Snapshot};

    use crate::Finding;

    pub const REGION: &str = "ap-northeast-1";

    /// A snapshot auditing one region with the given endpoints.
    pub fn snapshot(endpoints: Endpoints) -> Snapshot {
        let mut s = crate::iam::fixtures::snapshot();
        s.audited_regions.push(REGION.to_owned());
        s.regions.insert(
            REGION.to_owned(),
            Region {
                endpoints,
                ..Default::default()
            },
        );
        s
    }

    /// What moto answers for an operation it does not implement.
    pub fn not_implemented(service: &str, operation: &str) -> CallError {
        CallError {
            service: service.to_owned(),
            operation: operation.to_owned(),
            region: Some(REGION.to_owned()),
            resource: None,
            code: "InvalidAction".to_owned(),
            message: format!("{operation} is not implemented"),
        }
    }

    /// Every finding as `STATUS resource-id` and its two messages, for insta.
    pub fn render(findings: &[Finding]) -> String {
        findings
            .iter()
            .map(|f| {
                format!(
                    "{} {}\n  en: {}\n  ja: {}\n",
                    f.status, f.resource.id, f.message.en, f.message.ja
                )
            })
            .collect()
    }
}
