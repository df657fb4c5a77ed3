//! The Settings tab: the customer's general data, its parent, and archiving.

use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use super::editor::{Editor, SaveBar};
use super::overview::field_label;
use super::{PageData, can};
use crate::auth::Permission;
use crate::customers::profile::{save_profile, set_customer_archived};
use crate::customers::service_level::{ServiceLevelDraft, save_service_level};
use crate::customers::structure::{StructureDraft, parent_options, save_structure};
use crate::customers::{CustomerDetail, NamedRef, SharedOption, shared_options};
use crate::error::AppError;
use crate::forms::draft::{Field, lens};
use crate::i18n::{Key, k, t, use_locale};

#[component]
pub fn SettingsTab(c: CustomerDetail) -> impl IntoView {
    let may_edit = can(Permission::EditCustomers);
    view! {
        <Show when=move || may_edit.get() fallback=|| view! { <p class="muted">{t(k::ERROR_FORBIDDEN)}</p> }>
            <ProfileForm c=c.clone() />
            <ServiceLevelForm c=c.clone() />
            <StructureForm c=c.clone() />
            <Archive c=c.clone() />
        </Show>
    }
}

#[component]
fn ProfileForm(c: CustomerDetail) -> impl IntoView {
    let page = expect_context::<PageData>();
    let customer = c.id;
    let editor = Editor::new(c.profile.clone(), c.version);
    let fields = editor.validated(move |d| d.validate().err().unwrap_or_default());
    let state = editor.draft;
    let l = move |get, set| editor.lens(get, set);
    let save = Callback::new(move |_| {
        editor.save(
            Some(fields),
            move |version, base, draft| save_profile(customer, version, base, draft),
            move || page.saved(),
        );
    });
    let rows = move || state.with(|d| d.domains.len().max(1));
    view! {
        <section class="card" aria-labelledby="profile-title">
            <h2 id="profile-title">{t(k::SETTINGS_GENERAL)}</h2>
            <form id="profile-form" novalidate on:submit=move |ev| { ev.prevent_default(); save.run(()); }>
                <div class="grid-form">
                    <Field path="name" label=k::CUSTOMER_NAME required=true lens=l(|d| &d.name, |d| &mut d.name) />
                    <Field path="rank" label=k::CUSTOMER_RANK hint=k::CUSTOMER_RANK_HINT lens=l(|d| &d.rank, |d| &mut d.rank) />
                    <Field path="tax_id" label=k::CUSTOMER_TAX_ID hint=k::CUSTOMER_TAX_ID_HINT lens=l(|d| &d.tax_id, |d| &mut d.tax_id) />
                    <Field path="phone" label=k::CUSTOMER_PHONE input_type="tel" lens=l(|d| &d.phone, |d| &mut d.phone) />
                    <Field path="fax" label=k::CUSTOMER_FAX input_type="tel" lens=l(|d| &d.fax, |d| &mut d.fax) />
                </div>
                <fieldset class="list-field">
                    <legend>{t(k::CUSTOMER_DOMAINS)}</legend>
                    <p class="hint">{t(k::CUSTOMER_DOMAINS_HINT)}</p>
                    <For each=move || 0..rows() key=|i| *i let:i>
                        <div class="list-row">
                            <Field path=format!("domains[{i}]") label=k::CUSTOMER_DOMAIN
                                lens=lens(state, move |d| d.domains.get(i), move |d| {
                                    if d.domains.len() <= i { d.domains.resize(i + 1, String::new()); }
                                    d.domains.get_mut(i)
                                }) />
                            <button type="button" class="button small" aria-label=t(k::COMMON_REMOVE)
                                on:click=move |_| state.update(|d| if i < d.domains.len() { d.domains.remove(i); })>"×"</button>
                        </div>
                    </For>
                    <button type="button" class="button small" on:click=move |_| state.update(|d| {
                        if d.domains.is_empty() { d.domains.push(String::new()); }
                        d.domains.push(String::new());
                    })>{t(k::CUSTOMER_ADD_DOMAIN)}</button>
                </fieldset>
                <fieldset class="grid-form">
                    <legend>{t(k::ADDRESS_TITLE)}</legend>
                    <crate::forms::address::AddressFields state=editor.draft get=|d| &d.address set=|d| &mut d.address />
                </fieldset>
                <SaveBar editor=editor label=field_label save=save reload=Callback::new(move |_| page.reload()) />
            </form>
        </section>
    }
}

