//! National bank-code registries (the `B` records): which bank codes exist in a country, so
//! an IBAN whose check digits are right but whose bank does not exist gets its own message.

use std::collections::BTreeMap;

#[derive(Debug)]
pub struct BankRegistry {
    /// Where the bank code sits in the BBAN (byte offsets).
    pub start: usize,
    pub end: usize,
    /// Sorted, for binary search.
    codes: Vec<String>,
}

impl BankRegistry {
    pub fn knows(&self, code: &str) -> bool {
        self.codes.binary_search_by(|c| c.as_str().cmp(code)).is_ok()
    }
}

#[derive(Debug, Default)]
pub struct BankTables {
    registries: BTreeMap<String, BankRegistry>,
}

impl BankTables {
    pub fn registry(&self, country: &str) -> Option<&BankRegistry> {
        self.registries.get(country)
    }

    pub(super) fn line(&mut self, f: &[&str]) -> Result<(), String> {
        let [_, country, start, end, codes] = f else {
            return Err("a B record has five fields".into());
        };
        let (start, end): (usize, usize) = (
            start.parse().map_err(|_| "bad start")?,
            end.parse().map_err(|_| "bad end")?,
        );
        let mut codes: Vec<String> = codes.split(',').map(str::to_owned).collect();
        codes.sort();
        if start >= end || codes.iter().any(|c| c.len() != end - start) {
            return Err(format!("{country}: bank codes do not fit {start}..{end}"));
        }
        self.registries
            .insert((*country).to_owned(), BankRegistry { start, end, codes });
        Ok(())
    }
}
