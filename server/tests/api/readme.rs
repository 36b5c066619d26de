//! The README's permission matrix is the one in the code.

#[test]
fn readme_permission_matrix_matches_the_code() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let matrix = promptops::authz::permissions::markdown_matrix();
    assert!(
        readme.contains(&matrix),
        "README.md's permission matrix is stale; replace it with:\n{matrix}"
    );
}
