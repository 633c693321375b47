//! A fake AWS for the collector tests: an HTTP client that answers each
//! query-protocol request from canned XML, chosen by the request's form
//! parameters (`Action`, and `Marker`, `UserName`... when a route names them).
//!
//! JSON-protocol calls (CloudTrail, CloudWatch Logs, EventBridge: an
//! `X-Amz-Target` header) are routed the same way: their operation is the
//! `Action` and the body's top-level string fields are the parameters.
//! CloudWatch speaks RPC v2 CBOR and gets an empty answer.
//!
//! The collector issues calls concurrently, so routing by content rather
//! than by order keeps the tests independent of scheduling.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_sdk_iam::config::StalledStreamProtectionConfig;
use aws_smithy_async::rt::sleep::default_async_sleep;
use aws_smithy_http_client::test_util::infallible_client_fn;
use aws_smithy_types::body::SdkBody;
use percent_encoding::percent_decode_str;

pub const ACCOUNT: &str = "123456789012";

#[derive(Debug, Clone)]
struct Reply {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
}

const XML: &str = "text/xml";
const JSON: &str = "application/x-amz-json-1.1";
const CBOR: &str = "application/cbor";

#[derive(Debug)]
struct Route {
    /// Form parameters a request must have, `Action` included.
    params: Vec<(String, String)>,
    /// Replies in turn; the last one repeats.
    replies: VecDeque<Reply>,
}

#[derive(Debug, Clone, Default)]
pub struct FakeAws {
    routes: Arc<Mutex<Vec<Route>>>,
    /// The form parameters of every request, in arrival order.
    requests: Arc<Mutex<Vec<HashMap<String, String>>>>,
}

