//! Postal-code shapes per country from Google's address data (the `Z` records).

use std::collections::BTreeMap;

use super::Pattern;

#[derive(Debug)]
pub struct PostalRule {
    pub pattern: Pattern,
    /// Real codes of the country, shown in the error message.
    pub examples: Vec<String>,
    /// Whether the country's addresses need a postal code to be delivered.
    pub required: bool,
}

#[derive(Debug, Default)]
pub struct PostalTables {
    rules: BTreeMap<String, PostalRule>,
}

impl PostalTables {
    pub fn rule(&self, country: &str) -> Option<&PostalRule> {
        self.rules.get(country)
    }

    pub(super) fn line(&mut self, f: &[&str]) -> Result<(), String> {
        let [_, country, pattern, examples, required] = f else {
            return Err("a Z record has five fields".into());
        };
        let rule = PostalRule {
            pattern: Pattern::parse(pattern)?,
            examples: examples
                .split(',')
                .filter(|e| !e.is_empty())
                .map(str::to_owned)
                .collect(),
            required: *required == "1",
        };
        self.rules.insert((*country).to_owned(), rule);
        Ok(())
    }
}
