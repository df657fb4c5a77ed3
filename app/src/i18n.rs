//! Translations: `locales/<lang>/*.json`, compiled into static tables by `build.rs`.
//!
//! Why not leptos_i18n: its 0.6 build path pulls the ICU4X data exporter as a build
//! dependency (minutes of compile on two cores), and error codes coming from the
//! domain crate need a lookup by string at run time. The tables here add a few kB to
//! the WASM, keys are compile-checked constants (`k::NAV_CUSTOMERS`), and the build
//! fails when any language lacks a key.

use domain::Locale;
use leptos::prelude::*;

include!(concat!(env!("OUT_DIR"), "/i18n_tables.rs"));

/// A message key (index into the tables).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key(usize);

impl Key {
    /// Looks a key up by its dotted name, e.g. an error code such as `iban.checksum`.
    pub fn from_name(name: &str) -> Option<Key> {
        KEYS.binary_search(&name).ok().map(Key)
    }

    pub fn name(self) -> &'static str {
        KEYS[self.0]
    }
}

/// The message for `key` in `locale`.
pub fn text(locale: Locale, key: Key) -> &'static str {
    match locale {
        Locale::De => DE[key.0],
        Locale::Es => ES[key.0],
        Locale::En => EN[key.0],
    }
}

/// The message with its `{name}` placeholders filled.
pub fn text_with(locale: Locale, key: Key, params: &[(&str, &str)]) -> String {
    fill(text(locale, key), params.iter().copied())
}

/// Fills `{name}` placeholders; unknown placeholders stay as they are.
pub fn fill<'a>(template: &str, params: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut out = template.to_string();
    for (name, value) in params {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// The UI language of this page, provided by [`crate::App`].
#[derive(Debug, Clone, Copy)]
pub struct UiLocale(pub Locale);

pub fn use_locale() -> Locale {
    use_context::<UiLocale>().map(|l| l.0).unwrap_or_default()
}

/// Shorthand for components: the message for `key` in the page's language.
pub fn t(key: Key) -> &'static str {
    text(use_locale(), key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_a_text_in_every_language() {
        // build.rs refuses to build when a language lacks a key; this checks the tables
        // it wrote, so a change to the generator cannot silently drop a language.
        for (i, name) in KEYS.iter().enumerate() {
            for locale in Locale::ALL {
                assert!(!text(locale, Key(i)).trim().is_empty(), "{name} is empty in {locale:?}");
            }
        }
    }

    #[test]
    fn lookup_by_name_and_placeholders() {
        let key = Key::from_name("nav.customers").expect("nav.customers exists");
        assert_eq!(key, k::NAV_CUSTOMERS);
        assert_eq!(text(Locale::De, key), "Kunden");
        assert_eq!(fill("Hallo {name}!", [("name", "Anna")]), "Hallo Anna!");
        assert!(Key::from_name("no.such.key").is_none());
    }
}
