//! `#[derive(GraphQLQuery)]` reads the schema and the operations at compile time, but cargo
//! does not know it: rebuild when either changes, so a schema change that breaks an operation
//! breaks this build at once instead of on the next clean build.

fn main() {
    println!("cargo:rerun-if-changed=../../schema.graphql");
    println!("cargo:rerun-if-changed=graphql");
}
