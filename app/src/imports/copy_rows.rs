//! New records go in with `COPY … FROM STDIN` (text format): PostgreSQL's bulk path
//! writes whole heap pages at a time and parses no JSON, and the statement still runs the
//! table's constraints, indexes and triggers like an `INSERT`.

use sqlx::PgConnection;

use super::engine::concurrent_change;
use crate::error::AppError;

/// Rows in COPY's text format: fields separated by tabs, `\N` for null.
#[derive(Default)]
pub struct CopyRows {
    buf: String,
    rows: usize,
    fields_in_row: usize,
}

impl CopyRows {
    /// A field of the current row; `None` is SQL null.
    pub fn field(&mut self, value: Option<&str>) -> &mut Self {
        if self.fields_in_row > 0 {
            self.buf.push('\t');
        }
        self.fields_in_row += 1;
        match value {
            None => self.buf.push_str("\\N"),
            Some(v) => escape_into(&mut self.buf, v),
        }
        self
    }

    /// A `text[]` field.
    pub fn array(&mut self, values: &[String]) -> &mut Self {
        let mut literal = String::from("{");
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                literal.push(',');
            }
            literal.push('"');
            for ch in v.chars() {
                if ch == '"' || ch == '\\' {
                    literal.push('\\');
                }
                literal.push(ch);
            }
            literal.push('"');
        }
        literal.push('}');
        self.field(Some(&literal))
    }

    /// Ends the current row.
    pub fn end_row(&mut self) {
        self.buf.push('\n');
        self.rows += 1;
        self.fields_in_row = 0;
    }

    /// Sends the rows to `table (columns)` (nothing when there are none); a unique
    /// violation means someone wrote the same keys meanwhile (a conflict, as for the other
    /// writes).
    pub async fn send(self, conn: &mut PgConnection, table: &str, columns: &str) -> Result<(), AppError> {
        if self.rows == 0 {
            return Ok(());
        }
        debug_assert_eq!(self.fields_in_row, 0, "a row was not ended");
        let mut copy = conn
            .copy_in_raw(&format!("copy {table} ({columns}) from stdin"))
            .await
            .map_err(concurrent_change)?;
        if let Err(e) = copy.send(self.buf.into_bytes()).await {
            // Ends the COPY so the connection is usable (the transaction is rolled back).
            let _ = copy.abort("import failed").await;
            return Err(concurrent_change(e));
        }
        copy.finish().await.map_err(concurrent_change)?;
        Ok(())
    }
}

fn escape_into(buf: &mut String, v: &str) {
    for ch in v.chars() {
        match ch {
            '\\' => buf.push_str("\\\\"),
            '\t' => buf.push_str("\\t"),
            '\n' => buf.push_str("\\n"),
            '\r' => buf.push_str("\\r"),
            c => buf.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_escaped_for_copy_text_format() {
        let mut rows = CopyRows::default();
        rows.field(Some("a\tb"))
            .field(None)
            .field(Some("c\\d\ne\r"))
            .array(&["x.de".into(), "q\"\\".into()]);
        rows.end_row();
        rows.field(Some("")).array(&[]);
        rows.end_row();
        assert_eq!(
            rows.buf,
            "a\\tb\t\\N\tc\\\\d\\ne\\r\t{\"x.de\",\"q\\\\\"\\\\\\\\\"}\n\t{}\n"
        );
    }
}
