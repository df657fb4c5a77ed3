//! Settings → Import: choose what to import, download the template, upload the file (with
//! a progress bar), map the columns the importer did not recognize, check the file (every
//! problem listed by row and column, downloadable), import it (progress streamed from the
//! server), and see past imports with "Undo". Export links sit next to the templates.

use leptos::prelude::*;
use leptos_meta::Title;

use super::columns::ImportKind;
use super::{ImportSummary, Outcome, RowError, Upload, import_history, undo_import};
use crate::error::AppError;
use crate::i18n::{Key, k, t, text, text_with, use_locale};
use crate::settings::SettingsNav;
use crate::shell::format_instant;
use crate::ui::{DataTable, ProgressBar, Th};

/// Where the page is in the flow. Progress values are shares (0.0–1.0).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum Stage {
    Idle,
    Uploading(f64),
    Mapping,
    Checking(f64),
    Checked(Outcome),
    Committing(f64),
    Done(Outcome),
}

fn kind_label(kind: ImportKind) -> Key {
    match kind {
        ImportKind::Customers => k::IMPORT_KIND_CUSTOMERS,
        ImportKind::Contacts => k::IMPORT_KIND_CONTACTS,
        ImportKind::Services => k::IMPORT_KIND_SERVICES,
    }
}

/// The kinds the signed-in user may import (a billing admin: only the catalogue), and the
/// one to start with: `?kind=` when it is one of them (the catalogue page links to
/// `?kind=services`), else the first.
fn offered() -> (Vec<ImportKind>, ImportKind) {
    let user = crate::shell::use_user().get_untracked();
    let kinds: Vec<ImportKind> = ImportKind::ALL
        .into_iter()
        .filter(|kind| user.as_ref().is_some_and(|u| u.can(kind.permission())))
        .collect();
    let asked = leptos_router::hooks::use_query_map()
        .get_untracked()
        .get("kind")
        .and_then(|k| ImportKind::parse(&k));
    let first = asked
        .filter(|k| kinds.contains(k))
        .or_else(|| kinds.first().copied())
        .unwrap_or(ImportKind::Customers);
    (kinds, first)
}

