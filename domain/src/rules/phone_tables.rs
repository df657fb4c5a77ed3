//! libphonenumber's metadata per region: how numbers are dialled there and which national
//! numbers exist, by type. Read from the `C`, `R` and `D` records of the tables.

use std::collections::BTreeMap;

use super::{Pattern, lengths, pattern};

/// One number type of a region (the first of a region is the general description).
#[derive(Debug)]
pub struct Desc {
    pub kind: String,
    pub pattern: Pattern,
    /// Possible lengths of the national significant number; empty = any. A `0` means the
    /// type has no numbers at all.
    pub lengths: Vec<u8>,
    /// Lengths that can only be dialled locally (without area code).
    pub local_only: Vec<u8>,
}

impl Desc {
    /// libphonenumber's `isNumberMatchingDesc`: the length is possible and the pattern matches.
    pub fn matches(&self, national: &str) -> bool {
        let len = national.len();
        let possible = self.lengths.is_empty() || self.lengths.iter().any(|l| usize::from(*l) == len);
        possible && self.pattern.full_match(national)
    }
}

#[derive(Debug)]
pub struct PhoneRegion {
    /// ISO region, or `001` for a non-geographic calling code (+800, +882, …).
    pub region: String,
    pub calling_code: u16,
    pub international_prefix: Option<Pattern>,
    pub national_prefix_for_parsing: Option<Pattern>,
    /// What replaces a matched national prefix (`9\1` in Argentina), if not simply removed.
    pub national_prefix_transform: Option<String>,
    /// For regions sharing a calling code: the leading digits that pick this region.
    pub leading_digits: Option<Pattern>,
    pub general: Desc,
    pub types: Vec<Desc>,
}

#[derive(Debug, Default)]
pub struct PhoneTables {
    regions: Vec<PhoneRegion>,
    by_region: BTreeMap<String, usize>,
    nongeo: BTreeMap<u16, usize>,
    /// Calling code → its regions, main region first.
    calling_codes: BTreeMap<u16, Vec<String>>,
}

impl PhoneTables {
    pub fn region(&self, region: &str) -> Option<&PhoneRegion> {
        self.by_region.get(region).map(|i| &self.regions[*i])
    }

    pub fn nongeo(&self, calling_code: u16) -> Option<&PhoneRegion> {
        self.nongeo.get(&calling_code).map(|i| &self.regions[*i])
    }

    pub fn regions_for(&self, calling_code: u16) -> &[String] {
        self.calling_codes.get(&calling_code).map_or(&[], Vec::as_slice)
    }

    /// The metadata libphonenumber uses for a calling code when the number's region is not
    /// known yet: the main region's, or the non-geographic entity's.
    pub fn main(&self, calling_code: u16) -> Option<&PhoneRegion> {
        match self.regions_for(calling_code).first().map(String::as_str) {
            Some("001") => self.nongeo(calling_code),
            Some(r) => self.region(r),
            None => None,
        }
    }

    /// The calling code at the start of `digits` (1–3 digits, never starting with 0).
    pub fn split_calling_code<'a>(&self, digits: &'a str) -> Option<(u16, &'a str)> {
        if digits.starts_with('0') {
            return None;
        }
        (1..=3.min(digits.len())).find_map(|n| {
            let code: u16 = digits[..n].parse().ok()?;
            self.calling_codes.contains_key(&code).then(|| (code, &digits[n..]))
        })
    }
}

#[derive(Default)]
pub(super) struct Builder {
    tables: PhoneTables,
    open: Option<(Vec<String>, Option<Desc>, Vec<Desc>)>,
}

impl Builder {
    pub(super) fn line(&mut self, f: &[&str]) -> Result<(), String> {
        let field = |i: usize| f.get(i).copied().ok_or_else(|| format!("missing field {i}"));
        match f[0] {
            "C" => {
                let code = field(1)?.parse().map_err(|_| "bad calling code")?;
                let regions = field(2)?.split(',').map(str::to_owned).collect();
                self.tables.calling_codes.insert(code, regions);
            }
            "R" => {
                self.close()?;
                self.open = Some((f[1..].iter().map(|s| (*s).to_owned()).collect(), None, Vec::new()));
            }
            _ => {
                let (_, general, types) = self.open.as_mut().ok_or("D before R")?;
                let desc = Desc {
                    kind: field(1)?.to_owned(),
                    pattern: Pattern::parse(field(2)?)?,
                    lengths: lengths(field(3)?)?,
                    local_only: lengths(field(4)?)?,
                };
                if general.is_none() {
                    *general = Some(desc);
                } else {
                    types.push(desc);
                }
            }
        }
        Ok(())
    }

    fn close(&mut self) -> Result<(), String> {
        let Some((r, general, types)) = self.open.take() else {
            return Ok(());
        };
        let get = |i: usize| r.get(i).map_or("", String::as_str);
        let region = PhoneRegion {
            region: get(0).to_owned(),
            calling_code: get(1).parse().map_err(|_| "bad calling code")?,
            international_prefix: pattern(get(2))?,
            national_prefix_for_parsing: pattern(get(3))?,
            national_prefix_transform: Some(get(4).to_owned()).filter(|s| !s.is_empty()),
            leading_digits: pattern(get(5))?,
            general: general.ok_or_else(|| format!("{} has no general description", get(0)))?,
            types,
        };
        let index = self.tables.regions.len();
        if region.region == "001" {
            self.tables.nongeo.insert(region.calling_code, index);
        } else {
            self.tables.by_region.insert(region.region.clone(), index);
        }
        self.tables.regions.push(region);
        Ok(())
    }

    pub(super) fn finish(mut self) -> Result<PhoneTables, String> {
        self.close()?;
        Ok(self.tables)
    }
}
