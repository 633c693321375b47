//! IAM: read once per account, since IAM is global.

mod account;
mod authorization;
mod users;

use futures::join;
use kensa_snapshot::{Collected, Iam};

use crate::call::Caller;
use crate::clients::Clients;

/// Reads everything IAM holds that the checks need.
pub(crate) async fn collect(caller: &Caller, clients: &Clients) -> Iam {
    let iam = &clients.iam;
    // The account-wide reads do not depend on the authorization details,
    // so they run alongside them; the semaphore keeps the total bounded.
    let entities_and_policies = async {
        caller
            .progress()
            .phase("IAM users, groups, roles and policies");
        let details = authorization::authorization_details(caller, iam).await;
        match details {
            Ok(details) => {
                let aws_managed_arns = details.attached_aws_managed_policies();
                let (users, aws_managed) = join!(
                    users::with_credentials(caller, iam, details.users),
                    authorization::aws_managed_policies(caller, iam, aws_managed_arns),
                );
                let mut policies = details.local_policies;
                policies.extend(aws_managed);
                policies.sort_by(|a, b| a.arn.cmp(&b.arn));
                (
                    Collected::Value(users),
                    Collected::Value(details.groups),
                    Collected::Value(details.roles),
                    Collected::Value(policies),
                )
            }
            Err(error) => (
                Collected::Error(error.clone()),
                Collected::Error(error.clone()),
                Collected::Error(error.clone()),
                Collected::Error(error),
            ),
        }
    };
    let (
        (users, groups, roles, policies),
        password_policy,
        credential_report,
        account_summary,
        virtual_mfa_devices,
    ) = join!(
        entities_and_policies,
        account::password_policy(caller, iam),
        account::credential_report(caller, iam),
        account::account_summary(caller, iam),
        account::virtual_mfa_devices(caller, iam),
    );
    Iam {
        users,
        groups,
        roles,
        policies,
        password_policy: password_policy.into(),
        credential_report: credential_report.into(),
        account_summary: account_summary.into(),
        virtual_mfa_devices: virtual_mfa_devices.into(),
    }
}
