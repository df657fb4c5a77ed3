//! Settings → API tokens: create one (name, scopes), see its secret once and copy it,
//! see when each was last used, revoke one.

use leptos::prelude::*;

use crate::ui::{DataTable, Th};
use leptos_meta::Title;
use uuid::Uuid;

use super::{ApiScope, ApiToken, CreatedToken, create_token, list_tokens, revoke_token};
use crate::error::AppError;
use crate::i18n::{k, t, text_with, use_locale};
use crate::settings::SettingsNav;
use crate::shell::format_instant;

/// Puts `text` on the clipboard (`navigator.clipboard.writeText`), if the browser has one.
#[cfg(feature = "hydrate")]
fn copy_text(text: &str) -> bool {
    use wasm_bindgen::{JsCast, JsValue};
    let Some(window) = web_sys::window() else {
        return false;
    };
    let clipboard = js_sys::Reflect::get(&window.navigator(), &JsValue::from_str("clipboard"))
        .ok()
        .filter(|c| !c.is_undefined());
    let write = clipboard.as_ref().and_then(|c| {
        js_sys::Reflect::get(c, &JsValue::from_str("writeText"))
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    });
    match (clipboard, write) {
        (Some(c), Some(f)) => f.call1(&c, &JsValue::from_str(text)).is_ok(),
        _ => false,
    }
}

#[cfg(not(feature = "hydrate"))]
fn copy_text(_text: &str) -> bool {
    false
}

