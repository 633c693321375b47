//! Every AWS call goes through [`Caller`]: it bounds how many run at once,
//! counts them for the progress bar, and turns SDK errors into the
//! [`CallError`]s the snapshot records.

use std::error::Error as StdError;
use std::fmt::Debug;
use std::future::Future;

use aws_sdk_iam::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_smithy_async::future::pagination_stream::PaginationStream;
use chrono::{DateTime, Utc};
use kensa_snapshot::CallError;
use tokio::sync::Semaphore;

use crate::progress::Progress;

/// Which call is being made, so that a failure can name it.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    service: &'static str,
    operation: &'static str,
    region: Option<String>,
    resource: Option<String>,
}

impl Call {
    /// A call to a global service (IAM, STS through its global endpoint).
    pub(crate) fn global(service: &'static str, operation: &'static str) -> Self {
        Call {
            service,
            operation,
            region: None,
            resource: None,
        }
    }

    pub(crate) fn iam(operation: &'static str) -> Self {
        Call::global("iam", operation)
    }

    pub(crate) fn regional(service: &'static str, operation: &'static str, region: &str) -> Self {
        Call {
            service,
            operation,
            region: Some(region.to_owned()),
            resource: None,
        }
    }

    /// The same call, about one resource (a user name, a policy ARN).
    pub(crate) fn on(mut self, resource: impl Into<String>) -> Self {
        self.resource = Some(resource.into());
        self
    }

    /// A failure of this call with the given code and message.
    pub(crate) fn error(&self, code: impl Into<String>, message: impl Into<String>) -> CallError {
        CallError {
            service: self.service.to_owned(),
            operation: self.operation.to_owned(),
            region: self.region.clone(),
            resource: self.resource.clone(),
            code: code.into(),
            message: message.into(),
        }
    }

    /// The call succeeded but AWS left out something it always sends.
    pub(crate) fn malformed(&self, message: impl Into<String>) -> CallError {
        self.error(MALFORMED_RESPONSE, message)
    }

    fn sdk_error<E, R>(&self, err: &SdkError<E, R>) -> CallError
    where
        E: ProvideErrorMetadata + StdError + 'static,
        R: Debug,
    {
        // Errors that never reached AWS have no AWS code; kensa names them
        // by what went wrong so that a report can tell a network problem
        // from a permission problem.
        let code = err.code().map(str::to_owned).unwrap_or_else(|| {
            match err {
                SdkError::DispatchFailure(_) => "DispatchFailure",
                SdkError::TimeoutError(_) => "Timeout",
                SdkError::ResponseError(_) => "ResponseError",
                SdkError::ConstructionFailure(_) => "ConstructionFailure",
                _ => "Unknown",
            }
            .to_owned()
        });
        let message = err
            .message()
            .map(str::to_owned)
            .unwrap_or_else(|| DisplayErrorContext(err).to_string());
        self.error(code, message)
    }
}

/// kensa's own code for a response that lacks data AWS documents as always present.
pub(crate) const MALFORMED_RESPONSE: &str = "MalformedResponse";

/// The IAM error code for "there is none", which for some calls is an answer
/// rather than a failure.
pub(crate) const NO_SUCH_ENTITY: &str = "NoSuchEntity";

/// Turns `NoSuchEntity` into `Ok(None)`: for a login profile or a password
/// policy it means "not set", which is data, not a failure.
#[allow(
    clippy::result_large_err,
    reason = "CallError is the snapshot's own record and ends up stored by value; boxing it here would only add a move"
)]
pub(crate) fn none_if_no_such_entity<T>(
    result: Result<T, CallError>,
) -> Result<Option<T>, CallError> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(err) if err.code == NO_SUCH_ENTITY => Ok(None),
        Err(err) => Err(err),
    }
}

/// Runs AWS calls with at most `max_in_flight` of them in flight.
#[derive(Debug)]
pub(crate) struct Caller {
    permits: Semaphore,
    progress: Progress,
}

impl Caller {
    pub(crate) fn new(max_in_flight: usize, progress: Progress) -> Self {
        Caller {
            // Zero permits would wait forever; one is the least that works.
            permits: Semaphore::new(max_in_flight.max(1)),
            progress,
        }
    }

    pub(crate) fn progress(&self) -> &Progress {
        &self.progress
    }

    /// Makes one call. SDK futures do nothing until polled, so the request
    /// (with its retries) only starts once a permit is held.
    pub(crate) async fn call<T, E, R>(
        &self,
        call: &Call,
        request: impl Future<Output = Result<T, SdkError<E, R>>>,
    ) -> Result<T, CallError>
    where
        E: ProvideErrorMetadata + StdError + 'static,
        R: Debug,
    {
        let result = {
            let _permit = self.acquire().await;
            request.await
        };
        self.progress.call_done();
        result.map_err(|err| self.failed(call, &err))
    }

    /// Fetches every page of a paginated call, one permit per page, and
    /// fails as a whole if any page fails: half a list would read as "the
    /// account has only these".
    pub(crate) async fn all_pages<T, E, R>(
        &self,
        call: &Call,
        mut pages: PaginationStream<Result<T, SdkError<E, R>>>,
    ) -> Result<Vec<T>, CallError>
    where
        E: ProvideErrorMetadata + StdError + 'static,
        R: Debug,
    {
        let mut collected = Vec::new();
        loop {
            let page = {
                let _permit = self.acquire().await;
                pages.next().await
            };
            match page {
                None => return Ok(collected),
                Some(Ok(page)) => {
                    self.progress.call_done();
                    collected.push(page);
                }
                Some(Err(err)) => {
                    self.progress.call_done();
                    return Err(self.failed(call, &err));
                }
            }
        }
    }

    async fn acquire(&self) -> Option<tokio::sync::SemaphorePermit<'_>> {
        // The semaphore is never closed, so acquire cannot fail; if it ever
        // did, running the call unbounded beats losing its data.
        self.permits.acquire().await.ok()
    }

    fn failed<E, R>(&self, call: &Call, err: &SdkError<E, R>) -> CallError
    where
        E: ProvideErrorMetadata + StdError + 'static,
        R: Debug,
    {
        let error = call.sdk_error(err);
        tracing::debug!(%error, "AWS call failed");
        error
    }
}

/// Converts an SDK timestamp to chrono, keeping sub-second precision.
pub(crate) fn to_chrono(time: &aws_smithy_types::DateTime) -> DateTime<Utc> {
    DateTime::from_timestamp(time.secs(), time.subsec_nanos()).unwrap_or(DateTime::UNIX_EPOCH)
}

/// For dates IAM documents as always present. Falling back to the epoch
/// makes a missing date look old, so age checks err on the side of
/// reporting rather than passing silently.
pub(crate) fn required_date(time: Option<&aws_smithy_types::DateTime>) -> DateTime<Utc> {
    time.map(to_chrono).unwrap_or(DateTime::UNIX_EPOCH)
}
