//! The data table and the states around it. Lists page on the server with keyset
//! cursors (never OFFSET), so the pager is a pair of links carrying the cursor: it works
//! without JavaScript and the browser's back button returns to the same page.

use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::{Key, k, t, use_locale};

/// "Loading …" while a list's data is on its way.
#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="muted" aria-busy="true">{t(k::COMMON_LOADING)}</p> }
}

/// A failed load or action, in the user's language; a refusal with field problems says
/// what they are (there is no form field here to show them next to).
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    let locale = use_locale();
    let text = match &error {
        AppError::Validation { fields } if !fields.is_empty() => {
            fields.iter().map(|f| f.message(locale)).collect::<Vec<_>>().join(" ")
        }
        other => other.message(locale),
    };
    view! { <p class="form-error" role="alert">{text}</p> }
}

/// What an empty list says (and, as children, what to do about it).
#[component]
pub fn EmptyState(text: Key, #[prop(optional)] children: Option<Children>) -> impl IntoView {
    view! {
        <section class="empty-state">
            <p>{t(text)}</p>
            {children.map(|c| c())}
        </section>
    }
}

/// A column header. `numeric` right-aligns it like its cells; `hidden` keeps the label for
/// screen readers only (an actions column).
#[derive(Clone, Copy)]
pub struct Th {
    pub label: Key,
    pub numeric: bool,
    pub hidden: bool,
}

impl Th {
    pub const fn text(label: Key) -> Th {
        Th {
            label,
            numeric: false,
            hidden: false,
        }
    }

    pub const fn num(label: Key) -> Th {
        Th {
            label,
            numeric: true,
            hidden: false,
        }
    }

    pub const fn actions() -> Th {
        Th {
            label: k::SETTINGS_ACTIONS,
            numeric: false,
            hidden: true,
        }
    }
}

/// The table: its headers, and the body rows as children.
#[component]
pub fn DataTable(#[prop(into)] id: String, #[prop(into)] columns: Vec<Th>, children: Children) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="data" id=id>
                <thead>
                    <tr>
                        {columns.into_iter().map(|c| {
                            let label = t(c.label);
                            view! {
                                <th scope="col" class:num=c.numeric>
                                    {if c.hidden {
                                        view! { <span class="visually-hidden">{label}</span> }.into_any()
                                    } else {
                                        label.into_any()
                                    }}
                                </th>
                            }
                        }).collect_view()}
                    </tr>
                </thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}

/// Links to the neighbouring pages (`None`: there is none that way). Lists that page
/// only forwards offer the first page instead of the previous one.
#[component]
pub fn Pager(
    #[prop(optional_no_strip)] first: Option<String>,
    #[prop(optional_no_strip)] prev: Option<String>,
    #[prop(optional_no_strip)] next: Option<String>,
) -> impl IntoView {
    (first.is_some() || prev.is_some() || next.is_some()).then(|| {
        view! {
            <nav class="pager" aria-label=t(k::LIST_PAGES)>
                {first.map(|h| view! { <a class="button" href=h>{t(k::LIST_FIRST)}</a> })}
                {prev.map(|h| view! { <a class="button" rel="prev" href=h>{t(k::LIST_PREV)}</a> })}
                {next.map(|h| view! { <a class="button" rel="next" href=h>{t(k::LIST_NEXT)}</a> })}
            </nav>
        }
    })
}
