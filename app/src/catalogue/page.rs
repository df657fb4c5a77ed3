//! Settings → Services: the catalogue's list and its editor. The form is checked as the
//! user types by `ServiceDraft::validate`, the function the server runs before it writes.

use std::collections::HashSet;

use domain::{BackupUnit, DeviceCategory, ServiceDraft, ServiceKind, TaxCategory};
use leptos::prelude::*;
use leptos_meta::Title;
use uuid::Uuid;

use super::{CatalogueEntry, list_services, save_service, service_history};
use crate::error::AppError;
use crate::forms::draft::{Choice, Field, FieldContext, field_lens};
use crate::i18n::{Key, choice_key, k, t, text_with, use_locale};
use crate::settings::SettingsNav;
use crate::ui::{DataTable, Dialog, ErrorNotice, Loading, Th};

/// What the editor is working on: an existing service at a version, or a new one.
#[derive(Clone, Copy, PartialEq)]
struct Editing {
    id: Option<Uuid>,
    version: Option<i32>,
}

fn blank() -> ServiceDraft {
    ServiceDraft {
        currency: "EUR".into(),
        tax_category: TaxCategory::Standard.as_str().into(),
        ..ServiceDraft::default()
    }
}

fn choices(group: &'static str, values: impl Iterator<Item = &'static str>) -> Vec<(&'static str, Key)> {
    std::iter::once(("", k::COMMON_CHOOSE))
        .chain(values.map(|v| (v, choice_key(group, v))))
        .collect()
}

/// "Per device (servers)", "Per GB or seat (per GB)", … for the list.
fn charged(s: &ServiceDraft) -> String {
    let kind = t(choice_key("service_kind", &s.kind)).to_string();
    let detail = match s.kind.as_str() {
        "per_device" => Some(choice_key("device_category", &s.device_category)),
        "per_usage" => Some(choice_key("backup_unit", &s.usage_unit)),
        _ => None,
    };
    match detail {
        Some(d) => format!("{kind} ({})", t(d)),
        None => kind,
    }
}

fn price(s: &ServiceDraft, locale: domain::Locale) -> String {
    match s.unit_price.parse::<rust_decimal::Decimal>() {
        Ok(amount) => format!("{} {}", domain::format_decimal(amount, locale), s.currency),
        Err(_) => format!("{} {}", s.unit_price, s.currency),
    }
}

