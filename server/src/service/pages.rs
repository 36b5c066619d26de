//! Paging, the same way for every list: `first` between 1 and `MAX_PAGE`, one extra row read
//! to know whether more follow, and opaque keyset cursors over a (time, id) sort key.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Select,
};
use uuid::Uuid;

use crate::error::{AppError, AppResult};

pub const MAX_PAGE: u64 = 100;

pub fn check_first(first: u64) -> AppResult<()> {
    if first == 0 || first > MAX_PAGE {
        return Err(AppError::validation(format!(
            "first must be between 1 and {MAX_PAGE}"
        )));
    }
    Ok(())
}

/// The first `first` rows of `rows` (read with `first + 1`), and whether more follow.
pub fn split<T>(mut rows: Vec<T>, first: u64) -> (Vec<T>, bool) {
    let more = rows.len() as u64 > first;
    rows.truncate(first as usize);
    (rows, more)
}

/// An opaque cursor over a (time, id) sort key.
pub fn encode_cursor(at: DateTime<Utc>, id: Uuid) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}|{}", at.to_rfc3339(), id))
}

pub fn parse_cursor(cursor: &str) -> AppResult<(DateTime<Utc>, Uuid)> {
    let invalid = || AppError::validation("after is not a valid cursor");
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let (at, id) = text.split_once('|').ok_or_else(invalid)?;
    let at = DateTime::parse_from_rfc3339(at)
        .map_err(|_| invalid())?
        .with_timezone(&Utc);
    Ok((at, Uuid::parse_str(id).map_err(|_| invalid())?))
}

/// Up to `first` rows of `query`, newest first by (`at`, `id`), after the cursor `after`;
/// and whether more follow.
pub async fn newest_first<E: EntityTrait>(
    conn: &impl ConnectionTrait,
    mut query: Select<E>,
    (at, id): (E::Column, E::Column),
    first: u64,
    after: Option<&str>,
) -> AppResult<(Vec<E::Model>, bool)> {
    check_first(first)?;
    if let Some(after) = after {
        let (after_at, after_id) = parse_cursor(after)?;
        query = query.filter(
            Condition::any()
                .add(at.lt(after_at))
                .add(Condition::all().add(at.eq(after_at)).add(id.lt(after_id))),
        );
    }
    let rows = query
        .order_by_desc(at)
        .order_by_desc(id)
        .limit(first + 1)
        .all(conn)
        .await?;
    Ok(split(rows, first))
}

/// The `LIKE` pattern (escape character `\`) of a free-text search over lower-cased text:
/// `None` when there is nothing to search for.
pub fn search_pattern(search: Option<&str>) -> Option<String> {
    let search = search.map(str::trim).filter(|s| !s.is_empty())?;
    let mut pattern = String::from("%");
    for c in search.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    Some(pattern)
}
