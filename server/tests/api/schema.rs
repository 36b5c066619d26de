//! `schema.graphql` is exactly what `promptops schema` prints.

#[test]
fn schema_file_matches_the_code() {
    let sdl = promptops::graphql::builder().finish().sdl();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../schema.graphql");
    let file = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        file == sdl,
        "schema.graphql is out of date: run `cargo run -- schema > schema.graphql`"
    );
}
