//! Money: `rust_decimal` amounts with an ISO 4217 currency and its minor units.
//!
//! Rounding is always half away from zero (commercial rounding, as invoices and tax
//! authorities in DE/AT/CH/ES expect); rust_decimal's `round_dp` rounds half to even
//! (banker's rounding) and is never used here. Sums are exact: decimals add without
//! rounding, and every `Money` holds at most its currency's minor units.

use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::error::{Code, FieldError};
use crate::number::{parse_bounded, parse_decimal};
use crate::value::parse_via_string;

/// ISO 4217 code and minor units of the currencies our customers invoice in: every
/// European currency, the major world ones, and the Gulf/North-African 3-decimal ones.
const CURRENCIES: &[(&str, u32)] = &[
    ("AED", 2),
    ("ALL", 2),
    ("AMD", 2),
    ("ARS", 2),
    ("AUD", 2),
    ("AZN", 2),
    ("BAM", 2),
    ("BGN", 2),
    ("BHD", 3),
    ("BRL", 2),
    ("BYN", 2),
    ("CAD", 2),
    ("CHF", 2),
    ("CLP", 0),
    ("CNY", 2),
    ("COP", 2),
    ("CZK", 2),
    ("DKK", 2),
    ("EGP", 2),
    ("EUR", 2),
    ("GBP", 2),
    ("GEL", 2),
    ("GIP", 2),
    ("HKD", 2),
    ("HUF", 2),
    ("IDR", 2),
    ("ILS", 2),
    ("INR", 2),
    ("ISK", 0),
    ("JOD", 3),
    ("JPY", 0),
    ("KRW", 0),
    ("KWD", 3),
    ("MAD", 2),
    ("MDL", 2),
    ("MKD", 2),
    ("MXN", 2),
    ("MYR", 2),
    ("NOK", 2),
    ("NZD", 2),
    ("OMR", 3),
    ("PEN", 2),
    ("PHP", 2),
    ("PLN", 2),
    ("QAR", 2),
    ("RON", 2),
    ("RSD", 2),
    ("RUB", 2),
    ("SAR", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("THB", 2),
    ("TND", 3),
    ("TRY", 2),
    ("TWD", 2),
    ("UAH", 2),
    ("USD", 2),
    ("UYU", 2),
    ("VND", 0),
    ("ZAR", 2),
];

/// The largest amount we accept in a form: well above any MSP invoice, far below overflow.
const MAX_AMOUNT: i64 = 1_000_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(into = "String")]
pub struct Currency {
    code: &'static str,
    minor_units: u32,
}

impl Currency {
    pub const EUR: Currency = Currency {
        code: "EUR",
        minor_units: 2,
    };
    pub const CHF: Currency = Currency {
        code: "CHF",
        minor_units: 2,
    };
    pub const USD: Currency = Currency {
        code: "USD",
        minor_units: 2,
    };
    pub const GBP: Currency = Currency {
        code: "GBP",
        minor_units: 2,
    };

    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let code = input.trim().to_ascii_uppercase();
        if code.is_empty() {
            return Err(FieldError::new(Code::Required));
        }
        CURRENCIES
            .binary_search_by(|(c, _)| c.cmp(&code.as_str()))
            .map(|i| Currency {
                code: CURRENCIES[i].0,
                minor_units: CURRENCIES[i].1,
            })
            .map_err(|_| FieldError::new(Code::CurrencyUnknown))
    }

    pub fn all() -> impl Iterator<Item = Currency> {
        CURRENCIES
            .iter()
            .map(|&(code, minor_units)| Currency { code, minor_units })
    }

    pub fn as_str(self) -> &'static str {
        self.code
    }

    /// Decimal places of the smallest unit: 2 for EUR, 0 for JPY, 3 for KWD.
    pub fn minor_units(self) -> u32 {
        self.minor_units
    }

    /// The symbol where one is unambiguous in our markets; other currencies show their code.
    pub fn symbol(self) -> Option<&'static str> {
        match self.code {
            "EUR" => Some("€"),
            "GBP" => Some("£"),
            "USD" => Some("$"),
            "JPY" => Some("¥"),
            _ => None,
        }
    }

    /// Rounds to the minor units, half away from zero.
    pub fn round(self, amount: Decimal) -> Decimal {
        round_money(amount, self.minor_units)
    }
}

/// Rounds money to `minor_units` decimals, half away from zero (`round_dp` alone would round
/// half to even): the one rounding of every amount and VAT sum.
pub fn round_money(amount: Decimal, minor_units: u32) -> Decimal {
    amount.round_dp_with_strategy(minor_units, RoundingStrategy::MidpointAwayFromZero)
}

impl std::fmt::Display for Currency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code)
    }
}

parse_via_string!(Currency);

// By hand, not derived with `try_from`: the derive sees the `&'static str` field and
// implements `Deserialize<'static>` only, which no struct holding a currency could derive on.
impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = String::deserialize(d)?;
        Currency::parse(&code).map_err(|_| serde::de::Error::custom(format!("unknown currency {code:?}")))
    }
}