#[component]
pub fn ImportPage() -> impl IntoView {
    let locale = use_locale();
    let (kinds, first) = offered();
    let kind = RwSignal::new(first);
    let upload = RwSignal::new(None::<Upload>);
    let mapping = RwSignal::new(Vec::<Option<String>>::new());
    let stage = RwSignal::new(Stage::Idle);
    let problem = RwSignal::new(None::<String>);
    let reload = RwSignal::new(0u32);
    let history = Resource::new(move || reload.get(), |_| import_history());
    let file_input = NodeRef::<leptos::html::Input>::new();

    let reset = move || {
        upload.set(None);
        mapping.set(Vec::new());
        stage.set(Stage::Idle);
        problem.set(None);
    };
    let start_upload = move |_| {
        problem.set(None);
        let Some(input) = file_input.get_untracked() else {
            return;
        };
        send_file(&input, kind.get_untracked(), upload, mapping, stage, problem, locale);
    };
    let run = move |commit: bool| {
        problem.set(None);
        let Some(u) = upload.get_untracked() else { return };
        let map = mapping.get_untracked();
        stage.set(if commit {
            Stage::Committing(0.0)
        } else {
            Stage::Checking(0.0)
        });
        send_run(u.id, commit, &map, stage, problem, reload, locale);
    };
    let missing = Memo::new(move |_| {
        let map = mapping.get();
        kind.get()
            .columns()
            .iter()
            .filter(|c| c.required && !map.iter().any(|m| m.as_deref() == Some(c.key)))
            .map(|c| text(locale, c.label))
            .collect::<Vec<_>>()
    });
    let busy = move || {
        matches!(
            stage.get(),
            Stage::Uploading(_) | Stage::Checking(_) | Stage::Committing(_)
        )
    };

    view! {
        <Title text=t(k::IMPORT_TITLE) />
        <header class="page-header with-actions">
            <h1>{t(k::NAV_SETTINGS)}</h1>
        </header>
        <SettingsNav />
        <h2>{t(k::IMPORT_TITLE)}</h2>
        <p class="muted">{t(k::IMPORT_INTRO)}</p>

        <section class="card import-step" aria-labelledby="import-what">
            <h3 id="import-what">{t(k::IMPORT_STEP_WHAT)}</h3>
            <fieldset class="choice-row">
                <legend class="visually-hidden">{t(k::IMPORT_STEP_WHAT)}</legend>
                {kinds.into_iter().map(|option| view! {
                    <label>
                        <input type="radio" name="import-kind" value=option.as_str()
                            prop:checked=move || kind.get() == option
                            disabled=busy
                            on:change=move |_| { kind.set(option); reset(); } />
                        {t(kind_label(option))}
                    </label>
                }).collect_view()}
            </fieldset>
            <p class="links">
                <a rel="external" download="" href=move || format!("/api/imports/template/{}", kind.get().as_str())>
                    {t(k::IMPORT_TEMPLATE)}
                </a>
                " · "
                <a rel="external" download="" href=move || format!("/api/export/{}", kind.get().as_str())>
                    {t(k::IMPORT_EXPORT)}
                </a>
            </p>
            <p class="muted">{t(k::IMPORT_TEMPLATE_HINT)}</p>
        </section>

        <section class="card import-step" aria-labelledby="import-file">
            <h3 id="import-file">{t(k::IMPORT_STEP_FILE)}</h3>
            <div class="file-row">
                <label for="import-file-input">{t(k::IMPORT_FILE)}</label>
                <input id="import-file-input" type="file" accept=".csv,text/csv" node_ref=file_input
                    disabled=busy on:change=move |_| { upload.set(None); stage.set(Stage::Idle); } />
                <button type="button" class="button primary" disabled=busy on:click=start_upload>
                    {t(k::IMPORT_UPLOAD)}
                </button>
            </div>
            {move || match stage.get() {
                Stage::Uploading(p) => view! { <ProgressBar label=k::IMPORT_UPLOADING share=p id="import-progress-label" /> }.into_any(),
                _ => ().into_any(),
            }}
            <p class="form-error" role="alert">{move || problem.get()}</p>
        </section>

        {move || upload.get().map(|u| view! {
            <MappingStep upload=u mapping stage missing busy=Signal::derive(busy) on_check=Callback::new(move |_| run(false)) />
        })}

        {move || match stage.get() {
            Stage::Checking(p) => view! { <ProgressBar label=k::IMPORT_CHECKING share=p id="import-progress-label" /> }.into_any(),
            Stage::Committing(p) => view! { <ProgressBar label=k::IMPORT_COMMITTING share=p id="import-progress-label" /> }.into_any(),
            Stage::Checked(outcome) => {
                let id = upload.get_untracked().map(|u| u.id);
                let k = kind.get_untracked();
                view! { <CheckResult outcome kind=k import=id on_commit=Callback::new(move |_| run(true)) /> }.into_any()
            }
            Stage::Done(outcome) => view! {
                <section class="card import-step" aria-labelledby="import-done">
                    <ProgressBar label=k::IMPORT_COMMITTING share=1.0 id="import-progress-label" />
                    <h3 id="import-done">{t(k::IMPORT_DONE)}</h3>
                    <p role="status" class="notice">{counts(&outcome, locale)}</p>
                    {match kind.get_untracked() {
                        ImportKind::Services => view! { <p><a href="/settings/services">{t(k::IMPORT_SHOW_SERVICES)}</a></p> }.into_any(),
                        _ => view! { <p><a href="/customers">{t(k::IMPORT_SHOW_CUSTOMERS)}</a></p> }.into_any(),
                    }}
                </section>
            }.into_any(),
            _ => ().into_any(),
        }}

        <History history reload />
    }
}

fn counts(o: &Outcome, locale: domain::Locale) -> String {
    text_with(
        locale,
        k::IMPORT_COUNTS,
        &[
            ("created", &o.created.to_string()),
            ("updated", &o.updated.to_string()),
            ("unchanged", &o.unchanged.to_string()),
        ],
    )
}

