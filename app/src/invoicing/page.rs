//! `/settings/invoicing`: the company (checked as typed by the same rules the server runs,
//! with what still keeps it from invoicing) and the numbering series, each with a live
//! example of its next number and an edit dialog; "Confirm numbering" records the review
//! the first invoice run asks for.

use domain::company::{CompanyDraft, CompanyGap};
use domain::numbering::{SeriesDraft, SeriesKind};
use domain::tax::TaxArea;
use leptos::prelude::*;
use leptos_meta::Title;
use uuid::Uuid;

use super::{
    CompanyForm, Readiness, SeriesRow, confirm_numbering, get_company, invoicing_readiness, list_series, save_company,
    save_series,
};
use crate::error::AppError;
use crate::forms::draft::{Choice, Field, FieldContext, field_lens};
use crate::i18n::{Key, choice_key, k, t, text_with, use_locale};
use crate::settings::SettingsNav;
use crate::shell::format_instant;
use crate::ui::{Dialog, ErrorNotice, Loading};

#[component]
pub fn InvoicingPage() -> impl IntoView {
    let company = Resource::new(|| (), |_| get_company());
    let ready = RwSignal::new(None::<Readiness>);
    let refresh_ready = move || {
        leptos::task::spawn_local(async move {
            if let Ok(r) = invoicing_readiness().await {
                ready.set(Some(r));
            }
        })
    };
    Effect::new(move |_| refresh_ready());
    view! {
        <Title text=t(k::INVOICING_TITLE) />
        <header class="page-header">
            <h1>{t(k::NAV_SETTINGS)}</h1>
        </header>
        <SettingsNav />
        <h2>{t(k::INVOICING_TITLE)}</h2>
        <p class="muted">{t(k::INVOICING_INTRO)}</p>
        <Transition fallback=|| view! { <Loading /> }>
            {move || company.get().map(|r| match r {
                Ok(c) => view! { <CompanyCard loaded=c on_saved=Callback::new(move |_| refresh_ready()) /> }.into_any(),
                Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
            })}
        </Transition>
        <SeriesCard ready on_confirmed=Callback::new(move |r| ready.set(Some(r))) />
    }
}

/// The field problems of a refusal, for the fields to show.
fn problems(e: &AppError) -> Vec<crate::error::FieldProblem> {
    match e {
        AppError::Validation { fields } => fields.clone(),
        _ => Vec::new(),
    }
}

fn gap_key(g: CompanyGap) -> Key {
    match g {
        CompanyGap::Address => k::INVOICING_GAP_ADDRESS,
        CompanyGap::TaxId => k::INVOICING_GAP_TAX_ID,
        CompanyGap::BankAccount => k::INVOICING_GAP_BANK,
    }
}

