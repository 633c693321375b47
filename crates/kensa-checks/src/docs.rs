//! Check documentation, generated from the checks' own metadata so it can
//! never disagree with what the check does. `docs/checks/` holds the
//! output; a test fails when it is stale.

use std::fmt::Write;

use crate::registry::CHECKS;
use crate::requirements::requirement;
use crate::{Check, Lang};

fn ids(list: &[&str]) -> String {
    if list.is_empty() {
        "—".to_owned()
    } else {
        list.join(", ")
    }
}

/// One check's page, in one language (what `kensa explain` prints).
pub fn explain(check: &Check, lang: Lang) -> String {
    let m = &check.meta;
    let mut out = String::new();
    let requirements: Vec<String> = m
        .requirements
        .iter()
        .map(|r| match requirement(r) {
            Some(req) => format!("{r} ({})", req.title.get(lang)),
            None => (*r).to_owned(),
        })
        .collect();
    let (h_req, h_sev, h_desc, h_fix, h_cis, h_fsbp, h_pci, h_differs) = match lang {
        Lang::En => (
            "Requirements",
            "Severity",
            "What it checks",
            "Remediation",
            "CIS AWS Foundations 1.2",
            "AWS FSBP",
            "PCI DSS",
            "Where the sheet differs",
        ),
        Lang::Ja => (
            "要件",
            "重要度",
            "チェック内容",
            "対処方法",
            "CIS AWS Foundations 1.2",
            "AWS FSBP",
            "PCI DSS",
            "設計書とフレームワークの違い",
        ),
    };
    let _ = writeln!(out, "# {}: {}\n", m.id, m.title.get(lang));
    let _ = writeln!(out, "- {h_req}: {}", requirements.join(", "));
    let _ = writeln!(out, "- {h_sev}: {}", m.severity);
    let _ = writeln!(out, "- {h_cis}: {}", ids(m.cis_1_2));
    let _ = writeln!(out, "- {h_fsbp}: {}", ids(m.fsbp));
    let _ = writeln!(out, "- {h_pci}: {}\n", ids(m.pci_dss));
    let _ = writeln!(out, "## {h_desc}\n\n{}\n", m.description.get(lang));
    if let Some(differs) = m.differs_from_frameworks {
        let _ = writeln!(out, "## {h_differs}\n\n{}\n", differs.get(lang));
    }
    let _ = writeln!(out, "## {h_fix}\n\n{}", m.remediation.get(lang));
    out
}

/// The generated files: (path under `docs/checks/`, content).
pub fn generate() -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut index = String::from(
        "# kensa checks\n\nGenerated from the check registry (`crates/kensa-checks`); do not edit by hand.\n\
         Regenerate with `UPDATE_DOCS=1 cargo test -p kensa-checks docs`.\n\n\
         | check | requirements | severity | title | タイトル |\n|---|---|---|---|---|\n",
    );
    for check in CHECKS {
        let m = &check.meta;
        let _ = writeln!(
            index,
            "| [{id}]({id}.md) | {} | {} | {} | {} |",
            m.requirements.join(", "),
            m.severity,
            m.title.en,
            m.title.ja,
            id = m.id
        );
        let page = format!(
            "<!-- Generated from the check registry; do not edit. -->\n\n{}\n---\n\n{}",
            explain(check, Lang::En),
            explain(check, Lang::Ja)
        );
        files.push((format!("{}.md", m.id), page));
    }
    files.push(("README.md".to_owned(), index));
    files
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// Fails when `docs/checks/` is not what the registry generates; with
    /// `UPDATE_DOCS=1` it writes the pages instead.
    #[test]
    fn docs_are_fresh() {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/checks");
        let files = generate();
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::create_dir_all(&dir).unwrap();
            for entry in std::fs::read_dir(&dir).unwrap() {
                std::fs::remove_file(entry.unwrap().path()).unwrap();
            }
            for (name, content) in &files {
                std::fs::write(dir.join(name), content).unwrap();
            }
            return;
        }
        let mut stale = Vec::new();
        for (name, content) in &files {
            match std::fs::read_to_string(dir.join(name)) {
                Ok(on_disk) if &on_disk == content => {}
                _ => stale.push(name.clone()),
            }
        }
        let on_disk = std::fs::read_dir(&dir).map(|d| d.count()).unwrap_or(0);
        assert!(
            stale.is_empty() && on_disk == files.len(),
            "docs/checks is stale ({stale:?}, {on_disk} files on disk, {} generated): \
             run `UPDATE_DOCS=1 cargo test -p kensa-checks docs`",
            files.len()
        );
    }

    #[test]
    fn explain_has_both_languages_and_the_ids() {
        let check = crate::registry::find("iam-password-policy-no-expiry").unwrap();
        let en = explain(check, Lang::En);
        assert!(en.contains("IAM-5 (Password policy)"));
        assert!(en.contains("CIS AWS Foundations 1.2: 1.11"));
        assert!(en.contains("## Where the sheet differs"));
        let ja = explain(check, Lang::Ja);
        assert!(ja.contains("IAM-5 (IAM ユーザーパスワードポリシー)"));
        assert!(ja.contains("## 設計書とフレームワークの違い"));
    }
}
