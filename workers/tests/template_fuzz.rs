//! Fuzzing template parsing and rendering: thousands of generated deep and long templates
//! (runs of operators, filters, postfixes, brackets and block tags) go through `variables()`
//! and `render()` on a thread with a 2 MiB stack, the size of a tokio worker's. A stack
//! overflow aborts the process, which fails the run. `PROPTEST_CASES` sets the number of
//! templates (default 500, a few seconds).
#![expect(
    clippy::unwrap_used,
    reason = "a test that cannot set up should fail loudly"
)]

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::json;
use workers::templating::{self, ChatMessage, MAX_BLOCK_DEPTH, MAX_EXPRESSION_DEPTH};

const STACK: usize = 2 * 1024 * 1024;

/// Pieces whose long runs make deep syntax trees, and pieces that make templates valid.
const PIECES: &[&str] = &[
    "{{ ",
    " }}",
    "{% ",
    " %}",
    "{% if x %}",
    "{% elif x %}",
    "{% else %}",
    "{% endif %}",
    "{% for i in xs %}",
    "{% endfor %}",
    "{% set s %}",
    "{% endset %}",
    "{% with a = x %}",
    "{% endwith %}",
    "{% filter upper %}",
    "{% endfilter %}",
    "{% macro m(a) %}",
    "{% endmacro %}",
    "{% raw %}",
    "{% endraw %}",
    "{# ",
    " #}",
    "-",
    "+",
    "*",
    "**",
    "~",
    "not ",
    " and ",
    " or ",
    " in ",
    " is defined",
    " if ",
    " else ",
    "|upper",
    "|default(1)",
    ".a",
    "[0]",
    "()",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "=",
    "x",
    "xs",
    "1",
    "'s'",
    "\"t\"",
    " ",
    "\n",
    "text ",
];

fn piece_runs() -> impl Strategy<Value = String> {
    let run = (
        0..PIECES.len(),
        prop_oneof![1..4usize, 1..200usize, 1..6000usize],
    );
    prop::collection::vec(run, 1..24).prop_map(|runs| {
        let mut out = String::new();
        for (piece, times) in runs {
            for _ in 0..times {
                out.push_str(PIECES[piece]);
            }
            if out.len() > 200_000 {
                break;
            }
        }
        out
    })
}

/// Well-formed expressions nested around the limits.
fn nested_expressions() -> impl Strategy<Value = String> {
    let wrap = prop_oneof![
        Just(("-", "")),
        Just(("not ", "")),
        Just(("(", ")")),
        Just(("[", "]")),
        Just(("1 + ", "")),
        Just(("", "|upper")),
        Just(("", ".a")),
        Just(("", "()")),
        Just(("", " ~ 'x'")),
        Just(("x if ", " else 1")),
    ];
    (prop::collection::vec(wrap, 0..150), prop::bool::ANY).prop_map(|(layers, in_block)| {
        let mut expr = "x".to_owned();
        for (before, after) in layers {
            expr = format!("{before}{expr}{after}");
        }
        if in_block {
            format!("{{% if {expr} %}}y{{% endif %}}")
        } else {
            format!("{{{{ {expr} }}}}")
        }
    })
}

fn exercise(template: &str) {
    let messages = [ChatMessage {
        role: "user".into(),
        content: template.to_owned(),
    }];
    if templating::variables(&messages).is_ok() {
        let vars = json!({ "x": "a", "xs": [1, 2], "a": 1 });
        let _ = templating::render(&messages, vars.as_object().unwrap());
    }
}

/// Runs `test` on a thread with a tokio worker's stack.
fn on_small_stack(test: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(test)
        .unwrap()
        .join()
        .unwrap();
}

fn runner() -> TestRunner {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

#[test]
fn generated_templates_never_overflow_the_stack() {
    on_small_stack(|| {
        let strategy = prop_oneof![piece_runs(), nested_expressions()];
        runner()
            .run(&strategy, |template| {
                exercise(&template);
                Ok(())
            })
            .unwrap();
    });
}

#[test]
fn the_deepest_allowed_templates_parse_and_render_on_a_small_stack() {
    on_small_stack(|| {
        let depth = MAX_EXPRESSION_DEPTH;
        let blocks = MAX_BLOCK_DEPTH;
        let inside_blocks = |expr: &str| {
            format!(
                "{}{{{{ {expr} }}}}{}",
                "{% if x %}".repeat(blocks),
                "{% endif %}".repeat(blocks)
            )
        };
        for expr in [
            format!("{}1", "-".repeat(depth)),
            format!("x{}", "|upper".repeat(depth)),
            format!("x{}", " ~ x".repeat(depth)),
            format!("{}x", "not ".repeat(depth)),
            format!("{}x{}", "(".repeat(16), ")".repeat(16)),
        ] {
            let template = inside_blocks(&expr);
            let messages = [ChatMessage {
                role: "user".into(),
                content: template.clone(),
            }];
            assert!(
                templating::variables(&messages).is_ok(),
                "refused: {template}"
            );
            exercise(&template);
            let deeper = inside_blocks(&format!("-{expr}"));
            let messages = [ChatMessage {
                role: "user".into(),
                content: deeper,
            }];
            // One more level is refused only where the limit was reached exactly.
            let _ = templating::variables(&messages);
        }
        // Recursion at render time stops at minijinja's recursion limit, not at the stack's end.
        let recursive = [ChatMessage {
            role: "user".into(),
            content: "{% macro m(n) %}{{ m(n) }}{% endmacro %}{{ m(1) }}".into(),
        }];
        let vars = serde_json::Map::new();
        assert!(templating::render(&recursive, &vars).is_err());
    });
}
