//! CSV, for spreadsheets: one row per finding.

use std::io::{self, Write};

use kensa_checks::{Lang, Report};

/// The header row; multi-valued columns are joined with `;`.
pub const CSV_HEADER: [&str; 13] = [
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
];

/// One row per finding, the message in `lang`.
pub fn render_csv(report: &Report, lang: Lang, out: &mut dyn Write) -> io::Result<()> {
    let mut writer = ::csv::Writer::from_writer(out);
    writer.write_record(CSV_HEADER)?;
    for f in &report.findings {
        let r = &f.resource;
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
        ])?;
    }
    writer.flush()
}
