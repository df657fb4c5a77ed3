//! The customer page's "Services in use": the latest reading of each service, a form to
//! add one (staff with billing rights), and the history. The form is checked as typed by
//! `domain::UsageReadingDraft::parse`, the parser the server runs on every row.

use std::collections::HashSet;

use leptos::prelude::*;
use uuid::Uuid;

use super::{ManualReading, Outcome, ReadingRow, UsageOverview, add_reading, customer_usage};
use crate::auth::Permission;
use crate::catalogue::CatalogueEntry;
use crate::error::AppError;
use crate::forms::draft::{Field, FieldContext, field_id, field_lens};
use crate::i18n::{k, t, text_with, use_locale};
use crate::shell::{format_instant, use_user};
use crate::ui::{DataTable, Th};

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// `manual`, `csv` in words; `api:RMM` as it is.
fn source_label(source: &str) -> String {
    match source.split(':').next() {
        Some("manual") => t(k::USAGE_SOURCE_MANUAL).to_string(),
        Some("csv") if source == "csv" => t(k::USAGE_SOURCE_CSV).to_string(),
        _ => source.to_string(),
    }
}

/// The panel's data. Create it with the page's other resources, at the top of the page
/// and never inside a tab: a resource created inside an already resolved `Transition`
/// breaks hydration (ARCHITECTURE.md, "Hydration lessons"). `id` is the page's customer.
#[derive(Clone, Copy)]
pub struct UsageData {
    reload: RwSignal<u32>,
    usage: Resource<Result<UsageOverview, AppError>>,
    services: Resource<Result<Vec<CatalogueEntry>, AppError>>,
}

impl UsageData {
    pub fn new(id: impl Fn() -> Option<Uuid> + Send + Sync + 'static) -> Self {
        let reload = RwSignal::new(0u32);
        let usage = Resource::new(
            move || (id(), reload.get()),
            |(id, _)| async move {
                match id {
                    Some(id) => customer_usage(id).await,
                    None => Err(AppError::NotFound),
                }
            },
        );
        let services = Resource::new(|| (), |_| crate::catalogue::list_services(false));
        UsageData {
            reload,
            usage,
            services,
        }
    }
}

/// Services in use for `customer`, from `data` (see [`UsageData`]).
#[component]
pub fn UsagePanel(customer: Uuid, data: UsageData) -> impl IntoView {
    let locale = use_locale();
    let user = use_user();
    let can_edit = move || user.with(|u| u.as_ref().is_some_and(|u| u.can(Permission::EditBilling)));
    let UsageData {
        reload,
        usage,
        services,
    } = data;
    let state = RwSignal::new(ManualReading {
        reading_date: today().to_string(),
        ..ManualReading::default()
    });
    let ctx = FieldContext::new(Memo::new(move |_| {
        state.with(|r| r.draft(customer).parse(today()).err().unwrap_or_default())
    }));
    provide_context(ctx);
    let done = RwSignal::new(None::<Outcome>);
    let general = RwSignal::new(None::<AppError>);
    let add = Action::new(move |reading: &ManualReading| {
        let reading = reading.clone();
        async move { add_reading(customer, reading).await }
    });
    Effect::new(move |_| match add.value().get() {
        Some(Ok(outcome)) => {
            done.set(Some(outcome));
            general.set(None);
            state.update(|r| {
                r.quantity.clear();
                r.external_ref.clear();
            });
            ctx.touched.set(HashSet::new());
            ctx.attempted.set(false);
            reload.update(|n| *n += 1);
        }
        Some(Err(AppError::Validation { fields })) => ctx.show_all(fields),
        Some(Err(e)) => general.set(Some(e)),
        None => {}
    });

    view! {
        <section class="usage-panel stack" aria-labelledby="usage-title">
            <h2 id="usage-title">{t(k::USAGE_TITLE)}</h2>
            <p class="muted">{t(k::USAGE_INTRO)}</p>
            <Transition fallback=|| view! { <p class="muted">{t(k::COMMON_LOADING)}</p> }>
                {move || usage.get().map(|r| match r {
                    Err(e) => view! { <p class="form-error" role="alert">{e.message(locale)}</p> }.into_any(),
                    Ok(usage) => view! { <Readings usage=usage /> }.into_any(),
                })}
            </Transition>
            <Show when=can_edit>
                <Transition>
                    {move || services.get().map(|list| view! {
                        <ReadingForm services=list.unwrap_or_default() state=state add=add done=done general=general />
                    })}
                </Transition>
            </Show>
        </section>
    }
}

