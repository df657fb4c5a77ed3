//! `/customers`: the customer list (every customer, by name).

use leptos::prelude::*;
use leptos_meta::Title;

use super::list_customers;
use crate::auth::Permission;
use crate::i18n::{k, t, use_locale};
use crate::shell::use_user;

#[component]
pub fn CustomersPage() -> impl IntoView {
    let customers = Resource::new(|| (), |_| list_customers());
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
        <Suspense fallback=|| view! { <p class="muted">{t(k::COMMON_LOADING)}</p> }>
            {move || customers.get().map(|r| match r {
                Err(e) => view! { <p class="form-error" role="alert">{e.message(locale)}</p> }.into_any(),
                Ok(rows) if rows.is_empty() => view! {
                    <section class="empty-state"><p>{t(k::CUSTOMERS_EMPTY)}</p></section>
                }.into_any(),
                Ok(rows) => view! {
                    <div class="table-wrap">
                        <table class="data">
                            <thead>
                                <tr>
                                    <th scope="col">{t(k::CUSTOMER_NAME)}</th>
                                    <th scope="col">{t(k::CUSTOMER_DOMAINS)}</th>
                                    <th scope="col">{t(k::CUSTOMER_MAIN_CONTACT)}</th>
                                    <th scope="col">{t(k::CUSTOMER_CONTRACTS)}</th>
                                    <th scope="col">{t(k::CUSTOMER_CREATED)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {rows.into_iter().map(|c| view! {
                                    <tr>
                                        <td><a href=format!("/customers/{}", c.id)>{c.name}</a></td>
                                        <td>{c.domains.join(", ")}</td>
                                        <td>{c.main_contact.unwrap_or_default()}</td>
                                        <td>{c.contracts}</td>
                                        <td>{domain::format::format_date(c.created_at.date_naive(), locale)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any(),
            })}
        </Suspense>
    }
}