#[component]
fn CompanyCard(loaded: CompanyForm, on_saved: Callback<()>) -> impl IntoView {
    let draft = RwSignal::new(loaded.draft.clone());
    let version = RwSignal::new(loaded.version);
    let missing = RwSignal::new(loaded.missing.clone());
    let saved = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    let busy = RwSignal::new(false);
    let errors = Memo::new(move |_| draft.with(|d| d.validate().err().unwrap_or_default()));
    let ctx = FieldContext::new(errors);
    provide_context(ctx);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        if !errors.with_untracked(Vec::is_empty) {
            ctx.show_all(Vec::new());
            return;
        }
        busy.set(true);
        let (d, v) = (draft.get_untracked(), version.get_untracked());
        leptos::task::spawn_local(async move {
            match save_company(v, d).await {
                Ok(form) => {
                    version.set(form.version);
                    missing.set(form.missing);
                    error.set(None);
                    saved.set(true);
                    on_saved.run(());
                }
                Err(e) => {
                    ctx.show_all(problems(&e));
                    error.set(Some(e));
                }
            }
            busy.set(false);
        });
    };
    let l =
        move |get: fn(&CompanyDraft) -> &String, set: fn(&mut CompanyDraft) -> &mut String| field_lens(draft, get, set);
    let areas: Vec<(&'static str, Key)> = TaxArea::ALL
        .iter()
        .map(|a| (a.as_str(), choice_key("tax_area", a.as_str())))
        .collect();
    view! {
        <section class="card" aria-labelledby="company-title">
            <h3 id="company-title">{t(k::INVOICING_COMPANY)}</h3>
            {move || {
                let gaps = missing.get();
                match (version.get().is_none(), gaps.is_empty()) {
                    (true, _) => Some(view! { <p class="warning" id="company-missing">{t(k::INVOICING_COMPANY_NONE)}</p> }.into_any()),
                    (false, false) => Some(view! {
                        <p class="warning" id="company-missing">{t(k::INVOICING_COMPANY_MISSING)} " "
                            {gaps.iter().map(|g| t(gap_key(*g))).collect::<Vec<_>>().join(", ")}</p>
                    }.into_any()),
                    (false, true) => Some(view! { <p class="ok" id="company-missing">{t(k::INVOICING_COMPANY_READY)}</p> }.into_any()),
                }
            }}
            <form id="company-form" novalidate on:submit=save>
                <div class="grid-form">
                    <Field path="legal_name" label=k::INVOICING_LEGAL_NAME required=true lens=l(|d| &d.legal_name, |d| &mut d.legal_name) />
                    <Field path="managing_directors" label=k::INVOICING_DIRECTORS lens=l(|d| &d.managing_directors, |d| &mut d.managing_directors) />
                    <Field path="commercial_register" label=k::INVOICING_REGISTER hint=k::INVOICING_REGISTER_HINT lens=l(|d| &d.commercial_register, |d| &mut d.commercial_register) />
                    <Field path="email" label=k::INVOICING_EMAIL input_type="email" lens=l(|d| &d.email, |d| &mut d.email) />
                </div>
                <fieldset class="grid-form">
                    <legend>{t(k::BILLING_ADDRESS)}</legend>
                    <crate::forms::address::AddressFields state=draft get=|d| &d.address set=|d| &mut d.address />
                </fieldset>
                <fieldset class="grid-form">
                    <legend>{t(k::BILLING_TAX)}</legend>
                    <Choice path="tax_area" label=k::INVOICING_TAX_AREA lens=l(|d| &d.tax_area, |d| &mut d.tax_area) options=areas />
                    <Field path="vat_id" label=k::INVOICING_VAT_ID hint=k::CUSTOMER_TAX_ID_HINT lens=l(|d| &d.vat_id, |d| &mut d.vat_id) />
                    <Field path="tax_number" label=k::INVOICING_TAX_NUMBER hint=k::INVOICING_TAX_NUMBER_HINT lens=l(|d| &d.tax_number, |d| &mut d.tax_number) />
                    <Field path="time_zone" label=k::INVOICING_TIME_ZONE hint=k::INVOICING_TIME_ZONE_HINT lens=l(|d| &d.time_zone, |d| &mut d.time_zone) />
                </fieldset>
                <fieldset class="grid-form">
                    <legend>{t(k::INVOICING_BANK)}</legend>
                    <Field path="bank_name" label=k::INVOICING_BANK_NAME lens=l(|d| &d.bank_name, |d| &mut d.bank_name) />
                    <Field path="iban" label=k::INVOICING_IBAN lens=l(|d| &d.iban, |d| &mut d.iban) />
                    <Field path="bic" label=k::INVOICING_BIC lens=l(|d| &d.bic, |d| &mut d.bic) />
                </fieldset>
                {move || error.get().map(|e| view! { <ErrorNotice error=e /> })}
                <div class="actions">
                    <button type="submit" class="button primary" id="save-company" disabled=move || busy.get()>{t(k::COMMON_SAVE)}</button>
                    <Show when=move || saved.get()><span class="ok" role="status">{t(k::INVOICING_SAVED)}</span></Show>
                </div>
            </form>
        </section>
    }
}

