//! Tickets: the form staff fill in to open one, the statuses a ticket moves through, and
//! what each status means for the SLA's resolution clock (`crate::sla_clock`).

use serde::{Deserialize, Serialize};

use crate::email::Email;
use crate::error::{Code, Errors, FieldError};
use crate::period::choice;
use crate::sla::Priority;
use crate::text::{Label, clean_multiline};

choice!(
    /// Where a ticket stands.
    TicketStatus {
        New => "new",
        Open => "open",
        WaitingOnCustomer => "waiting_on_customer",
        WaitingOnThirdParty => "waiting_on_third_party",
        Resolved => "resolved",
        Closed => "closed",
    }
);

choice!(
    /// How a ticket came in.
    TicketSource {
        Staff => "staff",
        Phone => "phone",
        Email => "email",
        Portal => "portal",
    }
);

/// What a status does to the resolution clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockState {
    Running,
    /// Waiting on the customer: the clock stands still and resumes when they reply.
    Paused,
    /// Resolved or closed: nothing is due any more.
    Stopped,
}

impl TicketStatus {
    pub fn clock(self) -> ClockState {
        match self {
            TicketStatus::New | TicketStatus::Open | TicketStatus::WaitingOnThirdParty => ClockState::Running,
            TicketStatus::WaitingOnCustomer => ClockState::Paused,
            TicketStatus::Resolved | TicketStatus::Closed => ClockState::Stopped,
        }
    }

    /// Whether staff may move a ticket from `self` to `to`. A closed ticket only reopens;
    /// nothing goes back to "new" (it means nobody has looked at it yet).
    pub fn may_become(self, to: TicketStatus) -> bool {
        self != to
            && to != TicketStatus::New
            && match self {
                TicketStatus::Closed => to == TicketStatus::Open,
                _ => true,
            }
    }

    /// Still somebody's work (the queues show these).
    pub fn is_active(self) -> bool {
        self.clock() != ClockState::Stopped
    }
}

/// The ticket number people quote: `T-2026-000123` (year of creation, sequence number).
pub fn ticket_number(year: i32, sequence: i64) -> String {
    format!("T-{year}-{sequence:06}")
}

/// The number inside a subject such as `Re: [T-2026-000123] Printer offline`, when the
/// subject carries one in brackets (the token our mails put there).
/// Whether `s` is a whole ticket number (`T-2026-000123`, in any case).
pub fn is_ticket_number(s: &str) -> bool {
    let mut parts = s.trim().splitn(3, '-');
    parts.next().is_some_and(|t| t.eq_ignore_ascii_case("T"))
        && parts
            .next()
            .is_some_and(|y| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()))
        && parts
            .next()
            .is_some_and(|n| n.len() >= 6 && n.bytes().all(|b| b.is_ascii_digit()))
}

pub fn number_in_subject(subject: &str) -> Option<&str> {
    let start = subject.find("[T-")? + 1;
    let rest = &subject[start..];
    let end = rest.find(']')?;
    let token = &rest[..end];
    let mut parts = token.splitn(3, '-');
    let ok = parts.next() == Some("T")
        && parts
            .next()
            .is_some_and(|y| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()))
        && parts
            .next()
            .is_some_and(|n| n.len() >= 6 && n.bytes().all(|b| b.is_ascii_digit()));
    ok.then_some(token)
}

/// Longest description or message body kept as typed (a long log pasted in still fits).
pub const MAX_BODY_CHARS: usize = 50_000;

/// A message body: line breaks kept, control characters refused.
pub fn parse_body(input: &str) -> Result<String, FieldError> {
    clean_multiline(input, MAX_BODY_CHARS)
}

/// The new-ticket form as typed; the customer is chosen beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TicketDraft {
    pub title: String,
    pub description: String,
    pub priority: String,
    pub category: String,
    pub source: String,
    /// The contact's id, or empty.
    pub contact: String,
    /// Further addresses that receive the ticket's public replies, one per line or comma.
    pub watchers: String,
}

impl Default for TicketDraft {
    fn default() -> Self {
        TicketDraft {
            title: String::new(),
            description: String::new(),
            priority: Priority::Medium.as_str().into(),
            category: String::new(),
            source: TicketSource::Phone.as_str().into(),
            contact: String::new(),
            watchers: String::new(),
        }
    }
}

