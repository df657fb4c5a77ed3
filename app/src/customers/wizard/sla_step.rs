//! Step 3: the SLA and the alert threshold profile. Both optional; each is a shared one
//! picked from the list, or a custom one defined right here.

use domain::{
    AlertProfileChoiceDraft, AlertProfileDraft, AlertThresholdDraft, DaySpanDraft, Metric, Operator, Priority,
    ResponseTargetDraft, Severity, SlaChoiceDraft, SlaDraft, Weekday,
};
use leptos::prelude::*;

use super::Wizard;
use super::contract_step::choice_key;
use super::fields::{Choice, Field, Lens, lens};
use crate::i18n::{Key, k, t};

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    None,
    Shared,
    Custom,
}

fn sla_mode(s: &SlaChoiceDraft) -> Mode {
    match s {
        SlaChoiceDraft::None => Mode::None,
        SlaChoiceDraft::Shared { .. } => Mode::Shared,
        SlaChoiceDraft::Custom(_) => Mode::Custom,
    }
}

fn profile_mode(p: &AlertProfileChoiceDraft) -> Mode {
    match p {
        AlertProfileChoiceDraft::None => Mode::None,
        AlertProfileChoiceDraft::Shared { .. } => Mode::Shared,
        AlertProfileChoiceDraft::Custom(_) => Mode::Custom,
    }
}

fn custom_sla(d: &domain::NewCustomerDraft) -> Option<&SlaDraft> {
    match &d.sla {
        SlaChoiceDraft::Custom(s) => Some(s),
        _ => None,
    }
}

fn custom_sla_mut(d: &mut domain::NewCustomerDraft) -> Option<&mut SlaDraft> {
    match &mut d.sla {
        SlaChoiceDraft::Custom(s) => Some(s),
        _ => None,
    }
}

fn custom_profile(d: &domain::NewCustomerDraft) -> Option<&AlertProfileDraft> {
    match &d.alert_profile {
        AlertProfileChoiceDraft::Custom(p) => Some(p),
        _ => None,
    }
}

fn custom_profile_mut(d: &mut domain::NewCustomerDraft) -> Option<&mut AlertProfileDraft> {
    match &mut d.alert_profile {
        AlertProfileChoiceDraft::Custom(p) => Some(p),
        _ => None,
    }
}

#[component]
pub fn SlaStep() -> impl IntoView {
    let options = Resource::new(|| (), |_| super::super::shared_options());
    let state = expect_context::<RwSignal<Wizard>>();
    // Memoised: the mode's fields are rebuilt when the mode changes, not on every keystroke.
    let sla = Memo::new(move |_| state.with(|w| sla_mode(&w.draft.sla)));
    let profile = Memo::new(move |_| state.with(|w| profile_mode(&w.draft.alert_profile)));
    let set_sla = Callback::new(move |m: Mode| {
        state.update(|w| {
            w.draft.sla = match m {
                Mode::None => SlaChoiceDraft::None,
                Mode::Shared => SlaChoiceDraft::Shared { id: String::new() },
                Mode::Custom => SlaChoiceDraft::Custom(SlaDraft::default()),
            }
        })
    });
    let set_profile = Callback::new(move |m: Mode| {
        state.update(|w| {
            w.draft.alert_profile = match m {
                Mode::None => AlertProfileChoiceDraft::None,
                Mode::Shared => AlertProfileChoiceDraft::Shared { id: String::new() },
                Mode::Custom => AlertProfileChoiceDraft::Custom(AlertProfileDraft {
                    items: vec![AlertThresholdDraft::default()],
                    ..Default::default()
                }),
            }
        })
    });
    let shared_lens = move |sla: bool| {
        lens(
            state,
            move |d| match (sla, &d.sla, &d.alert_profile) {
                (true, SlaChoiceDraft::Shared { id }, _) => Some(id),
                (false, _, AlertProfileChoiceDraft::Shared { id }) => Some(id),
                _ => None,
            },
            move |d| match sla {
                true => match &mut d.sla {
                    SlaChoiceDraft::Shared { id } => Some(id),
                    _ => None,
                },
                false => match &mut d.alert_profile {
                    AlertProfileChoiceDraft::Shared { id } => Some(id),
                    _ => None,
                },
            },
        )
    };
    let shared_choices = move |sla: bool| {
        options
            .get()
            .and_then(Result::ok)
            .map(|(slas, profiles)| if sla { slas } else { profiles })
            .unwrap_or_default()
    };
    view! {
        <p class="hint">{t(k::SLA_LATER)}</p>
        <fieldset class="choice-group">
            <legend>{t(k::SLA_TITLE)}</legend>
            <ModeRadios name="sla-mode" mode=Signal::from(sla) set=set_sla />
            <Suspense fallback=|| ()>
                {move || (sla.get() == Mode::Shared).then(|| view! {
                    <SharedPicker path="sla.id" label=k::SLA_PICK lens=shared_lens(true) choices=shared_choices(true) />
                })}
            </Suspense>
            <Show when=move || sla.get() == Mode::Custom>
                <CustomSla />
            </Show>
        </fieldset>
        <fieldset class="choice-group">
            <legend>{t(k::ALERT_TITLE)}</legend>
            <ModeRadios name="profile-mode" mode=Signal::from(profile) set=set_profile />
            <Suspense fallback=|| ()>
                {move || (profile.get() == Mode::Shared).then(|| view! {
                    <SharedPicker path="alert_profile.id" label=k::ALERT_PICK lens=shared_lens(false) choices=shared_choices(false) />
                })}
            </Suspense>
            <Show when=move || profile.get() == Mode::Custom>
                <CustomProfile />
            </Show>
        </fieldset>
    }
}

