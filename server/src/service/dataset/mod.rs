//! Datasets: the dataset rows (`datasets`), their items valid over ranges of versions
//! (`items`), the changes that make versions (`versions`), reading and writing files of
//! items (`import`, `export`), and the commands that change them (`commands`).
//!
//! For evaluation runs: [`datasets::authorized`] (or [`datasets::live`]) finds a dataset,
//! [`versions::pick`] checks a version, and [`items::at_version`] reads every item of it.

mod commands;
pub mod datasets;
pub mod export;
pub mod import;
pub mod items;
pub mod versions;

pub use commands::{
    NewDataset, add_items, create_dataset, delete_dataset, delete_items, import_items,
    update_dataset, update_item,
};