/// The form to add a reading (the panel holds its state, so a reload keeps what was typed).
#[component]
fn ReadingForm(
    services: Vec<CatalogueEntry>,
    state: RwSignal<ManualReading>,
    add: Action<ManualReading, Result<Outcome, AppError>>,
    done: RwSignal<Option<Outcome>>,
    general: RwSignal<Option<AppError>>,
) -> impl IntoView {
    let locale = use_locale();
    let ctx = expect_context::<FieldContext>();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        ctx.attempted.set(true);
        done.set(None);
        if ctx.errors.with_untracked(Vec::is_empty) {
            add.dispatch(state.get_untracked());
        }
    };
    let notice = move || {
        done.get().map(|o| match o {
            Outcome::Created => t(k::USAGE_CREATED),
            Outcome::Unchanged => t(k::USAGE_UNCHANGED),
            Outcome::Replaced => t(k::USAGE_REPLACED_NOTICE),
        })
    };
    let service_id = field_id("service_code");
    let service_error = Memo::new(move |_| ctx.message("service_code"));
    view! {
        <form class="card grid-form" novalidate="" on:submit=submit aria-labelledby="usage-add-title">
            <h3 id="usage-add-title">{t(k::USAGE_ADD_TITLE)}</h3>
            <div class="field">
                <label for=service_id.clone()>{t(k::USAGE_SERVICE)} <span class="required" aria-hidden="true">" *"</span></label>
                <select id=service_id.clone() aria-required="true" aria-describedby=format!("{service_id}-error")
                    aria-invalid=move || service_error.get().is_some().to_string()
                    prop:value=move || state.with(|r| r.service_code.clone())
                    on:change=move |ev| {
                        state.update(|r| r.service_code = event_target_value(&ev));
                        ctx.server.update(|s| s.retain(|p| p.field != "service_code"));
                        ctx.touched.update(|t| { t.insert("service_code".to_string()); });
                    }>
                    <option value="">{t(k::USAGE_CHOOSE_SERVICE)}</option>
                    {services.into_iter().map(|s| view! {
                        <option value=s.service.code.clone()>{format!("{} ({})", s.service.name, s.service.code)}</option>
                    }).collect_view()}
                </select>
                <p class="field-error" id=format!("{service_id}-error") aria-live="polite">{move || service_error.get()}</p>
            </div>
            <Field path="quantity" label=k::USAGE_QUANTITY required=true inputmode="decimal"
                lens=field_lens(state, |r| &r.quantity, |r| &mut r.quantity) />
            <Field path="reading_date" label=k::USAGE_READING_DATE required=true input_type="date"
                lens=field_lens(state, |r| &r.reading_date, |r| &mut r.reading_date) />
            <Field path="external_ref" label=k::USAGE_EXTERNAL_REF
                lens=field_lens(state, |r| &r.external_ref, |r| &mut r.external_ref) />
            <p class="notice" role="status">{notice}</p>
            <p class="form-error" role="alert">{move || general.get().map(|e| e.message(locale))}</p>
            <div class="actions">
                <button type="submit" class="button primary" disabled=move || add.pending().get()>{t(k::USAGE_ADD)}</button>
            </div>
        </form>
    }
}

#[component]
fn Readings(usage: UsageOverview) -> impl IntoView {
    if usage.history.is_empty() {
        return view! { <p class="muted">{t(k::USAGE_NONE)}</p> }.into_any();
    }
    view! {
        <h3>{t(k::USAGE_LATEST)}</h3>
        <ReadingTable id="usage-latest" rows=usage.latest />
        <h3>{t(k::USAGE_HISTORY)}</h3>
        <ReadingTable id="usage-history" rows=usage.history />
    }
    .into_any()
}

#[component]
fn ReadingTable(id: &'static str, rows: Vec<ReadingRow>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <DataTable id=id columns=vec![Th::text(k::USAGE_SERVICE), Th::num(k::USAGE_QUANTITY), Th::text(k::USAGE_READING_DATE), Th::text(k::USAGE_SOURCE), Th::text(k::USAGE_EXTERNAL_REF), Th::text(k::USAGE_RECORDED)]>
                    {rows.into_iter().map(|r| {
                        let quantity = domain::format_decimal(r.quantity.normalize(), locale);
                        let replaced = r.previous_quantity.filter(|_| r.replacements > 0).map(|prev| {
                            text_with(locale, k::USAGE_REPLACED, &[
                                ("count", &r.replacements.to_string()),
                                ("quantity", &domain::format_decimal(prev.normalize(), locale)),
                            ])
                        });
                        let recorded = match &r.recorded_by {
                            Some(by) => format!("{by} · {}", format_instant(r.recorded_at, locale)),
                            None => format_instant(r.recorded_at, locale),
                        };
                        view! {
                            <tr>
                                <td>{r.service_name.clone()} " " <code>{r.service_code.clone()}</code></td>
                                <td class="num">{quantity} {replaced.map(|s| view! { <br /><span class="hint">{s}</span> })}</td>
                                <td>{domain::format_date(r.reading_date, locale)}</td>
                                <td>{source_label(&r.source)}</td>
                                <td>{r.external_ref.clone().unwrap_or_default()}</td>
                                <td>{recorded}</td>
                            </tr>
                        }
                    }).collect_view()}
                </DataTable>
    }
}
