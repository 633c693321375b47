//! CSV, for spreadsheets: one row per finding.

use std::io::{self, Write};

use kensa_checks::{Lang, Report};

/// The header row; multi-valued columns are joined with `;`. The last five
/// are empty unless an exception SUPPRESSED the finding.
pub const CSV_HEADER: [&str; 18] = [
    "check_id",
    "requirements",
    "status",
    "severity",
    "resource_type",
    "resource_id",
    "resource_arn",
    "resource_name",
    "region",
    "message",
    "cis_1_2",
    "fsbp",
    "pci_dss",
    "exception_id",
    "original_status",
    "exception_reason",
    "exception_approver",
    "exception_expires",
];

/// One row per finding, the message in `lang`.
pub fn render_csv(report: &Report, lang: Lang, out: &mut dyn Write) -> io::Result<()> {
    let mut writer = ::csv::Writer::from_writer(out);
    writer.write_record(CSV_HEADER)?;
    for f in &report.findings {
        let r = &f.resource;
        let s = f.suppression.as_ref();
        let expires = s.map(|s| s.expires.to_string()).unwrap_or_default();
        writer.write_record([
            f.check_id.as_str(),
            &f.requirements.join(";"),
            f.status.as_str(),
            f.severity.as_str(),
            &r.kind,
            &r.id,
            r.arn.as_deref().unwrap_or(""),
            r.name.as_deref().unwrap_or(""),
            &r.region,
            f.message.get(lang),
            &f.compliance.cis_1_2.join(";"),
            &f.compliance.fsbp.join(";"),
            &f.compliance.pci_dss.join(";"),
            s.map_or("", |s| s.exception_id.as_str()),
            s.map_or("", |s| s.original_status.as_str()),
            s.map_or("", |s| s.reason.as_str()),
            s.map_or("", |s| s.approver.as_str()),
            &expires,
        ])?;
    }
    writer.flush()
}
