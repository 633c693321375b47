//! One identity per finding across runs, shared by ASFF and OCSF.

use kensa_checks::Finding;

use crate::sarif::fnv1a_64;

/// The same check on the same resource, in the same account and region,
/// has the same ID on every run, so Security Hub (or a SIEM) updates the
/// finding instead of adding a second one.
///
/// The region is the resource's own as kensa names it (`global` for IAM),
/// not the Security Hub region the finding is sent to: choosing another
/// `--security-hub-region` must not change who a finding is. The resource
/// is hashed (its type and ID) because IDs can hold any character and ASFF
/// IDs are limited to 512 characters.
pub fn finding_uid(account_id: &str, f: &Finding) -> String {
    let resource = format!("{}\u{0}{}", f.resource.kind, f.resource.id);
    format!(
        "kensa/{account_id}/{}/{}/{:016x}",
        f.resource.region,
        f.check_id,
        fnv1a_64(resource.as_bytes())
    )
}
