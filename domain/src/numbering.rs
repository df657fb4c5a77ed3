//! Invoice numbering (BILLING.md, "Numbers"): a series' format is literal text plus tokens
//! — `{YYYY}` and `{YY}` for the year, `{N}` or `{N:6}` for the counter (zero-padded to 6
//! digits) — and a counter that may restart every year. A number is at most 36 characters
//! from `A–Z a–z 0–9 _ $ & % * + - /` (DATEV's Belegfeld 1, which also fits VeriFactu's
//! series-and-number field), so a format is refused when its longest number could exceed it.
//! Which number comes next is [`SeriesCounter::take`]: pure, so the gapless assignment in
//! the database (lock the series row, take, write back) has nothing to decide.

use serde::{Deserialize, Serialize};

use crate::error::{Code, Errors, FieldError};
use crate::period::choice;
use crate::text::Label;
use crate::value::parse_via_string;

/// The longest invoice number (DATEV's Belegfeld 1).
pub const MAX_NUMBER_CHARS: usize = 36;
/// The largest counter width a format may ask for.
pub const MAX_COUNTER_WIDTH: usize = 12;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
enum Part {
    Text(String),
    Year4,
    Year2,
    Counter { width: usize },
}

/// A parsed number format such as `RE-{YYYY}-{N:5}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NumberFormat {
    raw: String,
    parts: Vec<Part>,
}

fn allowed(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_$&%*+-/".contains(c)
}

impl NumberFormat {
    pub fn parse(input: &str) -> Result<NumberFormat, FieldError> {
        let raw = input.trim();
        if raw.is_empty() {
            return Err(FieldError::new(Code::Required));
        }
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut rest = raw;
        while let Some(c) = rest.chars().next() {
            if c == '{' {
                let close = rest
                    .find('}')
                    .ok_or_else(|| FieldError::new(Code::NumberingToken).with("token", rest))?;
                let token = &rest[1..close];
                let part = match token {
                    "YYYY" => Part::Year4,
                    "YY" => Part::Year2,
                    "N" => Part::Counter { width: 1 },
                    t => match t.strip_prefix("N:").and_then(|w| w.parse::<usize>().ok()) {
                        Some(width) if (1..=MAX_COUNTER_WIDTH).contains(&width) => Part::Counter { width },
                        _ => {
                            return Err(FieldError::new(Code::NumberingToken).with("token", format!("{{{token}}}")));
                        }
                    },
                };
                if !text.is_empty() {
                    parts.push(Part::Text(std::mem::take(&mut text)));
                }
                parts.push(part);
                rest = &rest[close + 1..];
            } else {
                if !allowed(c) {
                    return Err(FieldError::new(Code::NumberingChar).with("char", c.to_string()));
                }
                text.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
        if !text.is_empty() {
            parts.push(Part::Text(text));
        }
        if parts.iter().filter(|p| matches!(p, Part::Counter { .. })).count() != 1 {
            return Err(FieldError::new(Code::NumberingCounter));
        }
        let format = NumberFormat {
            raw: raw.to_owned(),
            parts,
        };
        // The longest number it can make: the widest counter it pads to, or 12 digits.
        let longest = format.render(2099, 10u64.pow(format.width().max(9) as u32) - 1).len();
        if longest > MAX_NUMBER_CHARS {
            return Err(FieldError::new(Code::NumberingTooLong).with("max", MAX_NUMBER_CHARS.to_string()));
        }
        Ok(format)
    }

    fn width(&self) -> usize {
        self.parts
            .iter()
            .find_map(|p| match p {
                Part::Counter { width } => Some(*width),
                _ => None,
            })
            .unwrap_or(1)
    }

    /// The number for `counter` in `year`.
    pub fn render(&self, year: i32, counter: u64) -> String {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Text(t) => out.push_str(t),
                Part::Year4 => out.push_str(&format!("{:04}", year.rem_euclid(10_000))),
                Part::Year2 => out.push_str(&format!("{:02}", year.rem_euclid(100))),
                Part::Counter { width } => out.push_str(&format!("{counter:0width$}")),
            }
        }
        out
    }

