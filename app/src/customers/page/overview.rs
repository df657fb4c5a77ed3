//! The Overview tab: the customer at a glance, its group (parent and children, with
//! totals) and the audit trail.

use leptos::prelude::*;
use uuid::Uuid;

use leptos::task::spawn_local;

use super::PageData;
use crate::customers::audit::{AuditView, customer_history};
use crate::customers::{CustomerDetail, NamedRef};
use crate::i18n::{Key, k, t, use_locale};
use crate::shell::format_instant;

#[component]
pub fn OverviewTab(c: CustomerDetail) -> impl IntoView {
    let dash = || "—".to_string();
    let or_dash = move |s: &str| if s.trim().is_empty() { dash() } else { s.to_string() };
    let p = c.profile.clone();
    let address = [
        p.address.street.clone(),
        format!("{} {}", p.address.postal_code, p.address.city)
            .trim()
            .to_string(),
        p.address.region.clone(),
        p.address.country.clone(),
    ]
    .into_iter()
    .filter(|s| !s.trim().is_empty())
    .collect::<Vec<_>>()
    .join(", ");
    let named = |r: &Option<NamedRef>| {
        r.clone()
            .map(|s| {
                format!(
                    "{} ({})",
                    s.name,
                    t(if s.shared { k::WIZARD_SHARED } else { k::WIZARD_CUSTOM })
                )
            })
            .unwrap_or_else(dash)
    };
    let main = c.contacts.iter().find(|x| x.is_main).map(|x| x.full_name());
    let active_contacts = c.contacts.iter().filter(|x| !x.archived).count();
    let base = format!("/customers/{}", c.id);
    let manager = c.team.account_manager.map(|id| c.staff_name(id));
    let members: Vec<String> = c.team.members.iter().map(|id| c.staff_name(*id)).collect();
    let has_group = !c.children.is_empty();
    view! {
        <super::readiness::Readiness c=c.clone() />
        <div class="columns">
            <section class="card" aria-labelledby="details">
                <h2 id="details">{t(k::OVERVIEW_DETAILS)}</h2>
                <dl class="summary">
                    <dt>{t(k::CUSTOMER_DOMAINS)}</dt>
                    <dd>{or_dash(&p.domains.join(", "))}</dd>
                    <dt>{t(k::CUSTOMER_TAX_ID)}</dt>
                    <dd>{or_dash(&p.tax_id)}</dd>
                    <dt>{t(k::CUSTOMER_RANK)}</dt>
                    <dd>{or_dash(&p.rank)}</dd>
                    <dt>{t(k::CUSTOMER_PHONE)}</dt>
                    <dd>{or_dash(&p.phone)}</dd>
                    <dt>{t(k::ADDRESS_TITLE)}</dt>
                    <dd>{or_dash(&address)}</dd>
                    <dt>{t(k::SLA_TITLE)}</dt>
                    <dd>{named(&c.sla)}</dd>
                    <dt>{t(k::ALERT_TITLE)}</dt>
                    <dd>{named(&c.alert_profile)}</dd>
                </dl>
            </section>
            <section class="card" aria-labelledby="status">
                <h2 id="status">{t(k::OVERVIEW_STATUS)}</h2>
                <dl class="summary">
                    <dt>{t(k::BILLING_INFO)}</dt>
                    <dd>
                        {if c.billing_gaps.is_empty() {
                            view! { <span class="badge ok">{t(k::BILLING_COMPLETE)}</span> }.into_any()
                        } else {
                            view! {
                                <span class="badge warn">{t(k::BILLING_MISSING)}</span> " "
                                <a href=format!("{base}/billing")>{t(k::BILLING_ADD)}</a>
                            }.into_any()
                        }}
                    </dd>
                    <dt>{t(k::CUSTOMER_MAIN_CONTACT)}</dt>
                    <dd>{main.unwrap_or_else(dash)} " · " <a href=format!("{base}/contacts")>{format!("{} ({active_contacts})", t(k::CUSTOMER_CONTACTS))}</a></dd>
                    <dt>{t(k::TEAM_ACCOUNT_MANAGER)}</dt>
                    <dd>{manager.unwrap_or_else(dash)}</dd>
                    <dt>{t(k::TEAM_MEMBERS)}</dt>
                    <dd>{or_dash(&members.join(", "))}</dd>
                    <dt>{t(k::STRUCTURE_PARENT)}</dt>
                    <dd>
                        {match c.parent.clone() {
                            Some(p) => view! {
                                <a href=format!("/customers/{}", p.id)>{p.name}</a>
                                {c.structure.bill_to_parent.then(|| view! { " · " {t(k::STRUCTURE_BILL_TO_PARENT)} })}
                            }.into_any(),
                            None => dash().into_any(),
                        }}
                    </dd>
                    <dt>{t(k::STRUCTURE_CHILDREN)}</dt>
                    <dd>
                        {if c.children.is_empty() { Some(dash()) } else { None }}
                        <ul class="plain">
                            {c.children.iter().map(|ch| view! {
                                <li><a href=format!("/customers/{}", ch.id)>{ch.name.clone()}</a>
                                {ch.bill_to_parent.then(|| view! { " · " <span class="muted">{t(k::STRUCTURE_BILL_TO_PARENT)}</span> })}</li>
                            }).collect_view()}
                        </ul>
                    </dd>
                    <dt>{t(k::PORTAL_TICKETS_ONLY_MAIN)}</dt>
                    <dd>{t(if c.portal.tickets_only_via_main { k::COMMON_YES } else { k::COMMON_NO })}</dd>
                    <dt>{t(k::PORTAL_SELF_MANAGED)}</dt>
                    <dd>{t(if c.portal.self_managed_profile { k::COMMON_YES } else { k::COMMON_NO })}</dd>
                </dl>
            </section>
        </div>
        {has_group.then(|| view! { <GroupReport /> })}
        <History id=c.id />
    }
}