#[component]
pub fn ApiTokensPage() -> impl IntoView {
    let locale = use_locale();
    let reload = RwSignal::new(0u32);
    let rows = Resource::new(move || reload.get(), |_| list_tokens());
    let name = RwSignal::new(String::new());
    let scopes = RwSignal::new(vec![ApiScope::UsageWrite]);
    let created = RwSignal::new(None::<CreatedToken>);
    let copied = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    let create = Action::new(move |(name, scopes): &(String, Vec<String>)| {
        let (name, scopes) = (name.clone(), scopes.clone());
        async move { create_token(name, scopes).await }
    });
    Effect::new(move |_| match create.value().get() {
        Some(Ok(token)) => {
            created.set(Some(token));
            copied.set(false);
            error.set(None);
            name.set(String::new());
            reload.update(|n| *n += 1);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let revoke = Action::new(move |id: &Uuid| {
        let id = *id;
        async move { revoke_token(id).await }
    });
    let confirming = RwSignal::new(None::<Uuid>);
    Effect::new(move |_| match revoke.value().get() {
        Some(Ok(_)) => {
            confirming.set(None);
            reload.update(|n| *n += 1);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let field_error = move |field: &'static str| {
        move || error.with(|e| e.as_ref().and_then(|e| e.field(field)).map(|p| p.message(locale)))
    };
    let general = move || {
        error.with(|e| {
            e.as_ref()
                .filter(|e| !matches!(e, AppError::Validation { .. }))
                .map(|e| e.message(locale))
        })
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let chosen: Vec<String> = scopes.get_untracked().iter().map(|s| s.as_str().to_string()).collect();
        create.dispatch((name.get_untracked(), chosen));
    };

    view! {
        <Title text=t(k::API_TOKENS_TITLE) />
        <header class="page-header">
            <h1>{t(k::NAV_SETTINGS)}</h1>
        </header>
        <SettingsNav />
        <h2>{t(k::API_TOKENS_TITLE)}</h2>
        <p class="muted">{t(k::API_TOKENS_INTRO)}</p>
        {move || created.get().map(|c| view! {
            <section class="card stack" aria-labelledby="token-secret-title">
                <h3 id="token-secret-title">{text_with(locale, k::API_TOKENS_CREATED, &[("name", &c.token.name)])}</h3>
                <p class="warning">{t(k::API_TOKENS_SHOWN_ONCE)}</p>
                <div class="secret-row">
                    <label class="visually-hidden" for="token-secret">{t(k::API_TOKENS_SECRET)}</label>
                    <input id="token-secret" class="secret" readonly="" value=c.secret.clone()
                        on:focus=|ev| {
                            #[cfg(feature = "hydrate")]
                            {
                                use wasm_bindgen::JsCast;
                                if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                                    input.select();
                                }
                            }
                            #[cfg(not(feature = "hydrate"))]
                            let _ = ev;
                        } />
                    <button type="button" class="button" on:click={
                        let secret = c.secret.clone();
                        move |_| copied.set(copy_text(&secret))
                    }>{t(k::API_TOKENS_COPY)}</button>
                </div>
                <p class="notice" role="status">{move || copied.get().then(|| t(k::API_TOKENS_COPIED))}</p>
                <div class="actions">
                    <button type="button" class="button primary" on:click=move |_| created.set(None)>{t(k::API_TOKENS_DONE)}</button>
                </div>
            </section>
        })}
        <form class="card grid-form" novalidate="" on:submit=submit aria-labelledby="new-token-title">
            <h3 id="new-token-title">{t(k::API_TOKENS_NEW)}</h3>
            <div class="field">
                <label for="token-name">{t(k::API_TOKENS_NAME)} <span class="required" aria-hidden="true">" *"</span></label>
                <input id="token-name" type="text" autocomplete="off" required="" aria-required="true"
                    aria-describedby="token-name-hint token-name-error"
                    prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) />
                <p class="hint" id="token-name-hint">{t(k::API_TOKENS_NAME_HINT)}</p>
                <p class="field-error" id="token-name-error" aria-live="polite">{field_error("name")}</p>
            </div>
            <fieldset class="field">
                <legend>{t(k::API_TOKENS_SCOPES)}</legend>
                {ApiScope::ALL.into_iter().map(|scope| view! {
                    <label class="checkbox">
                        <input type="checkbox" prop:checked=move || scopes.with(|s| s.contains(&scope))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                scopes.update(|s| {
                                    s.retain(|x| *x != scope);
                                    if on { s.push(scope); }
                                });
                            } />
                        <code>{scope.as_str()}</code> " " {t(scope.label())}
                    </label>
                }).collect_view()}
                <p class="field-error" aria-live="polite">{field_error("scopes")}</p>
            </fieldset>
            <p class="form-error" role="alert">{general}</p>
            <div class="actions">
                <button type="submit" class="button primary" disabled=move || create.pending().get()>{t(k::API_TOKENS_CREATE)}</button>
            </div>
        </form>
        <Transition fallback=|| view! { <p class="muted">{t(k::COMMON_LOADING)}</p> }>
            {move || rows.get().map(|r| match r {
                Err(e) => view! { <p class="form-error" role="alert">{e.message(locale)}</p> }.into_any(),
                Ok(rows) if rows.is_empty() => view! { <p class="muted">{t(k::API_TOKENS_EMPTY)}</p> }.into_any(),
                Ok(rows) => view! { <TokenTable rows=rows confirming=confirming revoke=revoke /> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn TokenTable(
    rows: Vec<ApiToken>,
    confirming: RwSignal<Option<Uuid>>,
    revoke: Action<Uuid, Result<ApiToken, AppError>>,
) -> impl IntoView {
    let locale = use_locale();
    let when = move |at: Option<chrono::DateTime<chrono::Utc>>| {
        at.map(|d| format_instant(d, locale))
            .unwrap_or_else(|| t(k::USERS_NEVER).to_string())
    };
    view! {
        <DataTable id="api-token-table" columns=vec![
            Th::text(k::API_TOKENS_NAME),
            Th::text(k::API_TOKENS_TOKEN),
            Th::text(k::API_TOKENS_SCOPES),
            Th::text(k::API_TOKENS_CREATED_BY),
            Th::text(k::API_TOKENS_LAST_USED),
            Th::text(k::API_TOKENS_STATUS),
            Th::actions(),
        ]>
                    {rows.into_iter().map(|token| {
                        let id = token.id;
                        let revoked = token.revoked_at.is_some();
                        let status = match (token.revoked_at, &token.revoked_by) {
                            (Some(at), by) => text_with(locale, k::API_TOKENS_REVOKED_AT, &[
                                ("at", &format_instant(at, locale)),
                                ("by", by.as_deref().unwrap_or("—")),
                            ]),
                            (None, _) => t(k::API_TOKENS_ACTIVE).to_string(),
                        };
                        let created = format!("{} · {}", token.created_by.clone().unwrap_or_default(), format_instant(token.created_at, locale));
                        let scopes = token.scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ");
                        let label = text_with(locale, k::API_TOKENS_REVOKE_LABEL, &[("name", &token.name)]);
                        view! {
                            <tr class:inactive=revoked>
                                <td>{token.name.clone()}</td>
                                <td><code>{format!("{}…", token.prefix)}</code></td>
                                <td>{scopes}</td>
                                <td>{created}</td>
                                <td>{when(token.last_used_at)}</td>
                                <td>{status}</td>
                                <td class="row-actions">
                                    {(!revoked).then(|| view! {
                                        <Show when=move || confirming.get() == Some(id)
                                            fallback=move || view! {
                                                <button type="button" class="button small" aria-label=label.clone()
                                                    on:click=move |_| confirming.set(Some(id))>{t(k::API_TOKENS_REVOKE)}</button>
                                            }>
                                            <span class="muted">{t(k::API_TOKENS_REVOKE_CONFIRM)}</span> " "
                                            <button type="button" class="button small danger" disabled=move || revoke.pending().get()
                                                on:click=move |_| { revoke.dispatch(id); }>{t(k::API_TOKENS_REVOKE_YES)}</button>
                                            " "
                                            <button type="button" class="button small" on:click=move |_| confirming.set(None)>{t(k::SETTINGS_CANCEL)}</button>
                                        </Show>
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
        </DataTable>
    }
}
