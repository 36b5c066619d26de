//! Evaluations: `runEvaluation`, `evaluationRun`, `evaluationRuns`, `cancelEvaluationRun`,
//! `evaluationRunEvents`, `compareEvaluationRuns`, and saved evaluators (`createEvaluator`,
//! `updateEvaluator`, `deleteEvaluator`, `evaluators`).

pub mod compare;
pub mod inputs;
pub mod mutation;
pub mod query;
pub mod results;
pub mod subscription;
pub mod types;

pub use results::*;
pub use types::*;
