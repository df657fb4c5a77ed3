//! An incoming message as the service desk needs it, read with `mail-parser` (every
//! charset, ISO-2022-JP included, through `encoding_rs`): the sender, subject, the ids it
//! replies to, the text (an HTML-only message is turned into text; no HTML is kept), the
//! reply without its quoted history, the attachments (type sniffed from the content, over
//! the size limit left out by name) and the headers that mark automated mail.

use domain::mail_text::{AutomationHeaders, is_own_message_id, strip_quoted};
use mail_parser::{MessageParser, MimeHeaders};

/// The largest attachment kept; larger ones are left out and named on the message.
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;
/// The longest text kept from a message (a pasted log still fits).
pub const MAX_BODY_CHARS: usize = domain::ticket::MAX_BODY_CHARS;

#[derive(Debug, Clone, PartialEq)]
pub struct Attachment {
    pub name: String,
    /// Sniffed from the bytes (`infer`), `application/octet-stream` when unknown.
    pub content_type: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The sender's address, lower-cased.
    pub from: String,
    /// The other people on copy (lower-cased, our own domain's addresses left out): the
    /// watchers of a ticket the message opens.
    pub cc: Vec<String>,
    pub from_name: Option<String>,
    pub subject: String,
    pub message_id: Option<String>,
    /// `In-Reply-To` then `References`, without angle brackets.
    pub thread_ids: Vec<String>,
    /// The text as sent (quoted history included).
    pub text: String,
    /// The text without quoted history: what a reply adds to a ticket.
    pub reply: String,
    pub attachments: Vec<Attachment>,
    /// Attachments left out for their size.
    pub dropped: Vec<String>,
    pub automation: AutomationHeaders,
}

fn ids(value: &mail_parser::HeaderValue<'_>) -> Vec<String> {
    if let Some(list) = value.as_text_list() {
        list.iter().map(|s| s.trim_matches(['<', '>']).to_owned()).collect()
    } else if let Some(one) = value.as_text() {
        one.split_whitespace()
            .map(|s| s.trim_matches(['<', '>']).to_owned())
            .collect()
    } else {
        Vec::new()
    }
}

/// The address a bounce reports as failed: the delivery report's `Final-Recipient`, else
/// the first `<address>:` line of a plain bounce text.
fn failed_recipient(raw: &str) -> Option<String> {
    for line in raw.lines() {
        let l = line.trim();
        if l.len() > 16 && l[..16].eq_ignore_ascii_case("final-recipient:") {
            let value = l[16..].trim();
            let addr = value.split_once(';').map_or(value, |(_, a)| a).trim();
            if addr.contains('@') {
                return Some(addr.trim_matches(['<', '>']).to_lowercase());
            }
        }
    }
    raw.lines().find_map(|line| {
        let l = line.trim();
        let inner = l.strip_prefix('<')?.split_once(">:")?.0;
        inner.contains('@').then(|| inner.to_lowercase())
    })
}

fn sniff(bytes: &[u8]) -> String {
    match infer::get(bytes) {
        Some(kind) => kind.mime_type().to_owned(),
        // Outlook's TNEF (winmail.dat) has a signature infer does not know.
        None if bytes.starts_with(&[0x78, 0x9f, 0x3e, 0x22]) => "application/vnd.ms-tnef".into(),
        None if !bytes.is_empty() && std::str::from_utf8(bytes).is_ok() => "text/plain".into(),
        None => "application/octet-stream".into(),
    }
}

fn clip(text: &str) -> String {
    let cleaned: String = text
        .replace("\r\n", "\n")
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect();
    cleaned
        .chars()
        .take(MAX_BODY_CHARS)
        .collect::<String>()
        .trim()
        .to_owned()
}

