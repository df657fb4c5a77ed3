//! The one contract editor: header fields and parts over a `ContractDraft` that lives
//! anywhere in a form's state (the new-customer wizard's draft, the contract page, the
//! contract wizard for existing customers). The host provides the `FieldContext` whose
//! errors come from the draft's domain `validate`, and says where the draft sits.

use std::sync::Arc;

use domain::{
    BackupUnit, BillingCycle, BillingTiming, ContractDraft, ContractPartDraft, ContractType, DeviceCategory,
    PaymentMethodKind,
};
use leptos::prelude::*;

use crate::catalogue::{CatalogueEntry, list_services};
use crate::error::AppError;
use crate::forms::draft::{Choice, Field, Lens, field_id, lens};
use crate::i18n::{Key, choice_key, k, t, text_with, use_locale};

/// Where a contract draft sits in the form's state `S`, and the path of its fields'
/// errors (`contract` in the wizard, empty on the contract page).
pub struct ContractAccess<S: 'static> {
    pub state: RwSignal<S>,
    pub get: fn(&S) -> Option<&ContractDraft>,
    pub set: fn(&mut S) -> Option<&mut ContractDraft>,
    pub path: &'static str,
}

impl<S> Clone for ContractAccess<S> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<S> Copy for ContractAccess<S> {}

type GetPart<S> = Arc<dyn Fn(&S) -> Option<&ContractPartDraft> + Send + Sync>;
type SetPart<S> = Arc<dyn Fn(&mut S) -> Option<&mut ContractPartDraft> + Send + Sync>;

/// Where one part sits in the form's state, and its error path (`contract.parts[1]`,
/// `parts[0]`, `part`).
pub struct PartAccess<S: 'static> {
    pub state: RwSignal<S>,
    get: GetPart<S>,
    set: SetPart<S>,
    pub path: String,
}

impl<S> Clone for PartAccess<S> {
    fn clone(&self) -> Self {
        PartAccess {
            state: self.state,
            get: self.get.clone(),
            set: self.set.clone(),
            path: self.path.clone(),
        }
    }
}

// Pin the closures' signatures to "borrow from the argument" (closures passed straight to a
// `dyn Fn` would not get that lifetime).
fn getter<S, F: Fn(&S) -> Option<&ContractPartDraft> + Send + Sync + 'static>(f: F) -> F {
    f
}
fn setter<S, F: Fn(&mut S) -> Option<&mut ContractPartDraft> + Send + Sync + 'static>(f: F) -> F {
    f
}

impl<S: Send + Sync + 'static> PartAccess<S> {
    /// A part that is the whole of `S` or a field of it (the part-change form).
    pub fn new(
        state: RwSignal<S>,
        get: fn(&S) -> &ContractPartDraft,
        set: fn(&mut S) -> &mut ContractPartDraft,
        path: &str,
    ) -> Self {
        PartAccess {
            state,
            get: Arc::new(getter(move |s: &S| Some(get(s)))),
            set: Arc::new(setter(move |s: &mut S| Some(set(s)))),
            path: path.to_string(),
        }
    }

    fn lens(&self, get: fn(&ContractPartDraft) -> &String, set: fn(&mut ContractPartDraft) -> &mut String) -> Lens {
        let (g, s) = (self.get.clone(), self.set.clone());
        lens(self.state, move |st| g(st).map(get), move |st| s(st).map(set))
    }

    fn read<T>(&self, f: impl FnOnce(&ContractPartDraft) -> T) -> Option<T> {
        let g = self.get.clone();
        self.state.try_with(|s| g(s).map(f)).flatten()
    }

    fn update(&self, f: impl FnOnce(&mut ContractPartDraft)) {
        let s = self.set.clone();
        self.state.update(|st| {
            if let Some(p) = s(st) {
                f(p)
            }
        });
    }

    fn path(&self, field: &str) -> String {
        join(&self.path, field)
    }
}

fn join(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_string()
    } else {
        format!("{path}.{field}")
    }
}

/// A new part as the editor adds it: a retainer of one.
pub fn new_part() -> ContractPartDraft {
    ContractPartDraft {
        contract_type: ContractType::Retainer.as_str().into(),
        quantity: "1".into(),
        ..Default::default()
    }
}

