//! Where an incoming e-mail goes: one pure function over what the server looked up.
//!
//! The server parses the message, finds the ticket its headers or subject token point to,
//! the contact with the sender's address and the customers owning the sender's domain,
//! and hands those facts to [`route`]. Every rule of the service desk's mail intake lives
//! here, in this order:
//! 1. Automated mail (auto-replies, bulk and list mail, bounces, our own messages) never
//!    opens, reopens or answers a ticket; a bounce flags the address it came back for.
//! 2. Threading: our Message-ID in `In-Reply-To`/`References` first, then the ticket token
//!    in the subject, which counts only from the ticket's contact, its watchers or that
//!    customer's contacts (anyone can type a token). Never fuzzy subject matching. A reply
//!    to a ticket closed more than [`REOPEN_DAYS`] days ago opens a new ticket linked to it.
//!    Threaded replies land even under "tickets only via the main contact".
//! 3. A new request: a known contact's customer; else the one customer owning the sender's
//!    domain, with a contact created from the e-mail; public mail services never match.
//!    Under "tickets only via the main contact" only the main contact opens a ticket;
//!    anyone else goes to the review queue and gets a notice (rate-limited by the server).
//! 4. Anything else goes to the review queue, with the reason.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain_name::Domain;

/// Days after closing during which a reply reopens the ticket rather than starting a new one.
pub const REOPEN_DAYS: u32 = 14;

/// Why a message counts as automated (from its headers; see the mail parser).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Automated {
    /// `Auto-Submitted` other than `no`, or an out-of-office reply.
    AutoReply,
    /// `Precedence: bulk`, `list` or `junk`, or list headers.
    Bulk,
    /// A delivery status notification for `failed` (our message did not arrive).
    Bounce { failed: Option<String> },
    /// A message this installation sent (our own Message-ID domain, a loop).
    Own,
}

/// How the server found the ticket a message refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreadedBy {
    /// Our Message-ID in `In-Reply-To` or `References`.
    Headers,
    /// The ticket token (`[T-2026-000123]`) in the subject.
    SubjectToken,
}

/// The ticket a message refers to, as found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThreadHit {
    pub ticket: Uuid,
    pub customer: Uuid,
    pub by: ThreadedBy,
    /// Whether the sender is the ticket's contact, a watcher or a contact of its customer
    /// (a subject token counts only then).
    pub sender_related: bool,
    /// Days since the ticket was closed; `None` while it is not closed.
    pub closed_days_ago: Option<u32>,
}

/// A customer the sender may belong to, with its intake setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CustomerIntake {
    pub customer: Uuid,
    /// "Tickets only via the main contact".
    pub main_contact_only: bool,
}

/// The contact whose address sent the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KnownContact {
    pub contact: Uuid,
    pub intake: CustomerIntake,
    pub is_main: bool,
}

/// What the server looked up for one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub sender_domain: Domain,
    pub automated: Option<Automated>,
    pub thread: Option<ThreadHit>,
    pub contact: Option<KnownContact>,
    /// Customers with the sender's domain among theirs (looked up only without a contact).
    pub domain_owners: Vec<CustomerIntake>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "route")]