/// Parent and all children with contacts, contracts and fixed monthly fees, and totals.
#[component]
fn GroupReport() -> impl IntoView {
    let report = expect_context::<PageData>().group;
    let locale = use_locale();
    let money = move |fees: &[(String, String)]| {
        if fees.is_empty() {
            return "—".to_string();
        }
        fees.iter()
            .map(|(cur, amount)| match amount.parse::<rust_decimal::Decimal>() {
                Ok(d) => format!("{} {cur}", domain::format::format_decimal(d, locale)),
                Err(_) => format!("{amount} {cur}"),
            })
            .collect::<Vec<_>>()
            .join(" + ")
    };
    view! {
        <section class="card" aria-labelledby="group">
            <h2 id="group">{t(k::STRUCTURE_REPORT)}</h2>
                {move || report.get().map(|r| match r {
                    Err(e) => view! { <p class="form-error">{e.message(locale)}</p> }.into_any(),
                    Ok(r) => view! {
                        <div class="table-wrap">
                            <table class="data">
                                <thead><tr>
                                    <th scope="col">{t(k::CUSTOMER_NAME)}</th>
                                    <th scope="col">{t(k::BILLING_INFO)}</th>
                                    <th scope="col" class="num">{t(k::CUSTOMER_CONTACTS)}</th>
                                    <th scope="col" class="num">{t(k::CUSTOMER_CONTRACTS)}</th>
                                    <th scope="col" class="num">{t(k::STRUCTURE_MONTHLY_FEES)}</th>
                                </tr></thead>
                                <tbody>
                                    {r.lines.iter().map(|l| view! {
                                        <tr>
                                            <td class=format!("depth-{}", l.depth.min(4))>
                                                <a href=format!("/customers/{}", l.id)>{l.name.clone()}</a>
                                                {l.bill_to_parent.then(|| view! { " " <span class="badge muted">{t(k::STRUCTURE_BILL_TO_PARENT)}</span> })}
                                            </td>
                                            <td>{t(if l.billing_complete { k::BILLING_COMPLETE } else { k::BILLING_MISSING })}</td>
                                            <td class="num">{l.contacts}</td>
                                            <td class="num">{l.contracts}</td>
                                            <td class="num">{money(&l.monthly_fees)}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                                <tfoot><tr>
                                    <th scope="row" colspan="2">{t(k::STRUCTURE_TOTAL)}</th>
                                    <td class="num">{r.contacts}</td>
                                    <td class="num">{r.contracts}</td>
                                    <td class="num">{money(&r.monthly_fees)}</td>
                                </tr></tfoot>
                            </table>
                        </div>
                    }.into_any(),
                })}
        </section>
    }
}

/// The audit trail, newest first, 50 at a time.
#[component]
fn History(id: Uuid) -> impl IntoView {
    let locale = use_locale();
    let first = expect_context::<PageData>().history;
    let older = RwSignal::new(Vec::<AuditView>::new());
    let exhausted = RwSignal::new(false);
    let rows = move || {
        let mut rows = first.get().and_then(|r| r.ok()).unwrap_or_default();
        rows.extend(older.get());
        rows
    };
    let load_more = move |_| {
        let last = rows().last().map(|r| r.cursor.clone());
        spawn_local(async move {
            if let Ok(more) = customer_history(id, last).await {
                exhausted.set(more.len() < 50);
                older.update(|o| o.extend(more));
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="history">
            <h2 id="history">{t(k::AUDIT_TITLE)}</h2>
            {move || {
                let rows = rows();
                let full = rows.len() % 50 == 0 && !rows.is_empty() && !exhausted.get();
                view! {
                    <ol class="audit">
                        {rows.into_iter().map(|r| view! {
                            <li>
                                <p>
                                    <time datetime=r.at.to_rfc3339()>{format_instant(r.at, locale)}</time> " · "
                                    <strong>{r.actor.clone().unwrap_or_else(|| "—".into())}</strong> " · "
                                    {audit_action(&r)}
                                </p>
                                {(!r.changes.is_empty()).then(|| view! {
                                    <ul class="changes">
                                        {r.changes.iter().map(|c| view! {
                                            <li><span class="what">{field_label(&c.field)}</span> ": "
                                                <del>{if c.before.is_empty() { "—".into() } else { c.before.clone() }}</del> " → "
                                                <ins>{if c.after.is_empty() { "—".into() } else { c.after.clone() }}</ins></li>
                                        }).collect_view()}
                                    </ul>
                                })}
                            </li>
                        }).collect_view()}
                    </ol>
                    {full.then(|| view! {
                        <button type="button" class="button small" on:click=load_more>{t(k::AUDIT_MORE)}</button>
                    })}
                }
            }}
        </section>
    }
}

fn audit_action(r: &AuditView) -> String {
    let what: Key = match r.entity.as_str() {
        "contact" => k::AUDIT_ENTITY_CONTACT,
        "billing" => k::AUDIT_ENTITY_BILLING,
        "access" => k::AUDIT_ENTITY_ACCESS,
        "portal" => k::AUDIT_ENTITY_PORTAL,
        _ => k::AUDIT_ENTITY_CUSTOMER,
    };
    let action: Key = match r.action.as_str() {
        "created" => k::AUDIT_CREATED,
        "archived" => k::AUDIT_ARCHIVED,
        "restored" => k::AUDIT_RESTORED,
        "main_contact" => k::AUDIT_MAIN_CONTACT,
        "imported" => k::AUDIT_IMPORTED,
        "import_undone" => k::AUDIT_IMPORT_UNDONE,
        _ => k::AUDIT_UPDATED,
    };
    let action = match (&r.file_name, r.action.as_str()) {
        (Some(file), "imported") => crate::i18n::fill(t(k::AUDIT_IMPORTED_FROM), [("file", file.as_str())]),
        _ => t(action).to_string(),
    };
    match &r.subject {
        Some(s) => format!("{} {} — {}", t(what), s, action),
        None => format!("{} — {}", t(what), action),
    }
}

/// Labels for the audit trail's and conflicts' field paths, in every form of the page.
pub const FIELD_LABELS: &[(&str, Key)] = &[
    ("name", k::CUSTOMER_NAME),
    ("rank", k::CUSTOMER_RANK),
    ("domains", k::CUSTOMER_DOMAINS),
    ("tax_id", k::CUSTOMER_TAX_ID),
    ("phone", k::CUSTOMER_PHONE),
    ("fax", k::CUSTOMER_FAX),
    ("sla", k::SLA_TITLE),
    ("alert_profile", k::ALERT_TITLE),
    ("address.street", k::ADDRESS_STREET),
    ("address.postal_code", k::ADDRESS_POSTAL_CODE),
    ("address.city", k::ADDRESS_CITY),
    ("address.region", k::ADDRESS_REGION),
    ("address.country", k::ADDRESS_COUNTRY),
    ("first_name", k::CONTACT_FIRST_NAME),
    ("last_name", k::CONTACT_LAST_NAME),
    ("email", k::LOGIN_EMAIL),
    ("mobile", k::CONTACT_MOBILE),
    ("job_title", k::CONTACT_JOB_TITLE),
    ("company_contact", k::CONTACT_COMPANY_CONTACT),
    ("notification_preference", k::CONTACT_NOTIFICATIONS),
    ("portal_access", k::PORTAL_ACCESS),
    ("portal_level", k::PORTAL_LEVEL),
    ("main_contact", k::CUSTOMER_MAIN_CONTACT),
    ("attention", k::BILLING_ATTENTION),
    ("tax_region", k::BILLING_TAX_REGION),
    ("iban", k::BILLING_IBAN),
    ("tax_treatment", k::BILLING_TAX_TREATMENT),
    ("currency", k::CONTRACT_CURRENCY),
    ("payment_terms_days", k::CONTRACT_PAYMENT_TERMS),
    ("invoice_template", k::BILLING_TEMPLATE),
    ("invoice_language", k::BILLING_LANGUAGE),
    ("delivery", k::BILLING_DELIVERY),
    ("account_manager", k::TEAM_ACCOUNT_MANAGER),
    ("members", k::TEAM_MEMBERS),
    ("parent", k::STRUCTURE_PARENT),
    ("bill_to_parent", k::STRUCTURE_BILL_TO_PARENT),
    ("tickets_only_via_main", k::PORTAL_TICKETS_ONLY_MAIN),
    ("self_managed_profile", k::PORTAL_SELF_MANAGED),
];

pub fn field_label(path: &str) -> String {
    if FIELD_LABELS
        .iter()
        .any(|(p, _)| *p == path || path.starts_with(&format!("{p}[")))
    {
        return super::editor::label_from(FIELD_LABELS, path);
    }
    // Imports record their changes by the file's column keys.
    let locale = crate::i18n::use_locale();
    [
        crate::imports::ImportKind::Customers,
        crate::imports::ImportKind::Contacts,
    ]
    .into_iter()
    .find(|kind| kind.index(path).is_some())
    .map(|kind| crate::imports::columns::label(kind, path, locale))
    .unwrap_or_else(|| path.to_string())
}
