//! Every error code has a message in de, en and es, no file has a stray key, and the
//! three languages use the same `{placeholders}` for each code.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use domain::Code;

fn load(lang: &str) -> BTreeMap<String, String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../locales")
        .join(lang)
        .join("errors.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn placeholders(message: &str) -> BTreeSet<String> {
    message
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned()))
        .collect()
}

#[test]
fn every_code_has_a_message_in_every_language() {
    let codes: BTreeSet<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    let files: Vec<(&str, BTreeMap<String, String>)> = ["de", "en", "es"].into_iter().map(|l| (l, load(l))).collect();
    let mut problems = Vec::new();
    for (lang, messages) in &files {
        for code in &codes {
            match messages.get(*code) {
                None => problems.push(format!("{lang}: no message for `{code}`")),
                Some(m) if m.trim().is_empty() => problems.push(format!("{lang}: empty message for `{code}`")),
                Some(_) => {}
            }
        }
        for key in messages.keys() {
            if !codes.contains(key.as_str()) {
                problems.push(format!("{lang}: `{key}` is no error code"));
            }
        }
    }
    let (_, reference) = &files[1];
    for (lang, messages) in &files {
        for (key, message) in messages {
            if let Some(en) = reference
                .get(key)
                .filter(|en| placeholders(message) != placeholders(en))
            {
                problems.push(format!(
                    "{lang}: `{key}` has placeholders {:?}, en has {:?}",
                    placeholders(message),
                    placeholders(en)
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn placeholders_are_params_the_code_is_raised_with() {
    // Every placeholder of a message is filled when the error is rendered.
    let en = load("en");
    let e = domain::PostalCode::parse("00123", domain::Country::DE).unwrap_err();
    assert_eq!(
        e.render(&en[e.code.as_str()]),
        "This is not a valid postcode for DE, e.g. 10115."
    );
    let e = domain::Iban::parse("DE8937040044053201300").unwrap_err();
    assert_eq!(
        e.render(&en[e.code.as_str()]),
        "An IBAN from DE has exactly 22 characters."
    );
    let e = domain::PersonName::parse(&"x".repeat(101)).unwrap_err();
    assert!(!e.render(&load("de")[e.code.as_str()]).contains('{'));
}
