//! The reference-vector suite: inputs labelled by python-stdnum, schwifty, libphonenumber and
//! Google's address data (`scripts/vectors/run.sh` generates them), run through the same
//! [`domain::check::check`] the browser runs. Every disagreement must be listed, with its
//! reason, in `tests/vectors/disagreements.tsv`; the suite fails on an unlisted disagreement,
//! on a listed one that has gone away, and when agreement drops below 99.5 % for a kind.

use std::collections::BTreeSet;

use serde::Deserialize;

#[derive(Deserialize)]
struct Vector {
    kind: String,
    input: String,
    country: Option<String>,
    valid: bool,
    canonical: Option<String>,
}

const KINDS: [&str; 4] = ["vat", "iban", "phone", "postal"];

fn vectors(kind: &str) -> Vec<Vector> {
    let path = format!("{}/tests/vectors/{kind}.jsonl", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines().map(|l| serde_json::from_str(l).expect(l)).collect()
}

type Key = (String, String, String);

fn key(v: &Vector) -> Key {
    (v.kind.clone(), v.input.clone(), v.country.clone().unwrap_or_default())
}

fn listed() -> BTreeSet<Key> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/disagreements.tsv");
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert!(
                f.len() == 4 && !f[3].trim().is_empty(),
                "kind, input, country, reason: {l}"
            );
            (f[0].to_owned(), f[1].to_owned(), f[2].to_owned())
        })
        .collect()
}

/// Whether Onboard's verdict is the reference's: the same valid/invalid, and for accepted
/// inputs the same canonical form where the reference gives one.
fn agrees(v: &Vector) -> bool {
    let verdict = domain::check::check(&v.kind, &v.input, v.country.as_deref());
    match (&verdict.value, v.valid) {
        (Some(value), true) => v.canonical.as_ref().is_none_or(|c| c == value),
        (None, false) => true,
        _ => false,
    }
}

#[test]
fn onboard_agrees_with_the_references() {
    let listed = listed();
    let mut found = BTreeSet::new();
    let mut report = Vec::new();
    let mut total = 0;
    // ONBOARD_VECTOR_KINDS=phone runs one kind while working on it; the full run checks all.
    let only = std::env::var("ONBOARD_VECTOR_KINDS").ok();
    let kinds: Vec<&str> = KINDS
        .into_iter()
        .filter(|k| only.as_deref().is_none_or(|o| o.split(',').any(|x| x == *k)))
        .collect();
    for &kind in &kinds {
        let vs = vectors(kind);
        let bad: Vec<&Vector> = vs.iter().filter(|v| !agrees(v)).collect();
        let share = 100.0 * (vs.len() - bad.len()) as f64 / vs.len() as f64;
        println!(
            "{kind}: {} vectors, {} disagreements, agreement {share:.2} %",
            vs.len(),
            bad.len()
        );
        report.push((kind, share));
        total += vs.len();
        for v in bad {
            let k = key(v);
            if !listed.contains(&k) {
                let verdict = domain::check::check(&v.kind, &v.input, v.country.as_deref());
                println!(
                    "  unlisted: {kind}\t{}\t{}\treference {} {:?}, Onboard {:?}",
                    v.input, k.2, v.valid, v.canonical, verdict
                );
            }
            found.insert(k);
        }
    }
    let listed: BTreeSet<Key> = listed.into_iter().filter(|k| kinds.contains(&k.0.as_str())).collect();
    assert!(
        only.is_some() || total >= 2_000,
        "at least 2,000 vectors, found {total}"
    );
    let unlisted: Vec<&Key> = found.difference(&listed).collect();
    let stale: Vec<&Key> = listed.difference(&found).collect();
    assert!(
        unlisted.is_empty(),
        "{} disagreements not in disagreements.tsv",
        unlisted.len()
    );
    assert!(stale.is_empty(), "listed but agreeing now, remove them: {stale:?}");
    for (kind, share) in report {
        assert!(share >= 99.5, "{kind}: agreement {share:.2} % is below 99.5 %");
    }
}
