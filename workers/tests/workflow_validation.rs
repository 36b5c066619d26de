//! Workflow definitions checked at save time: a table of bad definitions with the exact
//! errors (all of them at once, each naming its node), the plan of good ones, and the JSON
//! format they are exported and imported as.
#![expect(
    clippy::expect_used,
    reason = "a test that cannot set up should fail loudly"
)]

use serde_json::{Value, json};
use uuid::Uuid;
use workers::workflow::{Definition, validate};

const KNOWN_PROMPT: &str = "0190f3a4-0000-7000-8000-000000000001";

fn llm(key: &str, content: &str) -> Value {
    json!({
        "key": key, "kind": "llm",
        "messages": [{ "role": "user", "content": content }],
        "model": { "provider": "mock", "model": "mock-1" }
    })
}

fn definition(value: Value) -> Definition {
    serde_json::from_value(value).expect("a definition")
}

fn errors(value: Value) -> Vec<String> {
    let known = Uuid::parse_str(KNOWN_PROMPT).expect("uuid");
    match validate(&definition(value), &|id| id == known) {
        Ok(plan) => panic!("expected errors, got a plan: {plan:?}"),
        Err(issues) => issues.iter().map(ToString::to_string).collect(),
    }
}

fn research_analyze_summarize() -> Value {
    json!({
        "inputs": [{ "name": "topic", "type": "STRING" }],
        "nodes": [
            llm("research", "Research {{ inputs.topic }}"),
            { "key": "analyze", "kind": "prompt", "promptId": KNOWN_PROMPT, "label": "production",
              "variables": { "notes": "{{ nodes.research.output }}" },
              "retry": { "maxAttempts": 3, "backoffMs": 200 } },
            llm("summarize", "Summarize {{ nodes.analyze.output }} about {{ inputs.topic }}")
        ],
        "edges": [
            { "from": "research", "to": "analyze" },
            { "from": "analyze", "to": "summarize" }
        ],
        "output": "{{ nodes.summarize.output }}"
    })
}

#[test]
fn a_good_definition_gives_its_plan() {
    let known = Uuid::parse_str(KNOWN_PROMPT).expect("uuid");
    let def = definition(research_analyze_summarize());
    let plan = validate(&def, &|id| id == known).expect("valid");
    assert_eq!(plan.order, ["research", "analyze", "summarize"]);
    assert_eq!(plan.roots(), ["research"]);
    assert_eq!(plan.parents["summarize"], ["analyze"]);
    assert_eq!(def.prompt_ids(), [known]);
}

#[test]
fn a_definition_round_trips_through_its_json() {
    let def = definition(research_analyze_summarize());
    let exported = def.to_json();
    assert_eq!(exported["nodes"][1]["kind"], "prompt");
    assert_eq!(exported["nodes"][1]["retry"]["maxAttempts"], 3);
    assert_eq!(exported["nodes"][0]["onFailure"]["policy"], "abort");
    let imported = Definition::from_json(&exported.to_string()).expect("import");
    assert_eq!(imported, def);
}

#[test]
fn unknown_fields_and_kinds_are_refused_on_import() {
    let mut bad = research_analyze_summarize();
    bad["nodes"][0]["kind"] = json!("shell");
    let error = Definition::from_json(&bad.to_string()).expect_err("unknown kind");
    assert!(error.to_string().contains("shell"), "{error}");
    let mut typo = research_analyze_summarize();
    typo["edges"][0]["form"] = json!("research");
    assert!(Definition::from_json(&typo.to_string()).is_err());
}

