//! Prompts: the prompt rows (`prompts`), their immutable versions and renders (`versions`),
//! labels pointing at versions (`labels`), version diffs (`diff`), and the commands that
//! change them (`commands`). `rows` is the lowest module: the others use it, it uses none.

mod commands;
pub mod diff;
pub mod labels;
pub mod prompts;
pub mod rows;
pub mod versions;

pub use commands::{
    NewPrompt, create_prompt, create_version, delete_prompt, remove_label, set_label, update_prompt,
};
