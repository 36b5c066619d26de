//! PII masking: an organization's policy (`Organization.piiPolicy`) and `setPiiPolicy`.

pub mod mutation;
pub mod types;