#[component]
fn ModeRadios(name: &'static str, #[prop(into)] mode: Signal<Mode>, set: Callback<Mode>) -> impl IntoView {
    let radio = move |m: Mode, label: Key| {
        let id = format!("{name}-{}", m as u8);
        let for_id = id.clone();
        view! {
            <label class="radio" for=for_id>
                <input type="radio" id=id name=name prop:checked=move || mode.get() == m on:change=move |_| set.run(m) />
                {t(label)}
            </label>
        }
    };
    view! {
        <div class="radios">
            {radio(Mode::None, k::WIZARD_NONE)}
            {radio(Mode::Shared, k::WIZARD_SHARED)}
            {radio(Mode::Custom, k::WIZARD_CUSTOM)}
        </div>
    }
}

#[component]
fn SharedPicker(path: &'static str, label: Key, lens: Lens, choices: Vec<super::super::SharedOption>) -> impl IntoView {
    if choices.is_empty() {
        return view! { <p class="hint">{t(k::WIZARD_NO_SHARED)}</p> }.into_any();
    }
    let ids: Vec<(String, String)> = choices.into_iter().map(|c| (c.id.to_string(), c.name)).collect();
    let id = super::fields::field_id(path);
    view! {
        <div class="field">
            <label for=id.clone()>{t(label)}</label>
            <select id=id on:change={
                let lens = lens.clone();
                move |ev| lens.set(event_target_value(&ev))
            }>
                <option value="">{t(k::COMMON_CHOOSE)}</option>
                {ids.into_iter().map(|(value, name)| {
                    let (v, lens) = (value.clone(), lens.clone());
                    view! { <option value=value selected=move || lens.get() == v>{name}</option> }
                }).collect_view()}
            </select>
        </div>
    }
    .into_any()
}

/// The label of a national-holidays choice (`""` is the time zone's country).
fn holiday_key(choice: &str) -> crate::i18n::Key {
    match choice {
        "de" => k::SLA_HOLIDAY_DE,
        "es" => k::SLA_HOLIDAY_ES,
        "none" => k::SLA_HOLIDAY_NONE,
        _ => k::SLA_HOLIDAY_ZONE,
    }
}

