//! `kensa audit --to-security-hub`: sends the report's findings to AWS
//! Security Hub and says how that went.
//!
//! Exit codes: the audit's own (0 or 1) when every finding was imported;
//! at least 1 when some were not (or earlier findings could not be read to
//! archive the stale ones); 2 when none was imported.

use std::collections::BTreeSet;
use std::io::{self, IsTerminal};

use anyhow::{Context as _, Result};
use kensa_checks::{GLOBAL_REGION, Lang, Report, Selection, Status, registry};
use kensa_collect::CollectOptions;
use kensa_collect::security_hub::{ArchiveScope, ImportOutcome, ImportReport, ImportRequest};

use crate::AuditArgs;

/// At most this many failed findings are listed one by one.
const FAILURES_LISTED: usize = 20;

/// The SDK's `AwsSecurityFinding` holds every ASFF resource type by value;
/// reading a page of findings back (GetFindings) needs far more stack than
/// a thread's default in unoptimized builds (8 MiB overflows, 16 MiB was
/// enough when measured): 64 MiB leaves a margin.
const IMPORT_STACK: usize = 64 * 1024 * 1024;

pub(crate) fn import(
    report: &Report,
    args: &AuditArgs,
    selection: &Selection,
    lang: Lang,
) -> Result<u8> {
    let region = kensa_report::security_hub_region(report, args.security_hub_region.as_deref());
    let findings = kensa_report::asff_findings(report, lang, &region)
        .context("cannot send the findings to Security Hub")?;
    let account_id = report.account_id.clone().unwrap_or_default();
    let product_arn = kensa_asff::default_product_arn(
        kensa_asff::partition_of_region(&region),
        &region,
        &account_id,
    );
    let request = ImportRequest {
        region: region.clone(),
        account_id,
        product_arn,
        findings,
        archive: archive_scope(report, selection),
    };
    let aws = &args.aws;
    let options = CollectOptions {
        profile: aws.profile.clone(),
        regions: aws.regions.clone(),
        endpoint_url: aws.endpoint_url.clone(),
        max_in_flight: aws.max_in_flight.max(1),
        max_attempts: aws.max_attempts.max(1),
        progress: io::stderr().is_terminal(),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .thread_stack_size(IMPORT_STACK)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    // On a worker thread, whose stack is IMPORT_STACK: see there.
    let import = runtime.spawn(async move {
        kensa_collect::security_hub::import_findings(&options, request).await
    });
    let outcome = runtime
        .block_on(import)
        .context("the Security Hub import stopped")?;
    eprint!("{}", summary(&outcome, &region, lang));
    Ok(match outcome.outcome() {
        ImportOutcome::Complete => 0,
        ImportOutcome::Partial => 1,
        ImportOutcome::Failed => 2,
    })
}

/// The earlier findings this run can speak for: those of the checks that
/// ran without an ERROR (a check that could not read its data says nothing
/// about whether an earlier finding still holds), in the audited regions.
fn archive_scope(report: &Report, selection: &Selection) -> ArchiveScope {
    let erred: BTreeSet<&str> = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Error)
        .map(|f| f.check_id.as_str())
        .collect();
    ArchiveScope {
        check_ids: registry::CHECKS
            .iter()
            .filter(|c| selection.includes(c) && !erred.contains(c.meta.id))
            .map(|c| c.meta.id.to_owned())
            .collect(),
        regions: report
            .regions
            .iter()
            .cloned()
            .chain([GLOBAL_REGION.to_owned()])
            .collect(),
    }
}

fn summary(outcome: &ImportReport, region: &str, lang: Lang) -> String {
    let (imported, archived, failed) = (outcome.imported, outcome.archived, outcome.failed.len());
    let mut out = match lang {
        Lang::En => format!(
            "kensa: Security Hub ({region}): {imported} finding(s) imported, {archived} archived \
             (no longer found), {failed} failed\n"
        ),
        Lang::Ja => format!(
            "kensa: Security Hub ({region}): {imported} 件を取り込み、{archived} 件をアーカイブ\
             （今回見つからなかったもの）、{failed} 件が失敗しました\n"
        ),
    };
    for f in outcome.failed.iter().take(FAILURES_LISTED) {
        out += &format!("  {}: {}: {}\n", f.id, f.code, f.message);
    }
    if failed > FAILURES_LISTED {
        let more = failed - FAILURES_LISTED;
        out += &match lang {
            Lang::En => format!("  ... and {more} more\n"),
            Lang::Ja => format!("  ... ほか {more} 件\n"),
        };
    }
    for error in &outcome.errors {
        out += &match (lang, error.operation.as_str()) {
            (Lang::En, "GetFindings") => format!(
                "  kensa's earlier findings could not be read, so none was archived: {error}\n"
            ),
            (Lang::Ja, "GetFindings") => format!(
                "  以前の kensa の結果を読み取れなかったため、アーカイブしていません: {error}\n"
            ),
            (Lang::En, _) => format!("  failed call: {error}\n"),
            (Lang::Ja, _) => format!("  失敗した呼び出し: {error}\n"),
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use kensa_collect::security_hub::FailedFinding;
    use kensa_snapshot::CallError;

    #[test]
    fn summaries_in_both_languages() {
        let outcome = ImportReport {
            imported: 40,
            archived: 2,
            failed: vec![FailedFinding {
                id: "kensa/1/global/iam-root-mfa/00".into(),
                code: "InvalidInput".into(),
                message: "Title too long".into(),
            }],
            errors: vec![CallError {
                service: "securityhub".into(),
                operation: "GetFindings".into(),
                region: Some("us-east-1".into()),
                resource: None,
                code: "AccessDeniedException".into(),
                message: "no".into(),
            }],
        };
        let en = summary(&outcome, "us-east-1", Lang::En);
        assert_eq!(
            en.lines().collect::<Vec<_>>(),
            [
                "kensa: Security Hub (us-east-1): 40 finding(s) imported, 2 archived (no longer \
                 found), 1 failed",
                "  kensa/1/global/iam-root-mfa/00: InvalidInput: Title too long",
                &format!(
                    "  kensa's earlier findings could not be read, so none was archived: {}",
                    outcome.errors[0]
                ),
            ]
        );
        let ja = summary(&outcome, "us-east-1", Lang::Ja);
        assert!(ja.starts_with(
            "kensa: Security Hub (us-east-1): 40 件を取り込み、2 件をアーカイブ（今回見つからなかったもの）、1 件が失敗しました\n"
        ));
        assert!(ja.contains("以前の kensa の結果を読み取れなかったため"));
    }

    #[test]
    fn long_failure_lists_are_cut() {
        let outcome = ImportReport {
            failed: (0..25)
                .map(|i| FailedFinding {
                    id: format!("id-{i}"),
                    code: "InvalidInput".into(),
                    message: "bad".into(),
                })
                .collect(),
            ..ImportReport::default()
        };
        let en = summary(&outcome, "us-east-1", Lang::En);
        assert_eq!(en.lines().count(), 1 + FAILURES_LISTED + 1);
        assert!(en.ends_with("  ... and 5 more\n"));
        assert!(summary(&outcome, "us-east-1", Lang::Ja).ends_with("  ... ほか 5 件\n"));
    }
}