/// A valid new ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTicket {
    pub title: Label,
    pub description: Option<String>,
    pub priority: Priority,
    pub category: Option<Label>,
    pub source: TicketSource,
    /// As typed (the server resolves it among the customer's contacts).
    pub contact: Option<String>,
    pub watchers: Vec<Email>,
}

impl TicketDraft {
    pub fn validate(&self) -> Result<NewTicket, Vec<FieldError>> {
        let mut e = Errors::new("");
        let title = e.check("title", Label::parse(&self.title));
        let description = e.optional("description", &self.description, parse_body);
        let priority = e.check("priority", Priority::parse(&self.priority));
        let category = e.optional("category", &self.category, Label::parse);
        let source = e.check("source", TicketSource::parse(&self.source));
        let watchers = parse_watchers(&mut e, &self.watchers);
        let contact = Some(self.contact.trim()).filter(|c| !c.is_empty()).map(str::to_owned);
        let ticket = match (title, description, priority, category, source, watchers) {
            (Some(title), Some(description), Some(priority), Some(category), Some(source), Some(watchers)) => {
                Some(NewTicket {
                    title,
                    description,
                    priority,
                    category,
                    source,
                    contact,
                    watchers,
                })
            }
            _ => None,
        };
        e.finish(ticket)
    }
}

/// Addresses separated by commas, semicolons or line breaks; each checked, none twice.
fn parse_watchers(e: &mut Errors, input: &str) -> Option<Vec<Email>> {
    let mut out: Vec<Email> = Vec::new();
    let mut ok = true;
    for raw in input.split([',', ';', '\n']).map(str::trim).filter(|s| !s.is_empty()) {
        match Email::parse(raw) {
            Ok(email) if out.contains(&email) => {}
            Ok(email) => out.push(email),
            Err(err) => {
                e.push(err.at("watchers").with("value", raw));
                ok = false;
            }
        }
    }
    if out.len() > 20 {
        e.push(FieldError::new(Code::TooMany).at("watchers").with("max", 20));
        ok = false;
    }
    ok.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_ticket_numbers() {
        assert!(is_ticket_number("T-2026-000123"));
        assert!(is_ticket_number(" t-2026-1234567 "));
        assert!(!is_ticket_number("T-2026-123"));
        assert!(!is_ticket_number("Drucker T-2026-000123"));
        assert!(!is_ticket_number("T-26-000123"));
    }

    #[test]
    fn a_draft_needs_a_title_and_checks_the_rest() {
        let draft = TicketDraft {
            title: "  Drucker   druckt nicht ".into(),
            watchers: "chef@acme.de, it@acme.de;chef@acme.de".into(),
            ..TicketDraft::default()
        };
        let t = draft.validate().unwrap();
        assert_eq!(t.title.as_str(), "Drucker druckt nicht");
        assert_eq!(t.priority, Priority::Medium);
        assert_eq!(t.watchers.len(), 2);
        assert_eq!(t.description, None);

        let bad = TicketDraft {
            title: String::new(),
            priority: "urgent".into(),
            watchers: "nobody".into(),
            ..TicketDraft::default()
        };
        let errors = bad.validate().unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["title", "priority", "watchers"]);
    }

    #[test]
    fn statuses_and_the_clock() {
        use TicketStatus::*;
        assert_eq!(WaitingOnCustomer.clock(), ClockState::Paused);
        assert_eq!(WaitingOnThirdParty.clock(), ClockState::Running);
        assert!(Closed.may_become(Open));
        assert!(!Closed.may_become(Resolved));
        assert!(!Open.may_become(New));
        assert!(Resolved.may_become(Closed) && Resolved.may_become(Open));
        assert!(!Open.may_become(Open));
    }

    #[test]
    fn numbers_and_subject_tokens() {
        assert_eq!(ticket_number(2026, 123), "T-2026-000123");
        assert_eq!(ticket_number(2027, 1_234_567), "T-2027-1234567");
        assert_eq!(number_in_subject("AW: [T-2026-000123] Drucker"), Some("T-2026-000123"));
        assert_eq!(
            number_in_subject("Re: T-2026-000123 Drucker"),
            None,
            "only the bracketed token"
        );
        assert_eq!(number_in_subject("[T-26-1] x"), None);
        assert_eq!(number_in_subject("[T-2026-00012x] x"), None);
    }
}