impl FakeAws {
    /// Answers every call a collection makes with a small, valid account.
    pub fn with_defaults() -> Self {
        let fake = FakeAws::default();
        fake.ok(
            "GetCallerIdentity",
            &format!(
                "<Arn>arn:aws:iam::{ACCOUNT}:user/auditor</Arn><UserId>AIDAAUDITOR</UserId>\
                 <Account>{ACCOUNT}</Account>"
            ),
        );
        fake.route(
            &[("Action", "DescribeRegions")],
            200,
            "<DescribeRegionsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">\
             <requestId>req</requestId><regionInfo>\
             <item><regionName>us-east-1</regionName></item>\
             <item><regionName>eu-west-1</regionName></item>\
             </regionInfo></DescribeRegionsResponse>",
        );
        fake.ok(
            "GetAccountAuthorizationDetails",
            "<IsTruncated>false</IsTruncated>",
        );
        fake.ok(
            "GetAccountPasswordPolicy",
            "<PasswordPolicy><MinimumPasswordLength>14</MinimumPasswordLength>\
             <RequireSymbols>true</RequireSymbols><RequireNumbers>true</RequireNumbers>\
             <RequireUppercaseCharacters>true</RequireUppercaseCharacters>\
             <RequireLowercaseCharacters>false</RequireLowercaseCharacters>\
             <AllowUsersToChangePassword>true</AllowUsersToChangePassword>\
             <ExpirePasswords>true</ExpirePasswords><MaxPasswordAge>90</MaxPasswordAge>\
             <PasswordReusePrevention>24</PasswordReusePrevention>\
             <HardExpiry>false</HardExpiry></PasswordPolicy>",
        );
        fake.ok("GenerateCredentialReport", "<State>COMPLETE</State>");
        let report = "user,arn,user_creation_time,password_enabled,password_last_used,mfa_active,\
                      access_key_1_active,access_key_2_active\n\
                      <root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,\
                      not_supported,2026-01-01T00:00:00+00:00,true,false,false\n";
        fake.ok(
            "GetCredentialReport",
            &format!(
                "<Content>{}</Content><ReportFormat>text/csv</ReportFormat>\
                 <GeneratedTime>2026-02-03T04:05:06Z</GeneratedTime>",
                aws_smithy_types::base64::encode(report)
            ),
        );
        fake.ok(
            "GetAccountSummary",
            "<SummaryMap><entry><key>AccountMFAEnabled</key><value>1</value></entry>\
             <entry><key>Users</key><value>2</value></entry></SummaryMap>",
        );
        fake.ok(
            "ListVirtualMFADevices",
            "<IsTruncated>false</IsTruncated><VirtualMFADevices><member>\
             <SerialNumber>arn:aws:iam::123456789012:mfa/root-account-mfa-device</SerialNumber>\
             <User><UserName>root</UserName><UserId>123456789012</UserId><Path>/</Path>\
             <Arn>arn:aws:iam::123456789012:root</Arn><CreateDate>2020-01-01T00:00:00Z</CreateDate></User>\
             <EnableDate>2020-01-02T00:00:00Z</EnableDate></member></VirtualMFADevices>",
        );
        fake.ok(
            "GetLoginProfile",
            "<LoginProfile><UserName>someone</UserName><CreateDate>2021-01-01T00:00:00Z</CreateDate>\
             <PasswordResetRequired>false</PasswordResetRequired></LoginProfile>",
        );
        fake.ok(
            "ListAccessKeys",
            "<AccessKeyMetadata/><IsTruncated>false</IsTruncated>",
        );
        fake.ok(
            "GetAccessKeyLastUsed",
            "<AccessKeyLastUsed><ServiceName>N/A</ServiceName><Region>N/A</Region></AccessKeyLastUsed>",
        );
        fake.ok(
            "ListMFADevices",
            "<MFADevices/><IsTruncated>false</IsTruncated>",
        );
        // Every region's network is empty unless a test routes something.
        for (action, list) in [
            ("DescribeVpcs", "vpcSet"),
            ("DescribeSubnets", "subnetSet"),
            ("DescribeRouteTables", "routeTableSet"),
            ("DescribeInternetGateways", "internetGatewaySet"),
            ("DescribeNatGateways", "natGatewaySet"),
            ("DescribeSecurityGroups", "securityGroupInfo"),
            ("DescribeNetworkInterfaces", "networkInterfaceSet"),
            ("DescribeNetworkAcls", "networkAclSet"),
            ("DescribeVpcPeeringConnections", "vpcPeeringConnectionSet"),
            ("DescribeManagedPrefixLists", "prefixListSet"),
            ("DescribeInstances", "reservationSet"),
            ("DescribeLaunchTemplates", "launchTemplates"),
        ] {
            fake.route(
                &[("Action", action)],
                200,
                &format!(
                    "<{action}Response xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">\
                     <requestId>req</requestId><{list}/></{action}Response>"
                ),
            );
        }
        fake.json("DescribeTrails", r#"{"trailList":[]}"#);
        fake.json("DescribeMetricFilters", r#"{"metricFilters":[]}"#);
        fake.json("ListRules", r#"{"Rules":[]}"#);
        fake.route(&[("Action", "DescribeAlarms")], 200, "");
        fake.route(
            &[("Action", "ListTopics")],
            200,
            &sns_ok("ListTopics", "<Topics/>"),
        );
        // Security services: none set up, in every region.
        fake.json(
            "DescribeConfigurationRecorders",
            r#"{"ConfigurationRecorders":[]}"#,
        );
        fake.json(
            "DescribeConfigurationRecorderStatus",
            r#"{"ConfigurationRecordersStatus":[]}"#,
        );
        fake.json("DescribeDeliveryChannels", r#"{"DeliveryChannels":[]}"#);
        fake.json(
            "DescribeDeliveryChannelStatus",
            r#"{"DeliveryChannelsStatus":[]}"#,
        );
        fake.json("DescribeRepositories", r#"{"repositories":[]}"#);
        fake.json(
            "GetRegistryScanningConfiguration",
            r#"{"registryId":"123456789012","scanningConfiguration":{"scanType":"BASIC","rules":[]}}"#,
        );
        fake.route(&[("Path", "/detector")], 200, r#"{"detectorIds":[]}"#);
        fake.route(
            &[("Path", "/accounts")],
            400,
            r#"{"__type":"InvalidAccessException","Message":"Account is not subscribed to AWS Security Hub"}"#,
        );
        fake.route(
            &[("Path", "/standards/get")],
            200,
            r#"{"StandardsSubscriptions":[]}"#,
        );
        // IAM-9's resources: none, in every region.
        // An instance planted by a test has no user data.
        fake.route(
            &[("Action", "DescribeInstanceAttribute")],
            200,
            "<DescribeInstanceAttributeResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">\
             <requestId>req</requestId><instanceId>i-0</instanceId><userData/>\
             </DescribeInstanceAttributeResponse>",
        );
        fake.route(
            &[("Path", "/2015-03-31/functions")],
            200,
            r#"{"Functions":[]}"#,
        );
        fake.json("ListTaskDefinitions", r#"{"taskDefinitionArns":[]}"#);
        fake.json("DescribeParameters", r#"{"Parameters":[]}"#);
        fake.route(
            &[("Action", "DescribeStacks")],
            200,
            "<DescribeStacksResponse xmlns=\"http://cloudformation.amazonaws.com/doc/2010-05-15/\">\
             <DescribeStacksResult><Stacks/></DescribeStacksResult>\
             <ResponseMetadata><RequestId>req</RequestId></ResponseMetadata></DescribeStacksResponse>",
        );
        fake.route(&[("Path", "/findings")], 200, r#"{"Findings":[]}"#);
        // Systems Manager: no managed instances, patch groups, windows or
        // associations (patch states and inventory are asked per instance).
        fake.json(
            "DescribeInstanceInformation",
            r#"{"InstanceInformationList":[]}"#,
        );
        fake.json("DescribePatchGroups", r#"{"Mappings":[]}"#);
        fake.json("DescribeMaintenanceWindows", r#"{"WindowIdentities":[]}"#);
        fake.json("ListAssociations", r#"{"Associations":[]}"#);
        // Data stores: none, and EBS encryption by default off, everywhere.
        fake.route(
            &[("Action", "GetEbsEncryptionByDefault")],
            200,
            "<GetEbsEncryptionByDefaultResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">\
             <requestId>req</requestId><ebsEncryptionByDefault>false</ebsEncryptionByDefault>\
             </GetEbsEncryptionByDefaultResponse>",
        );
        for (action, list) in [
            ("DescribeVolumes", "volumeSet"),
            ("DescribeSnapshots", "snapshotSet"),
        ] {
            fake.route(
                &[("Action", action)],
                200,
                &format!(
                    "<{action}Response xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">\
                     <requestId>req</requestId><{list}/></{action}Response>"
                ),
            );
        }
        for (action, list) in [
            ("DescribeDBInstances", "DBInstances"),
            ("DescribeDBClusters", "DBClusters"),
        ] {
            fake.route(
                &[("Action", action)],
                200,
                &rds_ok(action, &format!("<{list}/>")),
            );
        }
        fake.route(
            &[("Path", "/2015-02-01/file-systems")],
            200,
            r#"{"FileSystems":[]}"#,
        );
        // A topic some test plants has no server-side encryption.
        fake.route(
            &[("Action", "GetTopicAttributes")],
            200,
            &sns_ok("GetTopicAttributes", "<Attributes/>"),
        );
        fake.json("ListTables", r#"{"TableNames":[]}"#);
        fake.json("ListQueues", r#"{"QueueUrls":[]}"#);
        fake.route(
            &[("Path", "/backup-vaults")],
            200,
            r#"{"BackupVaultList":[]}"#,
        );
        // S3 over REST: ListBuckets is `GET /` (no bucket in the path).
        fake.route(
            &[("Path", "/")],
            200,
            "<ListAllMyBucketsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\
             <Owner><ID>owner</ID></Owner><Buckets></Buckets></ListAllMyBucketsResult>",
        );
        // Endpoints and data services (ENC-1, ENC-2): none, in every region.
        // Classic and v2 DescribeLoadBalancers share the action; each SDK
        // reads its own list from this one answer.
        fake.ok(
            "DescribeLoadBalancers",
            "<LoadBalancers/><LoadBalancerDescriptions/>",
        );
        fake.ok("DescribeSSLPolicies", "<SslPolicies/>");
        fake.ok("DescribeReplicationGroups", "<ReplicationGroups/>");
        fake.ok("DescribeCacheClusters", "<CacheClusters/>");
        fake.ok("DescribeClusters", "<Clusters/>");
        fake.json("DescribeLogGroups", r#"{"logGroups":[]}"#);
        fake.route(
            &[("Path", "/2021-01-01/domain")],
            200,
            r#"{"DomainNames":[]}"#,
        );
        fake.route(
            &[("Path", "/2020-05-31/distribution")],
            200,
            "<DistributionList><Marker></Marker><MaxItems>100</MaxItems>\
             <IsTruncated>false</IsTruncated><Quantity>0</Quantity></DistributionList>",
        );
        // Inspector2: the account never enabled it, nothing covered, no findings.
        fake.route(
            &[("Path", "/status/batch/get")],
            200,
            &format!(
                r#"{{"accounts":[{{"accountId":"{ACCOUNT}","state":{{"status":"DISABLED"}},
                "resourceState":{{"ec2":{{"status":"DISABLED"}},"ecr":{{"status":"DISABLED"}},
                "lambda":{{"status":"DISABLED"}}}}}}],"failedAccounts":[]}}"#
            ),
        );
        fake.route(
            &[("Path", "/coverage/list")],
            200,
            r#"{"coveredResources":[]}"#,
        );
        fake.route(&[("Path", "/findings/list")], 200, r#"{"findings":[]}"#);
        fake.route(
            &[("Path", "/v20180820/configuration/publicAccessBlock")],
            200,
            "<PublicAccessBlockConfiguration>\
             <BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls>\
             <BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>true</RestrictPublicBuckets>\
             </PublicAccessBlockConfiguration>",
        );
        fake
    }

    /// A JSON-protocol operation's answer.
    pub fn json(&self, action: &str, body: &str) -> &Self {
        self.replace(&[("Action", action)], 200, body)
    }

    /// Answers requests that have all of `params` with `body` (most
    /// specific route wins). Routing the same parameters again queues
    /// another reply after the existing ones.
    pub fn route(&self, params: &[(&str, &str)], status: u16, body: &str) -> &Self {
        let params: Vec<(String, String)> = params
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect();
        let content_type = if body.starts_with('{') { JSON } else { XML };
        let reply = Reply {
            status,
            content_type,
            body: body.as_bytes().to_vec(),
        };
        let mut routes = self.routes.lock().unwrap_or_else(PoisonError::into_inner);
        match routes.iter_mut().find(|route| route.params == params) {
            Some(route) => route.replies.push_back(reply),
            None => routes.push(Route {
                params,
                replies: VecDeque::from([reply]),
            }),
        }
        self
    }

    /// Replaces whatever answers exactly `params` with `body`.
    pub fn replace(&self, params: &[(&str, &str)], status: u16, body: &str) -> &Self {
        self.routes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|route| {
                let same = route.params.len() == params.len()
                    && route
                        .params
                        .iter()
                        .zip(params)
                        .all(|((name, value), (n, v))| name == n && value == v);
                !same
            });
        self.route(params, status, body)
    }

    /// An IAM success for `action` (no other parameters required).
    pub fn ok(&self, action: &str, result: &str) -> &Self {
        self.replace(&[("Action", action)], 200, &iam_ok(action, result))
    }

    /// The requests that had every one of `params`.
    pub fn requests_with(&self, params: &[(&str, &str)]) -> usize {
        self.requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .filter(|request| {
                params
                    .iter()
                    .all(|(name, value)| request.get(*name).map(String::as_str) == Some(*value))
            })
            .count()
    }

    fn answer(&self, form: HashMap<String, String>) -> Reply {
        let reply = {
            let mut routes = self.routes.lock().unwrap_or_else(PoisonError::into_inner);
            routes
                .iter_mut()
                .filter(|route| {
                    route
                        .params
                        .iter()
                        .all(|(name, value)| form.get(name) == Some(value))
                })
                .max_by_key(|route| route.params.len())
                .map(|route| {
                    if route.replies.len() > 1 {
                        route.replies.pop_front().expect("checked non-empty")
                    } else {
                        route.replies[0].clone()
                    }
                })
        };
        self.requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(form.clone());
        reply.unwrap_or_else(|| Reply {
            status: 400,
            content_type: XML,
            body: error_xml("InvalidAction", &format!("no fake route for {form:?}")).into_bytes(),
        })
    }

    /// SDK configuration whose HTTP client is this fake.
    pub fn sdk_config(&self, max_attempts: u32) -> SdkConfig {
        let fake = self.clone();
        let http_client = infallible_client_fn(move |request: http::Request<SdkBody>| {
            let body = request.body().bytes().unwrap_or_default();
            let target = request
                .headers()
                .get("x-amz-target")
                .and_then(|t| t.to_str().ok());
            let cbor = request
                .uri()
                .path()
                .split_once("/operation/")
                .map(|(_, op)| op.to_owned());
            let form = match (target, &cbor) {
                (Some(target), _) => parse_json(target, body),
                (None, Some(operation)) => {
                    HashMap::from([("Action".to_owned(), operation.clone())])
                }
                (None, None) => {
                    // REST calls (GuardDuty, Security Hub, S3 Control) are
                    // routed by their path.
                    let mut form = parse_form(body);
                    if !form.contains_key("Action") {
                        form.insert("Path".to_owned(), request.uri().path().to_owned());
                    }
                    form
                }
            };
            let reply = fake.answer(form);
            let reply = if cbor.is_some() && reply.status == 200 {
                // An empty CBOR map: every list of the answer is absent.
                Reply {
                    status: 200,
                    content_type: CBOR,
                    body: vec![0xa0],
                }
            } else {
                reply
            };
            let mut response = http::Response::builder()
                .status(reply.status)
                .header("content-type", reply.content_type);
            if reply.content_type == CBOR {
                response = response.header("smithy-protocol", "rpc-v2-cbor");
            }
            response
                .body(SdkBody::from(reply.body))
                .expect("static response parts are valid")
        });
        SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::from_static("us-east-1"))
            .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
                "AKIDTEST", "secret", None, None, "test",
            )))
            .http_client(http_client)
            .sleep_impl(default_async_sleep().expect("tokio sleep is available"))
            // Same policy as the real configuration, minus the waiting.
            .retry_config(
                RetryConfig::standard()
                    .with_max_attempts(max_attempts)
                    .with_initial_backoff(Duration::from_millis(1))
                    .with_max_backoff(Duration::from_millis(5)),
            )
            .stalled_stream_protection(StalledStreamProtectionConfig::disabled())
            .build()
    }
}

/// A JSON-protocol request as form parameters: the operation of its target
/// (`CloudTrail_20131101.DescribeTrails`) and its top-level string fields.
fn parse_json(target: &str, body: &[u8]) -> HashMap<String, String> {
    let mut form = HashMap::from([(
        "Action".to_owned(),
        target.rsplit('.').next().unwrap_or(target).to_owned(),
    )]);
    if let Ok(serde_json::Value::Object(fields)) = serde_json::from_slice(body) {
        for (name, value) in fields {
            if let serde_json::Value::String(value) = value {
                form.insert(name, value);
            }
        }
    }
    form
}

fn parse_form(body: &[u8]) -> HashMap<String, String> {
    String::from_utf8_lossy(body)
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(name, value)| {
            (
                percent_decode_str(name).decode_utf8_lossy().into_owned(),
                percent_decode_str(value).decode_utf8_lossy().into_owned(),
            )
        })
        .collect()
}

/// An RDS query-protocol success document.
pub fn rds_ok(action: &str, result: &str) -> String {
    format!(
        "<{action}Response xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\">\
         <{action}Result>{result}</{action}Result>\
         <ResponseMetadata><RequestId>req</RequestId></ResponseMetadata></{action}Response>"
    )
}

/// An IAM query-protocol success document.
pub fn sns_ok(action: &str, result: &str) -> String {
    format!(
        "<{action}Response xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">\
         <{action}Result>{result}</{action}Result>\
         <ResponseMetadata><RequestId>req</RequestId></ResponseMetadata></{action}Response>"
    )
}

pub fn iam_ok(action: &str, result: &str) -> String {
    format!(
        "<{action}Response xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">\
         <{action}Result>{result}</{action}Result>\
         <ResponseMetadata><RequestId>req</RequestId></ResponseMetadata></{action}Response>"
    )
}

/// An IAM query-protocol error document.
pub fn error_xml(code: &str, message: &str) -> String {
    format!(
        "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">\
         <Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>\
         <RequestId>req</RequestId></ErrorResponse>"
    )
}

/// An EC2 (query protocol) error, as EC2 words it.
#[allow(
    dead_code,
    reason = "every test binary includes this module; not all of them answer with EC2 errors"
)]
pub fn ec2_error_xml(code: &str, message: &str) -> String {
    format!(
        "<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error>\
         </Errors><RequestID>req</RequestID></Response>"
    )
}
