//! Fuzz target over every parser and the whole-form validation: no input may panic.
//! Runs briefly in `cargo test`; `scripts/fuzz-domain.sh` runs it with many more cases
//! (`PROPTEST_CASES`) and the ignored whole-draft target. Stable Rust has no cargo-fuzz,
//! so proptest generates the inputs: arbitrary Unicode, and strings over the characters
//! the parsers branch on, which reach the deep paths far more often.

use domain::*;
use proptest::prelude::*;

fn interesting() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "\\PC{0,40}",
        "[0-9 .,+()/:'@%-]{0,30}",
        "[A-Za-z0-9 .,+()/:@-]{0,40}",
        "(DE|AT|ES|CH|FR|IT|NL|BE|PT|LU|PL|DK|SE|IE|GB|EL|XI|US)[0-9A-Z .-]{0,16}",
        "(\\+|00|0)[0-9 ()/-]{0,20}",
        "[a-zäöüß0-9.-]{0,30}(@[a-zäöü0-9.-]{0,30})?",
        "[0-9]{1,4}[.,:-][0-9]{0,4}([.,][0-9]{0,3})?",
    ]
}

fn parse_everything(s: &str) {
    let _ = CustomerName::parse(s);
    let _ = PersonName::parse(s);
    let _ = Label::parse(s);
    let _ = Notes::parse(s);
    let _ = Email::parse(s);
    let _ = Domain::parse(s).map(|d| d.to_unicode());
    let _ = Phone::parse(s);
    let _ = Country::parse(s);
    for c in [
        Country::DE,
        Country::AT,
        Country::CH,
        Country::ES,
        Country::GB,
        Country::US,
    ] {
        let _ = Phone::parse_with_default(s, Some(c));
        let _ = VatId::parse_with_default(s, Some(c));
    }
    for c in Country::all() {
        let _ = PostalCode::parse(s, c);
    }
    let _ = VatId::parse(s);
    let _ = Iban::parse(s).map(|i| i.to_print_format());
    let _ = Bic::parse(s);
    let _ = MandateReference::parse(s);
    let _ = Currency::parse(s);
    let _ = Money::parse(s);
    let _ = Money::parse_amount(s, Currency::EUR);
    let _ = UnitPrice::parse(s);
    let _ = Percentage::parse(s);
    let _ = Quantity::parse(s);
    let _ = number::parse_decimal(s);
    let _ = number::parse_integer(s, 0, 365);
    let _ = parse_date(s);
    let _ = DateRange::parse(s);
    let _ = BillingCycle::parse(s);
    let _ = ContractType::parse(s);
    let _ = domain::ServiceCode::parse(s);
    let _ = domain::RevenueAccount::parse(s);
    let _ = domain::check::check("postal", s, Some("PE"));
    let _ = (domain::ServiceDraft {
        code: s.into(),
        name: s.into(),
        kind: s.into(),
        unit_price: s.into(),
        currency: s.into(),
        tax_category: s.into(),
        revenue_account: s.into(),
        ..Default::default()
    })
    .validate();
    let _ = TimeOfDay::parse(s);
    let _ = TimeZoneName::parse(s);
    let _ = RecordId::parse(s);
    let _ = serde_json::from_str::<NewCustomerDraft>(s).map(|d| d.validate());
}

proptest! {
    #[test]
    fn parsers_never_panic(s in interesting()) {
        parse_everything(&s);
    }
}

fn part(v: &[String]) -> ContractPartDraft {
    ContractPartDraft {
        contract_type: ContractType::ALL[v[0].len() % 8].as_str().into(),
        description: v[1].clone(),
        quantity: v[2].clone(),
        rate: v[3].clone(),
        after_hours_rate: v[4].clone(),
        hours_per_period: v[5].clone(),
        overage_rate: v[6].clone(),
        rollover: v[7].is_empty(),
        amount: v[8].clone(),
        device_category: v[9].clone(),
        backup_unit: v[10].clone(),
        due_date: v[11].clone(),
        estimated_hours: v[12].clone(),
        service_code: v[9].clone(),
        min_quantity: v[2].clone(),
        quantity_from_usage: v[10].is_empty(),
    }
}

fn draft(v: &[String]) -> NewCustomerDraft {
    let customer = CustomerDraft {
        name: v[0].clone(),
        rank: v[1].clone(),
        domains: vec![v[2].clone(), v[3].clone()],
        tax_id: v[4].clone(),
        phone: v[5].clone(),
        fax: v[6].clone(),
        address: AddressDraft {
            street: v[7].clone(),
            postal_code: v[8].clone(),
            city: v[9].clone(),
            region: v[10].clone(),
            country: v[11].clone(),
        },
    };
    let contract = ContractDraft {
        name: v[12].clone(),
        start_date: v[13].clone(),
        end_date: v[14].clone(),
        currency: v[15].clone(),
        payment_terms_days: v[16].clone(),
        payment_method: if v[17].len().is_multiple_of(2) {
            "sepa_direct_debit".into()
        } else {
            v[17].clone()
        },
        iban: v[18].clone(),
        bic: v[19].clone(),
        mandate_reference: v[20].clone(),
        parts: vec![part(&v[21..34]), part(&v[8..21])],
        rounding_minimum: v[16].clone(),
        rounding_increment: v[5].clone(),
        ..Default::default()
    };
    let mut sla = SlaDraft {
        name: v[22].clone(),
        time_zone: v[23].clone(),
        ..Default::default()
    };
    sla.business_hours.push(DaySpanDraft {
        weekday: v[24].clone(),
        start: v[25].clone(),
        end: v[26].clone(),
    });
    sla.targets.high = ResponseTargetDraft {
        first_response_minutes: v[27].clone(),
        resolution_minutes: v[28].clone(),
    };
    let profile = AlertProfileDraft {
        name: v[29].clone(),
        items: vec![AlertThresholdDraft {
            metric: v[30].clone(),
            operator: v[31].clone(),
            value: v[32].clone(),
            duration_minutes: v[33].clone(),
            severity: v[34].clone(),
        }],
    };
    NewCustomerDraft {
        customer,
        contract: Some(contract),
        sla: SlaChoiceDraft::Custom(sla),
        alert_profile: AlertProfileChoiceDraft::Custom(profile),
        contact: ContactDraft {
            first_name: v[35].clone(),
            last_name: v[36].clone(),
            email: v[37].clone(),
            phone: v[38].clone(),
            mobile: v[39].clone(),
            job_title: v[1].clone(),
        },
    }
}

proptest! {
    /// Whole drafts with every field fuzzed; their JSON form must come back identical.
    #[test]
    #[ignore = "long: run by scripts/fuzz-domain.sh"]
    fn whole_drafts_never_panic(v in prop::collection::vec(interesting(), 40)) {
        let d = draft(&v);
        let json = serde_json::to_string(&d).unwrap();
        prop_assert_eq!(serde_json::from_str::<NewCustomerDraft>(&json).unwrap(), d.clone());
        if let Err(errors) = d.validate() {
            for e in errors {
                prop_assert!(NewCustomerDraft::step_of(&e.field).is_some(), "{}", e.field);
            }
        }
        for step in WizardStep::ALL {
            let _ = d.validate_step(*step);
        }
    }
}