impl<S: Send + Sync + 'static> ContractAccess<S> {
    fn lens(self, get: fn(&ContractDraft) -> &String, set: fn(&mut ContractDraft) -> &mut String) -> Lens {
        let (g, s) = (self.get, self.set);
        lens(self.state, move |st| g(st).map(get), move |st| s(st).map(set))
    }

    fn read<T>(self, f: impl FnOnce(&ContractDraft) -> T) -> Option<T> {
        let g = self.get;
        self.state.with(|s| g(s).map(f))
    }

    fn update(self, f: impl FnOnce(&mut ContractDraft)) {
        let s = self.set;
        self.state.update(|st| {
            if let Some(c) = s(st) {
                f(c)
            }
        });
    }

    /// The part at `index`.
    pub fn part(self, index: usize) -> PartAccess<S> {
        let (g, s) = (self.get, self.set);
        PartAccess {
            state: self.state,
            get: Arc::new(getter(move |st: &S| g(st).and_then(|c| c.parts.get(index)))),
            set: Arc::new(setter(move |st: &mut S| s(st).and_then(|c| c.parts.get_mut(index)))),
            path: join(self.path, &format!("parts[{index}]")),
        }
    }
}

/// The header: period, billing cycle and timing, currency, payment terms and method (with
/// the SEPA mandate), time rounding and notes. The contract's name is the host's (the
/// wizard shows it above the parts).
#[component]
pub fn ContractHeaderFields<S: Send + Sync + 'static>(access: ContractAccess<S>) -> impl IntoView {
    let a = access;
    let path = move |f: &str| join(a.path, f);
    let sepa = move || {
        a.read(|c| c.payment_method == PaymentMethodKind::SepaDirectDebit.as_str())
            .unwrap_or(false)
    };
    view! {
        <div class="grid-form">
            <Field path=path("start_date") label=k::CONTRACT_START_DATE input_type="date" required=true
                lens=a.lens(|c| &c.start_date, |c| &mut c.start_date) />
            <Field path=path("end_date") label=k::CONTRACT_END_DATE input_type="date" hint=k::CONTRACT_END_DATE_HINT
                lens=a.lens(|c| &c.end_date, |c| &mut c.end_date) />
            <Choice path=path("billing_cycle") label=k::CONTRACT_BILLING_CYCLE
                lens=a.lens(|c| &c.billing_cycle, |c| &mut c.billing_cycle)
                options=BillingCycle::ALL.iter().map(|c| (c.as_str(), choice_key("billing_cycle", c.as_str()))).collect() />
            <Choice path=path("billing_timing") label=k::CONTRACT_BILLING_TIMING
                lens=a.lens(|c| &c.billing_timing, |c| &mut c.billing_timing)
                options=BillingTiming::ALL.iter().map(|c| (c.as_str(), choice_key("billing_timing", c.as_str()))).collect() />
            <Field path=path("currency") label=k::CONTRACT_CURRENCY hint=k::CONTRACT_CURRENCY_HINT
                lens=a.lens(|c| &c.currency, |c| &mut c.currency) />
            <Field path=path("payment_terms_days") label=k::CONTRACT_PAYMENT_TERMS inputmode="numeric"
                lens=a.lens(|c| &c.payment_terms_days, |c| &mut c.payment_terms_days) />
            <Choice path=path("payment_method") label=k::CONTRACT_PAYMENT_METHOD
                lens=a.lens(|c| &c.payment_method, |c| &mut c.payment_method)
                options=PaymentMethodKind::ALL.iter().map(|c| (c.as_str(), choice_key("payment_method", c.as_str()))).collect() />
            <Show when=sepa>
                <Field path=path("iban") label=k::CONTRACT_IBAN required=true autocomplete="off"
                    lens=a.lens(|c| &c.iban, |c| &mut c.iban) />
                <Field path=path("bic") label=k::CONTRACT_BIC lens=a.lens(|c| &c.bic, |c| &mut c.bic) />
                <Field path=path("mandate_reference") label=k::CONTRACT_MANDATE required=true
                    lens=a.lens(|c| &c.mandate_reference, |c| &mut c.mandate_reference) />
            </Show>
            <Field path=path("rounding_minimum") label=k::CONTRACT_ROUNDING_MINIMUM inputmode="numeric"
                hint=k::CONTRACT_ROUNDING_HINT lens=a.lens(|c| &c.rounding_minimum, |c| &mut c.rounding_minimum) />
            <Field path=path("rounding_increment") label=k::CONTRACT_ROUNDING_INCREMENT inputmode="numeric"
                lens=a.lens(|c| &c.rounding_increment, |c| &mut c.rounding_increment) />
            <Field path=path("notes") label=k::CONTRACT_NOTES lens=a.lens(|c| &c.notes, |c| &mut c.notes) />
        </div>
    }
}