    /// Whether the number carries the year (a yearly reset without it would repeat numbers).
    pub fn has_year(&self) -> bool {
        self.parts.iter().any(|p| matches!(p, Part::Year4 | Part::Year2))
    }

    pub fn as_str(&self) -> &str {
        &self.raw
    }
}

impl std::fmt::Display for NumberFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.raw)
    }
}

parse_via_string!(NumberFormat);

/// Where a series' counter stands: the next number to give, and the year it counts in
/// (for a yearly reset).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesCounter {
    pub next: u64,
    pub year: Option<i32>,
    pub yearly_reset: bool,
}

impl SeriesCounter {
    /// The counter for a number issued in `year`, and the counter after it. A yearly
    /// series starts again at 1 in a new year; a year is never gone back to (an invoice
    /// dated in an earlier year than the last is refused, since its number would repeat).
    pub fn take(self, year: i32) -> Result<(u64, SeriesCounter), FieldError> {
        match self.year {
            Some(last) if year < last => Err(FieldError::new(Code::NumberingYearBack).with("year", last.to_string())),
            Some(last) if self.yearly_reset && year > last => Ok((
                1,
                SeriesCounter {
                    next: 2,
                    year: Some(year),
                    ..self
                },
            )),
            _ => Ok((
                self.next,
                SeriesCounter {
                    next: self.next + 1,
                    year: Some(year),
                    ..self
                },
            )),
        }
    }

    /// What the next number in `year` will be, for the live example.
    pub fn peek(self, year: i32) -> u64 {
        self.take(year).map(|(n, _)| n).unwrap_or(self.next)
    }
}

choice!(
    /// What a series numbers.
    SeriesKind {
        Invoice => "invoice",
        CreditNote => "credit_note",
    }
);

/// A series as Settings → Invoicing edits it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SeriesDraft {
    pub kind: String,
    pub name: String,
    pub format: String,
    pub next_number: String,
    pub yearly_reset: bool,
}

