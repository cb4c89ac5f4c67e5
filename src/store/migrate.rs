//! Schema migrations, read from the top-level `schema.sql`.
//!
//! `schema.sql` is split at its `-- migration N:` headers; migration N is applied
//! when `PRAGMA user_version` is below N, all pending ones inside one exclusive
//! transaction (as cargo's `util/sqlite.rs` does). Never remove a migration entry.

use super::{Result, StoreError};
use rusqlite::{Connection, TransactionBehavior};
use std::sync::OnceLock;

const SCHEMA: &str = include_str!("../../schema.sql");

/// The migrations in order, as (version, SQL), parsed once.
fn migrations() -> &'static [(i64, String)] {
    static PARSED: OnceLock<Vec<(i64, String)>> = OnceLock::new();
    PARSED.get_or_init(|| {
        let mut out: Vec<(i64, String)> = Vec::new();
        for line in SCHEMA.lines() {
            if let Some(header) = line.strip_prefix("-- migration ") {
                let version = header
                    .split(':')
                    .next()
                    .and_then(|n| n.trim().parse().ok())
                    .expect("schema.sql: every migration header reads `-- migration N: what`");
                out.push((version, String::new()));
            } else if let Some((_, sql)) = out.last_mut() {
                sql.push_str(line);
                sql.push('\n');
            }
        }
        out
    })
}

/// The schema version this build writes: the last migration in schema.sql.
pub fn latest_version() -> i64 {
    migrations().last().map_or(0, |m| m.0)
}

/// Brings the database up to the latest schema.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    migrate_to(conn, latest_version())
}

/// Brings the database up to `target` (used by tests to make an older workspace).
pub fn migrate_to(conn: &mut Connection, target: i64) -> Result<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current > latest_version() {
        return Err(StoreError::TooNew {
            found: current,
            known: latest_version(),
        });
    }
    if current >= target {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Exclusive)?;
    // Another process may have migrated while this one waited for the lock.
    let current: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    for (version, sql) in migrations() {
        if *version > current && *version <= target {
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", version)?;
        }
    }
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_sql_has_contiguous_migrations_up_to_latest() {
        let versions: Vec<i64> = migrations().iter().map(|m| m.0).collect();
        let expected: Vec<i64> = (1..=latest_version()).collect();
        assert!(latest_version() >= 2);
        assert_eq!(versions, expected);
        assert!(migrations()[0].1.contains("CREATE TABLE claims"));
        assert!(!migrations()[0].1.contains("CREATE TABLE config"));
        assert!(migrations()[1].1.contains("CREATE TABLE config"));
    }

    #[test]
    fn migrating_twice_changes_nothing() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        migrate(&mut conn).unwrap();
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, latest_version());
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", latest_version() + 1)
            .unwrap();
        assert!(matches!(migrate(&mut conn), Err(StoreError::TooNew { .. })));
    }
}
