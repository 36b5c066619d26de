//! `schema.graphql` is exactly what `promptops schema` prints, and it says what introspection
//! says.

use serde_json::json;

use crate::helpers::{Backend, TestApp};

#[test]
fn schema_file_matches_the_code() {
    let sdl = promptops::graphql::sdl();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../schema.graphql");
    let file = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        file == sdl,
        "schema.graphql is out of date: run `cargo run -- schema > schema.graphql`"
    );
}

/// Codegen tools read either the SDL or introspection; a scalar's specification must be the
/// same in both.
#[tokio::test]
async fn the_sdl_and_introspection_agree_on_scalar_specifications() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let data = app
        .ok(
            None,
            "{ __schema { types { name kind specifiedByURL } } }",
            json!({}),
        )
        .await;
    let sdl = promptops::graphql::sdl();
    let mut specified = 0;
    for ty in data["__schema"]["types"].as_array().unwrap() {
        if ty["kind"] != "SCALAR" {
            continue;
        }
        let name = ty["name"].as_str().unwrap();
        match ty["specifiedByURL"].as_str() {
            Some(url) => {
                specified += 1;
                let line = format!("scalar {name} @specifiedBy(url: \"{url}\")");
                assert!(sdl.contains(&line), "the SDL lacks `{line}`");
            }
            None => {
                let bare = format!("scalar {name}\n");
                let builtin = ["String", "Int", "Float", "Boolean", "ID"].contains(&name);
                assert!(
                    builtin || sdl.contains(&bare),
                    "the SDL declares {name} differently"
                );
            }
        }
    }
    assert!(
        specified >= 1,
        "DateTime carries its specification: {data:#}"
    );
}