#[test]
fn every_problem_is_reported_at_once_naming_its_node() {
    let cases: Vec<(&str, Value, Vec<&str>)> = vec![
        (
            "cycle with its path",
            json!({ "nodes": [llm("a", "x"), llm("b", "{{ nodes.a.output }}"), llm("c", "y"), llm("d", "z")],
                    "edges": [{ "from": "a", "to": "b" }, { "from": "b", "to": "c" }, { "from": "c", "to": "b" },
                              { "from": "c", "to": "d" }],
                    "output": "{{ nodes.a.output }}" }),
            vec![
                "node `b`: cycle: b → c → b",
                "node `d`: unreachable: it waits on nodes in a cycle",
            ],
        ),
        (
            "edge to an unknown node, duplicate keys",
            json!({ "nodes": [llm("a", "x"), llm("a", "y")],
                    "edges": [{ "from": "a", "to": "ghost" }],
                    "output": "done" }),
            vec![
                "node `a`: the key is used by another node",
                "edge `a` → `ghost`: there is no node `ghost`",
            ],
        ),
        (
            "reads a node that is not upstream, an undeclared input, an unknown name",
            json!({ "inputs": [{ "name": "topic", "type": "STRING" }],
                    "nodes": [llm("a", "{{ nodes.b.output }} {{ inputs.subject }}"), llm("b", "{{ topic }}"),
                              llm("c", "{{ nodes.a.result }}")],
                    "edges": [{ "from": "a", "to": "c" }],
                    "output": "{{ nodes.zz.output }}" }),
            vec![
                "node `a`: message 1 reads `inputs.subject`, which is not a declared input",
                "node `a`: message 1 reads `nodes.b`, which is not upstream of this node",
                "node `b`: message 1 reads `topic`, which is neither `inputs.*` nor `nodes.*`",
                "node `c`: message 1 reads `nodes.a.result`: a node has output, json and status",
                "the output template reads `nodes.zz`, but there is no node `zz`",
            ],
        ),
        (
            "expressions and templates that do not parse",
            json!({ "nodes": [llm("a", "{{ broken "),
                              { "key": "gate", "kind": "condition", "expression": "nodes.a.output ==" },
                              llm("yes", "ok")],
                    "edges": [{ "from": "a", "to": "gate" }, { "from": "gate", "to": "yes", "branch": "true" }],
                    "output": "{% if %}" }),
            vec![
                "node `a`: message 1, line 1: syntax error: unexpected end of input, expected end of variable block",
                "node `gate`: the expression, line 1: syntax error: unexpected end of input, expected expression",
                "the output template, line 1: syntax error: unexpected end of block",
            ],
        ),
        (
            "a prompt not in the organization, version and label together",
            json!({ "nodes": [{ "key": "p", "kind": "prompt", "promptId": "0190f3a4-0000-7000-8000-0000000000ff",
                                "version": 2, "label": "production" }],
                    "output": "{{ nodes.p.output }}" }),
            vec![
                "node `p`: prompt 0190f3a4-0000-7000-8000-0000000000ff is not a prompt of this organization",
                "node `p`: give the prompt's version or its label, not both",
            ],
        ),
        (
            "a map without an array source, a nested map, too much concurrency",
            json!({ "inputs": [{ "name": "title", "type": "STRING" }],
                    "nodes": [
                        { "key": "each", "kind": "map", "source": "inputs.title", "concurrency": 100,
                          "step": { "kind": "template", "template": "{{ item }} {{ other }}" } },
                        { "key": "empty", "kind": "map", "source": " ",
                          "step": { "kind": "map", "source": "x", "step": { "kind": "template", "template": "" } } }
                    ],
                    "output": "x" }),
            vec![
                "node `each`: the map's source `inputs.title` reads no upstream node and no ARRAY input, so it has no array to map",
                "node `each`: a map's concurrency is 1 to 64",
                "node `each`: the template reads `other`, which is neither `inputs.*` nor `nodes.*` (nor the map's `item` and `index`)",
                "node `empty`: a map needs an array source: an upstream node's output or an ARRAY input",
                "node `empty`: a map runs a prompt, llm or template step",
            ],
        ),
        (
            "branches and failure edges where they do not belong, bad policies",
            json!({ "nodes": [
                        { "key": "a", "kind": "template", "template": "x", "retry": { "maxAttempts": 0, "backoffMs": 1 },
                          "onFailure": { "policy": "branch" } },
                        { "key": "gate", "kind": "condition", "expression": "true" },
                        llm("b", "y"), llm("c", "z")],
                    "edges": [{ "from": "a", "to": "b", "branch": "yes" }, { "from": "gate", "to": "c" },
                              { "from": "b", "to": "c", "onFailure": true }],
                    "output": "" }),
            vec![
                "node `a`: the edge to `b` has a `branch`, but only a condition's edges do",
                "node `gate`: the edge to `c` needs a `branch`: the value of the condition that takes it",
                "node `b`: the edge to `c` is taken on failure, but the node's onFailure is not `branch`",
                "node `a`: maxAttempts is 1 to 10",
                "node `a`: onFailure is `branch`, but no edge from it is marked onFailure",
            ],
        ),
        (
            "zero timeouts for a node, an approval and the run",
            json!({ "nodes": [{ "key": "a", "kind": "template", "template": "x", "timeoutSecs": 0 },
                              { "key": "ok", "kind": "approval", "timeoutSecs": 0 }],
                    "edges": [{ "from": "a", "to": "ok" }],
                    "output": "", "timeoutSecs": 0 }),
            vec![
                "node `a`: a timeout is at least 1 second",
                "node `ok`: a timeout is at least 1 second",
                "the run's timeout is at least 1 second",
            ],
        ),
        (
            "no nodes, bad names",
            json!({ "inputs": [{ "name": "Topic", "type": "STRING", "default": 3 }], "nodes": [], "output": "" }),
            vec![
                "input `Topic`: a name is [a-z][a-z0-9_]*, at most 48 characters",
                "input `Topic`: its default is not a String",
                "a workflow needs at least one node",
            ],
        ),
    ];
    for (name, def, expected) in cases {
        assert_eq!(errors(def), expected, "case: {name}");
    }
}

#[test]
fn a_deeply_nested_expression_is_refused_before_parsing() {
    let deep = format!("{}1", "-".repeat(6000));
    let got = errors(json!({
        "nodes": [{ "key": "gate", "kind": "condition", "expression": deep }, llm("b", "x")],
        "edges": [{ "from": "gate", "to": "b", "branch": "true" }],
        "output": ""
    }));
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].starts_with("node `gate`: the expression, line 1:"),
        "{got:?}"
    );
}

#[test]
fn an_oversized_definition_is_refused_before_any_analysis() {
    let nodes: Vec<Value> = (0..20_000).map(|i| llm(&format!("n{i}"), "x")).collect();
    let edges: Vec<Value> = (1..20_000)
        .map(|i| json!({ "from": format!("n{}", i - 1), "to": format!("n{i}") }))
        .collect();
    let got = errors(json!({ "nodes": nodes, "edges": edges, "output": "" }));
    assert_eq!(
        got,
        [
            "a workflow holds at most 500 nodes",
            "a workflow holds at most 2000 edges"
        ]
    );
}