type Options = (Vec<SharedOption>, Vec<SharedOption>);

/// The SLA and alert profile: a shared one, the customer's own custom one, or none.
#[component]
fn ServiceLevelForm(c: CustomerDetail) -> impl IntoView {
    let page = expect_context::<PageData>();
    let customer = c.id;
    let id_of = |r: &Option<NamedRef>| r.as_ref().map(|r| r.id.to_string()).unwrap_or_default();
    let editor = Editor::new(
        ServiceLevelDraft {
            sla: id_of(&c.sla),
            alert_profile: id_of(&c.alert_profile),
        },
        c.version,
    );
    let state = editor.draft;
    // Read after hydration by an effect (the server renders the select without them):
    // a resource here, inside the page's resolved Transition, breaks hydration.
    let options = RwSignal::new(None::<Options>);
    Effect::new(move |_| {
        spawn_local(async move {
            if let Ok(o) = shared_options().await {
                options.set(Some(o));
            }
        });
    });
    let save = Callback::new(move |_| {
        editor.save(
            None,
            move |version, base, draft| save_service_level(customer, version, base, draft),
            move || page.saved(),
        );
    });
    let select = move |id: &'static str,
                       label: Key,
                       own: Option<NamedRef>,
                       pick: fn(&Options) -> &Vec<SharedOption>,
                       get: fn(&ServiceLevelDraft) -> &String,
                       set: fn(&mut ServiceLevelDraft) -> &mut String| {
        let own = own.filter(|o| !o.shared).map(|o| {
            let v = o.id.to_string();
            let current = v.clone();
            view! { <option value=v selected=move || state.with(|d| *get(d) == current)>{format!("{} ({})", o.name, t(k::WIZARD_CUSTOM))}</option> }
        });
        view! {
            <div class="field">
                <label for=id>{t(label)}</label>
                <select id=id on:change=move |ev| { let v = event_target_value(&ev); state.update(|d| *set(d) = v); }>
                    <option value="" selected=move || state.with(|d| get(d).is_empty())>{t(k::SERVICE_LEVEL_NONE)}</option>
                    {own}
                    {move || options.get().map(|o| pick(&o).iter().map(|s| {
                        let v = s.id.to_string();
                        let current = v.clone();
                        view! { <option value=v selected=move || state.with(|d| *get(d) == current)>{s.name.clone()}</option> }
                    }).collect_view())}
                </select>
            </div>
        }
    };
    view! {
        <section class="card" aria-labelledby="service-level-title" id="service-level">
            <h2 id="service-level-title">{t(k::SERVICE_LEVEL_TITLE)}</h2>
            <form id="service-level-form" on:submit=move |ev| { ev.prevent_default(); save.run(()); }>
                <div class="grid-form">
                    {select("f-sla", k::SLA_TITLE, c.sla.clone(), |o| &o.0, |d| &d.sla, |d| &mut d.sla)}
                    {select("f-alert-profile", k::ALERT_TITLE, c.alert_profile.clone(), |o| &o.1, |d| &d.alert_profile, |d| &mut d.alert_profile)}
                </div>
                <SaveBar editor=editor label=field_label save=save reload=Callback::new(move |_| page.reload()) />
            </form>
        </section>
    }
}

