//! A casbin [`Adapter`] over the `casbin_rules` table with sea-orm 2 (the published sea-orm
//! adapter is tied to sea-orm 1). The free functions are the same writes for callers that need
//! them inside their own transaction — a membership and its grouping rule commit together.

use async_trait::async_trait;
use casbin::{Adapter, Filter, Model};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, TransactionTrait, sea_query::OnConflict,
};

use entities::casbin_rule::{self, Column};

const VALUE_COLUMNS: [Column; 6] = [
    Column::V0,
    Column::V1,
    Column::V2,
    Column::V3,
    Column::V4,
    Column::V5,
];

pub struct SeaOrmAdapter {
    db: DatabaseConnection,
}

impl SeaOrmAdapter {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

fn db_error(error: sea_orm::DbErr) -> casbin::Error {
    casbin::Error::AdapterError(casbin::error::AdapterError(Box::new(error)))
}

fn row(ptype: &str, rule: &[String]) -> casbin_rule::ActiveModel {
    let value = |i: usize| Set(rule.get(i).cloned().unwrap_or_default());
    casbin_rule::ActiveModel {
        ptype: Set(ptype.to_owned()),
        v0: value(0),
        v1: value(1),
        v2: value(2),
        v3: value(3),
        v4: value(4),
        v5: value(5),
        ..Default::default()
    }
}

fn values(model: &casbin_rule::Model) -> Vec<String> {
    let mut values = vec![
        model.v0.clone(),
        model.v1.clone(),
        model.v2.clone(),
        model.v3.clone(),
        model.v4.clone(),
        model.v5.clone(),
    ];
    while values.last().is_some_and(String::is_empty) {
        values.pop();
    }
    values
}

fn exact(ptype: &str, rule: &[String]) -> Condition {
    VALUE_COLUMNS.iter().enumerate().fold(
        Condition::all().add(Column::Ptype.eq(ptype)),
        |cond, (i, col)| cond.add(col.eq(rule.get(i).cloned().unwrap_or_default())),
    )
}

/// Inserts policy lines, skipping those already present. Returns how many were new.
pub async fn insert_rules(
    conn: &impl ConnectionTrait,
    ptype: &str,
    rules: &[Vec<String>],
) -> Result<u64, sea_orm::DbErr> {
    let mut added = 0;
    for rule in rules {
        let result = casbin_rule::Entity::insert(row(ptype, rule))
            .on_conflict(
                OnConflict::columns([
                    Column::Ptype,
                    Column::V0,
                    Column::V1,
                    Column::V2,
                    Column::V3,
                    Column::V4,
                    Column::V5,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(conn)
            .await?;
        added += result;
    }
    Ok(added)
}

/// Deletes the lines of `ptype` whose values from `field_index` on equal `field_values`
/// (an empty value matches anything, as in casbin).
pub async fn delete_filtered(
    conn: &impl ConnectionTrait,
    ptype: &str,
    field_index: usize,
    field_values: &[String],
) -> Result<u64, sea_orm::DbErr> {
    let mut cond = Condition::all().add(Column::Ptype.eq(ptype));
    for (offset, value) in field_values.iter().enumerate() {
        if value.is_empty() {
            continue;
        }
        if let Some(col) = VALUE_COLUMNS.get(field_index + offset) {
            cond = cond.add(col.eq(value.clone()));
        }
    }
    let result = casbin_rule::Entity::delete_many()
        .filter(cond)
        .exec(conn)
        .await?;
    Ok(result.rows_affected)
}

async fn delete_exact(
    conn: &impl ConnectionTrait,
    ptype: &str,
    rules: &[Vec<String>],
) -> Result<u64, sea_orm::DbErr> {
    let mut removed = 0;
    for rule in rules {
        removed += casbin_rule::Entity::delete_many()
            .filter(exact(ptype, rule))
            .exec(conn)
            .await?
            .rows_affected;
    }
    Ok(removed)
}

fn load_into(model: &mut dyn Model, rows: Vec<casbin_rule::Model>) {
    for r in rows {
        let Some(sec) = r.ptype.get(..1).map(str::to_owned) else {
            continue;
        };
        model.add_policy(&sec, &r.ptype, values(&r));
    }
}

#[async_trait]
impl Adapter for SeaOrmAdapter {
    async fn load_policy(&mut self, model: &mut dyn Model) -> casbin::Result<()> {
        let rows = casbin_rule::Entity::find()
            .all(&self.db)
            .await
            .map_err(db_error)?;
        load_into(model, rows);
        Ok(())
    }

    async fn load_filtered_policy<'a>(
        &mut self,
        model: &mut dyn Model,
        filter: Filter<'a>,
    ) -> casbin::Result<()> {
        let rows = casbin_rule::Entity::find()
            .all(&self.db)
            .await
            .map_err(db_error)?;
        let keep = |r: &casbin_rule::Model| {
            let wanted = if r.ptype.starts_with('p') {
                &filter.p
            } else {
                &filter.g
            };
            let have = values(r);
            wanted
                .iter()
                .enumerate()
                .all(|(i, w)| w.is_empty() || have.get(i).is_some_and(|h| h == w))
        };
        load_into(model, rows.into_iter().filter(keep).collect());
        Ok(())
    }

    async fn save_policy(&mut self, model: &mut dyn Model) -> casbin::Result<()> {
        let txn = self.db.begin().await.map_err(db_error)?;
        casbin_rule::Entity::delete_many()
            .exec(&txn)
            .await
            .map_err(db_error)?;
        for sec in ["p", "g"] {
            let Some(assertions) = model.get_model().get(sec) else {
                continue;
            };
            for (ptype, assertion) in assertions {
                let rules: Vec<Vec<String>> = assertion.get_policy().iter().cloned().collect();
                insert_rules(&txn, ptype, &rules).await.map_err(db_error)?;
            }
        }
        txn.commit().await.map_err(db_error)
    }

    async fn clear_policy(&mut self) -> casbin::Result<()> {
        casbin_rule::Entity::delete_many()
            .exec(&self.db)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    fn is_filtered(&self) -> bool {
        false
    }

    async fn add_policy(
        &mut self,
        _sec: &str,
        ptype: &str,
        rule: Vec<String>,
    ) -> casbin::Result<bool> {
        let added = insert_rules(&self.db, ptype, &[rule])
            .await
            .map_err(db_error)?;
        Ok(added > 0)
    }

    async fn add_policies(
        &mut self,
        _sec: &str,
        ptype: &str,
        rules: Vec<Vec<String>>,
    ) -> casbin::Result<bool> {
        let txn = self.db.begin().await.map_err(db_error)?;
        let added = insert_rules(&txn, ptype, &rules).await.map_err(db_error)?;
        txn.commit().await.map_err(db_error)?;
        Ok(added == rules.len() as u64)
    }

    async fn remove_policy(
        &mut self,
        _sec: &str,
        ptype: &str,
        rule: Vec<String>,
    ) -> casbin::Result<bool> {
        let removed = delete_exact(&self.db, ptype, &[rule])
            .await
            .map_err(db_error)?;
        Ok(removed > 0)
    }

    async fn remove_policies(
        &mut self,
        _sec: &str,
        ptype: &str,
        rules: Vec<Vec<String>>,
    ) -> casbin::Result<bool> {
        let txn = self.db.begin().await.map_err(db_error)?;
        let removed = delete_exact(&txn, ptype, &rules).await.map_err(db_error)?;
        txn.commit().await.map_err(db_error)?;
        Ok(removed == rules.len() as u64)
    }

    async fn remove_filtered_policy(
        &mut self,
        _sec: &str,
        ptype: &str,
        field_index: usize,
        field_values: Vec<String>,
    ) -> casbin::Result<bool> {
        let removed = delete_filtered(&self.db, ptype, field_index, &field_values)
            .await
            .map_err(db_error)?;
        Ok(removed > 0)
    }
}
