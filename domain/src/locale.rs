//! The three languages Onboard speaks, and how a request's preference maps onto them.

use serde::{Deserialize, Serialize};

/// A UI language. `En` is the fallback when nothing else matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    De,
    Es,
    #[default]
    En,
}

impl Locale {
    pub const ALL: [Locale; 3] = [Locale::De, Locale::Es, Locale::En];

    /// BCP 47 primary tag, as used in `<html lang>`, the cookie and the locale files.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::De => "de",
            Locale::Es => "es",
            Locale::En => "en",
        }
    }

    /// The language's own name, for the language switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::De => "Deutsch",
            Locale::Es => "Español",
            Locale::En => "English",
        }
    }

    /// Parses a language tag such as `de`, `de-AT` or `ES_es`; only the primary subtag counts.
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "de" => Some(Locale::De),
            "es" => Some(Locale::Es),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    /// Picks the best supported language from an `Accept-Language` header value,
    /// honouring q-values; ties keep header order.
    pub fn from_accept_language(header: &str) -> Option<Locale> {
        let mut best: Option<(f32, Locale)> = None;
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let Some(locale) = pieces.next().and_then(Locale::from_tag) else {
                continue;
            };
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, locale));
            }
        }
        best.map(|(_, l)| l)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_round_trip() {
        for l in Locale::ALL {
            assert_eq!(Locale::from_tag(l.tag()), Some(l));
        }
        assert_eq!(Locale::from_tag("de-AT"), Some(Locale::De));
        assert_eq!(Locale::from_tag("fr"), None);
    }

    #[test]
    fn accept_language_honours_quality() {
        assert_eq!(
            Locale::from_accept_language("fr-FR,fr;q=0.9,es;q=0.8,de;q=0.7"),
            Some(Locale::Es)
        );
        assert_eq!(Locale::from_accept_language("de-CH"), Some(Locale::De));
        assert_eq!(Locale::from_accept_language("en;q=0.1, de;q=0.5"), Some(Locale::De));
        assert_eq!(Locale::from_accept_language("fr, it"), None);
        assert_eq!(Locale::from_accept_language("es;q=0"), None);
    }
}