/// The catalogue, loaded once per editor, for the parts' service links.
#[derive(Clone, Copy)]
pub struct Catalogue(LocalResource<Result<Vec<CatalogueEntry>, AppError>>);

impl Catalogue {
    pub fn load() -> Self {
        Catalogue(LocalResource::new(|| list_services(false)))
    }
}

/// Every part, each removable while there are several, and "Add another part".
#[component]
pub fn ContractParts<S: Send + Sync + 'static>(access: ContractAccess<S>) -> impl IntoView {
    let a = access;
    provide_context(Catalogue::load());
    let count = move || a.read(|c| c.parts.len()).unwrap_or(0);
    view! {
        <For each=move || 0..count() key=|i| *i let:i>
            <PartFields access=a.part(i) number=i + 1
                on_remove=Callback::new(move |()| a.update(|c| if i < c.parts.len() && c.parts.len() > 1 { c.parts.remove(i); }))
                removable=Signal::derive(move || count() > 1) />
        </For>
        <button type="button" class="button small" on:click=move |_| a.update(|c| c.parts.push(new_part()))>
            {t(k::CONTRACT_ADD_PART)}
        </button>
    }
}

/// One part: its type, the type's fields, the catalogue link, the minimum billable
/// quantity and whether the quantity follows the services in use.
#[component]
pub fn PartFields<S: Send + Sync + 'static>(
    access: PartAccess<S>,
    /// Shown in the legend ("Part 2"); 0 for a lone part without a legend number.
    number: usize,
    #[prop(optional)] on_remove: Option<Callback<()>>,
    #[prop(optional, into)] removable: Signal<bool>,
    /// The type is fixed (a new version keeps the part's type).
    #[prop(optional)]
    fixed_type: bool,
) -> impl IntoView {
    let locale = use_locale();
    let p = access.clone();
    // Memoised: the type's fields are rebuilt when the type changes, not on every keystroke.
    let kind = {
        let p = p.clone();
        Memo::new(move |_| p.read(|d| ContractType::parse(&d.contract_type).ok()).flatten())
    };
    let field = {
        let p = p.clone();
        move |name: &'static str,
              label: Key,
              required: bool,
              get: fn(&ContractPartDraft) -> &String,
              set: fn(&mut ContractPartDraft) -> &mut String| {
            view! { <Field path=p.path(name) label=label inputmode="decimal" required=required lens=p.lens(get, set) /> }
                .into_any()
        }
    };
    let legend = if number == 0 {
        t(k::CONTRACT_PART_TERMS).to_string()
    } else {
        text_with(locale, k::CONTRACT_PART, &[("n", &number.to_string())])
    };
    let type_view = if fixed_type {
        let label = p
            .read(|d| t(choice_key("contract_type", &d.contract_type)).to_string())
            .unwrap_or_default();
        view! { <p class="field"><span class="label">{t(k::PART_TYPE)}</span> " " <strong>{label}</strong></p> }
            .into_any()
    } else {
        view! {
            <Choice path=p.path("contract_type") label=k::PART_TYPE lens=p.lens(|d| &d.contract_type, |d| &mut d.contract_type)
                options=ContractType::ALL.iter().map(|c| (c.as_str(), choice_key("contract_type", c.as_str()))).collect() />
        }
        .into_any()
    };
    let terms = {
        let p = p.clone();
        move || type_fields(kind.get(), &p, &field)
    };
    view! {
        <fieldset class="part grid-form">
            <legend>{legend}</legend>
            {type_view}
            <Field path=p.path("description") label=k::PART_DESCRIPTION lens=p.lens(|d| &d.description, |d| &mut d.description) />
            {terms}
            <ServiceLink access=p.clone() />
            <Field path=p.path("min_quantity") label=k::PART_MIN_QUANTITY inputmode="decimal" hint=k::PART_MIN_QUANTITY_HINT
                lens=p.lens(|d| &d.min_quantity, |d| &mut d.min_quantity) />
            <Show when=move || removable.get() && on_remove.is_some()>
                <button type="button" class="button small" on:click=move |_| if let Some(cb) = on_remove { cb.run(()) }>
                    {t(k::CONTRACT_REMOVE_PART)}
                </button>
            </Show>
        </fieldset>
    }
}

