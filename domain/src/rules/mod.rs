//! Reference tables the checks need but that are too large for the first load of the WASM:
//! libphonenumber's metadata, the postal-code shapes of Google's address data and the
//! national bank-code registries schwifty carries, generated into `domain/rules/tables.tsv`
//! by `scripts/vectors/tables.py`.
//!
//! The server compiles the file in. The browser fetches the same file (`/rules/{VERSION}.tsv`,
//! immutable, precached by the service worker) before it shows a form that checks phone
//! numbers or postal codes and hands it to [`install`]; both sides then run the same code on
//! the same data, so they give the same verdict. Until the tables are installed, the checks
//! that need them are lenient in the browser (the server, which always has them, decides).

mod bank_tables;
mod pattern;
mod phone_tables;
mod postal_tables;

use std::sync::OnceLock;

pub use bank_tables::{BankRegistry, BankTables};
pub use pattern::{Match, Pattern};
pub use phone_tables::{Desc, PhoneRegion, PhoneTables};
pub use postal_tables::{PostalRule, PostalTables};

/// A hash of the tables, so the browser can cache them for as long as this build lives.
pub const VERSION: &str = env!("ONBOARD_RULES_VERSION");

pub struct Rules {
    pub phone: PhoneTables,
    pub postal: PostalTables,
    pub banks: BankTables,
}

impl Rules {
    pub fn parse(text: &str) -> Result<Rules, String> {
        let mut phone = phone_tables::Builder::default();
        let mut postal = PostalTables::default();
        let mut banks = BankTables::default();
        for (n, line) in text.lines().enumerate() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = line.split('\t').collect();
            let result = match fields[0] {
                "C" | "R" | "D" => phone.line(&fields),
                "Z" => postal.line(&fields),
                "B" => banks.line(&fields),
                other => Err(format!("unknown record {other}")),
            };
            result.map_err(|e| format!("tables line {}: {e}", n + 1))?;
        }
        Ok(Rules {
            phone: phone.finish()?,
            postal,
            banks,
        })
    }
}

static RULES: OnceLock<Rules> = OnceLock::new();

/// The tables this build was generated with (the server's copy).
#[cfg(not(target_arch = "wasm32"))]
pub const TEXT: &str = include_str!("../../rules/tables.tsv");

/// The tables, once they are there: always on the server, after [`install`] in the browser.
pub fn get() -> Option<&'static Rules> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        Some(RULES.get_or_init(|| Rules::parse(TEXT).expect("domain/rules/tables.tsv is generated and tested")))
    }
    #[cfg(target_arch = "wasm32")]
    {
        RULES.get()
    }
}

/// Hands the fetched tables to the checks (browser). A second call is ignored.
pub fn install(text: &str) -> Result<(), String> {
    if RULES.get().is_none() {
        let _ = RULES.set(Rules::parse(text)?);
    }
    Ok(())
}

pub fn installed() -> bool {
    RULES.get().is_some()
}

fn lengths(field: &str) -> Result<Vec<u8>, String> {
    if field.is_empty() {
        return Ok(Vec::new());
    }
    field
        .split(',')
        .map(|n| match n {
            // libphonenumber's marker for "no numbers of this type".
            "-1" => Ok(0),
            n => n.parse().map_err(|_| format!("bad length {n}")),
        })
        .collect()
}

fn pattern(field: &str) -> Result<Option<Pattern>, String> {
    if field.is_empty() {
        Ok(None)
    } else {
        Pattern::parse(field).map(Some)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn the_generated_tables_load() {
        let rules = Rules::parse(TEXT).unwrap();
        assert!(rules.phone.region("DE").is_some());
        assert!(rules.phone.region("ES").is_some());
        assert!(rules.postal.rule("DE").is_some());
        let de = rules.banks.registry("DE").unwrap();
        assert!(de.knows("37040044") && !de.knows("37040045"));
        assert_eq!(rules.phone.regions_for(1).first().map(String::as_str), Some("US"));
        assert!(rules.phone.nongeo(800).is_some());
        assert!(VERSION.len() >= 8);
    }
}
