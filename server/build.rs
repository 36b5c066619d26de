//! Builds the web app (`frontend/`) and leaves it in `$OUT_DIR/web`, which `src/web.rs`
//! embeds into the binary, so `cargo run --release` serves it with no extra step.
//!
//! Cargo reruns this when the frontend's sources change; `npm ci` runs when
//! `node_modules` is missing or older than `package-lock.json`, then `npm run bundle` (Vite;
//! the type check is `npm run typecheck`, run by CI, so that a stale generated type cannot
//! stop the server from building while its schema is being changed). `PROMPTOPS_SKIP_WEB=1` skips all of it (no Node needed): the binary
//! then serves a page saying how to build the app. Without `npm` on the PATH it does the same,
//! with a warning.

use std::error::Error;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

const WATCHED: &[&str] = &[
    "src",
    "index.html",
    "package.json",
    "package-lock.json",
    "vite.config.ts",
    "tsconfig.json",
    "public",
];

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo:rerun-if-env-changed=PROMPTOPS_SKIP_WEB");
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let frontend = manifest.join("../frontend");
    let out = PathBuf::from(std::env::var("OUT_DIR")?).join("web");
    for name in WATCHED {
        println!("cargo:rerun-if-changed={}", frontend.join(name).display());
    }

    let skip = std::env::var("PROMPTOPS_SKIP_WEB").is_ok_and(|v| !v.is_empty() && v != "0");
    if skip {
        return placeholder(&out, "the build skipped it (PROMPTOPS_SKIP_WEB is set)");
    }
    if Command::new("npm").arg("--version").output().is_err() {
        println!(
            "cargo:warning=npm not found: the web app is not built (set PROMPTOPS_SKIP_WEB=1 to silence this)"
        );
        return placeholder(&out, "npm was not found when the binary was built");
    }

    if needs_install(&frontend) {
        run(
            Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
                .current_dir(&frontend),
            "npm ci",
        )?;
    }
    run(
        Command::new("npm")
            .args(["run", "bundle", "--silent"])
            .env("PROMPTOPS_WEB_OUT_DIR", &out)
            .current_dir(&frontend),
        "npm run bundle",
    )?;
    if !out.join("index.html").is_file() {
        return Err(format!("npm run bundle left no index.html in {}", out.display()).into());
    }
    Ok(())
}

/// `node_modules` is missing, or older than the lock file.
fn needs_install(frontend: &Path) -> bool {
    let installed = modified(&frontend.join("node_modules/.package-lock.json"));
    let locked = modified(&frontend.join("package-lock.json"));
    match (installed, locked) {
        (Some(installed), Some(locked)) => installed < locked,
        _ => true,
    }
}

fn modified(path: &Path) -> Option<SystemTime> {
    fs::metadata(path).and_then(|m| m.modified()).ok()
}

fn run(command: &mut Command, what: &str) -> Result<(), Box<dyn Error>> {
    let output = command.output()?;
    if output.status.success() {
        return Ok(());
    }
    Err(format!(
        "{what} failed ({}); set PROMPTOPS_SKIP_WEB=1 to build without the web app\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
    .into())
}

fn placeholder(out: &Path, why: &str) -> Result<(), Box<dyn Error>> {
    if out.exists() {
        fs::remove_dir_all(out)?;
    }
    fs::create_dir_all(out)?;
    fs::write(
        out.join("index.html"),
        format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>PromptOps</title></head>\
             <body><main><h1>PromptOps</h1><p>The web app is not in this binary: {why}. \
             Build it with Node.js 20+ on the PATH and without PROMPTOPS_SKIP_WEB. \
             The API is at <a href=\"/graphql\">/graphql</a>.</p></main></body></html>\n"
        ),
    )?;
    Ok(())
}
