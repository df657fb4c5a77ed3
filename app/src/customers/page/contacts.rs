//! The Contacts tab: the customer's contacts with the main contact column, switching the
//! main contact in one click, portal access and level, and the contact form.

use domain::{NotificationPreference, PortalLevel};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use super::editor::{Editor, SaveBar};
use super::overview::field_label;
use super::{PageData, can};
use crate::auth::Permission;
use crate::customers::contacts::{save_contact, set_contact_archived, set_main_contact};
use crate::customers::{ContactView, CustomerDetail};
use crate::error::AppError;
use crate::forms::draft::{Choice, Field};
use crate::i18n::{Key, k, t, use_locale};
use crate::ui::{DataTable, Th};

/// The contact table's columns; phone and job title only where contacts are managed here.
fn contact_columns(self_managed: bool) -> Vec<Th> {
    let mut columns = vec![Th::text(k::CUSTOMER_NAME), Th::text(k::LOGIN_EMAIL)];
    if self_managed {
        columns.extend([Th::text(k::CUSTOMER_PHONE), Th::text(k::CONTACT_JOB_TITLE)]);
    }
    columns.extend([
        Th::text(k::CUSTOMER_MAIN_CONTACT),
        Th::text(k::PORTAL_ACCESS),
        Th::text(k::CONTACT_NOTIFICATIONS),
        Th::actions(),
    ]);
    columns
}

/// Which contact the form is open for.
#[derive(Clone, PartialEq)]
enum Open {
    None,
    New,
    Edit(Uuid),
}