/// An amount of money with at most its currency's minor units. Canonical form `1234.50 EUR`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Money {
    amount: Decimal,
    currency: Currency,
}

impl Money {
    /// Exact amount; `None` if it has more decimals than the currency's minor units.
    pub fn new(amount: Decimal, currency: Currency) -> Option<Money> {
        (amount.scale() <= currency.minor_units).then_some(Money { amount, currency })
    }

    /// Rounds half away from zero to the currency's minor units.
    pub fn rounded(amount: Decimal, currency: Currency) -> Money {
        Money {
            amount: currency.round(amount),
            currency,
        }
    }

    pub fn zero(currency: Currency) -> Money {
        Money {
            amount: Decimal::ZERO,
            currency,
        }
    }

    /// The canonical form `1234.50 EUR` (also `EUR 1234.50`); negative amounts allowed.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let mut parts = input.split_whitespace();
        let (a, b) = match (parts.next(), parts.next(), parts.next()) {
            (Some(a), Some(b), None) => (a, b),
            (None, _, _) => return Err(FieldError::new(Code::Required)),
            _ => return Err(FieldError::new(Code::NumberFormat)),
        };
        let (amount, currency) = match Currency::parse(b) {
            Ok(c) => (a, c),
            Err(_) => (b, Currency::parse(a)?),
        };
        let amount = parse_decimal(amount)?;
        Money::new(amount, currency).ok_or_else(|| FieldError::new(Code::NumberScale).with("max", currency.minor_units))
    }

    /// An amount typed into a price field: not negative, at most the minor units.
    pub fn parse_amount(input: &str, currency: Currency) -> Result<Self, FieldError> {
        let amount = parse_bounded(input, currency.minor_units, Decimal::ZERO, Decimal::from(MAX_AMOUNT))?;
        Ok(Money { amount, currency })
    }

    pub fn amount(self) -> Decimal {
        self.amount
    }

    pub fn currency(self) -> Currency {
        self.currency
    }

    /// Exact sum; `None` for different currencies or on overflow.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        (self.currency == other.currency)
            .then(|| self.amount.checked_add(other.amount))
            .flatten()
            .map(|amount| Money {
                amount,
                currency: self.currency,
            })
    }

    /// Exact sum of many amounts in `currency`; `None` if one is in another currency.
    pub fn sum(currency: Currency, items: impl IntoIterator<Item = Money>) -> Option<Money> {
        items.into_iter().try_fold(Money::zero(currency), Money::checked_add)
    }

    /// The amount in minor units (cents), exact because the scale never exceeds them.
    pub fn minor(self) -> i128 {
        let mut a = self.amount;
        a.rescale(self.currency.minor_units);
        a.mantissa()
    }
}

impl std::fmt::Display for Money {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut a = self.amount;
        a.rescale(self.currency.minor_units);
        write!(f, "{a} {}", self.currency)
    }
}

parse_via_string!(Money);

/// A price per unit (hour, device, GB, seat): up to four decimals, because per-GB prices
/// such as 0.045 € are common. Line totals are rounded to the currency's minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UnitPrice {
    amount: Decimal,
    currency: Currency,
}

impl UnitPrice {
    pub const MAX_SCALE: u32 = 4;

    /// Canonical form `0.045 EUR`.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let mut parts = input.split_whitespace();
        let (Some(a), Some(c), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(FieldError::new(if input.trim().is_empty() {
                Code::Required
            } else {
                Code::NumberFormat
            }));
        };
        Self::parse_amount(a, Currency::parse(c)?)
    }

    /// A price typed into a form field, in the contract's currency.
    pub fn parse_amount(input: &str, currency: Currency) -> Result<Self, FieldError> {
        let amount = parse_bounded(input, Self::MAX_SCALE, Decimal::ZERO, Decimal::from(MAX_AMOUNT))?;
        Ok(UnitPrice { amount, currency })
    }

    pub fn amount(self) -> Decimal {
        self.amount
    }

    pub fn currency(self) -> Currency {
        self.currency
    }

    /// Price × quantity, rounded half away from zero to the minor units.
    pub fn times(self, quantity: Quantity) -> Money {
        Money::rounded(self.amount * quantity.value(), self.currency)
    }
}

impl std::fmt::Display for UnitPrice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut a = self.amount.normalize();
        if a.scale() < self.currency.minor_units {
            a.rescale(self.currency.minor_units);
        }
        write!(f, "{a} {}", self.currency)
    }
}

parse_via_string!(UnitPrice);

/// A percentage from 0 to 100 with up to two decimals; `19,5 %` is accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Percentage(Decimal);

