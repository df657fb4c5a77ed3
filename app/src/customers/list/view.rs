//! The customer list page. Search, filters, sort and page live in the URL's query, so a
//! filtered list is a link (the billing banner is one) and works without JavaScript.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;
use uuid::Uuid;

use super::{ListQuery, ListSort, Structure, count_missing_billing, list_customers};
use crate::auth::Permission;
use crate::customers::profile::set_customer_archived;
use crate::customers::team::staff_options;
use crate::i18n::{Key, k, t, text_with, use_locale};
use crate::shell::use_user;
use crate::ui::{DataTable, EmptyState, Pager, Th};

fn flag(q: &ParamsMap, name: &str) -> bool {
    q.get(name).is_some_and(|v| v == "true" || v == "on" || v == "1")
}

fn query_from(q: &ParamsMap) -> ListQuery {
    ListQuery {
        q: q.get("q").unwrap_or_default(),
        missing_billing: flag(q, "missing_billing"),
        no_contract: flag(q, "no_contract"),
        no_active_contract: flag(q, "no_active_contract"),
        uses_services: flag(q, "uses_services"),
        structure: match q.get("structure").as_deref() {
            Some("parents") => Some(Structure::Parents),
            Some("children") => Some(Structure::Children),
            _ => None,
        },
        account_manager: q.get("manager").and_then(|s| s.parse().ok()),
        archived: flag(q, "archived"),
        sort: ListSort::parse(&q.get("sort").unwrap_or_default()),
        after: q.get("after").and_then(|s| s.parse().ok()),
        before: q.get("before").and_then(|s| s.parse().ok()),
    }
}

/// The list's URL for `query` (without paging unless set).
fn href(query: &ListQuery) -> String {
    let mut parts: Vec<(String, String)> = Vec::new();
    let mut push = |k: &str, v: String| parts.push((k.to_string(), v));
    if !query.q.is_empty() {
        push("q", query.q.clone());
    }
    if query.missing_billing {
        push("missing_billing", "true".into());
    }
    if query.no_contract {
        push("no_contract", "true".into());
    }
    if query.no_active_contract {
        push("no_active_contract", "true".into());
    }
    if query.uses_services {
        push("uses_services", "true".into());
    }
    match query.structure {
        Some(Structure::Parents) => push("structure", "parents".into()),
        Some(Structure::Children) => push("structure", "children".into()),
        None => {}
    }
    if let Some(m) = query.account_manager {
        push("manager", m.to_string());
    }
    if query.archived {
        push("archived", "true".into());
    }
    if query.sort != ListSort::Name {
        push("sort", query.sort.as_str().into());
    }
    if let Some(a) = query.after {
        push("after", a.to_string());
    }
    if let Some(b) = query.before {
        push("before", b.to_string());
    }
    let qs: Vec<String> = parts
        .into_iter()
        .map(|(k, v)| format!("{k}={}", urlencode(&v)))
        .collect();
    if qs.is_empty() {
        "/customers".into()
    } else {
        format!("/customers?{}", qs.join("&"))
    }
}

/// `s` percent-encoded for a URL's query (unreserved characters kept).
pub(crate) fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn sort_key(s: ListSort) -> Key {
    match s {
        ListSort::Name => k::LIST_SORT_NAME,
        ListSort::NameDesc => k::LIST_SORT_NAME_DESC,
        ListSort::Newest => k::LIST_SORT_NEWEST,
        ListSort::Oldest => k::LIST_SORT_OLDEST,
    }
}

