//! Every server function passes the gate: its body must go through
//! `crate::server::gate(permission, …)` (or `gate_customer(permission, customer, …)`) or, for the few that work signed out,
//! `crate::server::public(…)`. A new server function that forgets fails this test.

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_server_function_goes_through_the_gate() {
    let mut files = Vec::new();
    rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
    let mut found = 0;
    let mut ungated = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (start, _) in text.match_indices("#[server(") {
            found += 1;
            // the function runs from the attribute to the first line that closes it at column 0
            let rest = &text[start..];
            let body = &rest[..rest.find("\n}\n").unwrap_or(rest.len())];
            let name = body
                .split("fn ")
                .nth(1)
                .and_then(|s| s.split('(').next())
                .unwrap_or("?")
                .to_string();
            let gated = [
                "crate::server::gate(",
                "crate::server::gate_customer(",
                "crate::server::public(",
            ]
            .iter()
            .any(|door| body.contains(door));
            if !gated {
                ungated.push(format!("{}: {name}", file.display()));
            }
        }
    }
    assert!(found >= 8, "expected to find the server functions, found {found}");
    assert!(
        ungated.is_empty(),
        "server functions that skip the gate:\n{}",
        ungated.join("\n")
    );
}
