//! Locale-aware display of numbers, money and dates. The output matches what the browser's
//! `Intl` APIs produce for de-DE, es-ES and en-GB, including the no-break space (U+00A0)
//! between amount and currency, so server-rendered and client-rendered text are identical.
//! For display only: an input field is prefilled with the value's `Display` form, because
//! a grouped whole number (`1.234` for 1234) would read back as a decimal.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::locale::Locale;
use crate::money::Money;

const NBSP: char = '\u{a0}';

/// Groups thousands and uses the locale's decimal separator; keeps the value's own decimals.
pub fn format_decimal(value: Decimal, locale: Locale) -> String {
    let (group, decimal) = separators(locale);
    let text = value.abs().to_string();
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut out = String::with_capacity(text.len() + text.len() / 3 + 1);
    if value.is_sign_negative() && !value.is_zero() {
        out.push('-');
    }
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(group);
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push(decimal);
        out.push_str(frac);
    }
    out
}

fn separators(locale: Locale) -> (char, char) {
    match locale {
        Locale::De | Locale::Es => ('.', ','),
        Locale::En => (',', '.'),
    }
}

/// `1.234,56 €` (de, es), `€1,234.56` (en). Currencies without an unambiguous symbol show
/// their code: `1.234,56 CHF`, `CHF 1,234.56`. Always the currency's minor units.
pub fn format_money(money: &Money, locale: Locale) -> String {
    let currency = money.currency();
    let mut amount = currency.round(money.amount());
    amount.rescale(currency.minor_units());
    let number = format_decimal(amount.abs(), locale);
    let sign = if amount.is_sign_negative() && !amount.is_zero() {
        "-"
    } else {
        ""
    };
    match (locale, currency.symbol()) {
        (Locale::En, Some(symbol)) => format!("{sign}{symbol}{number}"),
        (Locale::En, None) => format!("{sign}{}{NBSP}{number}", currency.as_str()),
        (_, symbol) => format!("{sign}{number}{NBSP}{}", symbol.unwrap_or(currency.as_str())),
    }
}

/// `23.11.2026` (de), `23/11/2026` (es), `23 Nov 2026` (en).
pub fn format_date(date: NaiveDate, locale: Locale) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (d, m, y) = (date.day(), date.month(), date.year());
    match locale {
        Locale::De => format!("{d:02}.{m:02}.{y}"),
        Locale::Es => format!("{d:02}/{m:02}/{y}"),
        Locale::En => format!("{d} {} {y}", MONTHS[(m - 1) as usize]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;
    use std::str::FromStr;

    fn money(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    #[test]
    fn decimals() {
        let d = |s| Decimal::from_str(s).unwrap();
        assert_eq!(format_decimal(d("1234567.891"), Locale::De), "1.234.567,891");
        assert_eq!(format_decimal(d("1234567.891"), Locale::En), "1,234,567.891");
        assert_eq!(format_decimal(d("-999.5"), Locale::Es), "-999,5");
        assert_eq!(format_decimal(d("-1000"), Locale::Es), "-1.000");
        assert_eq!(format_decimal(d("0"), Locale::En), "0");
    }

    #[test]
    fn money_per_locale() {
        let m = money("1234.56 EUR");
        assert_eq!(format_money(&m, Locale::De), "1.234,56\u{a0}€");
        assert_eq!(format_money(&m, Locale::Es), "1.234,56\u{a0}€");
        assert_eq!(format_money(&m, Locale::En), "€1,234.56");
        assert_eq!(format_money(&money("-5 EUR"), Locale::En), "-€5.00");
        assert_eq!(format_money(&money("-5 EUR"), Locale::De), "-5,00\u{a0}€");
        assert_eq!(format_money(&money("1234.5 CHF"), Locale::De), "1.234,50\u{a0}CHF");
        assert_eq!(format_money(&money("1234.5 CHF"), Locale::En), "CHF\u{a0}1,234.50");
        assert_eq!(format_money(&money("1000000 JPY"), Locale::En), "¥1,000,000");
        assert_eq!(format_money(&Money::zero(Currency::GBP), Locale::En), "£0.00");
    }

    #[test]
    fn dates() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(format_date(d, Locale::De), "23.11.2026");
        assert_eq!(format_date(d, Locale::Es), "23/11/2026");
        assert_eq!(format_date(d, Locale::En), "23 Nov 2026");
        assert_eq!(
            format_date(NaiveDate::from_ymd_opt(2026, 3, 5).unwrap(), Locale::De),
            "05.03.2026"
        );
    }
}