#[component]
pub fn CustomersPage() -> impl IntoView {
    let params = use_query_map();
    let query = Memo::new(move |_| params.with(query_from));
    let generation = RwSignal::new(0u32);
    let page = Resource::new(move || (query.get(), generation.get()), |(q, _)| list_customers(q));
    let gaps = Resource::new(move || generation.get(), |_| count_missing_billing());
    let staff = Resource::new(|| (), |_| staff_options());
    let locale = use_locale();
    let user = use_user();
    view! {
        <Title text=t(k::CUSTOMERS_TITLE) />
        <header class="page-header with-actions">
            <h1>{t(k::CUSTOMERS_TITLE)}</h1>
            {move || user.get().filter(|u| u.can(Permission::CreateCustomer)).map(|_| view! {
                <a class="button primary" href="/customers/new">{t(k::CUSTOMERS_NEW)}</a>
            })}
        </header>
        <Suspense fallback=|| ()>
            {move || gaps.get().and_then(|r| r.ok()).filter(|n| *n > 0).map(|n| {
                let link = href(&ListQuery { missing_billing: true, ..Default::default() });
                view! {
                    <div class="banner warn" role="status" id="billing-banner">
                        <span>{text_with(locale, k::LIST_BILLING_BANNER, &[("count", &domain::format::format_decimal(n.into(), locale))])}</span>
                        " " <a href=link>{t(k::LIST_BILLING_BANNER_LINK)}</a>
                    </div>
                }
            })}
        </Suspense>
        <Form method="GET" action="/customers" attr:class="filters" attr:role="search">
            <div class="field grow">
                <label for="q">{t(k::LIST_SEARCH)}</label>
                <input id="q" name="q" type="search" placeholder=t(k::LIST_SEARCH_HINT) prop:value=move || query.with(|q| q.q.clone()) />
            </div>
            <label class="check"><input type="checkbox" name="missing_billing" value="true" prop:checked=move || query.with(|q| q.missing_billing) />{t(k::LIST_FILTER_MISSING_BILLING)}</label>
            <label class="check"><input type="checkbox" name="no_contract" value="true" prop:checked=move || query.with(|q| q.no_contract) />{t(k::LIST_FILTER_NO_CONTRACT)}</label>
            <label class="check"><input type="checkbox" name="uses_services" value="true" prop:checked=move || query.with(|q| q.uses_services) />{t(k::LIST_FILTER_USES_SERVICES)}</label>
            <label class="check"><input type="checkbox" name="archived" value="true" prop:checked=move || query.with(|q| q.archived) />{t(k::LIST_FILTER_ARCHIVED)}</label>
            <div class="field">
                <label for="structure">{t(k::LIST_FILTER_STRUCTURE)}</label>
                <select id="structure" name="structure">
                    <option value="" selected=move || query.with(|q| q.structure.is_none())>{t(k::LIST_ALL)}</option>
                    <option value="parents" selected=move || query.with(|q| q.structure == Some(Structure::Parents))>{t(k::LIST_PARENTS)}</option>
                    <option value="children" selected=move || query.with(|q| q.structure == Some(Structure::Children))>{t(k::LIST_CHILDREN)}</option>
                </select>
            </div>
            <div class="field">
                <label for="manager">{t(k::TEAM_ACCOUNT_MANAGER)}</label>
                <select id="manager" name="manager">
                    <option value="">{t(k::LIST_ALL)}</option>
                    <Suspense fallback=|| ()>
                        {move || staff.get().and_then(|r| r.ok()).map(|list| list.into_iter().map(|s| {
                            let id = s.id;
                            view! { <option value=id.to_string() selected=move || query.with(|q| q.account_manager == Some(id))>{s.name}</option> }
                        }).collect_view())}
                    </Suspense>
                </select>
            </div>
            <div class="field">
                <label for="sort">{t(k::LIST_SORT)}</label>
                <select id="sort" name="sort">
                    {ListSort::ALL.into_iter().map(|s| view! {
                        <option value=s.as_str() selected=move || query.with(|q| q.sort == s)>{t(sort_key(s))}</option>
                    }).collect_view()}
                </select>
            </div>
            <button type="submit" class="button">{t(k::LIST_APPLY)}</button>
        </Form>
        <Transition fallback=|| view! { <p class="muted">{t(k::COMMON_LOADING)}</p> }>
            {move || page.get().map(|r| match r {
                Err(e) => view! { <p class="form-error" role="alert">{e.message(locale)}</p> }.into_any(),
                Ok(p) if p.rows.is_empty() => view! {
                    <EmptyState text=if query.with(|q| *q == ListQuery::default()) { k::CUSTOMERS_EMPTY } else { k::LIST_NO_MATCH } />
                }.into_any(),
                Ok(p) => {
                    let q = query.get();
                    let prev = p.has_prev.then(|| href(&ListQuery { before: p.rows.first().map(|r| r.id), after: None, ..q.clone() }));
                    let next = p.has_next.then(|| href(&ListQuery { after: p.rows.last().map(|r| r.id), before: None, ..q.clone() }));
                    view! {
                        <DataTable id="customer-table" columns=vec![
                            Th::text(k::CUSTOMER_NAME),
                            Th::text(k::CUSTOMER_DOMAINS),
                            Th::text(k::CUSTOMER_MAIN_CONTACT),
                            Th::text(k::TEAM_ACCOUNT_MANAGER),
                            Th::num(k::CUSTOMER_CONTRACTS),
                            Th::text(k::CUSTOMER_CREATED),
                            Th::actions(),
                        ]>
                                    {p.rows.into_iter().map(|c| {
                                        let id = c.id;
                                        let base = format!("/customers/{id}");
                                        view! {
                                            <tr data-customer=c.name.clone()>
                                                <td>
                                                    <a href=base.clone()>{c.name.clone()}</a>
                                                    {(!c.billing_complete).then(|| view! {
                                                        " " <span class="badge warn" title=t(k::LIST_NO_BILLING_TITLE)>{t(k::BILLING_MISSING)}</span>
                                                    })}
                                                    {c.parent.clone().map(|p| view! { <br /><span class="muted small">{t(k::STRUCTURE_PARENT)} ": " {p}</span> })}
                                                    {(c.children > 0).then(|| view! { <br /><span class="muted small">{format!("{} {}", c.children, t(k::STRUCTURE_CHILDREN))}</span> })}
                                                </td>
                                                <td>{c.domains.join(", ")}</td>
                                                <td>{c.main_contact.clone().unwrap_or_default()}</td>
                                                <td>{c.account_manager.clone().unwrap_or_default()}</td>
                                                <td class="num">{c.contracts}</td>
                                                <td>{domain::format::format_date(c.created_at.date_naive(), locale)}</td>
                                                <td><RowMenu id=id name=c.name.clone() archived=c.archived generation=generation /></td>
                                            </tr>
                                        }
                                    }).collect_view()}
                        </DataTable>
                        <Pager first=None prev=prev next=next />
                    }.into_any()
                }
            })}
        </Transition>
    }
}

