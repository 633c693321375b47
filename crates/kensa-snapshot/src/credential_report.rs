use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The IAM credential report, parsed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialReport {
    pub generated_at: DateTime<Utc>,
    pub rows: Vec<CredentialReportRow>,
}

/// One line of the report. Dates that the report gives as `N/A`,
/// `no_information` or `not_supported` are `None`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialReportRow {
    /// User name; `<root_account>` for the root user.
    pub user: String,
    pub arn: String,
    /// `None` where the report says `not_supported` (the root row).
    #[serde(default)]
    pub password_enabled: Option<bool>,
    #[serde(default)]
    pub password_last_used: Option<DateTime<Utc>>,
    pub mfa_active: bool,
    pub access_key_1_active: bool,
    #[serde(default)]
    pub access_key_1_last_rotated: Option<DateTime<Utc>>,
    #[serde(default)]
    pub access_key_1_last_used: Option<DateTime<Utc>>,
    pub access_key_2_active: bool,
    #[serde(default)]
    pub access_key_2_last_rotated: Option<DateTime<Utc>>,
    #[serde(default)]
    pub access_key_2_last_used: Option<DateTime<Utc>>,
}

pub const ROOT_USER: &str = "<root_account>";

impl CredentialReportRow {
    pub fn is_root(&self) -> bool {
        self.user == ROOT_USER
    }
}

impl CredentialReport {
    pub fn root(&self) -> Option<&CredentialReportRow> {
        self.rows.iter().find(|r| r.is_root())
    }

    pub fn user(&self, name: &str) -> Option<&CredentialReportRow> {
        self.rows.iter().find(|r| !r.is_root() && r.user == name)
    }

    /// Parses the CSV text of `iam:GetCredentialReport`.
    pub fn parse_csv(
        generated_at: DateTime<Utc>,
        text: &str,
    ) -> Result<Self, CredentialReportError> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(text.as_bytes());
        let headers = reader
            .headers()
            .map_err(|e| CredentialReportError::at(1, e.to_string()))?
            .clone();
        let column = |name: &str| headers.iter().position(|h| h == name);
        let required = |name: &'static str| {
            column(name).ok_or_else(|| CredentialReportError::at(1, format!("no column `{name}`")))
        };
        let user = required("user")?;
        let arn = required("arn")?;
        let mfa_active = required("mfa_active")?;
        let optional = |name: &str| column(name);
        let password_enabled = optional("password_enabled");
        let password_last_used = optional("password_last_used");
        let key_cols = |n: u8| {
            (
                optional(&format!("access_key_{n}_active")),
                optional(&format!("access_key_{n}_last_rotated")),
                optional(&format!("access_key_{n}_last_used_date")),
            )
        };
        let (k1_active, k1_rotated, k1_used) = key_cols(1);
        let (k2_active, k2_rotated, k2_used) = key_cols(2);

        let mut rows = Vec::new();
        for (index, record) in reader.records().enumerate() {
            // Line 1 is the header.
            let line = index + 2;
            let record = record.map_err(|e| CredentialReportError::at(line, e.to_string()))?;
            let field = |col: Option<usize>| col.and_then(|c| record.get(c)).unwrap_or("");
            let flag = |col: Option<usize>, name: &str| -> Result<Option<bool>, _> {
                match field(col) {
                    "true" | "TRUE" | "True" => Ok(Some(true)),
                    "false" | "FALSE" | "False" => Ok(Some(false)),
                    "" | "N/A" | "not_supported" | "no_information" => Ok(None),
                    other => Err(CredentialReportError::at(
                        line,
                        format!("`{name}` is `{other}`, expected true or false"),
                    )),
                }
            };
            let date = |col: Option<usize>, name: &str| -> Result<Option<DateTime<Utc>>, _> {
                match field(col) {
                    "" | "N/A" | "not_supported" | "no_information" => Ok(None),
                    text => DateTime::parse_from_rfc3339(text)
                        .map(|d| Some(d.with_timezone(&Utc)))
                        .map_err(|e| {
                            CredentialReportError::at(line, format!("`{name}` is `{text}`: {e}"))
                        }),
                }
            };
            rows.push(CredentialReportRow {
                user: field(Some(user)).to_owned(),
                arn: field(Some(arn)).to_owned(),
                password_enabled: flag(password_enabled, "password_enabled")?,
                password_last_used: date(password_last_used, "password_last_used")?,
                mfa_active: flag(Some(mfa_active), "mfa_active")?.unwrap_or(false),
                access_key_1_active: flag(k1_active, "access_key_1_active")?.unwrap_or(false),
                access_key_1_last_rotated: date(k1_rotated, "access_key_1_last_rotated")?,
                access_key_1_last_used: date(k1_used, "access_key_1_last_used_date")?,
                access_key_2_active: flag(k2_active, "access_key_2_active")?.unwrap_or(false),
                access_key_2_last_rotated: date(k2_rotated, "access_key_2_last_rotated")?,
                access_key_2_last_used: date(k2_used, "access_key_2_last_used_date")?,
            });
        }
        Ok(CredentialReport { generated_at, rows })
    }
}

/// A credential report that could not be parsed, with the CSV line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("credential report line {line}: {message}")]
pub struct CredentialReportError {
    pub line: usize,
    pub message: String,
}

impl CredentialReportError {
    fn at(line: usize, message: String) -> Self {
        CredentialReportError { line, message }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated
<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,2026-11-01T10:00:00+00:00,not_supported,not_supported,false,true,2021-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
alice,arn:aws:iam::123456789012:user/alice,2021-03-04T05:06:07+00:00,true,no_information,2021-03-04T05:06:07+00:00,N/A,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
";

    #[test]
    fn parses_root_and_user_rows() {
        let report = CredentialReport::parse_csv(Utc::now(), SAMPLE).unwrap();
        let root = report.root().unwrap();
        assert_eq!(root.password_enabled, None);
        assert!(!root.mfa_active);
        assert!(root.access_key_1_active);
        assert_eq!(
            root.password_last_used.unwrap().to_rfc3339(),
            "2026-11-01T10:00:00+00:00"
        );
        let alice = report.user("alice").unwrap();
        assert_eq!(alice.password_enabled, Some(true));
        assert_eq!(alice.password_last_used, None);
        assert!(alice.mfa_active);
    }

    #[test]
    fn malformed_value_names_the_line_and_column() {
        let bad = SAMPLE.replace(",true,no_information", ",maybe,no_information");
        let err = CredentialReport::parse_csv(Utc::now(), &bad).unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.message.contains("password_enabled"), "{err}");
    }

    #[test]
    fn missing_required_column_is_an_error() {
        let err = CredentialReport::parse_csv(Utc::now(), "user,arn\nbob,x\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "credential report line 1: no column `mfa_active`"
        );
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The report comes from the network: any text gives a report or
        /// an error with a line number, never a panic.
        #[test]
        fn parsing_arbitrary_text_never_panics(text in "(user,arn,mfa_active\n)?[a-z0-9_:,<>\n-]{0,300}") {
            if let Err(e) = CredentialReport::parse_csv(Utc::now(), &text) {
                prop_assert!(e.line >= 1);
            }
        }
    }
}
