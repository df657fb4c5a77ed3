//! The new-customer wizard payload end to end, and the exact cases named in issue 3.

use domain::*;

#[path = "sample/mod.rs"]
mod sample;
use sample::complete_draft;

fn paths(errors: &[FieldError]) -> Vec<String> {
    errors.iter().map(|e| format!("{}:{}", e.field, e.code)).collect()
}

#[test]
fn complete_payload_validates() {
    let c = complete_draft().validate().unwrap();
    assert_eq!(c.customer.name.as_str(), "Müller IT-Service GmbH & Co. KG");
    let domains: Vec<&str> = c.customer.domains.iter().map(|d| d.as_str()).collect();
    assert_eq!(domains, ["xn--mller-it-65a.de", "mueller-it.de"]);
    assert_eq!(c.customer.tax_id.unwrap().to_string(), "ESB58378431");
    assert_eq!(c.contact.phone.unwrap().as_str(), "+34912345679");
    assert_eq!(c.contact.mobile.unwrap().as_str(), "+491711234567");
    assert_eq!(c.contact.email.as_str(), "juergen.gross@xn--mller-it-65a.de");
    let contract = c.contract.unwrap();
    assert_eq!(contract.parts.len(), 2);
    assert!(matches!(
        contract.header.payment_method,
        PaymentMethod::SepaDirectDebit { .. }
    ));
    assert!(matches!(c.sla, Some(SlaChoice::Custom(_))));
    assert!(matches!(c.alert_profile, Some(AlertProfileChoice::Shared { .. })));
}

#[test]
fn only_the_required_fields() {
    let d = NewCustomerDraft {
        customer: CustomerDraft {
            name: "ACME".into(),
            ..Default::default()
        },
        contact: ContactDraft {
            first_name: "Ana".into(),
            last_name: "López".into(),
            email: "ana@acme.es".into(),
            ..Default::default()
        },
        ..Default::default()
    };
    let c = d.validate().unwrap();
    assert!(c.contract.is_none() && c.sla.is_none() && c.alert_profile.is_none() && c.customer.address.is_none());
    // An empty draft reports exactly the four required fields.
    assert_eq!(
        paths(&NewCustomerDraft::default().validate().unwrap_err()),
        [
            "customer.name:required",
            "contact.first_name:required",
            "contact.last_name:required",
            "contact.email:required"
        ]
    );
}

#[test]
fn every_error_at_once_with_paths() {
    let mut d = complete_draft();
    d.customer.tax_id = "ESB64717839".into();
    d.customer.address.postal_code = "2725079".into();
    d.customer.domains.push("MÜLLER-IT.DE".into());
    let contract = d.contract.as_mut().unwrap();
    contract.iban = "DE89 3704 0044 0532 0130 01".into();
    contract.parts[1].rate = "".into();
    d.alert_profile = AlertProfileChoiceDraft::Shared { id: "".into() };
    d.contact.email = "juergen@".into();
    let errors = d.validate().unwrap_err();
    assert_eq!(
        paths(&errors),
        [
            "customer.domains[3]:duplicate",
            "customer.tax_id:vat.checksum",
            "customer.address.postal_code:postal_code.format",
            "contract.iban:iban.checksum",
            "contract.parts[1].rate:required",
            "alert_profile.id:required",
            "contact.email:email.domain",
        ]
    );
    // "Next" on one step shows only that step's errors, with the same paths.
    assert_eq!(
        paths(&d.validate_step(WizardStep::Contract)),
        ["contract.iban:iban.checksum", "contract.parts[1].rate:required"]
    );
    assert_eq!(
        paths(&d.validate_step(WizardStep::Contact)),
        ["contact.email:email.domain"]
    );
    for e in &errors {
        let step = NewCustomerDraft::step_of(&e.field).unwrap();
        assert!(d.validate_step(step).contains(e));
    }
    // The server's answer, as JSON.
    let json = serde_json::to_value(&errors[1]).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"field": "customer.tax_id", "code": "vat.checksum"})
    );
}

#[test]
fn draft_survives_local_storage() {
    let d = complete_draft();
    let json = serde_json::to_string(&d).unwrap();
    assert_eq!(serde_json::from_str::<NewCustomerDraft>(&json).unwrap(), d);
    // Older or partial drafts load with defaults for what is missing.
    let partial: NewCustomerDraft =
        serde_json::from_str(r#"{"customer":{"name":"ACME"},"sla":{"mode":"shared","id":"7"}}"#).unwrap();
    assert_eq!(partial.customer.name, "ACME");
    assert_eq!(partial.sla, SlaChoiceDraft::Shared { id: "7".into() });
    assert!(partial.contract.is_none());
    let c = serde_json::to_value(complete_draft().validate().unwrap()).unwrap();
    assert_eq!(c["customer"]["tax_id"], "ESB58378431");
    assert_eq!(c["contract"]["parts"][0]["terms"]["type"], "retainer");
}

#[test]
fn issue_3_done_when_cases() {
    assert!(Iban::parse("DE89370400440532013000").is_ok());
    assert_eq!(
        Iban::parse("DE89370400440532013001").unwrap_err().code,
        Code::IbanChecksum
    );
    assert!(VatId::parse("DE136695976").is_ok());
    assert_eq!(VatId::parse("DE136695978").unwrap_err().code, Code::VatChecksum);
    assert!(VatId::parse("ESB58378431").is_ok());
    assert_eq!(VatId::parse("ESB64717839").unwrap_err().code, Code::VatChecksum);
    assert!(VatId::parse("ATU13585627").is_ok());
    assert_eq!(VatId::parse("ATU13585626").unwrap_err().code, Code::VatChecksum);
    assert!(PostalCode::parse("01067", Country::DE).is_ok());
    assert_eq!(
        PostalCode::parse("00123", Country::DE).unwrap_err().code,
        Code::PostalCodeFormat
    );
    let pt = Country::parse("PT").unwrap();
    assert!(PostalCode::parse("2725-079", pt).is_ok());
    assert_eq!(
        PostalCode::parse("2725079", pt).unwrap_err().code,
        Code::PostalCodeFormat
    );
    assert_eq!(Phone::parse("+49 (0)30 1234567").unwrap().as_str(), "+49301234567");
    assert_eq!(Phone::parse("0049 30 1234567").unwrap().as_str(), "+49301234567");
    assert_eq!(Domain::parse("müller-it.de").unwrap().as_str(), "xn--mller-it-65a.de");
}