/// The row's "…" menu: add billing information, edit, archive (or restore).
#[component]
fn RowMenu(id: Uuid, name: String, archived: bool, generation: RwSignal<u32>) -> impl IntoView {
    let user = use_user();
    let may_edit = move || user.get().is_some_and(|u| u.can(Permission::EditCustomers));
    let may_bill = move || user.get().is_some_and(|u| u.can(Permission::EditBilling));
    let base = format!("/customers/{id}");
    let archive = move |_| {
        spawn_local(async move {
            if set_customer_archived(id, !archived).await.is_ok() {
                generation.update(|g| *g += 1);
            }
        })
    };
    view! {
        <details class="row-menu">
            <summary aria-label=format!("{}: {name}", t(k::SETTINGS_ACTIONS))>"…"</summary>
            <ul>
                {may_bill().then(|| view! { <li><a href=format!("{base}/billing")>{t(k::BILLING_ADD)}</a></li> })}
                {may_edit().then(|| view! {
                    <li><a href=format!("{base}/settings")>{t(k::SETTINGS_EDIT)}</a></li>
                    <li><button type="button" class="link-button" on:click=archive>{t(if archived { k::COMMON_RESTORE } else { k::COMMON_ARCHIVE })}</button></li>
                })}
                <li><a href=base.clone()>{t(k::LIST_OPEN)}</a></li>
            </ul>
        </details>
    }
}