impl Percentage {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let s = input.trim();
        let s = s.strip_suffix('%').unwrap_or(s);
        parse_bounded(s, 2, Decimal::ZERO, Decimal::ONE_HUNDRED).map(Percentage)
    }

    pub fn value(self) -> Decimal {
        self.0
    }

    /// The fraction of `amount`, rounded to the currency's minor units (half away from zero).
    pub fn of(self, amount: Money) -> Money {
        Money::rounded(amount.amount * self.0 / Decimal::ONE_HUNDRED, amount.currency)
    }
}

impl std::fmt::Display for Percentage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0.normalize())
    }
}

parse_via_string!(Percentage);

/// A positive quantity (units, hours, devices) with up to two decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Quantity(Decimal);

impl Quantity {
    pub const MAX: i64 = 1_000_000;

    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let min = Decimal::from_str("0.01").unwrap_or(Decimal::ONE);
        parse_bounded(input, 2, min, Decimal::from(Self::MAX)).map(Quantity)
    }

    pub fn value(self) -> Decimal {
        self.0
    }
}

impl std::fmt::Display for Quantity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0.normalize())
    }
}

parse_via_string!(Quantity);

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn currencies() {
        assert!(CURRENCIES.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(Currency::parse(" eur ").unwrap(), Currency::EUR);
        assert_eq!(Currency::parse("JPY").unwrap().minor_units(), 0);
        assert_eq!(Currency::parse("KWD").unwrap().minor_units(), 3);
        assert_eq!(Currency::parse("XXX").unwrap_err().code, Code::CurrencyUnknown);
        assert_eq!(Currency::parse("").unwrap_err().code, Code::Required);
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        // Banker's rounding would give 0.12 and 0.14 and -0.12.
        assert_eq!(Money::rounded(dec("0.125"), Currency::EUR).amount(), dec("0.13"));
        assert_eq!(Money::rounded(dec("0.135"), Currency::EUR).amount(), dec("0.14"));
        assert_eq!(Money::rounded(dec("-0.125"), Currency::EUR).amount(), dec("-0.13"));
        assert_eq!(
            Money::rounded(dec("2.5"), Currency::parse("JPY").unwrap()).amount(),
            dec("3")
        );
        let p = UnitPrice::parse_amount("0,045", Currency::EUR).unwrap();
        assert_eq!(p.times(Quantity::parse("250").unwrap()).to_string(), "11.25 EUR");
        assert_eq!(p.times(Quantity::parse("1").unwrap()).to_string(), "0.05 EUR");
        assert_eq!(
            Percentage::parse("19")
                .unwrap()
                .of(Money::parse("0.50 EUR").unwrap())
                .to_string(),
            "0.10 EUR"
        );
    }

    #[test]
    fn money_forms() {
        let m = Money::parse("1234.5 EUR").unwrap();
        assert_eq!(m.to_string(), "1234.50 EUR");
        assert_eq!(Money::parse("EUR 1234.50").unwrap(), m);
        assert_eq!(m.minor(), 123_450);
        assert_eq!(Money::parse("-3 CHF").unwrap().to_string(), "-3.00 CHF");
        assert_eq!(Money::parse("1.234 EUR").unwrap_err().code, Code::NumberScale);
        assert_eq!(Money::parse("12 XYZ").unwrap_err().code, Code::CurrencyUnknown);
        assert_eq!(
            Money::parse_amount("1.234,56", Currency::EUR).unwrap().to_string(),
            "1234.56 EUR"
        );
        assert_eq!(
            Money::parse_amount("-1", Currency::EUR).unwrap_err().code,
            Code::NumberMin
        );
        assert_eq!(
            Money::parse_amount("1.234", Currency::EUR).unwrap_err().code,
            Code::NumberScale
        );
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, r#""1234.50 EUR""#);
        assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), m);
        assert!(serde_json::from_str::<Money>(r#""1.001 EUR""#).is_err());
        let chf = Money::parse("1 CHF").unwrap();
        assert_eq!(m.checked_add(chf), None);
        assert_eq!(Money::sum(Currency::EUR, [m, m]).unwrap().to_string(), "2469.00 EUR");
    }

    #[test]
    fn unit_prices_quantities_percentages() {
        assert_eq!(UnitPrice::parse("0.045 EUR").unwrap().to_string(), "0.045 EUR");
        assert_eq!(UnitPrice::parse("95 EUR").unwrap().to_string(), "95.00 EUR");
        assert_eq!(
            UnitPrice::parse_amount("0,00001", Currency::EUR).unwrap_err().params["max"],
            "4"
        );
        assert_eq!(Quantity::parse("1,5").unwrap().to_string(), "1.5");
        assert_eq!(Quantity::parse("0").unwrap_err().code, Code::NumberMin);
        assert_eq!(Quantity::parse("1.000").unwrap_err().code, Code::NumberScale);
        assert_eq!(Percentage::parse("19,5 %").unwrap().to_string(), "19.5");
        assert_eq!(Percentage::parse("100.01").unwrap_err().code, Code::NumberMax);
    }
}
