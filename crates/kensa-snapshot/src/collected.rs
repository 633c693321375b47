use serde::{Deserialize, Serialize};
use std::fmt;

/// A piece of data the collector tried to read.
///
/// In JSON: `{"value": ...}`, `{"error": {...}}`, or the string
/// `"not_collected"` (also what a missing field means).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Collected<T> {
    /// The call succeeded; this is what AWS returned.
    Value(T),
    /// The call failed; the data is unknown.
    Error(CallError),
    /// Nobody asked (an older kensa, or a collection that was limited).
    #[default]
    NotCollected,
}

/// One AWS call that failed: enough to name it in a finding and to retry it
/// by hand with the AWS CLI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallError {
    /// Service prefix as in IAM actions: `iam`, `sts`, `ec2`.
    pub service: String,
    /// API operation name: `GetAccountPasswordPolicy`.
    pub operation: String,
    /// Region of the call; `None` for global services.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The resource the call was about (a user name...), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// AWS error code (`AccessDenied`, `Throttling`...), or kensa's own
    /// (`DispatchFailure`, `Timeout`, `MalformedResponse`).
    pub code: String,
    pub message: String,
}

impl CallError {
    /// `iam:GetAccountPasswordPolicy`, the form IAM policies and people use.
    pub fn call(&self) -> String {
        format!("{}:{}", self.service, self.operation)
    }
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.call())?;
        if let Some(region) = &self.region {
            write!(f, " in {region}")?;
        }
        if let Some(resource) = &self.resource {
            write!(f, " for {resource}")?;
        }
        write!(f, " failed: {}: {}", self.code, self.message)
    }
}

/// Why a [`Collected`] value has no data: what a check reports as ERROR.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing<'a> {
    Failed(&'a CallError),
    NotCollected,
}

impl<T> Collected<T> {
    pub fn value(&self) -> Option<&T> {
        match self {
            Collected::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The data, or why there is none.
    pub fn get(&self) -> Result<&T, Missing<'_>> {
        match self {
            Collected::Value(v) => Ok(v),
            Collected::Error(e) => Err(Missing::Failed(e)),
            Collected::NotCollected => Err(Missing::NotCollected),
        }
    }

    pub fn error(&self) -> Option<&CallError> {
        match self {
            Collected::Error(e) => Some(e),
            _ => None,
        }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Collected<U> {
        match self {
            Collected::Value(v) => Collected::Value(f(v)),
            Collected::Error(e) => Collected::Error(e),
            Collected::NotCollected => Collected::NotCollected,
        }
    }
}

impl<T> From<Result<T, CallError>> for Collected<T> {
    fn from(result: Result<T, CallError>) -> Self {
        match result {
            Ok(v) => Collected::Value(v),
            Err(e) => Collected::Error(e),
        }
    }
}