impl Default for SeriesDraft {
    fn default() -> Self {
        SeriesDraft {
            kind: SeriesKind::Invoice.to_string(),
            name: String::new(),
            format: "RE-{YYYY}-{N:5}".into(),
            next_number: "1".into(),
            yearly_reset: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Series {
    pub kind: SeriesKind,
    pub name: Label,
    pub format: NumberFormat,
    pub next_number: u64,
    pub yearly_reset: bool,
}

impl SeriesDraft {
    /// The number the next document dated in `year` gets, as typed — `counter_year` is the
    /// year the stored counter counts in (a yearly series starts again at 1 in a new one);
    /// `None` while the format or the counter is not valid. The list and the edit dialog
    /// show the same example by it.
    pub fn next_example(&self, counter_year: Option<i32>, year: i32) -> Option<String> {
        let format = NumberFormat::parse(&self.format).ok()?;
        let next = self.next_number.trim().parse::<u64>().ok().filter(|n| *n >= 1)?;
        let counter = SeriesCounter {
            next,
            year: counter_year,
            yearly_reset: self.yearly_reset,
        };
        Some(format.render(year, counter.peek(year)))
    }

    pub fn validate(&self) -> Result<Series, Vec<FieldError>> {
        let mut e = Errors::new("");
        let kind = e.check("kind", SeriesKind::parse(&self.kind));
        let name = e.check("name", Label::parse(&self.name));
        let format = e.check("format", NumberFormat::parse(&self.format));
        let next_number = e.check(
            "next_number",
            crate::number::parse_integer(&self.next_number, 1, 999_999_999).map(u64::from),
        );
        // Restarting the counter each year repeats numbers unless the year is in them.
        if self.yearly_reset && format.as_ref().is_some_and(|f| !f.has_year()) {
            e.check::<()>("yearly_reset", Err(FieldError::new(Code::NumberingResetNeedsYear)));
        }
        let series = Some(()).and_then(|()| {
            Some(Series {
                kind: kind?,
                name: name?,
                format: format?,
                next_number: next_number?,
                yearly_reset: self.yearly_reset,
            })
        });
        e.finish(series)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_render_with_year_and_padded_counter() {
        let f = NumberFormat::parse(" RE-{YYYY}-{N:5} ").unwrap();
        assert_eq!(f.render(2027, 42), "RE-2027-00042");
        assert_eq!(f.render(2027, 1_234_567), "RE-2027-1234567", "never cut");
        assert_eq!(NumberFormat::parse("{YY}/{N}").unwrap().render(2027, 7), "27/7");
        assert!(NumberFormat::parse("{YY}{N:3}").unwrap().has_year());
        assert!(!NumberFormat::parse("F{N:6}").unwrap().has_year());
    }

    #[test]
    fn bad_formats_say_why() {
        let code = |s: &str| NumberFormat::parse(s).unwrap_err().code;
        assert_eq!(code(""), Code::Required);
        assert_eq!(code("RE-{YYYY}"), Code::NumberingCounter);
        assert_eq!(code("{N}-{N}"), Code::NumberingCounter);
        assert_eq!(code("RE {N}"), Code::NumberingChar);
        assert_eq!(code("RE-{MM}-{N}"), Code::NumberingToken);
        assert_eq!(code("RE-{N:13}"), Code::NumberingToken);
        assert_eq!(code("RE-{N"), Code::NumberingToken);
        assert_eq!(
            code("RECHNUNG-DER-FIRMA-MUSTERMANN-{YYYY}-{N:6}"),
            Code::NumberingTooLong
        );
        assert_eq!(
            NumberFormat::parse("Ä{N}")
                .unwrap_err()
                .params
                .get("char")
                .map(String::as_str),
            Some("Ä")
        );
    }

    #[test]
    fn series_drafts_check_their_fields() {
        let ok = SeriesDraft {
            name: "Rechnungen".into(),
            ..SeriesDraft::default()
        };
        assert_eq!(ok.validate().unwrap().next_number, 1);
        let bad = SeriesDraft {
            kind: "receipt".into(),
            name: String::new(),
            format: "F{N:6}".into(),
            next_number: "0".into(),
            yearly_reset: true,
        };
        let fields: Vec<(String, Code)> = bad
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect();
        assert_eq!(
            fields.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(),
            ["kind", "name", "next_number", "yearly_reset"]
        );
        assert_eq!(fields[3].1, Code::NumberingResetNeedsYear);
        let next = SeriesDraft {
            next_number: "42".into(),
            ..ok.clone()
        };
        assert_eq!(next.next_example(Some(2026), 2026).as_deref(), Some("RE-2026-00042"));
        assert_eq!(
            next.next_example(Some(2026), 2027).as_deref(),
            Some("RE-2027-00001"),
            "a new year"
        );
        assert_eq!(
            next.next_example(None, 2027).as_deref(),
            Some("RE-2027-00042"),
            "never numbered yet"
        );
    }

    #[test]
    fn counters_run_on_and_restart_each_year_when_asked() {
        let c = SeriesCounter {
            next: 5,
            year: Some(2026),
            yearly_reset: true,
        };
        let (n, c) = c.take(2026).unwrap();
        assert_eq!((n, c.next), (5, 6));
        let (n, c) = c.take(2027).unwrap();
        assert_eq!((n, c.next, c.year), (1, 2, Some(2027)));
        assert_eq!(c.take(2026).unwrap_err().code, Code::NumberingYearBack);
        let running = SeriesCounter {
            next: 100,
            year: Some(2026),
            yearly_reset: false,
        };
        assert_eq!(running.take(2027).unwrap().0, 100);
        assert_eq!(running.peek(2027), 100);
        let fresh = SeriesCounter {
            next: 1,
            year: None,
            yearly_reset: true,
        };
        assert_eq!(
            fresh.take(2027).unwrap(),
            (
                1,
                SeriesCounter {
                    next: 2,
                    year: Some(2027),
                    yearly_reset: true
                }
            )
        );
    }
}
