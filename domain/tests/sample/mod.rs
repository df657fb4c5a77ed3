//! The complete new-customer payload shared by the tests and the benchmark.

use domain::*;

/// The payload the Playwright scenario types: umlauts, an IDN domain, a Spanish tax id,
/// an IBAN typed with spaces, a custom SLA and a shared threshold profile.
pub fn complete_draft() -> NewCustomerDraft {
    let mut sla = SlaDraft {
        name: "Gold 24/7".into(),
        around_the_clock: true,
        business_hours: vec![],
        ..Default::default()
    };
    sla.targets.critical = ResponseTargetDraft {
        first_response_minutes: "15".into(),
        resolution_minutes: "240".into(),
    };
    sla.targets.high = ResponseTargetDraft {
        first_response_minutes: "60".into(),
        resolution_minutes: "480".into(),
    };
    NewCustomerDraft {
        customer: CustomerDraft {
            name: "Müller IT-Service GmbH & Co. KG".into(),
            rank: "A".into(),
            domains: vec!["müller-it.de".into(), "".into(), "mueller-it.de".into()],
            tax_id: "B58378431".into(),
            phone: "+34 912 345 678".into(),
            fax: "".into(),
            address: AddressDraft {
                street: "Calle de Alcalá 42".into(),
                postal_code: "28014".into(),
                city: "Madrid".into(),
                region: "".into(),
                country: "ES".into(),
            },
        },
        contract: Some(ContractDraft {
            name: "Managed Services 2026".into(),
            start_date: "2026-01-01".into(),
            payment_method: "sepa_direct_debit".into(),
            iban: "ES91 2100 0418 4502 0005 1332".into(),
            mandate_reference: "MUELLER-2026-01".into(),
            parts: vec![
                ContractPartDraft {
                    contract_type: "retainer".into(),
                    quantity: "25".into(),
                    rate: "39,90".into(),
                    ..Default::default()
                },
                ContractPartDraft {
                    contract_type: "block_hours".into(),
                    hours_per_period: "10".into(),
                    rate: "95".into(),
                    overage_rate: "110".into(),
                    rollover: true,
                    ..Default::default()
                },
            ],
            ..Default::default()
        }),
        sla: SlaChoiceDraft::Custom(sla),
        alert_profile: AlertProfileChoiceDraft::Shared { id: "42".into() },
        contact: ContactDraft {
            first_name: "Jürgen".into(),
            last_name: "Groß-Müller".into(),
            email: "juergen.gross@müller-it.de".into(),
            phone: "912 345 679".into(),
            mobile: "+49 (0)171 1234567".into(),
            job_title: "Geschäftsführer".into(),
        },
    }
}
