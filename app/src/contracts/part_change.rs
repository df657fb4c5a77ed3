//! A contract part on its page: the terms in force, the version history, and "change from
//! a date" — the shared part editor over a `PartVersionDraft`, saved as a new version
//! (or, for "Add a part", as a new part billed from that date).

use chrono::NaiveDate;
use domain::{ContractPartDraft, PartVersionDraft};
use leptos::prelude::*;
use uuid::Uuid;

use super::editor::{PartAccess, PartFields};
use super::{PartDetail, add_part, change_part};
use crate::error::AppError;
use crate::forms::draft::{Field, FieldContext, field_lens};
use crate::i18n::{choice_key, k, t, text_with, use_locale};
use crate::ui::ErrorNotice;

/// The terms of a part in one line: "3 × 49.00 EUR", "12.50 EUR per device", …
fn terms_line(p: &ContractPartDraft, currency: &str) -> String {
    let money = |s: &str| {
        if s.is_empty() {
            String::new()
        } else {
            format!("{s} {currency}")
        }
    };
    let kind = t(choice_key("contract_type", &p.contract_type));
    let detail = match p.contract_type.as_str() {
        "retainer" => format!("{} × {}", p.quantity, money(&p.rate)),
        "block_hours" => format!("{} h × {}", p.hours_per_period, money(&p.rate)),
        "block_money" | "project_one_time_fee" => money(&p.amount),
        "remote_monitoring" => format!(
            "{} · {}",
            t(choice_key("device_category", &p.device_category)),
            money(&p.rate)
        ),
        "online_backup" => format!("{} · {}", t(choice_key("backup_unit", &p.backup_unit)), money(&p.rate)),
        _ => money(&p.rate),
    };
    format!("{kind}: {detail}")
}

#[component]
pub fn PartCard(
    contract: Uuid,
    version: i32,
    number: usize,
    part: PartDetail,
    change_from: NaiveDate,
    currency: String,
    reload: Callback<()>,
    may_edit: Signal<bool>,
) -> impl IntoView {
    let locale = use_locale();
    let changing = RwSignal::new(false);
    let current = part.versions[0].part.clone();
    let title = if current.description.is_empty() {
        text_with(locale, k::CONTRACT_PART, &[("n", &number.to_string())])
    } else {
        current.description.clone()
    };
    let reading = part.latest_reading.clone().map(|(q, d)| {
        text_with(
            locale,
            k::CONTRACT_LATEST_READING,
            &[("quantity", &q), ("date", &domain::format::format_date(d, locale))],
        )
    });
    let part_id = part.id;
    let initial = current.clone();
    let cur = currency.clone();
    view! {
        <article class="part-card" data-part=number.to_string()>
            <header class="page-header with-actions">
                <h3>{title}</h3>
                <Show when=move || may_edit.get() && !changing.get()>
                    <button type="button" class="button small" on:click=move |_| changing.set(true)
                        id=format!("change-part-{number}")>{t(k::CONTRACT_CHANGE_PART)}</button>
                </Show>
            </header>
            <p>{terms_line(&current, &currency)}
                {(!current.service_code.is_empty()).then(|| view! { " " <code class="muted">{current.service_code.clone()}</code> })}
                {(!current.min_quantity.is_empty()).then(|| view! { " · " {text_with(locale, k::CONTRACT_MIN_SUMMARY, &[("n", &current.min_quantity)])} })}
                {current.quantity_from_usage.then(|| view! { " · " <span class="badge">{t(k::PART_QUANTITY_FROM_USAGE)}</span> })}
            </p>
            {reading.map(|r| view! { <p class="muted">{r}</p> })}
            <Show when=move || changing.get()>
                <PartChangeForm contract=contract version=version part=Some(part_id) valid_from=change_from
                    currency=cur.clone() initial=initial.clone()
                    on_done=Callback::new(move |saved: bool| { changing.set(false); if saved { reload.run(()) } }) />
            </Show>
            <table class="data versions">
                <caption>{t(k::CONTRACT_VERSIONS)}</caption>
                <thead><tr>
                    <th scope="col">{t(k::CONTRACT_VALID_FROM)}</th>
                    <th scope="col">{t(k::CONTRACT_TERMS)}</th>
                    <th scope="col">{t(k::CONTRACT_SAVED_BY)}</th>
                </tr></thead>
                <tbody>
                    {part.versions.iter().map(|v| view! {
                        <tr>
                            <td>{domain::format::format_date(v.valid_from, locale)}</td>
                            <td>{terms_line(&v.part, &currency)}</td>
                            <td>{v.saved_by.clone().unwrap_or_default()} " "
                                <span class="muted">{domain::format::format_date(v.saved_at.date_naive(), locale)}</span></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </article>
    }
}

/// The form of a change: the date it applies from and the part's new terms.
#[component]
pub fn PartChangeForm(
    contract: Uuid,
    version: i32,
    /// `None`: a new part.
    part: Option<Uuid>,
    valid_from: NaiveDate,
    currency: String,
    initial: ContractPartDraft,
    on_done: Callback<bool>,
) -> impl IntoView {
    let state = RwSignal::new(PartVersionDraft {
        valid_from: valid_from.to_string(),
        part: initial,
    });
    let currency = domain::Currency::parse(&currency).unwrap_or(domain::Currency::EUR);
    let ctx = FieldContext::new(Memo::new(move |_| {
        state.with(|s| {
            // Only what the browser can know; the history check is the server's.
            s.validate(currency, (NaiveDate::MIN, None), None)
                .err()
                .unwrap_or_default()
        })
    }));
    provide_context(ctx);
    let error = RwSignal::new(None::<AppError>);
    let sending = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        ctx.attempted.set(true);
        if !ctx.errors.with_untracked(Vec::is_empty) {
            return;
        }
        let change = state.get_untracked();
        sending.set(true);
        leptos::task::spawn_local(async move {
            let r = match part {
                Some(p) => change_part(contract, version, p, change).await,
                None => add_part(contract, version, change).await,
            };
            sending.set(false);
            match r {
                Ok(_) => on_done.run(true),
                Err(AppError::Validation { fields }) => ctx.show_all(fields),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let access = PartAccess::new(state, |s| &s.part, |s| &mut s.part, "part");
    view! {
        <form class="part-change" novalidate="" on:submit=submit>
            <Field path="valid_from" label=k::CONTRACT_VALID_FROM input_type="date" required=true hint=k::CONTRACT_CHANGE_HINT
                lens=field_lens(state, |s| &s.valid_from, |s| &mut s.valid_from) />
            <PartFields access=access number=0 fixed_type=part.is_some() />
            {move || error.get().map(|e| view! { <ErrorNotice error=e /> })}
            <div class="actions">
                <button type="submit" class="button primary" disabled=move || sending.get()>{t(k::CONTRACT_SAVE_CHANGE)}</button>
                <button type="button" class="button" on:click=move |_| on_done.run(false)>{t(k::SETTINGS_CANCEL)}</button>
            </div>
        </form>
    }
}
