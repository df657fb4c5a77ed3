//! Compiles `locales/<lang>/*.json` into static tables (see `src/i18n.rs`).
//!
//! The build fails when a key is missing from one language, when a key appears twice,
//! or when the `{placeholders}` of a message differ between languages: a user never
//! sees a raw key or a half-filled message because a translation was forgotten.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

const LANGS: [&str; 3] = ["de", "es", "en"];

fn main() {
    // Read when the script runs, not baked in when it is compiled: clones at different
    // paths share one target dir (`scripts/env.sh`), and cargo reuses the compiled script.
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest_dir).join("../locales");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut tables: Vec<BTreeMap<String, String>> = Vec::new();
    for lang in LANGS {
        let dir = root.join(lang);
        println!("cargo:rerun-if-changed={}", dir.display());
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
            .map(|e| e.expect("dir entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        let mut table = BTreeMap::new();
        for file in files {
            println!("cargo:rerun-if-changed={}", file.display());
            let text = std::fs::read_to_string(&file).expect("read locale file");
            let map: BTreeMap<String, String> = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{}: not a flat JSON object of strings: {e}", file.display()));
            for (k, v) in map {
                if table.insert(k.clone(), v).is_some() {
                    panic!("{}: key {k:?} is defined twice for {lang}", file.display());
                }
            }
        }
        tables.push(table);
    }
    let keys: BTreeSet<&String> = tables.iter().flat_map(|t| t.keys()).collect();
    let mut problems = Vec::new();
    for key in &keys {
        let mut placeholders: Option<BTreeSet<String>> = None;
        for (lang, table) in LANGS.iter().zip(&tables) {
            match table.get(*key) {
                None => problems.push(format!("{key:?} is missing in {lang}")),
                Some(text) => {
                    let ph = placeholders_of(text);
                    match &placeholders {
                        None => placeholders = Some(ph),
                        Some(first) if *first != ph => problems.push(format!(
                            "{key:?} has placeholders {ph:?} in {lang}, {first:?} elsewhere"
                        )),
                        Some(_) => {}
                    }
                }
            }
        }
    }
    if !problems.is_empty() {
        panic!("locale files disagree:\n  {}", problems.join("\n  "));
    }

    let mut out = String::new();
    writeln!(out, "/// Every message key, sorted (binary search by code).").unwrap();
    writeln!(out, "pub static KEYS: [&str; {}] = [", keys.len()).unwrap();
    for k in &keys {
        writeln!(out, "    {k:?},").unwrap();
    }
    writeln!(out, "];").unwrap();
    writeln!(out, "/// Message keys as constants, so a typo is a compile error.").unwrap();
    writeln!(out, "#[allow(dead_code)]\npub mod k {{\n    use super::Key;").unwrap();
    let mut consts = BTreeSet::new();
    for (i, k) in keys.iter().enumerate() {
        let name: String = k
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_uppercase()
                } else {
                    '_'
                }
            })
            .collect();
        assert!(consts.insert(name.clone()), "two keys map to the constant {name}");
        writeln!(out, "    pub const {name}: Key = Key({i});").unwrap();
    }
    writeln!(out, "}}").unwrap();
    for (lang, table) in LANGS.iter().zip(&tables) {
        writeln!(out, "pub static {}: [&str; {}] = [", lang.to_uppercase(), keys.len()).unwrap();
        for k in &keys {
            writeln!(out, "    {:?},", table[*k]).unwrap();
        }
        writeln!(out, "];").unwrap();
    }
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("i18n_tables.rs");
    std::fs::write(dest, out).expect("write i18n tables");
}

/// The `{name}` placeholders of a message.
fn placeholders_of(text: &str) -> BTreeSet<String> {
    let mut set = BTreeSet::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                set.insert(after[..end].to_string());
                rest = &after[end + 1..];
            }
            None => break,
        }
    }
    set
}
