//! Settings → Users: the admin's list of staff accounts.

use leptos::prelude::*;

use super::{CreateUser, NewUserFields, NewUserValues, SetUserActive, SetUserRestricted, SetUserRole, list_users};
use crate::auth::Role;
use crate::i18n::{k, t, use_locale};
use crate::shell::{role_label, use_user};
use crate::ui::{DataTable, Th};

#[component]
pub fn UsersPage() -> impl IntoView {
    let create = ServerAction::<CreateUser>::new();
    let set_role = ServerAction::<SetUserRole>::new();
    let set_active = ServerAction::<SetUserActive>::new();
    let set_restricted = ServerAction::<SetUserRestricted>::new();
    let users = Resource::new(
        move || {
            (
                create.version().get(),
                set_role.version().get(),
                set_active.version().get(),
                set_restricted.version().get(),
            )
        },
        |_| list_users(),
    );
    let locale = use_locale();
    let me = use_user();
    let values = NewUserValues::new();
    // A created user clears the form for the next one.
    Effect::new(move |_| {
        if matches!(create.value().get(), Some(Ok(_))) {
            values.clear();
        }
    });
    let create_error = move || create.value().get().and_then(Result::err);
    let create_general = move || {
        create_error()
            .filter(|e| !matches!(e, crate::error::AppError::Validation { .. }))
            .map(|e| e.message(locale))
    };
    let row_error = move || {
        let from = |v: Option<Result<(), crate::error::AppError>>| v.and_then(Result::err);
        from(set_role.value().get())
            .or_else(|| from(set_active.value().get()))
            .or_else(|| from(set_restricted.value().get()))
            .map(|e| match &e {
                crate::error::AppError::Validation { fields } => fields
                    .first()
                    .map(|f| f.message(locale))
                    .unwrap_or_else(|| e.message(locale)),
                other => other.message(locale),
            })
    };

    view! {
        <header class="page-header">
            <h1>{t(k::NAV_SETTINGS)}</h1>
        </header>
        <crate::settings::SettingsNav />
        <h2>{t(k::USERS_TITLE)}</h2>
        <p class="form-error" role="alert">{row_error}</p>
        <Transition fallback=|| view! { <p class="muted">{t(k::COMMON_LOADING)}</p> }>
            {move || users.get().map(|r| match r {
                Err(e) => view! { <p class="form-error" role="alert">{e.message(locale)}</p> }.into_any(),
                Ok(rows) => view! {
                    <DataTable id="users-table" columns=vec![Th::text(k::USERS_NAME), Th::text(k::LOGIN_EMAIL), Th::text(k::USERS_ROLE), Th::text(k::USERS_STATUS), Th::text(k::USERS_ACCESS), Th::text(k::USERS_LAST_LOGIN)]>
                                {rows.into_iter().map(|u| {
                                    let is_me = me.get().is_some_and(|m| m.id == u.id);
                                    let last = u.last_login_at
                                        .map(|d| crate::shell::format_instant(d, locale))
                                        .unwrap_or_else(|| t(k::USERS_NEVER).to_string());
                                    view! {
                                        <tr class:inactive=!u.active>
                                            <td>{u.name.clone()} {is_me.then(|| view! { <span class="badge">{t(k::USERS_YOU)}</span> })}</td>
                                            <td>{u.email.clone()}</td>
                                            <td>
                                                <ActionForm action=set_role attr:class="inline">
                                                    <input type="hidden" name="id" value=u.id.to_string() />
                                                    <label class="visually-hidden" for=format!("role-{}", u.id)>{t(k::USERS_ROLE)}</label>
                                                    <select id=format!("role-{}", u.id) name="role" disabled=is_me>
                                                        {Role::ALL.into_iter().map(|r| view! {
                                                            <option value=r.as_str() selected=r == u.role>{role_label(r)}</option>
                                                        }).collect_view()}
                                                    </select>
                                                    <button type="submit" class="button small" disabled=is_me>{t(k::COMMON_SAVE)}</button>
                                                </ActionForm>
                                            </td>
                                            <td>
                                                <ActionForm action=set_active attr:class="inline">
                                                    <input type="hidden" name="id" value=u.id.to_string() />
                                                    <input type="hidden" name="active" value=(!u.active).to_string() />
                                                    <span class="status">{if u.active { t(k::USERS_ACTIVE) } else { t(k::USERS_INACTIVE) }}</span>
                                                    <button type="submit" class="button small" disabled=is_me>
                                                        {if u.active { t(k::USERS_DEACTIVATE) } else { t(k::USERS_ACTIVATE) }}
                                                    </button>
                                                </ActionForm>
                                            </td>
                                            <td>
                                                {(u.role != Role::Admin).then(|| view! {
                                                    <ActionForm action=set_restricted attr:class="inline">
                                                        <input type="hidden" name="id" value=u.id.to_string() />
                                                        <input type="hidden" name="restricted" value=(!u.restricted).to_string() />
                                                        <span class="status">{if u.restricted { t(k::USERS_RESTRICTED) } else { t(k::USERS_ALL_CUSTOMERS) }}</span>
                                                        <button type="submit" class="button small">
                                                            {if u.restricted { t(k::USERS_UNRESTRICT) } else { t(k::USERS_RESTRICT) }}
                                                        </button>
                                                    </ActionForm>
                                                })}
                                            </td>
                                            <td>{last}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </DataTable>
                }.into_any(),
            })}
        </Transition>

        <section class="card" aria-labelledby="new-user-title">
            <h2 id="new-user-title">{t(k::USERS_CREATE_TITLE)}</h2>
            <ActionForm action=create attr:class="grid-form" attr:novalidate="">
                <NewUserFields
                    form_id="new-user"
                    values=values
                    server_error=Signal::derive(create_error)
                    password_label=k::USERS_INITIAL_PASSWORD
                    email_autocomplete="off"
                />
                <div class="field">
                    <label for="new-user-role">{t(k::USERS_ROLE)}</label>
                    <select id="new-user-role" name="role">
                        {Role::ALL
                            .into_iter()
                            .map(|r| {
                                view! {
                                    <option value=r.as_str() selected=r == Role::Technician>
                                        {role_label(r)}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <p class="form-error" role="alert">{create_general}</p>
                <Show when=move || matches!(create.value().get(), Some(Ok(_)))>
                    <p class="notice" role="status">{t(k::USERS_CREATED)}</p>
                </Show>
                <div class="actions">
                    <button type="submit" class="button primary">{t(k::USERS_CREATE)}</button>
                </div>
            </ActionForm>
        </section>
    }
}
