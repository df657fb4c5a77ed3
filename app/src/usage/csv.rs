//! Readings from a CSV file: the import's file reader (`imports::csv_file`: BOM, `,` or
//! `;`, quoted fields), headers by their stable key or their name in de/es/en, and each
//! row parsed by the same `domain::UsageReadingDraft` as the API's JSON.
//!
//! Columns: `customer_id`, `customer_external_id`, `customer_domain` (one of them per
//! row), `service_code`, `quantity`, `reading_date`, and optionally `source` and
//! `external_ref`. Other columns are ignored.

use domain::{CustomerRefDraft, UsageReadingDraft};

use crate::error::FieldProblem;
use crate::i18n::{Key, k};
use crate::imports::columns::normalize;
use crate::imports::csv_file::CsvFile;

/// The columns: stable key and label.
pub const COLUMNS: [(&str, Key); 8] = [
    ("customer_id", k::USAGE_COLUMN_CUSTOMER_ID),
    ("customer_external_id", k::USAGE_COLUMN_CUSTOMER_EXTERNAL_ID),
    ("customer_domain", k::USAGE_COLUMN_CUSTOMER_DOMAIN),
    ("service_code", k::USAGE_COLUMN_SERVICE_CODE),
    ("quantity", k::USAGE_COLUMN_QUANTITY),
    ("reading_date", k::USAGE_COLUMN_READING_DATE),
    ("source", k::USAGE_COLUMN_SOURCE),
    ("external_ref", k::USAGE_COLUMN_EXTERNAL_REF),
];

/// Which column a header names, by its key or its label in any language.
fn recognize(header: &str) -> Option<usize> {
    let h = normalize(header);
    if h.is_empty() {
        return None;
    }
    COLUMNS.iter().position(|(key, label)| {
        normalize(key) == h
            || domain::Locale::ALL
                .iter()
                .any(|l| normalize(crate::i18n::text(*l, *label)) == h)
    })
}

/// A file's rows as drafts, each with its row number as a spreadsheet counts (the header
/// is row 1). A file that cannot be read, or lacks a column every row needs, is a problem
/// on `file` or on the column (`columns.quantity`).
pub fn read(bytes: &[u8]) -> Result<Vec<(u64, UsageReadingDraft)>, Vec<FieldProblem>> {
    let file = CsvFile::open(bytes).map_err(|e| {
        vec![FieldProblem {
            field: "file".into(),
            code: e.code,
            params: e.params,
        }]
    })?;
    let mut at: [Option<usize>; COLUMNS.len()] = [None; COLUMNS.len()];
    for (i, header) in file.headers.iter().enumerate() {
        if let Some(c) = recognize(header) {
            at[c].get_or_insert(i);
        }
    }
    let mut missing: Vec<FieldProblem> = [3, 4, 5]
        .into_iter()
        .filter(|c| at[*c].is_none())
        .map(|c| FieldProblem::new(&format!("columns.{}", COLUMNS[c].0), "required"))
        .collect();
    if at[..3].iter().all(Option::is_none) {
        missing.insert(0, FieldProblem::new("columns.customer_id", "required"));
    }
    if !missing.is_empty() {
        return Err(missing);
    }
    let mut rows = Vec::new();
    for row in file.rows() {
        let row = row.map_err(|e| {
            vec![FieldProblem {
                field: format!("rows[{}]", e.row),
                code: e.code,
                params: e.params,
            }]
        })?;
        let cell = |c: usize| at[c].and_then(|i| row.cells.get(i)).cloned().unwrap_or_default();
        rows.push((
            row.number,
            UsageReadingDraft {
                customer: CustomerRefDraft {
                    id: cell(0),
                    external_id: cell(1),
                    domain: cell(2),
                },
                service_code: cell(3),
                quantity: cell(4),
                reading_date: cell(5),
                source: cell(6),
                external_ref: cell(7),
            },
        ));
    }
    Ok(rows)
}

/// Where a row's problem is shown: `rows[<row number>].<column key>`.
pub fn column_of(field: &str) -> &'static str {
    match field {
        "customer" | "customer.id" => "customer_id",
        "customer.external_id" => "customer_external_id",
        "customer.domain" => "customer_domain",
        other => COLUMNS
            .iter()
            .map(|(key, _)| *key)
            .find(|key| *key == other)
            .unwrap_or("row"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn german_headers_semicolons_and_missing_columns() {
        let file = "Kunden-Domain;Leistungscode;Menge;Datum\nmueller.de;RMM;12;30.11.2026\n";
        let rows = read(file.as_bytes()).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].0, 2);
        assert_eq!(rows[0].1.customer.domain, "mueller.de");
        assert_eq!(rows[0].1.quantity, "12");
        let err = read(b"customer_domain,quantity\nx.de,1\n").unwrap_err();
        let fields: Vec<&str> = err.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["columns.service_code", "columns.reading_date"]);
        assert_eq!(column_of("customer.domain"), "customer_domain");
        assert_eq!(column_of("quantity"), "quantity");
    }
}