#[component]
fn StructureForm(c: CustomerDetail) -> impl IntoView {
    let page = expect_context::<PageData>();
    let locale = use_locale();
    let may_bill = can(Permission::EditBilling);
    let customer = c.id;
    let editor = Editor::new(c.structure, c.version);
    let state = editor.draft;
    let parent_name = RwSignal::new(c.parent.as_ref().map(|p| p.name.clone()));
    let query = RwSignal::new(String::new());
    let found = Resource::new(
        move || query.get(),
        move |q| async move {
            if q.trim().len() < 2 {
                Ok(Vec::new())
            } else {
                parent_options(customer, q).await
            }
        },
    );
    let save = Callback::new(move |_| {
        editor.save(
            None,
            move |version, base, draft| save_structure(customer, version, base, draft),
            move || page.saved(),
        );
    });
    let choose = move |p: Option<NamedRef>| {
        parent_name.set(p.as_ref().map(|p| p.name.clone()));
        state.update(|d: &mut StructureDraft| {
            d.parent = p.map(|p| p.id);
            if d.parent.is_none() {
                d.bill_to_parent = false;
            }
        });
        query.set(String::new());
    };
    view! {
        <section class="card" aria-labelledby="structure-title">
            <h2 id="structure-title">{t(k::STRUCTURE_TITLE)}</h2>
            <form id="structure-form" on:submit=move |ev| { ev.prevent_default(); save.run(()); }>
                <p>
                    {t(k::STRUCTURE_PARENT)} ": "
                    <strong id="parent-name">{move || parent_name.get().unwrap_or_else(|| "—".into())}</strong>
                    {move || parent_name.get().is_some().then(|| view! {
                        " " <button type="button" class="button small" on:click=move |_| choose(None)>{t(k::COMMON_REMOVE)}</button>
                    })}
                </p>
                <div class="field">
                    <label for="parent-search">{t(k::STRUCTURE_FIND_PARENT)}</label>
                    <input id="parent-search" type="search" autocomplete="off" prop:value=move || query.get()
                        on:input=move |ev| query.set(event_target_value(&ev)) />
                </div>
                <Transition>
                    {move || found.get().map(|r| match r {
                        Err(e) => view! { <p class="form-error">{e.message(locale)}</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="plain options">
                                {list.into_iter().map(|p| {
                                    let name = p.name.clone();
                                    view! { <li><button type="button" class="link-button" on:click=move |_| choose(Some(p.clone()))>{name}</button></li> }
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                    })}
                </Transition>
                <label class="check">
                    <input type="checkbox" name="bill_to_parent"
                        disabled=move || !may_bill.get() || state.with(|d| d.parent.is_none())
                        prop:checked=move || state.with(|d| d.bill_to_parent)
                        on:change=move |ev| state.update(|d| d.bill_to_parent = event_target_checked(&ev)) />
                    {t(k::STRUCTURE_BILL_TO_PARENT)}
                </label>
                {move || editor.error.get().and_then(|e| e.field("parent").map(|p| p.message(locale))).map(|m| view! { <p class="field-error">{m}</p> })}
                <SaveBar editor=editor label=field_label save=save reload=Callback::new(move |_| page.reload()) />
            </form>
        </section>
    }
}

#[component]
fn Archive(c: CustomerDetail) -> impl IntoView {
    let page = expect_context::<PageData>();
    let locale = use_locale();
    let error = RwSignal::new(None::<AppError>);
    let customer: Uuid = c.id;
    let archived = c.archived;
    let toggle = move |_| {
        spawn_local(async move {
            match set_customer_archived(customer, !archived).await {
                Ok(_) => page.saved(),
                Err(e) => error.set(Some(e)),
            }
        })
    };
    view! {
        <section class="card" aria-labelledby="archive-title">
            <h2 id="archive-title">{t(if archived { k::COMMON_RESTORE } else { k::COMMON_ARCHIVE })}</h2>
            <p class="hint">{t(if archived { k::CUSTOMER_RESTORE_HINT } else { k::CUSTOMER_ARCHIVE_HINT })}</p>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e.message(locale)}</p> })}
            <button type="button" class="button" on:click=toggle>{t(if archived { k::COMMON_RESTORE } else { k::COMMON_ARCHIVE })}</button>
        </section>
    }
}