#[component]
pub fn CustomSla() -> impl IntoView {
    let state = expect_context::<RwSignal<Wizard>>();
    let s = move |get: fn(&SlaDraft) -> &String, set: fn(&mut SlaDraft) -> &mut String| {
        lens(
            state,
            move |d| custom_sla(d).map(get),
            move |d| custom_sla_mut(d).map(set),
        )
    };
    let around = move || state.with(|w| custom_sla(&w.draft).is_some_and(|s| s.around_the_clock));
    let spans = move || state.with(|w| custom_sla(&w.draft).map_or(0, |s| s.business_hours.len()));
    let target = |p: Priority, first: bool| {
        lens(
            state,
            move |d| {
                custom_sla(d).map(|s| {
                    let t = target_of(&s.targets, p);
                    if first {
                        &t.first_response_minutes
                    } else {
                        &t.resolution_minutes
                    }
                })
            },
            move |d| {
                custom_sla_mut(d).map(|s| {
                    let t = target_of_mut(&mut s.targets, p);
                    if first {
                        &mut t.first_response_minutes
                    } else {
                        &mut t.resolution_minutes
                    }
                })
            },
        )
    };
    view! {
        <div class="grid-form">
            <Field path="sla.name" label=k::SLA_NAME required=true lens=s(|s| &s.name, |s| &mut s.name) />
            <Field path="sla.time_zone" label=k::SLA_TIME_ZONE hint=k::SLA_TIME_ZONE_HINT lens=s(|s| &s.time_zone, |s| &mut s.time_zone) />
        </div>
        <label class="checkbox">
            <input type="checkbox" prop:checked=around on:change=move |ev| {
                let on = event_target_checked(&ev);
                state.update(|w| if let Some(s) = custom_sla_mut(&mut w.draft) { s.around_the_clock = on });
            } />
            {t(k::SLA_AROUND_THE_CLOCK)}
        </label>
        <Show when=move || !around()>
            <fieldset class="list-field">
                <legend>{t(k::SLA_BUSINESS_HOURS)}</legend>
                <For each=move || 0..spans() key=|i| *i let:i>
                    <div class="list-row">
                        <Choice path=format!("sla.business_hours[{i}].weekday") label=k::SLA_WEEKDAY
                            lens=lens(state, move |d| custom_sla(d).and_then(|s| s.business_hours.get(i)).map(|x| &x.weekday),
                                move |d| custom_sla_mut(d).and_then(|s| s.business_hours.get_mut(i)).map(|x| &mut x.weekday))
                            options=Weekday::ALL.iter().map(|w| (w.as_str(), choice_key("weekday", w.as_str()))).collect() />
                        <Field path=format!("sla.business_hours[{i}].start") label=k::SLA_FROM input_type="time"
                            lens=lens(state, move |d| custom_sla(d).and_then(|s| s.business_hours.get(i)).map(|x| &x.start),
                                move |d| custom_sla_mut(d).and_then(|s| s.business_hours.get_mut(i)).map(|x| &mut x.start)) />
                        <Field path=format!("sla.business_hours[{i}].end") label=k::SLA_TO input_type="time"
                            lens=lens(state, move |d| custom_sla(d).and_then(|s| s.business_hours.get(i)).map(|x| &x.end),
                                move |d| custom_sla_mut(d).and_then(|s| s.business_hours.get_mut(i)).map(|x| &mut x.end)) />
                        <button type="button" class="button small" aria-label=t(k::COMMON_REMOVE)
                            on:click=move |_| state.update(|w| if let Some(s) = custom_sla_mut(&mut w.draft) && i < s.business_hours.len() { s.business_hours.remove(i); })>
                            "×"
                        </button>
                    </div>
                </For>
                <button type="button" class="button small" on:click=move |_| state.update(|w| if let Some(s) = custom_sla_mut(&mut w.draft) {
                    s.business_hours.push(DaySpanDraft { weekday: Weekday::Sat.as_str().into(), start: "09:00".into(), end: "13:00".into() });
                })>{t(k::SLA_ADD_SPAN)}</button>
            </fieldset>
        </Show>
        <div class="grid-form">
            <Choice path="sla.holiday_country" label=k::SLA_HOLIDAY_COUNTRY lens=s(|s| &s.holiday_country, |s| &mut s.holiday_country)
                options=domain::NationalHolidays::CHOICES.iter().map(|c| (*c, holiday_key(c))).collect() />
            <Field path="sla.holidays" label=k::SLA_HOLIDAYS hint=k::SLA_HOLIDAYS_HINT lens=s(|s| &s.holidays, |s| &mut s.holidays) />
        </div>
        <table class="data targets">
            <caption>{t(k::SLA_TARGETS)}</caption>
            <thead>
                <tr>
                    <th scope="col">{t(k::SLA_PRIORITY)}</th>
                    <th scope="col">{t(k::SLA_FIRST_RESPONSE)}</th>
                    <th scope="col">{t(k::SLA_RESOLUTION)}</th>
                </tr>
            </thead>
            <tbody>
                {Priority::ALL.iter().rev().map(|p| {
                    let p = *p;
                    view! {
                        <tr>
                            <th scope="row">{t(choice_key("priority", p.as_str()))}</th>
                            <td><Field path=format!("sla.targets.{}.first_response_minutes", p.as_str()) label=k::SLA_MINUTES inputmode="numeric" lens=target(p, true) /></td>
                            <td><Field path=format!("sla.targets.{}.resolution_minutes", p.as_str()) label=k::SLA_MINUTES inputmode="numeric" lens=target(p, false) /></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
pub fn CustomProfile() -> impl IntoView {
    let state = expect_context::<RwSignal<Wizard>>();
    let items = move || state.with(|w| custom_profile(&w.draft).map_or(0, |p| p.items.len()));
    let item =
        move |i: usize, get: fn(&AlertThresholdDraft) -> &String, set: fn(&mut AlertThresholdDraft) -> &mut String| {
            lens(
                state,
                move |d| custom_profile(d).and_then(|p| p.items.get(i)).map(get),
                move |d| custom_profile_mut(d).and_then(|p| p.items.get_mut(i)).map(set),
            )
        };
    view! {
        <Field path="alert_profile.name" label=k::ALERT_NAME required=true
            lens=lens(state, |d| custom_profile(d).map(|p| &p.name), |d| custom_profile_mut(d).map(|p| &mut p.name)) />
        <For each=move || 0..items() key=|i| *i let:i>
            <fieldset class="part grid-form">
                <legend>{t(k::ALERT_ITEM)}</legend>
                <Choice path=format!("alert_profile.items[{i}].metric") label=k::ALERT_METRIC lens=item(i, |x| &x.metric, |x| &mut x.metric)
                    options=std::iter::once(("", k::COMMON_CHOOSE)).chain(Metric::ALL.iter().map(|m| (m.as_str(), choice_key("metric", m.as_str())))).collect() />
                <Choice path=format!("alert_profile.items[{i}].operator") label=k::ALERT_OPERATOR lens=item(i, |x| &x.operator, |x| &mut x.operator)
                    options=std::iter::once(("", k::COMMON_CHOOSE)).chain(Operator::ALL.iter().map(|m| (m.as_str(), choice_key("operator", m.as_str())))).collect() />
                <Field path=format!("alert_profile.items[{i}].value") label=k::ALERT_VALUE inputmode="decimal" required=true
                    lens=item(i, |x| &x.value, |x| &mut x.value) />
                <Field path=format!("alert_profile.items[{i}].duration_minutes") label=k::ALERT_DURATION inputmode="numeric"
                    lens=item(i, |x| &x.duration_minutes, |x| &mut x.duration_minutes) />
                <Choice path=format!("alert_profile.items[{i}].severity") label=k::ALERT_SEVERITY lens=item(i, |x| &x.severity, |x| &mut x.severity)
                    options=std::iter::once(("", k::COMMON_CHOOSE)).chain(Severity::ALL.iter().map(|m| (m.as_str(), choice_key("severity", m.as_str())))).collect() />
                <button type="button" class="button small"
                    on:click=move |_| state.update(|w| if let Some(p) = custom_profile_mut(&mut w.draft) && i < p.items.len() { p.items.remove(i); })>
                    {t(k::COMMON_REMOVE)}
                </button>
            </fieldset>
        </For>
        <button type="button" class="button small"
            on:click=move |_| state.update(|w| if let Some(p) = custom_profile_mut(&mut w.draft) { p.items.push(AlertThresholdDraft::default()) })>
            {t(k::ALERT_ADD_ITEM)}
        </button>
    }
}

fn target_of(t: &domain::SlaTargetsDraft, p: Priority) -> &ResponseTargetDraft {
    match p {
        Priority::Low => &t.low,
        Priority::Medium => &t.medium,
        Priority::High => &t.high,
        Priority::Critical => &t.critical,
    }
}

fn target_of_mut(t: &mut domain::SlaTargetsDraft, p: Priority) -> &mut ResponseTargetDraft {
    match p {
        Priority::Low => &mut t.low,
        Priority::Medium => &mut t.medium,
        Priority::High => &mut t.high,
        Priority::Critical => &mut t.critical,
    }
}
