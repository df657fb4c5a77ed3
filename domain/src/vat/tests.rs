//! VAT ids: valid and invalid cases per state, typed as people type them.
use super::*;

fn vat(s: &str) -> Result<String, Code> {
    VatId::parse(s).map(|v| v.to_string()).map_err(|e| e.code)
}

#[test]
fn valid() {
    for (input, canonical) in [
        ("DE136695976", "DE136695976"),
        ("de 136 695 976", "DE136695976"),
        ("ESB58378431", "ESB58378431"),
        ("es b-58.378.431", "ESB58378431"),
        ("ES A13 585 625", "ESA13585625"),
        ("ES12345678Z", "ES12345678Z"),
        ("ES X2482300W", "ESX2482300W"),
        ("ATU13585627", "ATU13585627"),
        ("atu 135 856 27", "ATU13585627"),
        ("CHE-107.787.577 IVA", "CHE107787577"),
        ("CHE-107.787.577 MWST", "CHE107787577"),
        ("FR 40 303 265 045", "FR40303265045"),
        ("FR23334175221", "FR23334175221"),
        ("FRK7399859412", "FRK7399859412"),
        ("IT 00743110157", "IT00743110157"),
        ("NL004495445B01", "NL004495445B01"),
        ("NL000099998B57", "NL000099998B57"),
        ("BE0403019261", "BE0403019261"),
        ("BE403019261", "BE0403019261"),
        ("PT 501 964 843", "PT501964843"),
        ("LU 150 274 42", "LU15027442"),
        ("PL 856-734-62-15", "PL8567346215"),
        ("DK 13 58 56 28", "DK13585628"),
        ("SE 123456789701", "SE123456789701"),
        ("IE 6433435F", "IE6433435F"),
        ("IE 8D79739I", "IE8D79739I"),
        ("GR 094259216", "EL094259216"),
        ("FI 20774740", "FI20774740"),
        ("GB 980 7806 84", "GB980780684"),
    ] {
        assert_eq!(vat(input).as_deref(), Ok(canonical), "{input}");
    }
}

#[test]
fn invalid() {
    for (input, code) in [
        ("DE136695978", Code::VatChecksum),
        ("ESB64717839", Code::VatChecksum),
        ("ATU13585626", Code::VatChecksum),
        ("ES12345678A", Code::VatChecksum),
        ("ESX2482300A", Code::VatChecksum),
        ("CHE-107.787.578 IVA", Code::VatChecksum),
        ("FR84323140391", Code::VatChecksum),
        ("IT00743110158", Code::VatChecksum),
        ("NL123456789B90", Code::VatChecksum),
        ("BE0403019262", Code::VatChecksum),
        ("PT501964842", Code::VatChecksum),
        ("LU15027443", Code::VatChecksum),
        ("PL8567346216", Code::VatChecksum),
        ("DK13585627", Code::VatChecksum),
        ("SE123456789101", Code::VatChecksum),
        ("IE6433435G", Code::VatChecksum),
        ("DE12345678", Code::VatFormat),
        ("DE036695976", Code::VatFormat),
        ("AT13585627", Code::VatFormat),
        ("ESI58378431", Code::VatFormat),
        ("NL004495445A01", Code::VatFormat),
        ("SE123456789702", Code::VatFormat),
        ("US123456789", Code::VatCountry),
        ("B58378431", Code::VatPrefix),
        ("", Code::Required),
    ] {
        assert_eq!(vat(input), Err(code), "{input}");
    }
    let e = VatId::parse("DE12").unwrap_err();
    assert_eq!(
        (e.params["country"].as_str(), e.params["example"].as_str()),
        ("DE", "DE136695976")
    );
}

