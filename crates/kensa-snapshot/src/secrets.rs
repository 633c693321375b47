//! Access keys kept as text in a region's resources (IAM-9): where the
//! collector saw them, never what they are.
//!
//! The collector scans user data, environment variables, parameters and
//! outputs as it reads them and keeps only sightings: where, what kind,
//! the value redacted. A snapshot therefore never holds a secret, and a
//! key ID only in its redacted form (`AKIA************WXYZ`).

use serde::{Deserialize, Serialize};

use crate::{CallError, Collected};

/// What kensa scanned in one region, one list per kind of resource.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Secrets {
    /// `ec2:DescribeInstances`, then `ec2:DescribeInstanceAttribute`
    /// (`userData`) for each instance that is not terminated.
    #[serde(default)]
    pub instances: Collected<Scan>,
    /// `ec2:DescribeLaunchTemplates`, then
    /// `ec2:DescribeLaunchTemplateVersions` for each template: every version.
    #[serde(default)]
    pub launch_templates: Collected<Scan>,
    /// `lambda:ListFunctions` (`FunctionVersion=ALL`): every version's
    /// environment variables.
    #[serde(default)]
    pub lambda_functions: Collected<Scan>,
    /// `ecs:ListTaskDefinitions` (ACTIVE), then `ecs:DescribeTaskDefinition`
    /// for the latest ACTIVE revision of each family: container
    /// environment, command and entry point.
    #[serde(default)]
    pub ecs_task_definitions: Collected<Scan>,
    /// `cloudformation:DescribeStacks`: parameters (NoEcho ones come back
    /// masked) and outputs.
    #[serde(default)]
    pub cloudformation_stacks: Collected<Scan>,
    /// `ssm:DescribeParameters`, then `ssm:GetParameters` for the `String`
    /// and `StringList` parameters (`SecureString` ones are not read).
    #[serde(default)]
    pub ssm_parameters: Collected<Scan>,
}

/// One kind of resource, scanned.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scan {
    /// How many items were read and scanned: instances, template versions,
    /// function versions, task definitions, stacks, parameters.
    pub scanned: u64,
    #[serde(default)]
    pub sightings: Vec<Sighting>,
    /// Items that could not be read, or read but not fully decoded; each
    /// names the call. A key may hide in them.
    #[serde(default)]
    pub unscanned: Vec<Unscanned>,
}

/// The resource a sighting or a failure is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ScannedResource {
    /// Instance ID, launch template ID, `function:version`, `family:revision`,
    /// stack name, parameter name.
    pub id: String,
    #[serde(default)]
    pub arn: Option<String>,
    /// A Name tag, a launch template's name...
    #[serde(default)]
    pub name: Option<String>,
}

/// What a sighting is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyMaterial {
    AccessKeyId,
    SecretAccessKey,
}

/// One access key ID or secret access key, seen as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sighting {
    pub resource: ScannedResource,
    /// Where in the resource: `UserData`, `UserData, MIME part 2
    /// (text/x-shellscript)`, `version 3 UserData`, `Environment.Variables`,
    /// `Parameters`, `Outputs`, `containerDefinitions[app].environment`, `Value`.
    pub location: String,
    /// The variable, parameter, output or container field holding it.
    #[serde(default)]
    pub field: Option<String>,
    /// The name it is written under inside the text
    /// (`aws_secret_access_key = ...`).
    #[serde(default)]
    pub name: Option<String>,
    /// 1-based line in the text; absent for a one-line value.
    #[serde(default)]
    pub line: Option<u64>,
    pub kind: KeyMaterial,
    /// The value, redacted: `AKIA************WXYZ`, `wJal****...`.
    pub redacted: String,
    /// The access key ID, redacted: the sighting's own, or for a secret the
    /// key ID written nearest to it.
    #[serde(default)]
    pub key_id: Option<String>,
    /// Whose key it is, as far as this account's IAM users tell.
    #[serde(default)]
    pub key_owner: Option<KeyOwner>,
}

/// Whose access key a sighting is, matched against the IAM users' keys
/// (`iam:ListAccessKeys`) at collection time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum KeyOwner {
    /// A key of one of this account's IAM users.
    IamUser {
        user_name: String,
        user_arn: String,
        /// `Active` or `Inactive`.
        key_status: String,
    },
    /// `ASIA...`: temporary credentials from STS.
    Temporary,
    /// No IAM user of this account has this key: another account's key,
    /// the root user's, or one deleted since.
    NotInAccount,
    /// The IAM users' keys could not all be read, so kensa cannot tell.
    Unknown,
}

/// An item kensa could not scan, or not completely.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unscanned {
    pub resource: ScannedResource,
    /// The call that failed, or the call whose answer could not be decoded
    /// (code `UndecodableUserData`, `EnvironmentError`).
    pub error: CallError,
}

impl Secrets {
    /// Every list with the call that reads it, in report order.
    pub fn kinds(&self) -> [(SecretSource, &Collected<Scan>); 6] {
        [
            (SecretSource::Instances, &self.instances),
            (SecretSource::LaunchTemplates, &self.launch_templates),
            (SecretSource::LambdaFunctions, &self.lambda_functions),
            (SecretSource::EcsTaskDefinitions, &self.ecs_task_definitions),
            (
                SecretSource::CloudFormationStacks,
                &self.cloudformation_stacks,
            ),
            (SecretSource::SsmParameters, &self.ssm_parameters),
        ]
    }
}

/// The kinds of resource IAM-9 scans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SecretSource {
    Instances,
    LaunchTemplates,
    LambdaFunctions,
    EcsTaskDefinitions,
    CloudFormationStacks,
    SsmParameters,
}

impl SecretSource {
    /// The call that lists this kind, as IAM policies name it.
    pub fn list_call(self) -> &'static str {
        match self {
            SecretSource::Instances => "ec2:DescribeInstances",
            SecretSource::LaunchTemplates => "ec2:DescribeLaunchTemplates",
            SecretSource::LambdaFunctions => "lambda:ListFunctions",
            SecretSource::EcsTaskDefinitions => "ecs:ListTaskDefinitions",
            SecretSource::CloudFormationStacks => "cloudformation:DescribeStacks",
            SecretSource::SsmParameters => "ssm:DescribeParameters",
        }
    }

    /// The CloudFormation-style type of the resources of this kind.
    pub fn resource_type(self) -> &'static str {
        match self {
            SecretSource::Instances => "AWS::EC2::Instance",
            SecretSource::LaunchTemplates => "AWS::EC2::LaunchTemplate",
            SecretSource::LambdaFunctions => "AWS::Lambda::Function",
            SecretSource::EcsTaskDefinitions => "AWS::ECS::TaskDefinition",
            SecretSource::CloudFormationStacks => "AWS::CloudFormation::Stack",
            SecretSource::SsmParameters => "AWS::SSM::Parameter",
        }
    }
}
