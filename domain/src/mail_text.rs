//! What an incoming e-mail says, as the service desk keeps it: whether it is automated
//! (from its headers), which ticket our own Message-IDs point to, and the reply itself
//! without the quoted history mail clients append below it.

use uuid::Uuid;

use crate::mail_route::Automated;

/// The headers (and the one body fact) that tell automated mail from a person's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AutomationHeaders {
    pub auto_submitted: Option<String>,
    pub precedence: Option<String>,
    /// `List-Id` or `List-Unsubscribe` present.
    pub list_headers: bool,
    /// The sender's local part (`MAILER-DAEMON`, `postmaster`, …).
    pub from_local: Option<String>,
    /// `multipart/report; report-type=delivery-status`.
    pub delivery_report: bool,
    /// The failed address a bounce names (`Final-Recipient`, or the first `<addr>:` line).
    pub failed_recipient: Option<String>,
    /// The message's own Message-ID is one of ours.
    pub own_message_id: bool,
}

/// Why a message counts as automated, or `None` for a person's mail. Our own messages
/// first (a loop), then bounces (which often carry `Auto-Submitted` too), auto-replies,
/// and bulk or list mail.
pub fn automated(h: &AutomationHeaders) -> Option<Automated> {
    if h.own_message_id {
        return Some(Automated::Own);
    }
    let daemon = h.from_local.as_deref().is_some_and(|l| {
        let l = l.to_ascii_lowercase();
        l == "mailer-daemon" || l == "postmaster"
    });
    // Not a null Return-Path alone: vacation replies use it too, and they are auto-replies.
    if h.delivery_report || daemon {
        return Some(Automated::Bounce {
            failed: h.failed_recipient.clone().map(|a| a.to_lowercase()),
        });
    }
    if h.auto_submitted
        .as_deref()
        .is_some_and(|v| !v.trim().eq_ignore_ascii_case("no"))
    {
        return Some(Automated::AutoReply);
    }
    let bulk = h
        .precedence
        .as_deref()
        .is_some_and(|p| matches!(p.trim().to_ascii_lowercase().as_str(), "bulk" | "list" | "junk"));
    if bulk || h.list_headers {
        return Some(Automated::Bulk);
    }
    None
}

/// Our Message-IDs name the ticket: `t.<ticket id>.<random>@<our mail domain>` (angle
/// brackets optional). Anything else, or another domain, is `None`.
pub fn ticket_in_message_id(id: &str, our_domain: &str) -> Option<Uuid> {
    let id = id.trim().trim_start_matches('<').trim_end_matches('>');
    let (local, domain) = id.rsplit_once('@')?;
    if !domain.eq_ignore_ascii_case(our_domain) {
        return None;
    }
    let rest = local.strip_prefix("t.")?;
    let (ticket, _) = rest.split_once('.')?;
    ticket.parse().ok()
}

/// Whether a Message-ID is one of ours (any kind: ticket mail, notices).
pub fn is_own_message_id(id: &str, our_domain: &str) -> bool {
    let id = id.trim().trim_start_matches('<').trim_end_matches('>');
    id.rsplit_once('@')
        .is_some_and(|(_, d)| d.eq_ignore_ascii_case(our_domain))
}

/// Where a reply's quoted history starts: the attribution line mail clients write in
/// German, Spanish and English, or their "original message" separators.
fn starts_history(line: &str) -> bool {
    let l = line.trim();
    let lower = l.to_lowercase();
    let separators = [
        "-----ursprüngliche nachricht-----",
        "-----original message-----",
        "-----mensaje original-----",
        "________________________________",
    ];
    if separators.iter().any(|s| lower.starts_with(s)) {
        return true;
    }
    // "Am 03.12.2026 um 11:00 schrieb X:", "On … wrote:", "El … escribió:"
    let attribution = (lower.starts_with("am ") && lower.contains("schrieb"))
        || (lower.starts_with("on ") && lower.ends_with("wrote:"))
        || (lower.starts_with("el ") && lower.contains("escribió"));
    if attribution {
        return true;
    }
    // Outlook's header block: "Von: … / From: … / De: …" followed by a sent line below.
    false
}

