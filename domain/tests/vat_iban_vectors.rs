//! VAT ids and IBANs against the reference vectors (`tests/vectors/{vat,iban}.jsonl`,
//! written by `scripts/vectors/{vat,iban}.py` from python-stdnum and schwifty), per country:
//! `cargo test -p domain --test vat_iban_vectors -- --nocapture` prints the agreement of each.
//! Fails when a file's agreement drops below 99.5 %, when a row both sides call valid has a
//! different canonical form, and when a valid VAT id is filed under another register
//! (`tax_kind`). Where Onboard's refusal is a different kind of error than the reference's
//! (`reason`: length, format, checksum, national, bank, country), that is reported too.

use std::collections::BTreeMap;

use domain::{Code, Country, Iban, TaxIdKind, VatId};
use serde::Deserialize;

#[derive(Deserialize)]
struct Vector {
    input: String,
    country: Option<String>,
    valid: bool,
    canonical: Option<String>,
    #[serde(default)]
    tax_kind: Option<String>,
    #[serde(default)]
    reason: Option<String>,
}

fn vectors(kind: &str) -> Vec<Vector> {
    let path = format!("{}/tests/vectors/{kind}.jsonl", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines().map(|l| serde_json::from_str(l).expect(l)).collect()
}

/// Onboard's verdict: the canonical form and register, or the error code.
type Verdict = Result<(String, Option<TaxIdKind>), Code>;

#[derive(Default)]
struct Tally {
    rows: usize,
    disagree: Vec<String>,
    other_code: usize,
}

/// The country a row is counted under: the customer's country, else the id's own prefix
/// (Greece as `EL` either way).
fn country_of(v: &Vector) -> String {
    let c = v
        .country
        .clone()
        .unwrap_or_else(|| v.input.trim().chars().take(2).collect::<String>().to_uppercase());
    if c == "GR" { "EL".to_owned() } else { c }
}

fn run(kind: &str, parse: impl Fn(&Vector) -> Verdict, code_for: impl Fn(&str) -> Code) {
    let vs = vectors(kind);
    let mut per: BTreeMap<String, Tally> = BTreeMap::new();
    let mut canonical_differs = Vec::new();
    let mut kind_differs = Vec::new();
    for v in &vs {
        let t = per.entry(country_of(v)).or_default();
        t.rows += 1;
        let got = parse(v);
        match (&got, v.valid) {
            (Ok((value, tax_kind)), true) => {
                if v.canonical.as_ref().is_some_and(|c| c != value) {
                    canonical_differs.push(format!("{} → {value}, reference {:?}", v.input, v.canonical));
                }
                let expected = v.tax_kind.as_deref();
                if expected.is_some() && tax_kind.map(|k| format!("{k:?}")).as_deref() != expected {
                    kind_differs.push(format!("{}: {tax_kind:?}, reference {expected:?}", v.input));
                }
            }
            (Err(code), false) => {
                if v.reason.as_deref().is_some_and(|r| code_for(r) != *code) {
                    t.other_code += 1;
                }
            }
            _ => t.disagree.push(format!(
                "{} (country {:?}): reference {} {:?}, Onboard {got:?}",
                v.input, v.country, v.valid, v.canonical
            )),
        }
    }
    let bad: usize = per.values().map(|t| t.disagree.len()).sum();
    let share = 100.0 * (vs.len() - bad) as f64 / vs.len() as f64;
    println!(
        "{kind}: {} vectors, {bad} disagreements, agreement {share:.2} %",
        vs.len()
    );
    for (country, t) in &per {
        let s = 100.0 * (t.rows - t.disagree.len()) as f64 / t.rows as f64;
        let codes = if t.other_code > 0 {
            format!(
                ", {} refused with another code than the reference's reason",
                t.other_code
            )
        } else {
            String::new()
        };
        println!("  {country}: {} rows, {s:.1} %{codes}", t.rows);
        for d in &t.disagree {
            println!("    {d}");
        }
    }
    assert!(
        canonical_differs.is_empty(),
        "{kind}: canonical forms differ: {canonical_differs:#?}"
    );
    assert!(kind_differs.is_empty(), "{kind}: registers differ: {kind_differs:#?}");
    assert!(share >= 99.5, "{kind}: agreement {share:.2} % is below 99.5 %");
}

#[test]
fn vat_ids_agree_with_python_stdnum() {
    run(
        "vat",
        |v| {
            let country = v.country.as_deref().map(|c| Country::parse(c).expect(c));
            VatId::parse_with_default(&v.input, country)
                .map(|id| (id.to_string(), Some(id.kind())))
                .map_err(|e| e.code)
        },
        |_| Code::VatChecksum,
    );
}

#[test]
fn ibans_agree_with_python_stdnum_and_schwifty() {
    run(
        "iban",
        |v| {
            Iban::parse(&v.input)
                .map(|i| (i.as_str().to_owned(), None))
                .map_err(|e| e.code)
        },
        |reason| match reason {
            "country" => Code::IbanCountry,
            "length" => Code::IbanLength,
            "format" => Code::IbanFormat,
            "bank" => Code::IbanBank,
            // A mod 97 failure and a national check digit failure are both "mistyped".
            _ => Code::IbanChecksum,
        },
    );
}
