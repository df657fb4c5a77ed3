//! The list and editor of shared SLAs and alert threshold profiles.

use std::collections::HashSet;

use domain::{
    AlertProfileChoiceDraft, AlertProfileDraft, AlertThresholdDraft, NewCustomerDraft, SlaChoiceDraft, SlaDraft,
    WizardStep,
};
use leptos::prelude::*;
use leptos_meta::Title;
use uuid::Uuid;

use super::{SettingsNav, list_alert_profiles, list_slas, save_alert_profile, save_sla};
use crate::customers::wizard::Wizard;
use crate::customers::wizard::sla_step::{CustomProfile, CustomSla};
use crate::error::AppError;
use crate::forms::draft::FieldContext;
use crate::i18n::{Key, k, t, text_with, use_locale};
use crate::ui::{DataTable, Th};

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Sla,
    Profile,
}

#[component]
pub fn SlasPage() -> impl IntoView {
    view! { <SharedDefinitions kind=Kind::Sla /> }
}

#[component]
pub fn AlertProfilesPage() -> impl IntoView {
    view! { <SharedDefinitions kind=Kind::Profile /> }
}

/// One listed definition, held as a draft the editor can open.
#[derive(Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct Row {
    id: Uuid,
    version: i32,
    name: String,
    details: String,
    draft: NewCustomerDraft,
}

/// What the editor is working on: an existing record, or a new one (also a clone).
#[derive(Clone, Copy, PartialEq)]
struct Editing {
    id: Option<Uuid>,
    version: Option<i32>,
}

async fn load(kind: Kind, locale: domain::Locale) -> Result<Vec<Row>, AppError> {
    Ok(match kind {
        Kind::Sla => list_slas()
            .await?
            .into_iter()
            .map(|s| Row {
                id: s.id,
                version: s.version,
                name: s.definition.name.clone(),
                details: if s.definition.around_the_clock {
                    format!("24/7 · {}", s.definition.time_zone)
                } else {
                    text_with(
                        locale,
                        k::SETTINGS_HOURS,
                        &[
                            ("n", &s.definition.business_hours.len().to_string()),
                            ("tz", &s.definition.time_zone),
                        ],
                    )
                },
                draft: NewCustomerDraft {
                    sla: SlaChoiceDraft::Custom(s.definition),
                    ..Default::default()
                },
            })
            .collect(),
        Kind::Profile => list_alert_profiles()
            .await?
            .into_iter()
            .map(|p| Row {
                id: p.id,
                version: p.version,
                name: p.definition.name.clone(),
                details: text_with(
                    locale,
                    k::SETTINGS_THRESHOLDS,
                    &[("n", &p.definition.items.len().to_string())],
                ),
                draft: NewCustomerDraft {
                    alert_profile: AlertProfileChoiceDraft::Custom(p.definition),
                    ..Default::default()
                },
            })
            .collect(),
    })
}

fn blank(kind: Kind) -> NewCustomerDraft {
    match kind {
        Kind::Sla => NewCustomerDraft {
            sla: SlaChoiceDraft::Custom(SlaDraft::default()),
            ..Default::default()
        },
        Kind::Profile => NewCustomerDraft {
            alert_profile: AlertProfileChoiceDraft::Custom(AlertProfileDraft {
                items: vec![AlertThresholdDraft::default()],
                ..Default::default()
            }),
            ..Default::default()
        },
    }
}

/// Renames the definition in a draft (for "Clone").
fn renamed(mut draft: NewCustomerDraft, name: String) -> NewCustomerDraft {
    match (&mut draft.sla, &mut draft.alert_profile) {
        (SlaChoiceDraft::Custom(s), _) => s.name = name,
        (_, AlertProfileChoiceDraft::Custom(p)) => p.name = name,
        _ => {}
    }
    draft
}