#[component]
pub fn ContactsTab(c: CustomerDetail) -> impl IntoView {
    let page = expect_context::<PageData>();
    let locale = use_locale();
    let may_edit = can(Permission::EditCustomers);
    let open = RwSignal::new(Open::None);
    let error = RwSignal::new(None::<AppError>);
    let self_managed = c.portal.self_managed_profile;
    let home = domain::Country::parse(&c.profile.address.country).ok();
    let customer = c.id;
    let contacts = StoredValue::new(c.contacts.clone());
    let show_archived = RwSignal::new(false);
    let archived_count = c.contacts.iter().filter(|x| x.archived).count();

    let act = move |f: std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), AppError>>>>| {
        spawn_local(async move {
            match f.await {
                Ok(()) => {
                    error.set(None);
                    page.saved();
                }
                Err(e) => error.set(Some(e)),
            }
        })
    };

    view! {
        <section class="card" aria-labelledby="contacts-title">
            <div class="section-header">
                <h2 id="contacts-title">{t(k::CUSTOMER_CONTACTS)}</h2>
                <Show when=move || may_edit.get()>
                    <button type="button" class="button primary" on:click=move |_| open.set(Open::New)>{t(k::CONTACT_ADD)}</button>
                </Show>
            </div>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e.message(locale)}</p> })}
            {move || match open.get() {
                Open::None => None,
                Open::New => Some(view! {
                    <ContactForm customer=customer contact=None home=home self_managed=self_managed on_done=Callback::new(move |_| open.set(Open::None)) />
                }.into_any()),
                Open::Edit(id) => contacts.with_value(|list| list.iter().find(|x| x.id == id).cloned()).map(|x| view! {
                    <ContactForm customer=customer contact=Some(x) home=home self_managed=self_managed on_done=Callback::new(move |_| open.set(Open::None)) />
                }.into_any()),
            }}
            <DataTable id="contacts-table" columns=contact_columns(self_managed)>
                        {c.contacts.iter().map(|x| {
                            let id = x.id;
                            let name = x.full_name();
                            let row_name = name.clone();
                            let archived = x.archived;
                            view! {
                                <tr class:archived=archived data-contact=row_name
                                    class:hidden=move || archived && !show_archived.get()>
                                    <td>
                                        {name.clone()}
                                        {archived.then(|| view! { " " <span class="badge muted">{t(k::CUSTOMER_ARCHIVED)}</span> })}
                                        {(self_managed && x.form.company_contact).then(|| view! { " " <span class="badge">{t(k::CONTACT_COMPANY_CONTACT)}</span> })}
                                    </td>
                                    <td><a href=format!("mailto:{}", x.form.person.email)>{x.form.person.email.clone()}</a></td>
                                    {self_managed.then(|| view! {
                                        <td>{[x.form.person.phone.clone(), x.form.person.mobile.clone()].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" · ")}</td>
                                        <td>{x.form.person.job_title.clone()}</td>
                                    })}
                                    <td>
                                        {if x.is_main {
                                            view! { <span class="badge ok main-contact">{t(k::CUSTOMER_MAIN_CONTACT)}</span> }.into_any()
                                        } else if !archived {
                                            view! {
                                                <Show when=move || may_edit.get()>
                                                    <button type="button" class="button small make-main"
                                                        aria-label=format!("{}: {}", t(k::CONTACT_MAKE_MAIN), name.clone())
                                                        on:click=move |_| act(Box::pin(set_main_contact(customer, id)))>
                                                        {t(k::CONTACT_MAKE_MAIN)}
                                                    </button>
                                                </Show>
                                            }.into_any()
                                        } else {
                                            ().into_any()
                                        }}
                                    </td>
                                    <td>{portal_text(x)}</td>
                                    <td>{NotificationPreference::parse(&x.form.notification_preference).map(|n| t(notification_key(n))).unwrap_or_default()}</td>
                                    <td class="row-actions">
                                        <Show when=move || may_edit.get()>
                                            <button type="button" class="button small" on:click=move |_| open.set(Open::Edit(id))>{t(k::SETTINGS_EDIT)}</button>
                                            {if archived {
                                                view! { <button type="button" class="button small" on:click=move |_| act(Box::pin(set_contact_archived(customer, id, false)))>{t(k::COMMON_RESTORE)}</button> }.into_any()
                                            } else {
                                                view! { <button type="button" class="button small" on:click=move |_| act(Box::pin(set_contact_archived(customer, id, true)))>{t(k::COMMON_ARCHIVE)}</button> }.into_any()
                                            }}
                                        </Show>
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </DataTable>
            {(archived_count > 0).then(|| view! {
                <label class="check">
                    <input type="checkbox" prop:checked=move || show_archived.get() on:change=move |ev| show_archived.set(event_target_checked(&ev)) />
                    {format!("{} ({archived_count})", t(k::CONTACT_SHOW_ARCHIVED))}
                </label>
            })}
        </section>
    }
}

fn portal_text(x: &ContactView) -> String {
    if !x.form.portal_access {
        return t(k::PORTAL_NONE).to_string();
    }
    let level = PortalLevel::parse(&x.form.portal_level).unwrap_or(PortalLevel::Standard);
    let effective = level.effective(x.is_main);
    let mut s = t(level_key(level)).to_string();
    if effective != level {
        s.push_str(&format!(" ({})", t(k::PORTAL_MAIN_SEES_ALL)));
    }
    s
}

pub fn level_key(l: PortalLevel) -> Key {
    match l {
        PortalLevel::Standard => k::PORTAL_LEVEL_STANDARD,
        PortalLevel::Company => k::PORTAL_LEVEL_COMPANY,
        PortalLevel::Manager => k::PORTAL_LEVEL_MANAGER,
    }
}

fn notification_key(n: NotificationPreference) -> Key {
    match n {
        NotificationPreference::All => k::NOTIFY_ALL,
        NotificationPreference::OwnTickets => k::NOTIFY_OWN_TICKETS,
        NotificationPreference::None => k::NOTIFY_NONE,
    }
}

#[component]
fn ContactForm(
    customer: Uuid,
    contact: Option<ContactView>,
    home: Option<domain::Country>,
    self_managed: bool,
    on_done: Callback<()>,
) -> impl IntoView {
    let page = expect_context::<PageData>();
    let contact_id = contact.as_ref().map(|x| x.id);
    let editor = Editor::new(
        contact.as_ref().map(|x| x.form.clone()).unwrap_or_default(),
        contact.as_ref().map(|x| x.version).unwrap_or(0),
    );
    let key = StoredValue::new(crate::forms::new_idempotency_key());
    let fields = editor.validated(move |d| d.validate(home).err().unwrap_or_default());
    let state = editor.draft;
    let l = move |get, set| editor.lens(get, set);
    let save = Callback::new(move |_| {
        editor.save(
            Some(fields),
            move |version, base, draft| async move {
                save_contact(customer, contact_id, version, base, draft, key.get_value())
                    .await
                    .map(|s| s.version)
            },
            move || {
                on_done.run(());
                page.saved();
            },
        );
    });
    let title = if contact.is_some() {
        k::CONTACT_EDIT
    } else {
        k::CONTACT_ADD
    };
    view! {
        <form class="card inset" aria-label=t(title) novalidate on:submit=move |ev| { ev.prevent_default(); save.run(()); }>
            <h3>{t(title)}</h3>
            <div class="grid-form">
                <Field path="first_name" label=k::CONTACT_FIRST_NAME required=true autocomplete="given-name"
                    lens=l(|d| &d.person.first_name, |d| &mut d.person.first_name) />
                <Field path="last_name" label=k::CONTACT_LAST_NAME required=true autocomplete="family-name"
                    lens=l(|d| &d.person.last_name, |d| &mut d.person.last_name) />
                <Field path="email" label=k::LOGIN_EMAIL required=true input_type="email" autocomplete="email"
                    lens=l(|d| &d.person.email, |d| &mut d.person.email) />
                {self_managed.then(|| view! {
                    <Field path="phone" label=k::CUSTOMER_PHONE input_type="tel"
                        lens=l(|d| &d.person.phone, |d| &mut d.person.phone) />
                    <Field path="mobile" label=k::CONTACT_MOBILE input_type="tel"
                        lens=l(|d| &d.person.mobile, |d| &mut d.person.mobile) />
                    <Field path="job_title" label=k::CONTACT_JOB_TITLE
                        lens=l(|d| &d.person.job_title, |d| &mut d.person.job_title) />
                })}
                <Choice path="notification_preference" label=k::CONTACT_NOTIFICATIONS
                    lens=l(|d| &d.notification_preference, |d| &mut d.notification_preference)
                    options=NotificationPreference::ALL.iter().map(|n| (n.as_str(), notification_key(*n))).collect() />
            </div>
            {self_managed.then(|| view! {
                <label class="check">
                    <input type="checkbox" prop:checked=move || state.with(|d| d.company_contact)
                        on:change=move |ev| state.update(|d| d.company_contact = event_target_checked(&ev)) />
                    {t(k::CONTACT_COMPANY_CONTACT)}
                </label>
            })}
            <fieldset>
                <legend>{t(k::PORTAL_ACCESS)}</legend>
                <label class="check">
                    <input type="checkbox" name="portal_access" prop:checked=move || state.with(|d| d.portal_access)
                        on:change=move |ev| state.update(|d| d.portal_access = event_target_checked(&ev)) />
                    {t(k::PORTAL_ENABLE)}
                </label>
                <Show when=move || state.with(|d| d.portal_access)>
                    <Choice path="portal_level" label=k::PORTAL_LEVEL
                        lens=l(|d| &d.portal_level, |d| &mut d.portal_level)
                        options=PortalLevel::ALL.iter().map(|p| (p.as_str(), level_key(*p))).collect() />
                    <p class="hint">{t(k::PORTAL_LEVEL_HINT)}</p>
                </Show>
            </fieldset>
            <SaveBar editor=editor label=field_label save=save reload=Callback::new(move |_| { on_done.run(()); page.reload(); }) />
            <button type="button" class="link-button" on:click=move |_| on_done.run(())>{t(k::SETTINGS_CANCEL)}</button>
        </form>
    }
}