#[test]
fn every_example_is_valid_and_every_state_is_checked() {
    for prefix in PREFIXES {
        let e = example(prefix);
        assert_eq!(VatId::parse(e).map(|v| v.prefix()), Ok(*prefix), "{prefix}: {e}");
    }
    assert_eq!(
        VatId::parse("CHE-107.787.577 MWST").unwrap().kind(),
        TaxIdKind::SwissUid
    );
    assert_eq!(VatId::parse("XI980780684").unwrap().kind(), TaxIdKind::NorthernIreland);
    assert_eq!(VatId::parse("EL094259216").unwrap().kind(), TaxIdKind::EuVat);
    // Check digits, not only the shape, for the states checked by shape before.
    for wrong in [
        "BG175074753",
        "CY10259033Q",
        "CZ25123892",
        "EE100931559",
        "EL094259217",
        "FI20774741",
        "HR33392005962",
        "HU12892313",
        "LT119511516",
        "LV40003521601",
        "MT11679113",
        "RO18547291",
        "SI50223055",
        "SK2022749618",
        "GB980780685",
    ] {
        assert_eq!(vat(wrong), Err(Code::VatChecksum), "{wrong}");
    }
    // Italy: digits 8–10 are the province office.
    assert_eq!(vat("IT00743110157"), Ok("IT00743110157".into()));
    assert_eq!(vat("IT00743111157"), Err(Code::VatFormat));
    // Belgium's numbers may start with 1 now; the Netherlands' may drop leading zeros.
    assert_eq!(vat("NL4495445B01"), Ok("NL004495445B01".into()));
}

#[test]
fn python_stdnum_corner_cases() {
    // Belgium: stdnum checks (first eight + last two) mod 97 == 0, so where 97 − r < 3 the
    // check r + 97 (98, 99, 00 for 97) is taken as well.
    assert_eq!(vat("BE0191497301"), Ok("BE0191497301".into()));
    assert_eq!(vat("BE0191497398"), Ok("BE0191497398".into()));
    assert_eq!(vat("BE0000000000"), Err(Code::VatFormat));
    // Ireland: the second letter (since 2013) is any of the check alphabet W, A–V.
    assert_eq!(vat("IE2756530HQ"), Ok("IE2756530HQ".into()));
    assert_eq!(vat("IE2756530HR"), Err(Code::VatChecksum));
    assert_eq!(vat("IE8D79739IW"), Ok("IE8D79739IW".into()));
    assert_eq!(vat("IE8D79739IX"), Err(Code::VatFormat));
    // Portugal: no NIF starts with 0.
    assert_eq!(vat("PT060236442"), Err(Code::VatFormat));
    // Norway: the organisation number's mod 11; `MVA` may be left out.
    assert_eq!(vat("NO 974 760 673 MVA"), Ok("NO974760673".into()));
    assert_eq!(vat("NO974760673"), Ok("NO974760673".into()));
    assert_eq!(vat("NO974760674MVA"), Err(Code::VatChecksum));
    assert_eq!(VatId::parse("NO974760673").unwrap().kind(), TaxIdKind::Norway);
    assert_eq!(VatId::parse("GB980780684").unwrap().kind(), TaxIdKind::UnitedKingdom);
}

#[test]
fn default_country_for_bare_numbers() {
    let es = Some(Country::ES);
    assert_eq!(
        VatId::parse_with_default("B58378431", es).unwrap().to_string(),
        "ESB58378431"
    );
    assert_eq!(
        VatId::parse_with_default("x-2482300-w", es).unwrap().to_string(),
        "ESX2482300W"
    );
    assert_eq!(
        VatId::parse_with_default("U13585627", Some(Country::AT))
            .unwrap()
            .to_string(),
        "ATU13585627"
    );
    // An explicit prefix wins over the default.
    assert_eq!(VatId::parse_with_default("DE136695976", es).unwrap().prefix(), "DE");
    assert_eq!(
        VatId::parse_with_default("123", Some(Country::US)).unwrap_err().code,
        Code::VatCountry
    );
    assert_eq!(VatId::parse("ELx").unwrap_err().code, Code::VatFormat);
    assert_eq!(VatId::parse("EL094259216").unwrap().country().unwrap().as_str(), "GR");
}