#[component]
pub fn ServicesPage() -> impl IntoView {
    let locale = use_locale();
    let show_archived = RwSignal::new(false);
    let reload = RwSignal::new(0u32);
    let rows = Resource::new(
        move || (show_archived.get(), reload.get()),
        |(all, _)| list_services(all),
    );
    let editing = RwSignal::new(None::<Editing>);
    let saved = RwSignal::new(None::<i32>);
    let general = RwSignal::new(None::<AppError>);
    let state = RwSignal::new(blank());
    let ctx = FieldContext::new(Memo::new(move |_| {
        state.with(|d| d.validate().err().unwrap_or_default())
    }));
    provide_context(ctx);

    let open = move |target: Editing, draft: ServiceDraft| {
        state.set(draft);
        ctx.touched.set(HashSet::new());
        ctx.server.set(Vec::new());
        ctx.attempted.set(false);
        general.set(None);
        saved.set(None);
        editing.set(Some(target));
    };
    let save = Action::new(move |(target, draft): &(Editing, ServiceDraft)| {
        let (target, draft) = (*target, draft.clone());
        async move { save_service(target.id, target.version, draft).await }
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(entry)) => {
            editing.set(None);
            saved.set(Some(entry.version));
            reload.update(|n| *n += 1);
        }
        Some(Err(AppError::Validation { fields })) => ctx.show_all(fields),
        Some(Err(e)) => general.set(Some(e)),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        ctx.attempted.set(true);
        if let Some(target) = editing.get_untracked()
            && ctx.errors.with_untracked(Vec::is_empty)
        {
            save.dispatch((target, state.get_untracked()));
        }
    };
    let kind = move || state.with(|d| ServiceKind::parse(&d.kind).ok());
    let title = move || match (editing.get(), state.with(|d| d.code.clone())) {
        (Some(Editing { id: Some(_), .. }), code) => text_with(locale, k::CATALOGUE_EDIT_TITLE, &[("code", &code)]),
        _ => t(k::CATALOGUE_NEW_TITLE).to_string(),
    };

    view! {
        <Title text=t(k::CATALOGUE_TITLE) />
        <header class="page-header">
            <h1>{t(k::NAV_SETTINGS)}</h1>
        </header>
        <SettingsNav />
        <header class="page-header with-actions">
            <h2>{t(k::CATALOGUE_TITLE)}</h2>
            <div class="header-actions">
                // The catalogue's CSV goes through the import page like customers' does.
                {crate::shell::use_user()
                    .get_untracked()
                    .is_some_and(|u| u.can(crate::auth::Permission::ManageSales))
                    .then(|| view! { <a class="button" href="/settings/import?kind=services">{t(k::CATALOGUE_IMPORT_CSV)}</a> })}
                <a class="button" rel="external" download="" href="/api/export/services">{t(k::CATALOGUE_EXPORT_CSV)}</a>
                <button type="button" class="button primary" on:click=move |_| open(Editing { id: None, version: None }, blank())>
                    {t(k::CATALOGUE_NEW)}
                </button>
            </div>
        </header>
        {move || saved.get().map(|v| view! {
            <p class="notice" role="status">{text_with(locale, k::CATALOGUE_SAVED, &[("version", &v.to_string())])}</p>
        })}
        <Show when=move || editing.get().is_some()>
            <form class="card grid-form" novalidate="" on:submit=submit aria-labelledby="service-form-title">
                <h3 id="service-form-title">{title}</h3>
                <Field path="code" label=k::CATALOGUE_CODE required=true hint=k::CATALOGUE_CODE_HINT
                    lens=field_lens(state, |d| &d.code, |d| &mut d.code) />
                <Field path="name" label=k::CATALOGUE_NAME required=true lens=field_lens(state, |d| &d.name, |d| &mut d.name) />
                <Field path="description" label=k::CATALOGUE_DESCRIPTION lens=field_lens(state, |d| &d.description, |d| &mut d.description) />
                <Choice path="kind" label=k::CATALOGUE_KIND lens=field_lens(state, |d| &d.kind, |d| &mut d.kind)
                    options=choices("service_kind", ServiceKind::ALL.iter().map(|c| c.as_str())) />
                {move || match kind() {
                    Some(ServiceKind::PerDevice) => view! {
                        <Choice path="device_category" label=k::CATALOGUE_DEVICE_CATEGORY
                            lens=field_lens(state, |d| &d.device_category, |d| &mut d.device_category)
                            options=choices("device_category", DeviceCategory::ALL.iter().map(|c| c.as_str())) />
                    }.into_any(),
                    Some(ServiceKind::PerUsage) => view! {
                        <Choice path="usage_unit" label=k::CATALOGUE_USAGE_UNIT
                            lens=field_lens(state, |d| &d.usage_unit, |d| &mut d.usage_unit)
                            options=choices("backup_unit", BackupUnit::ALL.iter().map(|c| c.as_str())) />
                    }.into_any(),
                    _ => ().into_any(),
                }}
                <Field path="unit_price" label=k::CATALOGUE_UNIT_PRICE required=true inputmode="decimal" hint=k::CATALOGUE_UNIT_PRICE_HINT
                    lens=field_lens(state, |d| &d.unit_price, |d| &mut d.unit_price) />
                <Field path="currency" label=k::CATALOGUE_CURRENCY required=true lens=field_lens(state, |d| &d.currency, |d| &mut d.currency) />
                <Choice path="tax_category" label=k::CATALOGUE_TAX_CATEGORY lens=field_lens(state, |d| &d.tax_category, |d| &mut d.tax_category)
                    options=choices("tax_category", TaxCategory::ALL.iter().map(|c| c.as_str())) />
                <Field path="revenue_account" label=k::CATALOGUE_REVENUE_ACCOUNT inputmode="numeric" hint=k::CATALOGUE_REVENUE_ACCOUNT_HINT
                    lens=field_lens(state, |d| &d.revenue_account, |d| &mut d.revenue_account) />
                <Show when=move || editing.get().is_some_and(|e| e.id.is_some())>
                    <label class="checkbox">
                        <input type="checkbox" prop:checked=move || state.with(|d| d.archived)
                            on:change=move |ev| state.update(|d| d.archived = event_target_checked(&ev)) />
                        {t(k::CATALOGUE_ARCHIVED)}
                    </label>
                </Show>
                <Show when=move || ctx.attempted.get() && !ctx.errors.with(Vec::is_empty)>
                    <p class="form-error" role="alert">{t(k::WIZARD_STEP_MISSING)}</p>
                </Show>
                <p class="form-error" role="alert">{move || general.get().map(|e| e.message(locale))}</p>
                <div class="actions">
                    <button type="button" class="button" on:click=move |_| editing.set(None)>{t(k::SETTINGS_CANCEL)}</button>
                    <button type="submit" class="button primary" disabled=move || save.pending().get()>{t(k::COMMON_SAVE)}</button>
                </div>
            </form>
        </Show>
        <label class="checkbox">
            <input type="checkbox" prop:checked=show_archived on:change=move |ev| show_archived.set(event_target_checked(&ev)) />
            {t(k::CATALOGUE_SHOW_ARCHIVED)}
        </label>
        <Transition fallback=|| view! { <p class="muted">{t(k::COMMON_LOADING)}</p> }>
            {move || rows.get().map(|r| match r {
                Err(e) => view! { <p class="form-error" role="alert">{e.message(locale)}</p> }.into_any(),
                Ok(rows) if rows.is_empty() => view! { <p class="muted">{t(k::CATALOGUE_EMPTY)}</p> }.into_any(),
                Ok(rows) => view! { <ServiceTable rows=rows locale=locale open=open /> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn ServiceTable(
    rows: Vec<CatalogueEntry>,
    locale: domain::Locale,
    open: impl Fn(Editing, ServiceDraft) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let history = RwSignal::new(None::<(Uuid, String)>);
    let columns = vec![
        Th::text(k::CATALOGUE_CODE),
        Th::text(k::CATALOGUE_NAME),
        Th::text(k::CATALOGUE_KIND),
        Th::num(k::CATALOGUE_UNIT_PRICE),
        Th::text(k::CATALOGUE_TAX_CATEGORY),
        Th::text(k::CATALOGUE_STATUS),
        Th::num(k::CATALOGUE_VERSION),
        Th::actions(),
    ];
    view! {
        <HistoryDialog service=history locale=locale />
        <DataTable id="services-table" columns=columns>
            {rows.into_iter().map(|row| {
                let s = row.service.clone();
                let target = Editing { id: Some(row.id), version: Some(row.version) };
                let label = format!("{} {}", t(k::SETTINGS_EDIT), s.code);
                let history_label = format!("{} {}", t(k::CATALOGUE_HISTORY), s.code);
                let for_editor = s.clone();
                let code = s.code.clone();
                view! {
                    <tr class:inactive=s.archived data-code=s.code.clone()>
                        <td><code>{s.code.clone()}</code></td>
                        <td>{s.name.clone()}</td>
                        <td>{charged(&s)}</td>
                        <td class="num">{price(&s, locale)}</td>
                        <td>{t(choice_key("tax_category", &s.tax_category))}</td>
                        <td>{if s.archived { t(k::CATALOGUE_ARCHIVED_BADGE) } else { t(k::CATALOGUE_ACTIVE) }}</td>
                        <td class="num">{row.version}</td>
                        <td class="row-actions">
                            <button type="button" class="button small" aria-label=history_label
                                on:click=move |_| history.set(Some((row.id, code.clone())))>
                                {t(k::CATALOGUE_HISTORY)}
                            </button>
                            <button type="button" class="button small" aria-label=label
                                on:click=move |_| open(target, for_editor.clone())>
                                {t(k::SETTINGS_EDIT)}
                            </button>
                        </td>
                    </tr>
                }
            }).collect_view()}
        </DataTable>
    }
}

const VERSION_COLUMNS: [Th; 6] = [
    Th::num(k::CATALOGUE_VERSION),
    Th::text(k::CATALOGUE_NAME),
    Th::num(k::CATALOGUE_UNIT_PRICE),
    Th::text(k::CATALOGUE_TAX_CATEGORY),
    Th::text(k::CATALOGUE_STATUS),
    Th::text(k::CATALOGUE_SAVED_BY),
];

/// Every saved state of one service, newest first: who changed what and when (a price
/// change is a new version; contracts keep the price they were agreed at).
#[component]
fn HistoryDialog(service: RwSignal<Option<(Uuid, String)>>, locale: domain::Locale) -> impl IntoView {
    let versions = LocalResource::new(move || {
        let id = service.get().map(|(id, _)| id);
        async move {
            match id {
                Some(id) => service_history(id).await,
                None => Ok(Vec::new()),
            }
        }
    });
    let title = Signal::derive(move || {
        service
            .get()
            .map(|(_, code)| text_with(locale, k::CATALOGUE_HISTORY_TITLE, &[("code", &code)]))
            .unwrap_or_default()
    });
    view! {
        <Dialog id="service-history" title=title open=Signal::derive(move || service.with(Option::is_some))
            on_close=Callback::new(move |()| service.set(None))>
            <Suspense fallback=|| view! { <Loading /> }>
                {move || versions.get().map(|r| match r {
                    Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                    Ok(list) => view! {
                        <DataTable id="service-versions" columns=VERSION_COLUMNS.to_vec()>
                            {list.into_iter().map(|v| {
                                let by = v.saved_by.clone().unwrap_or_else(|| "—".into());
                                view! {
                                    <tr>
                                        <td class="num">{v.version}</td>
                                        <td>{v.service.name.clone()}</td>
                                        <td class="num">{price(&v.service, locale)}</td>
                                        <td>{t(choice_key("tax_category", &v.service.tax_category))}</td>
                                        <td>{if v.service.archived { t(k::CATALOGUE_ARCHIVED_BADGE) } else { t(k::CATALOGUE_ACTIVE) }}</td>
                                        <td>{by} " · " {crate::shell::format_instant(v.saved_at, locale)}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </DataTable>
                    }.into_any(),
                })}
            </Suspense>
        </Dialog>
    }
}
