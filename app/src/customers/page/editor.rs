//! What every editor on the customer page shares: the draft, the values it was loaded
//! with, the version to send back, and a save bar that shows field errors and
//! conflicts ("someone else saved …: yours / theirs").

use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::error::AppError;
use crate::forms::draft::{FieldContext, Lens, field_lens};
use crate::i18n::{Key, k, t, text_with, use_locale};
use crate::shell::format_instant;

/// One form over one versioned record.
pub struct Editor<D: Send + Sync + 'static> {
    pub draft: RwSignal<D>,
    pub base: RwSignal<D>,
    pub version: RwSignal<i32>,
    pub error: RwSignal<Option<AppError>>,
    pub busy: RwSignal<bool>,
}

impl<D: Send + Sync + 'static> Clone for Editor<D> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<D: Send + Sync + 'static> Copy for Editor<D> {}

impl<D: Clone + PartialEq + Send + Sync + 'static> Editor<D> {
    pub fn new(loaded: D, version: i32) -> Self {
        Editor {
            draft: RwSignal::new(loaded.clone()),
            base: RwSignal::new(loaded),
            version: RwSignal::new(version),
            error: RwSignal::new(None),
            busy: RwSignal::new(false),
        }
    }

    /// The form's field context, from the same domain `validate` the server runs; the
    /// fields below read it from context.
    pub fn validated(self, validate: impl Fn(&D) -> Vec<domain::FieldError> + Send + Sync + 'static) -> FieldContext {
        let errors = Memo::new(move |_| self.draft.with(|d| validate(d)));
        let fields = FieldContext::new(errors);
        provide_context(fields);
        fields
    }

    /// A lens on one string of the draft, for a `Field`.
    pub fn lens(self, get: fn(&D) -> &String, set: fn(&mut D) -> &mut String) -> Lens {
        field_lens(self.draft, get, set)
    }

    pub fn dirty(&self) -> bool {
        self.draft.with(|d| self.base.with(|b| d != b))
    }

    /// Sends `(version, base, draft)` through `call`; on success the draft becomes the new
    /// base and `after` runs (the page reloads its data). With `fields`, invalid input is
    /// shown instead of sent, and the server's field errors go there too.
    pub fn save<F, Fut>(self, fields: Option<FieldContext>, call: F, after: impl Fn() + 'static)
    where
        F: FnOnce(i32, D, D) -> Fut + 'static,
        Fut: Future<Output = Result<i32, AppError>> + 'static,
    {
        if self.busy.get_untracked() {
            return;
        }
        // Invalid input never leaves the browser: show every field's message instead.
        if let Some(f) = fields
            && !f.errors.with_untracked(|e| e.is_empty())
        {
            f.show_all(Vec::new());
            return;
        }
        self.busy.set(true);
        let (version, base, draft) = (
            self.version.get_untracked(),
            self.base.get_untracked(),
            self.draft.get_untracked(),
        );
        spawn_local(async move {
            let result = call(version, base, draft.clone()).await;
            self.busy.set(false);
            match result {
                Ok(new_version) => {
                    self.version.set(new_version);
                    self.base.set(draft);
                    self.error.set(None);
                    if let Some(f) = fields {
                        f.show_all(Vec::new());
                    }
                    after();
                }
                Err(e) => {
                    if let (Some(f), AppError::Validation { fields: problems }) = (fields, &e) {
                        f.show_all(problems.clone());
                    }
                    self.error.set(Some(e));
                }
            }
        });
    }

    /// "Save mine anyway": the next save goes over the version that conflicted.
    pub fn overrule(&self) {
        if let Some(AppError::EditConflict { version, .. }) = self.error.get_untracked() {
            self.version.set(version);
            self.error.set(None);
        }
    }
}

/// Save button, status line, and the conflict with both values when there is one.
/// `label` names a field path for the conflict table; `save` saves; `reload` takes theirs.
#[component]
pub fn SaveBar<D: Clone + PartialEq + Send + Sync + 'static>(
    editor: Editor<D>,
    label: fn(&str) -> String,
    save: Callback<()>,
    reload: Callback<()>,
    #[prop(default = k::COMMON_SAVE)] save_label: Key,
) -> impl IntoView {
    let locale = use_locale();
    view! {
        {move || editor.error.get().map(|e| match e {
            AppError::EditConflict { by, at, fields, .. } => {
                let who = by.unwrap_or_else(|| t(k::EDIT_SOMEONE).to_string());
                let when = at.map(|a| format_instant(a, locale)).unwrap_or_default();
                view! {
                    <div class="conflict" role="alert">
                        <p><strong>{text_with(locale, k::EDIT_CONFLICT, &[("who", &who), ("when", &when)])}</strong></p>
                        <table class="data compact">
                            <thead><tr>
                                <th scope="col">{t(k::EDIT_FIELD)}</th>
                                <th scope="col">{t(k::EDIT_YOURS)}</th>
                                <th scope="col">{t(k::EDIT_THEIRS)}</th>
                            </tr></thead>
                            <tbody>
                                {fields.into_iter().map(|f| view! {
                                    <tr>
                                        <th scope="row">{label(&f.field)}</th>
                                        <td class="yours">{shown(&f.yours)}</td>
                                        <td class="theirs">{shown(&f.theirs)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        <div class="actions">
                            <button type="button" class="button" on:click=move |_| reload.run(())>{t(k::EDIT_TAKE_THEIRS)}</button>
                            <button type="button" class="button primary" on:click=move |_| {
                                editor.overrule();
                                save.run(());
                            }>{t(k::EDIT_KEEP_MINE)}</button>
                        </div>
                    </div>
                }.into_any()
            }
            other => view! { <p class="form-error" role="alert">{other.message(locale)}</p> }.into_any(),
        })}
        <div class="actions">
            <button type="submit" class="button primary" disabled=move || editor.busy.get() || !editor.dirty()>{t(save_label)}</button>
        </div>
    }
}

fn shown(v: &str) -> String {
    if v.is_empty() { "—".to_string() } else { v.to_string() }
}

/// A form path's label from the label table (`customer.name` → "Name"), else the path.
pub fn label_from(table: &[(&str, Key)], path: &str) -> String {
    table
        .iter()
        .find(|(p, _)| *p == path || path.starts_with(&format!("{p}[")))
        .map(|(_, key)| t(*key).to_string())
        .unwrap_or_else(|| path.to_string())
}
