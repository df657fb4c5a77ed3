//! Reading an uploaded CSV file: UTF-8 with or without BOM, `,` or `;` as delimiter
//! (German Excel writes `;`), quoted fields that may hold delimiters and line breaks.
//! Rows are read one at a time from the bytes, so a file is in memory once.

use csv::{ByteRecord, ReaderBuilder};

use super::RowError;

/// Where `bytes` starts after a UTF-8 byte order mark.
fn without_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// `;` when the header line has more semicolons than commas outside quotes, else `,`.
pub fn sniff_delimiter(bytes: &[u8]) -> u8 {
    let (mut commas, mut semicolons, mut quoted) = (0, 0, false);
    for &b in without_bom(bytes) {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            b',' if !quoted => commas += 1,
            b';' if !quoted => semicolons += 1,
            _ => {}
        }
    }
    if semicolons > commas { b';' } else { b',' }
}

/// A file opened for reading: its delimiter and header row.
pub struct CsvFile<'a> {
    bytes: &'a [u8],
    pub delimiter: u8,
    pub headers: Vec<String>,
}

/// One data row: its row number (the header is row 1) and its cells.
pub struct Row {
    pub number: u64,
    pub cells: Vec<String>,
    /// Bytes of the file read up to the end of this row, for progress.
    pub position: u64,
}

impl<'a> CsvFile<'a> {
    /// Reads the header row. A file that is empty, not UTF-8 or has no header is an error
    /// on row 1.
    pub fn open(bytes: &'a [u8]) -> Result<Self, RowError> {
        let bytes = without_bom(bytes);
        let delimiter = sniff_delimiter(bytes);
        let mut reader = ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        let mut record = ByteRecord::new();
        let found = reader
            .read_byte_record(&mut record)
            .map_err(|_| RowError::new(1, "", "", "import.file_unreadable"))?;
        if !found {
            return Err(RowError::new(1, "", "", "import.file_empty"));
        }
        let headers = cells(&record).map_err(|_| RowError::new(1, "", "", "import.file_encoding"))?;
        if headers.iter().all(|h| h.trim().is_empty()) {
            return Err(RowError::new(1, "", "", "import.file_empty"));
        }
        Ok(CsvFile {
            bytes,
            delimiter,
            headers,
        })
    }

    pub fn len(&self) -> u64 {
        self.bytes.len() as u64
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The data rows, skipping blank lines and legend lines (a single cell starting with
    /// `#`, as the templates have). A row that cannot be read is an error on that row.
    pub fn rows(&self) -> impl Iterator<Item = Result<Row, RowError>> + 'a {
        let mut reader = ReaderBuilder::new()
            .delimiter(self.delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(self.bytes);
        let mut record = ByteRecord::new();
        let mut number = 0u64;
        let mut failed = false;
        std::iter::from_fn(move || {
            loop {
                if failed {
                    return None;
                }
                match reader.read_byte_record(&mut record) {
                    Ok(false) => return None,
                    Err(_) => {
                        failed = true;
                        return Some(Err(RowError::new(number + 1, "", "", "import.file_unreadable")));
                    }
                    Ok(true) => {}
                }
                number += 1;
                if number == 1 {
                    continue;
                }
                let position = reader.position().byte();
                let cells = match cells(&record) {
                    Ok(c) => c,
                    Err(()) => return Some(Err(RowError::new(number, "", "", "import.file_encoding"))),
                };
                let blank = cells.iter().all(|c| c.trim().is_empty());
                let legend = cells[0].trim_start().starts_with('#') && cells[1..].iter().all(|c| c.trim().is_empty());
                if blank || legend {
                    continue;
                }
                return Some(Ok(Row {
                    number,
                    cells,
                    position,
                }));
            }
        })
    }
}

fn cells(record: &ByteRecord) -> Result<Vec<String>, ()> {
    record
        .iter()
        .map(|field| std::str::from_utf8(field).map(str::to_owned).map_err(|_| ()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_semicolons_and_quoted_line_breaks() {
        let file = "\u{feff}Firma;Ort\n\"Müller; Söhne\";\"Zeile 1\nZeile 2\"\n\n# legend\nB;C\n";
        let csv = CsvFile::open(file.as_bytes()).unwrap();
        assert_eq!(csv.delimiter, b';');
        assert_eq!(csv.headers, vec!["Firma", "Ort"]);
        let rows: Vec<Row> = csv.rows().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].number, 2);
        assert_eq!(rows[0].cells, vec!["Müller; Söhne", "Zeile 1\nZeile 2"]);
        // Legend lines are rows (skipped but counted); the csv reader drops blank lines.
        assert_eq!(rows[1].number, 4);
        assert_eq!(rows[1].cells, vec!["B", "C"]);
    }

    #[test]
    fn commas_by_default_and_clear_errors_for_bad_files() {
        assert_eq!(sniff_delimiter(b"a,b;c,d\n"), b',');
        assert_eq!(CsvFile::open(b"").err().unwrap().code, "import.file_empty");
        let latin1 = b"Firma\nM\xfcller\n";
        let csv = CsvFile::open(latin1).unwrap();
        let err = csv.rows().next().unwrap().err().unwrap();
        assert_eq!((err.row, err.code.as_str()), (2, "import.file_encoding"));
    }
}