/// The fields the part's type needs.
fn type_fields<S: Send + Sync + 'static>(
    kind: Option<ContractType>,
    p: &PartAccess<S>,
    field: &impl Fn(
        &'static str,
        Key,
        bool,
        fn(&ContractPartDraft) -> &String,
        fn(&mut ContractPartDraft) -> &mut String,
    ) -> AnyView,
) -> AnyView {
    let choose = |name: &'static str,
                  label: Key,
                  get: fn(&ContractPartDraft) -> &String,
                  set: fn(&mut ContractPartDraft) -> &mut String,
                  options: Vec<(&'static str, Key)>| {
        view! { <Choice path=p.path(name) label=label lens=p.lens(get, set) options=options /> }.into_any()
    };
    match kind {
        Some(ContractType::Retainer) => view! {
            {field("quantity", k::PART_QUANTITY, true, |d| &d.quantity, |d| &mut d.quantity)}
            {field("rate", k::PART_RATE, true, |d| &d.rate, |d| &mut d.rate)}
        }
        .into_any(),
        Some(ContractType::Hourly) => view! {
            {field("rate", k::PART_HOURLY_RATE, true, |d| &d.rate, |d| &mut d.rate)}
            {field("after_hours_rate", k::PART_AFTER_HOURS_RATE, false, |d| &d.after_hours_rate, |d| &mut d.after_hours_rate)}
        }
        .into_any(),
        Some(ContractType::BlockHours) => {
            let (p1, p2) = (p.clone(), p.clone());
            view! {
                {field("hours_per_period", k::PART_HOURS_PER_PERIOD, true, |d| &d.hours_per_period, |d| &mut d.hours_per_period)}
                {field("rate", k::PART_HOURLY_RATE, true, |d| &d.rate, |d| &mut d.rate)}
                {field("overage_rate", k::PART_OVERAGE_RATE, false, |d| &d.overage_rate, |d| &mut d.overage_rate)}
                <label class="checkbox">
                    <input type="checkbox" prop:checked=move || p1.read(|d| d.rollover).unwrap_or(false)
                        on:change=move |ev| { let on = event_target_checked(&ev); p2.update(|d| d.rollover = on); } />
                    {t(k::PART_ROLLOVER)}
                </label>
            }
            .into_any()
        }
        Some(ContractType::BlockMoney) => view! {
            {field("amount", k::PART_AMOUNT, true, |d| &d.amount, |d| &mut d.amount)}
            {field("rate", k::PART_HOURLY_RATE_DRAWN, true, |d| &d.rate, |d| &mut d.rate)}
            {field("overage_rate", k::PART_OVERAGE_RATE, false, |d| &d.overage_rate, |d| &mut d.overage_rate)}
        }
        .into_any(),
        Some(ContractType::RemoteMonitoring) => view! {
            {choose("device_category", k::PART_DEVICE_CATEGORY, |d| &d.device_category, |d| &mut d.device_category,
                std::iter::once(("", k::COMMON_CHOOSE)).chain(DeviceCategory::ALL.iter().map(|c| (c.as_str(), choice_key("device_category", c.as_str())))).collect())}
            {field("rate", k::PART_PRICE_PER_DEVICE, true, |d| &d.rate, |d| &mut d.rate)}
        }
        .into_any(),
        Some(ContractType::OnlineBackup) => view! {
            {choose("backup_unit", k::PART_BACKUP_UNIT, |d| &d.backup_unit, |d| &mut d.backup_unit,
                std::iter::once(("", k::COMMON_CHOOSE)).chain(BackupUnit::ALL.iter().map(|c| (c.as_str(), choice_key("backup_unit", c.as_str())))).collect())}
            {field("rate", k::PART_PRICE_PER_UNIT, true, |d| &d.rate, |d| &mut d.rate)}
        }
        .into_any(),
        Some(ContractType::ProjectOneTimeFee) => view! {
            {field("amount", k::PART_AMOUNT, true, |d| &d.amount, |d| &mut d.amount)}
            <Field path=p.path("due_date") label=k::PART_DUE_DATE input_type="date" required=true
                lens=p.lens(|d| &d.due_date, |d| &mut d.due_date) />
        }
        .into_any(),
        Some(ContractType::ProjectHourly) => view! {
            {field("rate", k::PART_HOURLY_RATE, true, |d| &d.rate, |d| &mut d.rate)}
            {field("estimated_hours", k::PART_ESTIMATED_HOURS, false, |d| &d.estimated_hours, |d| &mut d.estimated_hours)}
        }
        .into_any(),
        None => ().into_any(),
    }
}

