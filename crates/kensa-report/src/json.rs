use std::io::{self, Write};

use kensa_checks::Report;

/// The stable machine format (`docs/json-output.md`): the report as is.
pub fn render_json(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report).map_err(io::Error::other)?;
    out.write_all(b"\n")
}