/// The series the dialog edits: which (`None` for a new one), at which version, whether it
/// has given numbers, and the year its counter counts in.
#[derive(Clone, Copy)]
struct Editing {
    id: Option<Uuid>,
    version: Option<i32>,
    used: bool,
    counter_year: Option<i32>,
}

/// The numbering series with "Confirm numbering"; also the first invoice run's review.
#[component]
pub fn SeriesCard(#[prop(into)] ready: Signal<Option<Readiness>>, on_confirmed: Callback<Readiness>) -> impl IntoView {
    let locale = use_locale();
    let rows = RwSignal::new(Vec::<SeriesRow>::new());
    let load_error = RwSignal::new(None::<AppError>);
    let reload = move || {
        leptos::task::spawn_local(async move {
            match list_series().await {
                Ok(list) => rows.set(list),
                Err(e) => load_error.set(Some(e)),
            }
        })
    };
    Effect::new(move |_| reload());
    // The dialog: which series (None: a new one), its version, the draft.
    let editing = RwSignal::new(None::<Editing>);
    let draft = RwSignal::new(SeriesDraft::default());
    let errors = Memo::new(move |_| draft.with(|d| d.validate().err().unwrap_or_default()));
    let ctx = FieldContext::new(errors);
    let error = RwSignal::new(None::<AppError>);
    let open = Signal::derive(move || editing.get().is_some());
    let confirming = RwSignal::new(false);
    let save = move |_| {
        let Some(Editing { id, version, .. }) = editing.get_untracked() else {
            return;
        };
        if !errors.with_untracked(Vec::is_empty) {
            ctx.show_all(Vec::new());
            return;
        }
        let d = draft.get_untracked();
        leptos::task::spawn_local(async move {
            match save_series(id, version, d).await {
                Ok(_) => {
                    editing.set(None);
                    error.set(None);
                    reload();
                }
                Err(e) => {
                    ctx.show_all(problems(&e));
                    error.set(Some(e));
                }
            }
        });
    };
    let confirm = move |_| {
        confirming.set(true);
        leptos::task::spawn_local(async move {
            match confirm_numbering().await {
                Ok(r) => on_confirmed.run(r),
                Err(e) => load_error.set(Some(e)),
            }
            confirming.set(false);
        });
    };
    let kinds: Vec<(&'static str, Key)> = SeriesKind::ALL
        .iter()
        .map(|s| (s.as_str(), choice_key("series_kind", s.as_str())))
        .collect();
    view! {
        <section class="card" aria-labelledby="numbering-title">
            <h3 id="numbering-title">{t(k::INVOICING_NUMBERING)}</h3>
            <p class="muted">{t(k::INVOICING_NUMBERING_INTRO)}</p>
            {move || load_error.get().map(|e| view! { <ErrorNotice error=e /> })}
            <table class="data-table" id="series-table">
                <thead><tr>
                    <th scope="col">{t(k::INVOICING_SERIES_NAME)}</th>
                    <th scope="col">{t(k::INVOICING_SERIES_KIND)}</th>
                    <th scope="col">{t(k::INVOICING_SERIES_FORMAT)}</th>
                    <th scope="col">{t(k::INVOICING_SERIES_NEXT)}</th>
                    <th scope="col">{t(k::INVOICING_SERIES_RESET)}</th>
                    <th scope="col">{t(k::INVOICING_SERIES_ISSUED)}</th>
                    <th scope="col"><span class="visually-hidden">{t(k::SETTINGS_ACTIONS)}</span></th>
                </tr></thead>
                <tbody>
                    {move || rows.get().into_iter().map(|r| {
                        let row = r.clone();
                        view! {
                            <tr>
                                <td>{r.draft.name.clone()} {r.is_default.then(|| view! { " " <span class="badge muted">{t(k::INVOICING_SERIES_DEFAULT)}</span> })}</td>
                                <td>{t(choice_key("series_kind", &r.draft.kind))}</td>
                                <td><code>{r.draft.format.clone()}</code></td>
                                <td><code class="series-next">{r.next_example.clone()}</code></td>
                                <td>{t(if r.draft.yearly_reset { k::COMMON_YES } else { k::COMMON_NO })}</td>
                                <td>{r.issued}</td>
                                <td><button type="button" class="button small" on:click=move |_| {
                                    draft.set(row.draft.clone());
                                    ctx.attempted.set(false);
                                    ctx.server.set(Vec::new());
                                    error.set(None);
                                    editing.set(Some(Editing {
                                        id: Some(row.id),
                                        version: Some(row.version),
                                        used: row.issued > 0,
                                        counter_year: row.counter_year,
                                    }));
                                }>{t(k::SETTINGS_EDIT)}</button></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <div class="actions">
                <button type="button" class="button" id="add-series" on:click=move |_| {
                    draft.set(SeriesDraft::default());
                    ctx.attempted.set(false);
                    ctx.server.set(Vec::new());
                    error.set(None);
                    editing.set(Some(Editing {
                        id: None,
                        version: None,
                        used: false,
                        counter_year: None,
                    }));
                }>{t(k::INVOICING_SERIES_ADD)}</button>
                <button type="button" class="button primary" id="confirm-numbering" disabled=move || confirming.get() on:click=confirm>
                    {t(k::INVOICING_CONFIRM)}</button>
            </div>
            <p id="numbering-state" role="status">{move || ready.get().map(|r| match r.numbering_confirmed {
                Some((at, by)) => text_with(locale, k::INVOICING_CONFIRMED, &[
                    ("at", &format_instant(at, locale)),
                    ("by", &by.unwrap_or_default()),
                ]),
                None => t(k::INVOICING_NOT_CONFIRMED).to_string(),
            })}</p>
        </section>
        <Dialog id="series-dialog" title=Signal::derive(move || t(k::INVOICING_SERIES_EDIT).to_string())
            open=open on_close=Callback::new(move |_| editing.set(None))>
            {provide_context(ctx)}
            <Show when=move || editing.get().is_some_and(|e| e.used)>
                <p class="warning">{t(k::INVOICING_SERIES_USED)}</p>
            </Show>
            <div class="grid-form">
                <Field path="name" label=k::INVOICING_SERIES_NAME lens=field_lens(draft, |d| &d.name, |d| &mut d.name) />
                <Choice path="kind" label=k::INVOICING_SERIES_KIND lens=field_lens(draft, |d| &d.kind, |d| &mut d.kind) options=kinds.clone() />
                <Field path="format" label=k::INVOICING_SERIES_FORMAT hint=k::INVOICING_FORMAT_HINT lens=field_lens(draft, |d| &d.format, |d| &mut d.format) />
                <Field path="next_number" label=k::INVOICING_SERIES_COUNTER inputmode="numeric" lens=field_lens(draft, |d| &d.next_number, |d| &mut d.next_number) />
            </div>
            <label class="check">
                <input type="checkbox" id="series-reset" prop:checked=move || draft.with(|d| d.yearly_reset)
                    on:change=move |ev| draft.update(|d| d.yearly_reset = event_target_checked(&ev)) />
                " " {t(k::INVOICING_SERIES_RESET)}
            </label>
            <p class="field-error" aria-live="polite">{move || ctx.message("yearly_reset")}</p>
            <p id="series-example">{t(k::INVOICING_EXAMPLE)} " "
                <code>{move || {
                    use chrono::Datelike;
                    let counter_year = editing.get().and_then(|e| e.counter_year);
                    draft.with(|d| d.next_example(counter_year, chrono::Utc::now().year())).unwrap_or_else(|| "—".into())
                }}</code></p>
            {move || error.get().map(|e| view! { <ErrorNotice error=e /> })}
            <div class="actions">
                <button type="button" class="button" on:click=move |_| editing.set(None)>{t(k::SETTINGS_CANCEL)}</button>
                <button type="button" class="button primary" id="save-series" on:click=save>{t(k::COMMON_SAVE)}</button>
            </div>
        </Dialog>
    }
}