#[component]
fn SharedDefinitions(kind: Kind) -> impl IntoView {
    let locale = use_locale();
    let (title, new_label, empty): (Key, Key, Key) = match kind {
        Kind::Sla => (k::SETTINGS_SLAS, k::SETTINGS_NEW_SLA, k::SETTINGS_EMPTY_SLAS),
        Kind::Profile => (
            k::SETTINGS_ALERT_PROFILES,
            k::SETTINGS_NEW_PROFILE,
            k::SETTINGS_EMPTY_PROFILES,
        ),
    };
    let reload = RwSignal::new(0u32);
    let rows = Resource::new(move || reload.get(), move |_| load(kind, locale));
    let editing = RwSignal::new(None::<Editing>);
    let saved = RwSignal::new(false);
    let general = RwSignal::new(None::<AppError>);

    // The editor reuses the wizard's SLA and profile forms, their field context and rules.
    let state = RwSignal::new(Wizard::default());
    let ctx = FieldContext {
        errors: Memo::new(move |_| state.with(|w| w.draft.validate_step(WizardStep::SlaAndAlerts))),
        touched: RwSignal::new(HashSet::new()),
        attempted: RwSignal::new(false),
        server: RwSignal::new(Vec::new()),
    };
    provide_context(state);
    provide_context(ctx);

    let open = move |target: Editing, draft: NewCustomerDraft| {
        state.set(Wizard {
            draft,
            ..Wizard::default()
        });
        ctx.touched.set(HashSet::new());
        ctx.server.set(Vec::new());
        ctx.attempted.set(false);
        general.set(None);
        saved.set(false);
        editing.set(Some(target));
    };
    let save = Action::new(move |(target, draft): &(Editing, NewCustomerDraft)| {
        let (target, draft) = (*target, draft.clone());
        async move {
            match (kind, draft.sla, draft.alert_profile) {
                (Kind::Sla, SlaChoiceDraft::Custom(d), _) => save_sla(target.id, target.version, d).await,
                (Kind::Profile, _, AlertProfileChoiceDraft::Custom(d)) => {
                    save_alert_profile(target.id, target.version, d).await
                }
                _ => Err(AppError::Internal),
            }
        }
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(_)) => {
            editing.set(None);
            saved.set(true);
            reload.update(|n| *n += 1);
        }
        Some(Err(AppError::Validation { fields })) => {
            ctx.server.set(fields);
            ctx.attempted.set(true);
        }
        Some(Err(e)) => general.set(Some(e)),
        None => {}
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        ctx.attempted.set(true);
        if let Some(target) = editing.get_untracked()
            && ctx.errors.with_untracked(Vec::is_empty)
        {
            save.dispatch((target, state.with_untracked(|w| w.draft.clone())));
        }
    };

    view! {
        <Title text=t(title) />
        <header class="page-header with-actions">
            <h1>{t(k::NAV_SETTINGS)}</h1>
        </header>
        <SettingsNav />
        <header class="page-header with-actions">
            <h2>{t(title)}</h2>
            <button type="button" class="button primary"
                on:click=move |_| open(Editing { id: None, version: None }, blank(kind))>
                {t(new_label)}
            </button>
        </header>
        <Show when=move || saved.get()>
            <p class="notice" role="status">{t(k::SETTINGS_SAVED)}</p>
        </Show>
        <Show when=move || editing.get().is_some()>
            <form class="wizard card" novalidate="" on:submit=submit>
                {match kind {
                    Kind::Sla => view! { <CustomSla /> }.into_any(),
                    Kind::Profile => view! { <CustomProfile /> }.into_any(),
                }}
                <Show when=move || ctx.attempted.get() && !ctx.errors.with(Vec::is_empty)>
                    <p class="form-error" role="alert">{t(k::WIZARD_STEP_MISSING)}</p>
                </Show>
                <p class="form-error" role="alert">{move || general.get().map(|e| e.message(locale))}</p>
                <div class="wizard-actions">
                    <button type="button" class="button" on:click=move |_| editing.set(None)>{t(k::SETTINGS_CANCEL)}</button>
                    <button type="submit" class="button primary" disabled=move || save.pending().get()>{t(k::COMMON_SAVE)}</button>
                </div>
            </form>
        </Show>
        <Suspense fallback=|| view! { <p class="muted">{t(k::COMMON_LOADING)}</p> }>
            {move || rows.get().map(|r| match r {
                Err(e) => view! { <p class="form-error" role="alert">{e.message(locale)}</p> }.into_any(),
                Ok(rows) if rows.is_empty() => view! { <p class="muted">{t(empty)}</p> }.into_any(),
                Ok(rows) => view! {
                    <DataTable id="settings-table" columns=vec![Th::text(k::USERS_NAME), Th::text(k::SETTINGS_DETAILS), Th::actions()]>
                                {rows.into_iter().map(|row| {
                                    let (edit_draft, clone_draft) = (row.draft.clone(), row.draft.clone());
                                    let copy_name = text_with(locale, k::SETTINGS_COPY_OF, &[("name", &row.name)]);
                                    let (id, version) = (row.id, row.version);
                                    view! {
                                        <tr>
                                            <td>{row.name.clone()}</td>
                                            <td>{row.details.clone()}</td>
                                            <td class="row-actions">
                                                <button type="button" class="button small"
                                                    aria-label=format!("{} {}", t(k::SETTINGS_EDIT), row.name)
                                                    on:click=move |_| open(Editing { id: Some(id), version: Some(version) }, edit_draft.clone())>
                                                    {t(k::SETTINGS_EDIT)}
                                                </button>
                                                <button type="button" class="button small"
                                                    aria-label=format!("{} {}", t(k::SETTINGS_CLONE), row.name)
                                                    on:click=move |_| open(Editing { id: None, version: None }, renamed(clone_draft.clone(), copy_name.clone()))>
                                                    {t(k::SETTINGS_CLONE)}
                                                </button>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </DataTable>
                }.into_any(),
            })}
        </Suspense>
    }
}