pub enum Route {
    /// Added to the ticket as the customer's reply (reopening it when resolved or closed).
    Reply { ticket: Uuid },
    /// A new ticket linked to `previous` (closed more than [`REOPEN_DAYS`] days ago).
    FollowUp {
        previous: Uuid,
        customer: Uuid,
        contact: Option<Uuid>,
    },
    /// A new ticket for the customer, from `contact` (or a contact created from the
    /// e-mail, at Standard level, when `None`).
    NewTicket { customer: Uuid, contact: Option<Uuid> },
    /// Kept, shown in the review queue for staff to assign.
    Review {
        reason: ReviewReason,
        /// The customer it was meant for, when known.
        customer: Option<Uuid>,
        /// Send the sender the "tickets only via the main contact" notice.
        notify_sender: bool,
    },
    /// Kept in the message log and nothing else; a bounce flags the failed address.
    Ignore { reason: Automated },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewReason {
    /// Neither a known contact nor a customer's domain.
    UnknownSender,
    /// A public mail service's address that is no contact's.
    Webmail,
    /// The domain belongs to more than one customer.
    AmbiguousDomain,
    /// The customer takes new requests only from its main contact.
    NotMainContact,
}

pub fn route(facts: &Facts) -> Route {
    if let Some(reason) = facts.automated.clone() {
        return Route::Ignore { reason };
    }
    if let Some(hit) = facts.thread.filter(|t| t.by == ThreadedBy::Headers || t.sender_related) {
        return match hit.closed_days_ago {
            Some(days) if days > REOPEN_DAYS => Route::FollowUp {
                previous: hit.ticket,
                customer: hit.customer,
                contact: facts
                    .contact
                    .filter(|c| c.intake.customer == hit.customer)
                    .map(|c| c.contact),
            },
            _ => Route::Reply { ticket: hit.ticket },
        };
    }
    let review = |reason, customer, notify_sender| Route::Review {
        reason,
        customer,
        notify_sender,
    };
    if let Some(known) = facts.contact {
        let customer = known.intake.customer;
        if known.intake.main_contact_only && !known.is_main {
            return review(ReviewReason::NotMainContact, Some(customer), true);
        }
        return Route::NewTicket {
            customer,
            contact: Some(known.contact),
        };
    }
    if facts.sender_domain.is_webmail() {
        return review(ReviewReason::Webmail, None, false);
    }
    match facts.domain_owners.as_slice() {
        [] => review(ReviewReason::UnknownSender, None, false),
        [one] if one.main_contact_only => review(ReviewReason::NotMainContact, Some(one.customer), true),
        [one] => Route::NewTicket {
            customer: one.customer,
            contact: None,
        },
        _ => review(ReviewReason::AmbiguousDomain, None, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn intake(n: u128, main_contact_only: bool) -> CustomerIntake {
        CustomerIntake {
            customer: id(n),
            main_contact_only,
        }
    }

    fn facts(domain: &str) -> Facts {
        Facts {
            sender_domain: Domain::parse(domain).unwrap(),
            automated: None,
            thread: None,
            contact: None,
            domain_owners: Vec::new(),
        }
    }

    fn contact(n: u128, customer: CustomerIntake, is_main: bool) -> Option<KnownContact> {
        Some(KnownContact {
            contact: id(n),
            intake: customer,
            is_main,
        })
    }

    fn thread(by: ThreadedBy, sender_related: bool, closed_days_ago: Option<u32>) -> Option<ThreadHit> {
        Some(ThreadHit {
            ticket: id(77),
            customer: id(1),
            by,
            sender_related,
            closed_days_ago,
        })
    }

    #[test]
    fn a_known_contact_opens_a_ticket_for_their_customer() {
        let f = Facts {
            contact: contact(10, intake(1, false), false),
            ..facts("acme.de")
        };
        assert_eq!(
            route(&f),
            Route::NewTicket {
                customer: id(1),
                contact: Some(id(10))
            }
        );
        // a known contact at a webmail address is still known
        let f = Facts {
            contact: contact(10, intake(1, false), false),
            ..facts("gmail.com")
        };
        assert!(matches!(route(&f), Route::NewTicket { contact: Some(_), .. }));
    }

    #[test]
    fn a_domain_of_exactly_one_customer_creates_the_contact() {
        let one = Facts {
            domain_owners: vec![intake(1, false)],
            ..facts("acme.de")
        };
        assert_eq!(
            route(&one),
            Route::NewTicket {
                customer: id(1),
                contact: None
            }
        );
        let two = Facts {
            domain_owners: vec![intake(1, false), intake(2, false)],
            ..facts("acme.de")
        };
        assert!(matches!(
            route(&two),
            Route::Review {
                reason: ReviewReason::AmbiguousDomain,
                ..
            }
        ));
        assert!(matches!(
            route(&facts("acme.de")),
            Route::Review {
                reason: ReviewReason::UnknownSender,
                notify_sender: false,
                ..
            }
        ));
        // a webmail domain never matches, even if some customer has it stored from before
        let webmail = Facts {
            domain_owners: vec![intake(1, false)],
            ..facts("gmx.de")
        };
        assert!(matches!(
            route(&webmail),
            Route::Review {
                reason: ReviewReason::Webmail,
                ..
            }
        ));
    }

    #[test]
    fn only_the_main_contact_opens_tickets_when_the_customer_says_so() {
        let main = Facts {
            contact: contact(10, intake(1, true), true),
            ..facts("acme.de")
        };
        assert!(matches!(route(&main), Route::NewTicket { .. }));
        let other = Facts {
            contact: contact(11, intake(1, true), false),
            ..facts("acme.de")
        };
        assert_eq!(
            route(&other),
            Route::Review {
                reason: ReviewReason::NotMainContact,
                customer: Some(id(1)),
                notify_sender: true
            }
        );
        // an unknown colleague at the domain: no contact is created either
        let stranger = Facts {
            domain_owners: vec![intake(1, true)],
            ..facts("acme.de")
        };
        assert!(matches!(
            route(&stranger),
            Route::Review {
                reason: ReviewReason::NotMainContact,
                notify_sender: true,
                ..
            }
        ));
        // but their reply to an existing ticket lands
        let reply = Facts {
            thread: thread(ThreadedBy::Headers, true, None),
            ..other
        };
        assert_eq!(route(&reply), Route::Reply { ticket: id(77) });
    }

    #[test]
    fn threading_by_headers_and_by_token() {
        let by_headers = Facts {
            thread: thread(ThreadedBy::Headers, false, None),
            ..facts("elsewhere.example")
        };
        assert_eq!(route(&by_headers), Route::Reply { ticket: id(77) });
        // a token typed by a stranger counts for nothing: routed as a new message
        let stranger_token = Facts {
            thread: thread(ThreadedBy::SubjectToken, false, None),
            ..facts("elsewhere.example")
        };
        assert!(matches!(
            route(&stranger_token),
            Route::Review {
                reason: ReviewReason::UnknownSender,
                ..
            }
        ));
        let related_token = Facts {
            thread: thread(ThreadedBy::SubjectToken, true, Some(REOPEN_DAYS)),
            ..facts("acme.de")
        };
        assert_eq!(
            route(&related_token),
            Route::Reply { ticket: id(77) },
            "reopens within 14 days"
        );
        let long_closed = Facts {
            thread: thread(ThreadedBy::Headers, true, Some(REOPEN_DAYS + 1)),
            contact: contact(10, intake(1, false), false),
            ..facts("acme.de")
        };
        assert_eq!(
            route(&long_closed),
            Route::FollowUp {
                previous: id(77),
                customer: id(1),
                contact: Some(id(10))
            }
        );
    }

    #[test]
    fn automated_mail_never_opens_reopens_or_answers() {
        for automated in [
            Automated::AutoReply,
            Automated::Bulk,
            Automated::Own,
            Automated::Bounce {
                failed: Some("old@acme.de".into()),
            },
        ] {
            let f = Facts {
                automated: Some(automated.clone()),
                thread: thread(ThreadedBy::Headers, true, Some(30)),
                contact: contact(10, intake(1, false), true),
                domain_owners: vec![intake(1, false)],
                ..facts("acme.de")
            };
            assert_eq!(route(&f), Route::Ignore { reason: automated });
        }
    }
}
