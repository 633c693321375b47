//! Reading CloudTrail log files from S3 for `kensa detect`: list the keys
//! under a prefix, then fetch objects one by one. Read-only
//! (`s3:ListBucket`, `s3:GetObject`).

use aws_config::SdkConfig;

/// `s3://bucket/prefix`, split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Url {
    pub bucket: String,
    pub prefix: String,
}

impl S3Url {
    /// Parses `s3://bucket` or `s3://bucket/prefix`; `None` for anything else.
    pub fn parse(url: &str) -> Option<S3Url> {
        let rest = url.strip_prefix("s3://")?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return None;
        }
        Some(S3Url {
            bucket: bucket.to_owned(),
            prefix: prefix.to_owned(),
        })
    }
}

/// One listed object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Object {
    pub bucket: String,
    pub key: String,
    pub size: u64,
}

impl S3Object {
    pub fn url(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.key)
    }
}

/// An S3 call that failed, with the call and the service's message.
#[derive(Debug, thiserror::Error)]
#[error("s3:{operation} on {target}: {message}")]
pub struct S3Error {
    pub operation: &'static str,
    pub target: String,
    pub message: String,
}

/// Talks to S3 with kensa's SDK configuration. Path-style addressing when
/// an endpoint is set, as emulators (moto, LocalStack, MinIO) need.
#[derive(Debug, Clone)]
pub struct LogBucketReader {
    client: aws_sdk_s3::Client,
}

impl LogBucketReader {
    pub fn new(sdk: &SdkConfig) -> Self {
        let config = aws_sdk_s3::config::Builder::from(sdk)
            .force_path_style(sdk.endpoint_url().is_some())
            .build();
        LogBucketReader {
            client: aws_sdk_s3::Client::from_conf(config),
        }
    }

    /// Every object under the URL's prefix, in key order, skipping
    /// "folder" markers and CloudTrail's digest files.
    pub async fn list(&self, url: &S3Url) -> Result<Vec<S3Object>, S3Error> {
        let mut pages = self
            .client
            .list_objects_v2()
            .bucket(&url.bucket)
            .prefix(&url.prefix)
            .into_paginator()
            .send();
        let mut objects = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| S3Error {
                operation: "ListObjectsV2",
                target: format!("s3://{}/{}", url.bucket, url.prefix),
                message: aws_sdk_s3::error::DisplayErrorContext(&e).to_string(),
            })?;
            for object in page.contents() {
                let Some(key) = object.key() else { continue };
                if key.ends_with('/') || key.contains("/CloudTrail-Digest/") {
                    continue;
                }
                objects.push(S3Object {
                    bucket: url.bucket.clone(),
                    key: key.to_owned(),
                    size: object.size().unwrap_or(0).max(0) as u64,
                });
            }
        }
        objects.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(objects)
    }

    /// The object's bytes as stored (CloudTrail's are gzip; the caller
    /// decompresses while scanning).
    pub async fn get(&self, object: &S3Object) -> Result<Vec<u8>, S3Error> {
        let error = |message: String| S3Error {
            operation: "GetObject",
            target: object.url(),
            message,
        };
        let output = self
            .client
            .get_object()
            .bucket(&object.bucket)
            .key(&object.key)
            .send()
            .await
            .map_err(|e| error(aws_sdk_s3::error::DisplayErrorContext(&e).to_string()))?;
        let body = output
            .body
            .collect()
            .await
            .map_err(|e| error(e.to_string()))?;
        Ok(body.into_bytes().to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_urls_split_into_bucket_and_prefix() {
        assert_eq!(
            S3Url::parse("s3://logs/AWSLogs/1/"),
            Some(S3Url {
                bucket: "logs".into(),
                prefix: "AWSLogs/1/".into()
            })
        );
        assert_eq!(
            S3Url::parse("s3://logs"),
            Some(S3Url {
                bucket: "logs".into(),
                prefix: String::new()
            })
        );
        assert_eq!(S3Url::parse("s3:///x"), None);
        assert_eq!(S3Url::parse("logs/x"), None);
    }
}