/// The catalogue service a part bills, and "quantity from services in use" once one is
/// linked. Choosing a service fills an empty description and rate from the catalogue.
#[component]
fn ServiceLink<S: Send + Sync + 'static>(access: PartAccess<S>) -> impl IntoView {
    let catalogue = use_context::<Catalogue>();
    let p = access;
    let id = field_id(&p.path("service_code"));
    let current = {
        let p = p.clone();
        move || p.read(|d| d.service_code.clone()).unwrap_or_default()
    };
    let linked = {
        let c = current.clone();
        move || !c().is_empty()
    };
    let options = move || {
        catalogue
            .and_then(|c| c.0.get())
            .and_then(|r| r.ok())
            .unwrap_or_default()
            .into_iter()
            .map(|e| {
                (
                    e.service.code.clone(),
                    format!("{} — {}", e.service.code, e.service.name),
                )
            })
            .collect::<Vec<_>>()
    };
    let choose = {
        let p = p.clone();
        move |code: String| {
            let found = catalogue
                .and_then(|c| c.0.get_untracked())
                .and_then(|r| r.ok())
                .and_then(|list| list.into_iter().find(|e| e.service.code == code));
            p.update(|d| {
                if let Some(e) = &found {
                    if d.description.trim().is_empty() {
                        d.description = e.service.name.clone();
                    }
                    if d.rate.trim().is_empty() {
                        d.rate = e.service.unit_price.clone();
                    }
                }
                if code.is_empty() {
                    d.quantity_from_usage = false;
                }
                d.service_code = code;
            });
        }
    };
    let (pc, pu) = (p.clone(), p.clone());
    let usage_id = format!("{id}-usage");
    view! {
        <div class="field">
            <label for=id.clone()>{t(k::PART_SERVICE)}</label>
            <select id=id on:change=move |ev| choose(event_target_value(&ev))>
                <option value="" selected=move || current().is_empty()>{t(k::PART_SERVICE_NONE)}</option>
                {move || {
                    let now = pc.read(|d| d.service_code.clone()).unwrap_or_default();
                    let mut list = options();
                    // A linked code the catalogue no longer lists (archived) stays visible.
                    if !now.is_empty() && !list.iter().any(|(c, _)| *c == now) {
                        list.push((now.clone(), now.clone()));
                    }
                    list.into_iter().map(|(code, label)| {
                        let sel = code == now;
                        view! { <option value=code selected=sel>{label}</option> }
                    }).collect_view()
                }}
            </select>
        </div>
        <Show when=linked.clone()>
            <label class="checkbox" for=usage_id.clone()>
                <input type="checkbox" id=usage_id.clone()
                    prop:checked={ let pu = pu.clone(); move || pu.read(|d| d.quantity_from_usage).unwrap_or(false) }
                    on:change={ let pu = pu.clone(); move |ev| { let on = event_target_checked(&ev); pu.update(|d| d.quantity_from_usage = on); } } />
                {t(k::PART_QUANTITY_FROM_USAGE)}
            </label>
        </Show>
    }
}

/// The editor for a whole new contract: name, parts, then the header.
#[component]
pub fn ContractEditor<S: Send + Sync + 'static>(access: ContractAccess<S>) -> impl IntoView {
    let a = access;
    view! {
        <Field path=join(a.path, "name") label=k::CONTRACT_NAME required=true lens=a.lens(|c| &c.name, |c| &mut c.name) />
        <ContractParts access=a />
        <ContractHeaderFields access=a />
    }
}
