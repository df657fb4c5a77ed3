//! The Team & access tab: account manager and account team.

use leptos::prelude::*;
use uuid::Uuid;

use super::editor::{Editor, SaveBar};
use super::{PageData, can};
use crate::auth::Permission;
use crate::customers::CustomerDetail;
use crate::customers::team::{StaffOption, TeamDraft, save_team};
use crate::i18n::{k, t, use_locale};
use crate::shell::{role_label, use_user};

#[component]
pub fn TeamTab(c: CustomerDetail) -> impl IntoView {
    let page = expect_context::<PageData>();
    let locale = use_locale();
    let user = use_user();
    let may_edit =
        Signal::derive(move || can(Permission::EditCustomers).get() && !user.get().is_some_and(|u| u.restricted));
    let staff = page.staff;
    let customer = c.id;
    let editor = Editor::new(c.team.clone(), c.version);
    let state = editor.draft;
    let save = Callback::new(move |_| {
        editor.save(
            None,
            move |version, base, draft| save_team(customer, version, base, draft),
            move || page.saved(),
        );
    });
    view! {
        <section class="card" aria-labelledby="team-title">
            <h2 id="team-title">{t(k::TAB_TEAM)}</h2>
            <p class="hint">{t(k::TEAM_HINT)}</p>
            {move || staff.get().map(|r| match r {
                    Err(e) => view! { <p class="form-error">{e.message(locale)}</p> }.into_any(),
                    Ok(staff) => {
                        let staff = StoredValue::new(staff);
                        view! {
                            <form id="team-form" on:submit=move |ev| { ev.prevent_default(); save.run(()); }>
                                <fieldset disabled=move || !may_edit.get()>
                                    <div class="field">
                                        <label for="account-manager">{t(k::TEAM_ACCOUNT_MANAGER)}</label>
                                        <select id="account-manager" on:change=move |ev| {
                                            let v = event_target_value(&ev).parse::<Uuid>().ok();
                                            state.update(|d| d.account_manager = v);
                                        }>
                                            <option value="" selected=move || state.with(|d| d.account_manager.is_none())>{t(k::WIZARD_NONE)}</option>
                                            {staff.with_value(|s| s.iter().map(|o| {
                                                let id = o.id;
                                                view! {
                                                    <option value=id.to_string() selected=move || state.with(|d| d.account_manager == Some(id))>
                                                        {staff_text(o)}
                                                    </option>
                                                }
                                            }).collect_view())}
                                        </select>
                                    </div>
                                    <fieldset class="checks">
                                        <legend>{t(k::TEAM_MEMBERS)}</legend>
                                        {staff.with_value(|s| s.iter().map(|o| {
                                            let id = o.id;
                                            view! {
                                                <label class="check">
                                                    <input type="checkbox" name="member" value=id.to_string()
                                                        prop:checked=move || state.with(|d: &TeamDraft| d.members.contains(&id))
                                                        on:change=move |ev| {
                                                            let on = event_target_checked(&ev);
                                                            state.update(|d| {
                                                                d.members.retain(|m| *m != id);
                                                                if on { d.members.push(id); }
                                                            });
                                                        } />
                                                    {staff_text(o)}
                                                </label>
                                            }
                                        }).collect_view())}
                                    </fieldset>
                                </fieldset>
                                <Show when=move || may_edit.get() fallback=|| view! { <p class="muted">{t(k::TEAM_READ_ONLY)}</p> }>
                                    <SaveBar editor=editor label=super::overview::field_label save=save reload=Callback::new(move |_| page.reload()) />
                                </Show>
                            </form>
                        }.into_any()
                    }
                })}
        </section>
    }
}

fn staff_text(o: &StaffOption) -> String {
    let mut s = format!("{} ({})", o.name, role_label(o.role));
    if o.restricted {
        s.push_str(&format!(" · {}", t(k::USERS_RESTRICTED)));
    }
    s
}
