//! The Portal & security tab: "tickets only via the main contact", the self-managed
//! customer profile, and who has portal access at which level.

use domain::PortalLevel;
use leptos::prelude::*;

use super::contacts::level_key;
use super::editor::{Editor, SaveBar};
use super::overview::field_label;
use super::{PageData, can};
use crate::auth::Permission;
use crate::customers::CustomerDetail;
use crate::customers::portal::save_portal_settings;
use crate::i18n::{k, t};

#[component]
pub fn PortalTab(c: CustomerDetail) -> impl IntoView {
    let page = expect_context::<PageData>();
    let may_edit = can(Permission::EditCustomers);
    let customer = c.id;
    let editor = Editor::new(c.portal, c.version);
    let state = editor.draft;
    let save = Callback::new(move |_| {
        editor.save(
            None,
            move |version, base, draft| save_portal_settings(customer, version, base, draft),
            move || page.saved(),
        );
    });
    let with_access: Vec<_> = c
        .contacts
        .iter()
        .filter(|x| x.form.portal_access && !x.archived)
        .cloned()
        .collect();
    view! {
        <section class="card" aria-labelledby="portal-title">
            <h2 id="portal-title">{t(k::TAB_PORTAL)}</h2>
            <form id="portal-form" on:submit=move |ev| { ev.prevent_default(); save.run(()); }>
                <fieldset disabled=move || !may_edit.get()>
                    <label class="check">
                        <input type="checkbox" name="tickets_only_via_main"
                            prop:checked=move || state.with(|d| d.tickets_only_via_main)
                            on:change=move |ev| state.update(|d| d.tickets_only_via_main = event_target_checked(&ev)) />
                        {t(k::PORTAL_TICKETS_ONLY_MAIN)}
                    </label>
                    <p class="hint">{t(k::PORTAL_TICKETS_ONLY_MAIN_HINT)}</p>
                    <label class="check">
                        <input type="checkbox" name="self_managed_profile"
                            prop:checked=move || state.with(|d| d.self_managed_profile)
                            on:change=move |ev| state.update(|d| d.self_managed_profile = event_target_checked(&ev)) />
                        {t(k::PORTAL_SELF_MANAGED)}
                    </label>
                    <p class="hint">{t(k::PORTAL_SELF_MANAGED_HINT)}</p>
                </fieldset>
                <Show when=move || may_edit.get()>
                    <SaveBar editor=editor label=field_label save=save reload=Callback::new(move |_| page.reload()) />
                </Show>
            </form>
        </section>
        <section class="card" aria-labelledby="portal-users">
            <h2 id="portal-users">{t(k::PORTAL_USERS)}</h2>
            <p class="hint">{t(k::PORTAL_LEVEL_HINT)}</p>
            {if with_access.is_empty() {
                view! { <p class="muted">{t(k::PORTAL_NO_USERS)}</p> }.into_any()
            } else {
                view! {
                    <ul class="plain">
                        {with_access.into_iter().map(|x| {
                            let level = PortalLevel::parse(&x.form.portal_level).unwrap_or(PortalLevel::Standard);
                            view! {
                                <li>
                                    <strong>{x.full_name()}</strong> " · " {t(level_key(level))}
                                    {x.is_main.then(|| view! { " · " <span class="badge">{t(k::CUSTOMER_MAIN_CONTACT)}</span> " " {t(k::PORTAL_MAIN_SEES_ALL)} })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <p><a href=format!("/customers/{}/contacts", c.id)>{t(k::PORTAL_MANAGE_CONTACTS)}</a></p>
        </section>
    }
}
