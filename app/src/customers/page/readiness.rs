//! "Ready to bill" at a glance, on the Overview: billing info, a contract in force, a main
//! contact, an SLA and a portal user, each ticked or linked to where it is fixed. Billing
//! info and a contract are what the invoice run needs; the other three are what a new
//! customer's service needs, so the verdict names the first two.

use leptos::prelude::*;

use crate::customers::CustomerDetail;
use crate::i18n::{Key, k, t, text_with, use_locale};

/// One line of the checklist: its label, whether it is done, and where it is fixed.
struct Check {
    id: &'static str,
    label: Key,
    done: bool,
    fix: Key,
    href: String,
}

fn checks(c: &CustomerDetail) -> Vec<Check> {
    let base = format!("/customers/{}", c.id);
    let live = |x: &&crate::customers::ContactView| !x.archived;
    vec![
        Check {
            id: "ready-billing",
            label: k::READINESS_BILLING,
            done: c.billing_gaps.is_empty(),
            fix: k::BILLING_ADD,
            href: format!("{base}/billing"),
        },
        Check {
            id: "ready-contract",
            label: k::READINESS_CONTRACT,
            done: c.contracts.iter().any(|x| x.in_force),
            fix: k::CONTRACTS_NEW,
            href: format!("/contracts/new?customer={}", c.id),
        },
        Check {
            id: "ready-main-contact",
            label: k::READINESS_MAIN_CONTACT,
            done: c.contacts.iter().filter(live).any(|x| x.is_main),
            fix: k::READINESS_FIX_CONTACTS,
            href: format!("{base}/contacts"),
        },
        Check {
            id: "ready-sla",
            label: k::READINESS_SLA,
            done: c.sla.is_some(),
            fix: k::READINESS_FIX_SLA,
            href: format!("{base}/settings#service-level"),
        },
        Check {
            id: "ready-portal",
            label: k::READINESS_PORTAL,
            done: c.contacts.iter().filter(live).any(|x| x.form.portal_access),
            fix: k::READINESS_FIX_PORTAL,
            href: format!("{base}/contacts"),
        },
    ]
}

#[component]
pub fn Readiness(c: CustomerDetail) -> impl IntoView {
    let locale = use_locale();
    let list = checks(&c);
    let billable = list[0].done && list[1].done;
    let done = list.iter().filter(|x| x.done).count();
    let summary = text_with(
        locale,
        k::READINESS_DONE,
        &[("done", &done.to_string()), ("total", &list.len().to_string())],
    );
    view! {
        <section class="card" aria-labelledby="readiness-title" id="readiness">
            <header class="page-header with-actions">
                <h2 id="readiness-title">{t(k::READINESS_TITLE)}</h2>
                {if billable {
                    view! { <span class="badge ok" id="readiness-verdict">{t(k::READINESS_READY)}</span> }.into_any()
                } else {
                    view! { <span class="badge warn" id="readiness-verdict">{t(k::READINESS_NOT_READY)}</span> }.into_any()
                }}
            </header>
            <p class="muted">{summary}</p>
            <ul class="checklist">
                {list.into_iter().map(|x| view! {
                    <li id=x.id class:done=x.done data-done=x.done.to_string()>
                        <span class="tick" aria-hidden="true">{if x.done { "✓" } else { "○" }}</span>
                        " " {t(x.label)} " "
                        {if x.done {
                            view! { <span class="visually-hidden">{t(k::READINESS_OK)}</span> }.into_any()
                        } else {
                            // rel=external like the page's tabs (see the customer page's module).
                            view! { <a href=x.href rel="external">{t(x.fix)}</a> }.into_any()
                        }}
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}
