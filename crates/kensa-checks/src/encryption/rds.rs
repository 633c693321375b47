//! What the RDS checks share: databases as resources, and how each engine
//! is told to refuse connections without TLS.

use kensa_snapshot::storage::{DbCluster, DbInstance};

use crate::Resource;

pub fn instance_resource(region: &str, instance: &DbInstance) -> Resource {
    Resource {
        kind: "AWS::RDS::DBInstance".to_owned(),
        id: instance.identifier.clone(),
        arn: instance.arn.clone(),
        name: Some(instance.identifier.clone()),
        region: region.to_owned(),
    }
}

pub fn cluster_resource(region: &str, cluster: &DbCluster) -> Resource {
    Resource {
        kind: "AWS::RDS::DBCluster".to_owned(),
        id: cluster.identifier.clone(),
        arn: cluster.arn.clone(),
        name: Some(cluster.identifier.clone()),
        region: region.to_owned(),
    }
}

/// The parameter that makes `engine` refuse connections without TLS:
/// `rds.force_ssl` for PostgreSQL and SQL Server, `require_secure_transport`
/// for MySQL and MariaDB (Aurora included). `None` for engines that do it
/// another way (Oracle: the SSL option of an option group) or that kensa
/// does not know.
pub fn tls_parameter(engine: &str) -> Option<&'static str> {
    let engine = engine.to_ascii_lowercase();
    if engine == "postgres" || engine == "aurora-postgresql" || engine.starts_with("sqlserver") {
        Some("rds.force_ssl")
    } else if matches!(
        engine.as_str(),
        "mysql" | "mariadb" | "aurora-mysql" | "aurora"
    ) {
        Some("require_secure_transport")
    } else {
        None
    }
}

/// The value the parameter has when the group sets none: RDS for
/// PostgreSQL 15 and later requires TLS by default (`rds.force_ssl` = 1);
/// every other engine kensa knows defaults to off.
pub fn engine_default_requires_tls(engine: &str, version: Option<&str>) -> bool {
    let major = version
        .and_then(|v| v.split('.').next())
        .and_then(|m| m.parse::<u32>().ok());
    engine.eq_ignore_ascii_case("postgres") && major.is_some_and(|m| m >= 15)
}

/// `1`/`ON`/`true` and `0`/`OFF`/`false`, as RDS spells booleans.
pub fn parameter_on(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "on" | "true" => Some(true),
        "0" | "off" | "false" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engines_and_defaults() {
        assert_eq!(tls_parameter("postgres"), Some("rds.force_ssl"));
        assert_eq!(tls_parameter("sqlserver-se"), Some("rds.force_ssl"));
        assert_eq!(
            tls_parameter("aurora-mysql"),
            Some("require_secure_transport")
        );
        assert_eq!(tls_parameter("oracle-ee"), None);
        assert!(engine_default_requires_tls("postgres", Some("15.4")));
        assert!(engine_default_requires_tls("postgres", Some("16")));
        assert!(!engine_default_requires_tls("postgres", Some("14.9")));
        assert!(!engine_default_requires_tls(
            "aurora-postgresql",
            Some("16.1")
        ));
        assert!(!engine_default_requires_tls("mysql", Some("8.0.35")));
        assert!(!engine_default_requires_tls("postgres", None));
        assert_eq!(parameter_on("ON"), Some(true));
        assert_eq!(parameter_on("0"), Some(false));
        assert_eq!(parameter_on("maybe"), None);
    }
}