/// The reply without the quoted history below it. A message that is all quote (or
/// starts with the attribution) is kept whole: nothing the sender wrote is lost.
pub fn strip_quoted(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut cut = lines.len();
    for (i, line) in lines.iter().enumerate() {
        let outlook_block = {
            let l = line.trim_start().to_lowercase();
            (l.starts_with("von:") || l.starts_with("from:") || l.starts_with("de:"))
                && lines.get(i + 1).is_some_and(|next| {
                    let n = next.trim_start().to_lowercase();
                    n.starts_with("gesendet:") || n.starts_with("sent:") || n.starts_with("enviado")
                })
        };
        if starts_history(line) || outlook_block {
            cut = i;
            break;
        }
    }
    // Trailing "> …" lines without an attribution above them.
    while cut > 0 && lines[cut - 1].trim_start().starts_with('>') {
        cut -= 1;
    }
    let kept = lines[..cut].join("\n");
    let kept = kept.trim();
    if kept.is_empty() {
        text.trim().to_owned()
    } else {
        kept.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_history_goes_in_three_languages() {
        let de =
            "Bei mir geht es wieder.\n\nAm 03.12.2026 um 11:00 schrieb Onboard Support:\n> Treiber neu installiert.";
        assert_eq!(strip_quoted(de), "Bei mir geht es wieder.");
        let es = "Ya funciona.\n\nEl jue, 3 dic 2026 a las 12:00, Soporte (<s@x.es>) escribió:\n> Reiniciado.";
        assert_eq!(strip_quoted(es), "Ya funciona.");
        let en = "Works now.\n\nOn Wed, Dec 2, 2026 at 10:00 AM Support wrote:\n> Restarted.";
        assert_eq!(strip_quoted(en), "Works now.");
        let outlook = "Danke!\n\n-----Ursprüngliche Nachricht-----\nVon: Support\nGesendet: heute";
        assert_eq!(strip_quoted(outlook), "Danke!");
        let outlook_new = "Gracias.\n\nDe: Soporte <s@x.es>\nEnviado: jueves\nPara: Ana";
        assert_eq!(strip_quoted(outlook_new), "Gracias.");
        let bare = "Ok.\n> earlier text\n> more";
        assert_eq!(strip_quoted(bare), "Ok.");
    }

    #[test]
    fn a_message_that_is_all_quote_is_kept() {
        assert_eq!(strip_quoted("> only a quote"), "> only a quote");
        assert_eq!(
            strip_quoted("Plain text, nothing quoted."),
            "Plain text, nothing quoted."
        );
        assert_eq!(
            strip_quoted("Von hier aus geht es.\nZeile zwei"),
            "Von hier aus geht es.\nZeile zwei"
        );
    }

    #[test]
    fn our_message_ids_name_the_ticket() {
        let t = "11111111-1111-4111-8111-111111111111";
        let id = format!("<t.{t}.3f9a@desk.example>");
        assert_eq!(ticket_in_message_id(&id, "desk.example"), Some(t.parse().unwrap()));
        assert_eq!(ticket_in_message_id(&id, "DESK.example"), Some(t.parse().unwrap()));
        assert_eq!(ticket_in_message_id(&id, "other.example"), None);
        assert_eq!(
            ticket_in_message_id("<t.not-a-uuid.1@desk.example>", "desk.example"),
            None
        );
        assert_eq!(ticket_in_message_id("<CAJx8@mail.gmail.com>", "desk.example"), None);
        assert!(is_own_message_id("<n.notice.1@desk.example>", "desk.example"));
    }

    #[test]
    fn automated_mail_is_told_by_its_headers() {
        let h = |f: fn(&mut AutomationHeaders)| {
            let mut h = AutomationHeaders::default();
            f(&mut h);
            automated(&h)
        };
        assert_eq!(h(|_| {}), None);
        assert_eq!(h(|h| h.auto_submitted = Some("no".into())), None);
        assert_eq!(
            h(|h| h.auto_submitted = Some("auto-replied".into())),
            Some(Automated::AutoReply)
        );
        assert_eq!(h(|h| h.precedence = Some("Bulk".into())), Some(Automated::Bulk));
        assert_eq!(h(|h| h.precedence = Some("junk".into())), Some(Automated::Bulk));
        assert_eq!(h(|h| h.list_headers = true), Some(Automated::Bulk));
        assert_eq!(h(|h| h.own_message_id = true), Some(Automated::Own));
        assert_eq!(
            h(|h| {
                h.delivery_report = true;
                h.auto_submitted = Some("auto-replied".into());
                h.failed_recipient = Some("Tom@Mueller.de".into());
            }),
            Some(Automated::Bounce {
                failed: Some("tom@mueller.de".into())
            })
        );
        assert_eq!(
            h(|h| h.from_local = Some("MAILER-DAEMON".into())),
            Some(Automated::Bounce { failed: None })
        );
    }
}
