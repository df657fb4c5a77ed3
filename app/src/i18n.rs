//! Translations: `locales/<lang>/*.json`, compiled into static tables by `build.rs`.
//!
//! Why not leptos_i18n: its 0.6 build path pulls the ICU4X data exporter as a build
//! dependency (minutes of compile on two cores), and error codes coming from the
//! domain crate need a lookup by string at run time. Keys are compile-checked constants
//! (`k::NAV_CUSTOMERS`), and the build fails when any language lacks a key.
//!
//! The server holds the tables of all three languages. The browser holds none of them:
//! they were a tenth of the first load (all languages, in every visitor's WASM). The
//! page carries its own language's table instead ([`page_table_json`], written into the
//! head by the shell), which the WASM reads once; the page and the WASM then speak the
//! same language by construction, and switching the language reloads the page.

use domain::Locale;
use leptos::prelude::*;

include!(concat!(env!("OUT_DIR"), "/i18n_tables.rs"));

/// A message key (index into the tables).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key(usize);

impl Key {
    /// Looks a key up by its dotted name, e.g. an error code such as `iban.checksum`.
    pub fn from_name(name: &str) -> Option<Key> {
        names().binary_search(&name).ok().map(Key)
    }

    pub fn name(self) -> &'static str {
        names().get(self.0).copied().unwrap_or("")
    }
}

/// The message for `key` in `locale`. In the browser, the page's language (the only one
/// it has; a page never shows another).
pub fn text(locale: Locale, key: Key) -> &'static str {
    #[cfg(not(feature = "hydrate"))]
    {
        match locale {
            Locale::De => DE[key.0],
            Locale::Es => ES[key.0],
            Locale::En => EN[key.0],
        }
    }
    #[cfg(feature = "hydrate")]
    {
        let _ = locale;
        browser::table().texts.get(key.0).copied().unwrap_or("")
    }
}

fn names() -> &'static [&'static str] {
    #[cfg(not(feature = "hydrate"))]
    {
        &KEYS
    }
    #[cfg(feature = "hydrate")]
    {
        &browser::table().names
    }
}

/// The table of `locale` as the page carries it: `[[name, text], …]` in key order, safe
/// inside `<script type="application/json">`. Built once per language, not per page.
#[cfg(not(feature = "hydrate"))]
pub fn page_table_json(locale: Locale) -> &'static str {
    use std::sync::OnceLock;
    static JSON: [OnceLock<String>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let (slot, table) = match locale {
        Locale::De => (&JSON[0], &DE),
        Locale::Es => (&JSON[1], &ES),
        Locale::En => (&JSON[2], &EN),
    };
    slot.get_or_init(|| {
        let pairs: Vec<(&str, &str)> = KEYS.iter().copied().zip(table.iter().copied()).collect();
        script_json(&pairs)
    })
}

/// `value` as JSON that is safe inside `<script type="application/json">` (no `</script>`).
pub fn script_json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).unwrap_or_default().replace('<', "\\u003c")
}

/// The id of the page's table element.
pub const PAGE_TABLE_ID: &str = "onboard-i18n";

#[cfg(feature = "hydrate")]
mod browser {
    use std::sync::OnceLock;

    pub struct Table {
        pub names: Vec<&'static str>,
        pub texts: Vec<&'static str>,
    }

    static TABLE: OnceLock<Table> = OnceLock::new();

    /// Read once from the page; the strings live as long as the page.
    pub fn table() -> &'static Table {
        TABLE.get_or_init(|| {
            let json = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id(super::PAGE_TABLE_ID))
                .and_then(|e| e.text_content())
                .unwrap_or_default();
            let pairs: Vec<(String, String)> = serde_json::from_str(&json).unwrap_or_default();
            let (names, texts) = pairs
                .into_iter()
                .map(|(n, t)| -> (&'static str, &'static str) { (n.leak(), t.leak()) })
                .unzip();
            Table { names, texts }
        })
    }
}

/// The message with its `{name}` placeholders filled.
pub fn text_with(locale: Locale, key: Key, params: &[(&str, &str)]) -> String {
    fill(text(locale, key), params.iter().copied())
}

/// Fills `{name}` placeholders in one pass; unknown placeholders stay as they are, and a
/// value that itself holds braces (a customer's text) is never filled again.
pub fn fill<'a>(template: &str, params: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let params: Vec<(&str, &str)> = params.into_iter().collect();
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            params
                .iter()
                .find(|(n, _)| *n == &after[..close])
                .map(|(_, v)| (close, *v))
        });
        match value {
            Some((close, v)) => {
                out.push_str(v);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
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

/// The message key of a choice value, e.g. `billing_cycle.monthly`; "Please choose" for an
/// empty or unknown one.
pub fn choice_key(group: &str, value: &str) -> Key {
    Key::from_name(&format!("{group}.{value}")).unwrap_or(k::COMMON_CHOOSE)
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
        assert_eq!(fill("{a} {b} {c}", [("a", "{b}"), ("b", "x")]), "{b} x {c}");
        assert!(Key::from_name("no.such.key").is_none());
    }
}