/// `None` when the bytes are no message with a sender address.
pub fn parse(raw: &[u8], our_mail_domain: &str) -> Option<Parsed> {
    let msg = MessageParser::default().parse(raw)?;
    let from_addr = msg.from().and_then(|a| a.first())?;
    let from = from_addr.address()?.trim().to_lowercase();
    if !from.contains('@') {
        return None;
    }
    let from_name = from_addr
        .name()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned);
    let message_id = msg.message_id().map(str::to_owned);
    let ours = format!("@{our_mail_domain}");
    let cc: Vec<String> = msg
        .cc()
        .map(|list| {
            list.iter()
                .filter_map(|a| a.address())
                .map(|a| a.trim().to_lowercase())
                .filter(|a| a.contains('@') && *a != from && !a.ends_with(&ours))
                .collect()
        })
        .unwrap_or_default();
    let mut thread_ids = ids(msg.in_reply_to());
    for id in ids(msg.references()) {
        if !thread_ids.contains(&id) {
            thread_ids.push(id);
        }
    }
    let text = clip(&msg.body_text(0).map(|t| t.into_owned()).unwrap_or_default());
    let reply = strip_quoted(&text);

    let mut attachments = Vec::new();
    let mut dropped = Vec::new();
    for (i, part) in msg.attachments().enumerate() {
        let name = part
            .attachment_name()
            .map(str::to_owned)
            .or_else(|| part.message().and_then(|m| m.subject()).map(|s| format!("{s}.eml")))
            .unwrap_or_else(|| format!("attachment-{}", i + 1));
        let bytes = part.contents();
        if bytes.len() > MAX_ATTACHMENT_BYTES {
            dropped.push(name);
            continue;
        }
        let content_type = if part.is_message() {
            "message/rfc822".into()
        } else {
            sniff(bytes)
        };
        attachments.push(Attachment {
            name,
            content_type,
            bytes: bytes.to_vec(),
        });
    }

    let raw_text = String::from_utf8_lossy(raw);
    let root_type = msg.root_part().content_type();
    let delivery_report = root_type.is_some_and(|ct| {
        ct.ctype().eq_ignore_ascii_case("multipart")
            && ct.subtype().is_some_and(|s| s.eq_ignore_ascii_case("report"))
            && ct
                .attribute("report-type")
                .is_some_and(|r| r.eq_ignore_ascii_case("delivery-status"))
    });
    let from_local = from.split('@').next().map(str::to_owned);
    let daemon = from_local
        .as_deref()
        .is_some_and(|l| l.eq_ignore_ascii_case("mailer-daemon") || l.eq_ignore_ascii_case("postmaster"));
    let automation = AutomationHeaders {
        auto_submitted: msg.header_raw("Auto-Submitted").map(|v| v.trim().to_owned()),
        precedence: msg.header_raw("Precedence").map(|v| v.trim().to_owned()),
        list_headers: !msg.list_id().is_empty() || !msg.list_unsubscribe().is_empty(),
        from_local,
        delivery_report,
        failed_recipient: (delivery_report || daemon)
            .then(|| failed_recipient(&raw_text))
            .flatten(),
        own_message_id: message_id
            .as_deref()
            .is_some_and(|id| is_own_message_id(id, our_mail_domain)),
    };
    Some(Parsed {
        from,
        cc,
        from_name,
        subject: msg
            .subject()
            .map(str::trim)
            .unwrap_or_default()
            .chars()
            .take(200)
            .collect(),
        message_id,
        thread_ids,
        text,
        reply,
        attachments,
        dropped,
        automation,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounces_name_the_failed_address() {
        let dsn = "Reporting-MTA: dns; mx\r\n\r\nFinal-Recipient: rfc822; Tom@Mueller.de\r\nAction: failed";
        assert_eq!(failed_recipient(dsn), Some("tom@mueller.de".into()));
        let qmail = "Hi. This is qmail.\n\n<old@acme.es>:\nSorry, no mailbox here by that name.";
        assert_eq!(failed_recipient(qmail), Some("old@acme.es".into()));
        assert_eq!(failed_recipient("nothing here"), None);
    }

    #[test]
    fn types_are_sniffed_not_believed() {
        assert_eq!(sniff(b"%PDF-1.4\n..."), "application/pdf");
        assert_eq!(sniff(&[0x78, 0x9f, 0x3e, 0x22, 0, 0]), "application/vnd.ms-tnef");
        assert_eq!(sniff(b"plain words"), "text/plain");
        assert_eq!(sniff(&[0xff, 0x00, 0xfe]), "application/octet-stream");
    }
}
