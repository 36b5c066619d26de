//! The cost of a query (checked against `PROMPTOPS_MAX_COMPLEXITY` before anything runs): one
//! per field, and a list field's selection counted once per item it may return — `first`
//! (clamped to the page bounds) for a paginated field, `LIST_ESTIMATE` for a list without
//! paging. So `prompts(first: 100) { nodes { versions(first: 100) { nodes { id } } } }`
//! costs about 100 × 100 × 2, not 6.

use crate::service::pages::MAX_PAGE;

/// The items assumed for a list field without paging (members, memberships, keys, roles,
/// labels).
pub const LIST_ESTIMATE: usize = 10;

/// The cost of a paginated field returning up to `first` items, each costing `child`.
pub fn page(first: i32, child: usize) -> usize {
    let items = usize::try_from(first.clamp(1, MAX_PAGE as i32)).unwrap_or(1);
    items.saturating_mul(child).saturating_add(1)
}

/// The cost of a list field without paging whose items each cost `child`.
pub fn list(child: usize) -> usize {
    LIST_ESTIMATE.saturating_mul(child).saturating_add(1)
}