#[component]
fn MappingStep(
    upload: Upload,
    mapping: RwSignal<Vec<Option<String>>>,
    stage: RwSignal<Stage>,
    missing: Memo<Vec<&'static str>>,
    busy: Signal<bool>,
    on_check: Callback<()>,
) -> impl IntoView {
    let kind = upload.kind;
    let suggested = upload.mapping.clone();
    view! {
        <section class="card import-step" aria-labelledby="import-map">
            <h3 id="import-map">{t(k::IMPORT_STEP_MAP)}</h3>
            <p class="muted">{t(k::IMPORT_MAP_HINT)}</p>
            <div class="table-wrap">
                <table class="data">
                    <thead>
                        <tr>
                            <th scope="col">{t(k::IMPORT_FILE_COLUMN)}</th>
                            <th scope="col">{t(k::IMPORT_IMPORTED_AS)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {upload.headers.iter().enumerate().map(|(i, header)| {
                            let id = format!("map-{i}");
                            let recognized = suggested.get(i).cloned().flatten().is_some();
                            view! {
                                <tr>
                                    <td>
                                        <label for=id.clone()>{header.clone()}</label>
                                        {(!recognized).then(|| view! { <span class="badge warn">{t(k::IMPORT_NOT_RECOGNIZED)}</span> })}
                                    </td>
                                    <td>
                                        <select id=id disabled=move || busy.get()
                                            on:change=move |ev| {
                                                let v = event_target_value(&ev);
                                                mapping.update(|m| if let Some(slot) = m.get_mut(i) {
                                                    *slot = (!v.is_empty()).then_some(v);
                                                });
                                                stage.set(Stage::Mapping);
                                            }>
                                            <option value="" selected=move || mapping.with(|m| m.get(i).cloned().flatten().is_none())>
                                                {t(k::IMPORT_IGNORE)}
                                            </option>
                                            {kind.columns().iter().map(|c| {
                                                let key = c.key;
                                                let label = if c.required {
                                                    format!("{} *", t(c.label))
                                                } else {
                                                    t(c.label).to_string()
                                                };
                                                view! {
                                                    <option value=key selected=move || mapping.with(|m| m.get(i).cloned().flatten().as_deref() == Some(key))>
                                                        {label}
                                                    </option>
                                                }
                                            }).collect_view()}
                                        </select>
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <Show when=move || !missing.with(Vec::is_empty)>
                <p class="hint">{move || text_with(use_locale(), k::IMPORT_MISSING_COLUMNS, &[("columns", &missing.get().join(", "))])}</p>
            </Show>
            <div class="actions">
                <button type="button" class="button primary" id="import-check" disabled=move || busy.get()
                    on:click=move |_| on_check.run(())>
                    {t(k::IMPORT_CHECK)}
                </button>
            </div>
        </section>
    }
}

#[component]
fn CheckResult(
    outcome: Outcome,
    kind: ImportKind,
    import: Option<uuid::Uuid>,
    on_commit: Callback<()>,
) -> impl IntoView {
    let locale = use_locale();
    let ok = outcome.error_count == 0;
    let summary = counts(&outcome, locale);
    let errors = outcome.errors.clone();
    let more = outcome.error_count as usize > errors.len();
    view! {
        <section class="card import-step" aria-labelledby="import-check-result">
            <h3 id="import-check-result">{t(k::IMPORT_STEP_CHECK)}</h3>
            {if ok {
                view! {
                    <p class="notice" role="status">{text_with(locale, k::IMPORT_READY, &[("rows", &outcome.rows.to_string())])}" "{summary}</p>
                    <div class="actions">
                        <button type="button" class="button primary" id="import-commit" on:click=move |_| on_commit.run(())>
                            {t(k::IMPORT_COMMIT)}
                        </button>
                    </div>
                }.into_any()
            } else {
                view! {
                    <p class="form-error" role="alert">
                        {text_with(locale, k::IMPORT_HAS_ERRORS, &[("count", &outcome.error_count.to_string())])}
                    </p>
                    <ErrorTable errors kind />
                    {more.then(|| view! { <p class="muted">{t(k::IMPORT_MORE_ERRORS)}</p> })}
                    {import.map(|id| view! {
                        <p><a rel="external" download="" href=format!("/api/imports/{id}/errors")>{t(k::IMPORT_DOWNLOAD_ERRORS)}</a></p>
                    })}
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn ErrorTable(errors: Vec<RowError>, kind: ImportKind) -> impl IntoView {
    let locale = use_locale();
    view! {
        <div class="table-wrap">
            <table class="data" id="import-errors">
                <thead>
                    <tr>
                        <th scope="col">{t(k::IMPORT_ERROR_ROW)}</th>
                        <th scope="col">{t(k::IMPORT_ERROR_COLUMN)}</th>
                        <th scope="col">{t(k::IMPORT_ERROR_VALUE)}</th>
                        <th scope="col">{t(k::IMPORT_ERROR_MESSAGE)}</th>
                    </tr>
                </thead>
                <tbody>
                    {errors.into_iter().map(|e| {
                        let column = if e.column.is_empty() { String::new() } else { super::columns::label(kind, &e.column, locale) };
                        view! {
                            <tr>
                                <td>{e.row}</td>
                                <td>{column}</td>
                                <td>{e.value.clone()}</td>
                                <td>{e.message(locale)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn History(history: Resource<Result<Vec<ImportSummary>, AppError>>, reload: RwSignal<u32>) -> impl IntoView {
    let locale = use_locale();
    let undo = Action::new(move |id: &uuid::Uuid| undo_import(*id));
    Effect::new(move |_| {
        if let Some(Ok(())) = undo.value().get() {
            reload.update(|n| *n += 1);
        }
    });
    let status = move |s: &str| match s {
        "committed" => t(k::IMPORT_STATUS_COMMITTED),
        "undone" => t(k::IMPORT_STATUS_UNDONE),
        _ => "",
    };
    view! {
        <section class="import-history" aria-labelledby="import-history">
            <h3 id="import-history">{t(k::IMPORT_HISTORY)}</h3>
            <p class="form-error" role="alert">{move || undo.value().get().and_then(Result::err).map(|e| match e {
                AppError::Validation { fields } => fields.first().map(|f| f.message(locale)).unwrap_or_default(),
                other => other.message(locale),
            })}</p>
            <Suspense fallback=|| view! { <p class="muted">{t(k::COMMON_LOADING)}</p> }>
                {move || history.get().map(|r| match r {
                    Err(e) => view! { <p class="form-error" role="alert">{e.message(locale)}</p> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="muted">{t(k::IMPORT_NO_HISTORY)}</p> }.into_any(),
                    Ok(list) => view! {
                        <DataTable id="import-history" columns=vec![Th::text(k::IMPORT_HISTORY_FILE), Th::text(k::IMPORT_STEP_WHAT), Th::text(k::IMPORT_HISTORY_WHEN), Th::text(k::IMPORT_HISTORY_RESULT), Th::text(k::IMPORT_HISTORY_STATUS), Th::actions()]>
                                    {list.into_iter().map(|i| {
                                        let id = i.id;
                                        let outcome = Outcome {
                                            created: i.created as u64,
                                            updated: i.updated as u64,
                                            unchanged: i.unchanged as u64,
                                            ..Outcome::default()
                                        };
                                        let file = i.file_name.clone();
                                        view! {
                                            <tr>
                                                <td>{i.file_name.clone()}</td>
                                                <td>{t(kind_label(i.kind))}</td>
                                                <td>{format_instant(i.at, locale)}{i.by.map(|b| format!(" · {b}"))}</td>
                                                <td>{counts(&outcome, locale)}</td>
                                                <td>{status(&i.status)}</td>
                                                <td class="row-actions">
                                                    {(i.status == "committed").then(|| view! {
                                                        <button type="button" class="button small"
                                                            aria-label=format!("{} {}", t(k::IMPORT_UNDO), file)
                                                            disabled=move || undo.pending().get()
                                                            on:click=move |_| { undo.dispatch(id); }>
                                                            {t(k::IMPORT_UNDO)}
                                                        </button>
                                                    })}
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </DataTable>
                    }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

/// The message of an error body from one of the import endpoints.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn error_message(status: u16, body: &str, locale: domain::Locale) -> String {
    match serde_json::from_str::<AppError>(body) {
        Ok(AppError::Validation { fields }) => fields.iter().map(|f| f.message(locale)).collect::<Vec<_>>().join(" "),
        Ok(e) => e.message(locale),
        Err(_) if status == 413 => text(locale, k::IMPORT_TOO_LARGE).to_string(),
        Err(_) => AppError::Transport {
            message: format!("HTTP {status}"),
        }
        .message(locale),
    }
}

/// The events of a progress stream received so far (`data: {json}` blocks).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn events(body: &str) -> Vec<super::RunEvent> {
    body.split("\n\n")
        .filter_map(|block| block.strip_prefix("data: "))
        .filter_map(|json| serde_json::from_str(json).ok())
        .collect()
}

/// `s` for a URL query value.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn encode_component(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(feature = "hydrate")]
fn send_file(
    input: &leptos::web_sys::HtmlInputElement,
    kind: ImportKind,
    upload: RwSignal<Option<Upload>>,
    mapping: RwSignal<Vec<Option<String>>>,
    stage: RwSignal<Stage>,
    problem: RwSignal<Option<String>>,
    locale: domain::Locale,
) {
    let Some(file) = input.files().and_then(|f| f.get(0)) else {
        problem.set(Some(text(locale, k::IMPORT_CHOOSE_FILE).to_string()));
        return;
    };
    let url = format!("/api/imports/{}?name={}", kind.as_str(), encode_component(&file.name()));
    stage.set(Stage::Uploading(0.0));
    let handlers = super::xhr::Handlers {
        on_upload: Box::new(move |share| stage.set(Stage::Uploading(share))),
        on_text: Box::new(|_| {}),
        on_done: Box::new(move |status, body| {
            if status == 200
                && let Ok(u) = serde_json::from_str::<Upload>(&body)
            {
                mapping.set(u.mapping.clone());
                upload.set(Some(u));
                stage.set(Stage::Mapping);
            } else {
                stage.set(Stage::Idle);
                problem.set(Some(error_message(status, &body, locale)));
            }
        }),
    };
    if super::xhr::send("POST", &url, "text/csv", &file.into(), handlers).is_err() {
        stage.set(Stage::Idle);
        problem.set(Some(
            AppError::Transport {
                message: "XMLHttpRequest".into(),
            }
            .message(locale),
        ));
    }
}

#[cfg(not(feature = "hydrate"))]
fn send_file(
    _: &leptos::web_sys::HtmlInputElement,
    _: ImportKind,
    _: RwSignal<Option<Upload>>,
    _: RwSignal<Vec<Option<String>>>,
    _: RwSignal<Stage>,
    _: RwSignal<Option<String>>,
    _: domain::Locale,
) {
}

#[cfg(feature = "hydrate")]
fn send_run(
    id: uuid::Uuid,
    commit: bool,
    mapping: &[Option<String>],
    stage: RwSignal<Stage>,
    problem: RwSignal<Option<String>>,
    reload: RwSignal<u32>,
    locale: domain::Locale,
) {
    use super::RunEvent;
    let url = format!("/api/imports/{id}/{}", if commit { "commit" } else { "check" });
    let body = serde_json::json!({ "mapping": mapping }).to_string();
    let apply = move |list: Vec<RunEvent>| {
        for ev in list {
            match ev {
                RunEvent::Progress { done, total, .. } => {
                    let share = if total == 0 { 1.0 } else { done as f64 / total as f64 };
                    stage.set(if commit {
                        Stage::Committing(share)
                    } else {
                        Stage::Checking(share)
                    });
                }
                RunEvent::Done { outcome } => {
                    if outcome.committed {
                        reload.update(|n| *n += 1);
                        stage.set(Stage::Done(outcome));
                    } else {
                        stage.set(Stage::Checked(outcome));
                    }
                }
                RunEvent::Failed { error } => {
                    stage.set(Stage::Mapping);
                    problem.set(Some(error.message(locale)));
                }
            }
        }
    };
    let handlers = super::xhr::Handlers {
        on_upload: Box::new(|_| {}),
        on_text: Box::new(move |text| {
            // Only progress here; the last event is handled once the response is complete.
            let progress: Vec<RunEvent> = events(&text)
                .into_iter()
                .filter(|e| matches!(e, RunEvent::Progress { .. }))
                .collect();
            if let Some(last) = progress.into_iter().last() {
                apply(vec![last]);
            }
        }),
        on_done: Box::new(move |status, text| {
            if status != 200 {
                stage.set(Stage::Mapping);
                problem.set(Some(error_message(status, &text, locale)));
                return;
            }
            let list = events(&text);
            if !list.iter().any(|e| !matches!(e, RunEvent::Progress { .. })) {
                stage.set(Stage::Mapping);
                problem.set(Some(
                    AppError::Transport {
                        message: "stream ended".into(),
                    }
                    .message(locale),
                ));
                return;
            }
            apply(
                list.into_iter()
                    .filter(|e| !matches!(e, RunEvent::Progress { .. }))
                    .collect(),
            );
        }),
    };
    if super::xhr::send("POST", &url, "application/json", &body.into(), handlers).is_err() {
        stage.set(Stage::Mapping);
        problem.set(Some(
            AppError::Transport {
                message: "XMLHttpRequest".into(),
            }
            .message(locale),
        ));
    }
}

#[cfg(not(feature = "hydrate"))]
fn send_run(
    _: uuid::Uuid,
    _: bool,
    _: &[Option<String>],
    _: RwSignal<Stage>,
    _: RwSignal<Option<String>>,
    _: RwSignal<u32>,
    _: domain::Locale,
) {
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_events_are_read_as_they_arrive() {
        let body = "data: {\"event\":\"progress\",\"done\":5,\"total\":10,\"rows\":2}\n\ndata: {\"event\":\"pro";
        assert_eq!(events(body).len(), 1);
        assert_eq!(encode_component("Kunden Ä.csv"), "Kunden%20%C3%84.csv");
    }
}
