//! The JUnit XML report: one suite per target, one case per item, failing verdicts as a
//! `<failure>`, a target that failed as an `<error>`, the target's latency as the time.

use std::time::Duration;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::types::{ItemResult, Run};

pub fn report(run: &Run, results: &[ItemResult]) -> Report {
    let mut report = Report::new(format!("promptops eval {}", run.name));
    for target in &run.targets {
        let mut suite = TestSuite::new(format!("#{} {}", target.index, target.description));
        for result in results.iter().filter(|r| r.target_index == target.index) {
            suite.add_test_case(case(result, &target.description));
        }
        report.add_test_suite(suite);
    }
    report
}

fn case(result: &ItemResult, classname: &str) -> TestCase {
    let status = if result.is_error() {
        non_success(NonSuccessKind::Error, result)
    } else if result.is_failure() {
        non_success(NonSuccessKind::Failure, result)
    } else {
        TestCaseStatus::success()
    };
    let mut case = TestCase::new(result.item_id.clone(), status);
    case.set_classname(classname.to_owned());
    if let Some(latency) = result.latency_ms.and_then(|ms| u64::try_from(ms).ok()) {
        case.set_time(Duration::from_millis(latency));
    }
    if let Some(output) = &result.output {
        case.set_system_out(output.clone());
    }
    case
}

fn non_success(kind: NonSuccessKind, result: &ItemResult) -> TestCaseStatus {
    let why = result.why();
    let mut status = TestCaseStatus::non_success(kind);
    status.set_message(why.first().cloned().unwrap_or_else(|| "not passed".into()));
    status.set_type(result.status.clone());
    status.set_description(format!(
        "inputs: {}\nexpected: {}\noutput: {}\n{}",
        result.inputs,
        result
            .expected
            .as_ref()
            .map_or_else(|| "-".into(), ToString::to_string),
        result.output.as_deref().unwrap_or("-"),
        why.join("\n")
    ));
    status
}
