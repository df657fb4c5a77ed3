//! The columns of the customer, contact and service CSV files: one list per kind, shared
//! by the template, the export, the importer's header matching and the mapping screen.
//!
//! A column's `key` is its stable English header; the importer also accepts the column's
//! header in each of the three languages and a few common names other tools use
//! ("Firma", "Empresa", "Company", …), compared without case, accents, spaces or
//! punctuation.

use serde::{Deserialize, Serialize};

use crate::i18n::{Key, k};

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    Customers,
    Contacts,
    /// The service catalogue (Settings → Services).
    Services,
}

impl ImportKind {
    pub const ALL: [ImportKind; 3] = [ImportKind::Customers, ImportKind::Contacts, ImportKind::Services];

    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Customers => "customers",
            ImportKind::Contacts => "contacts",
            ImportKind::Services => "services",
        }
    }

    /// What importing, exporting and undoing this kind needs: customers and contacts are
    /// the admins' (like creating a customer), the catalogue is the billing admins' too.
    pub fn permission(self) -> crate::auth::Permission {
        match self {
            ImportKind::Customers | ImportKind::Contacts => crate::auth::Permission::CreateCustomer,
            ImportKind::Services => crate::auth::Permission::ManageSales,
        }
    }

    /// What exporting this kind needs: reading it (a restricted technician exports the
    /// customers of their accounts).
    pub fn export_permission(self) -> crate::auth::Permission {
        match self {
            ImportKind::Customers | ImportKind::Contacts => crate::auth::Permission::SeeCustomers,
            ImportKind::Services => crate::auth::Permission::ReadBilling,
        }
    }

    pub fn parse(s: &str) -> Option<ImportKind> {
        ImportKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn columns(self) -> &'static [Column] {
        match self {
            ImportKind::Customers => CUSTOMER_COLUMNS,
            ImportKind::Contacts => CONTACT_COLUMNS,
            ImportKind::Services => SERVICE_COLUMNS,
        }
    }

    /// The index of `key` in [`ImportKind::columns`].
    pub fn index(self, key: &str) -> Option<usize> {
        self.columns().iter().position(|c| c.key == key)
    }
}

/// One column of a kind's file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// The stable English header, also the field key in errors and mappings.
    pub key: &'static str,
    /// The header in the user's language.
    pub label: Key,
    /// The file must have this column.
    pub required: bool,
    /// Other names for this column, as written by other tools and spreadsheets.
    pub aliases: &'static [&'static str],
}

const fn col(key: &'static str, label: Key, required: bool, aliases: &'static [&'static str]) -> Column {
    Column {
        key,
        label,
        required,
        aliases,
    }
}

pub const CUSTOMER_COLUMNS: &[Column] = &[
    col(
        "external_id",
        k::COL_CUSTOMERS_EXTERNAL_ID,
        false,
        &[
            "id",
            "customer id",
            "kundennummer",
            "kundennr",
            "numero de cliente",
            "account id",
        ],
    ),
    col(
        "name",
        k::COL_CUSTOMERS_NAME,
        true,
        &[
            "company name",
            "customer",
            "customer name",
            "organization",
            "organisation",
            "firmenname",
            "unternehmen",
            "kunde",
            "kundenname",
            "cliente",
            "nombre",
            "razon social",
            "nombre de la empresa",
        ],
    ),
    col(
        "domains",
        k::COL_CUSTOMERS_DOMAINS,
        false,
        &["domain", "website", "dominio", "e-mail-domain"],
    ),
    col("rank", k::COL_CUSTOMERS_RANK, false, &[]),
    col(
        "tax_id",
        k::COL_CUSTOMERS_TAX_ID,
        false,
        &["vat", "vat number", "ustid", "umsatzsteuer-id", "nif", "cif"],
    ),
    col(
        "phone",
        k::COL_CUSTOMERS_PHONE,
        false,
        &["telephone", "telefono", "tel"],
    ),
    col("fax", k::COL_CUSTOMERS_FAX, false, &[]),
    col(
        "street",
        k::COL_CUSTOMERS_STREET,
        false,
        &["address", "adresse", "direccion", "strasse"],
    ),
    col(
        "postal_code",
        k::COL_CUSTOMERS_POSTAL_CODE,
        false,
        &["zip", "zip code", "postleitzahl", "cp"],
    ),
    col(
        "city",
        k::COL_CUSTOMERS_CITY,
        false,
        &["stadt", "town", "localidad", "poblacion"],
    ),
    col(
        "region",
        k::COL_CUSTOMERS_REGION,
        false,
        &["state", "province", "provincia", "kanton"],
    ),
    col("country", k::COL_CUSTOMERS_COUNTRY, false, &["pais", "staat"]),
    col(
        "billing_attention",
        k::COL_CUSTOMERS_BILLING_ATTENTION,
        false,
        &["attention"],
    ),
    col(
        "billing_email",
        k::COL_CUSTOMERS_BILLING_EMAIL,
        false,
        &["invoice email", "rechnung e-mail"],
    ),
    col("billing_street", k::COL_CUSTOMERS_BILLING_STREET, false, &[]),
    col("billing_postal_code", k::COL_CUSTOMERS_BILLING_POSTAL_CODE, false, &[]),
    col("billing_city", k::COL_CUSTOMERS_BILLING_CITY, false, &[]),
    col("billing_region", k::COL_CUSTOMERS_BILLING_REGION, false, &[]),
    col("billing_country", k::COL_CUSTOMERS_BILLING_COUNTRY, false, &[]),
    col("tax_region", k::COL_CUSTOMERS_TAX_REGION, false, &[]),
    col("billing_tax_id", k::COL_CUSTOMERS_BILLING_TAX_ID, false, &[]),
    col("tax_treatment", k::COL_CUSTOMERS_TAX_TREATMENT, false, &[]),
    col("currency", k::COL_CUSTOMERS_CURRENCY, false, &["waehrung", "divisa"]),
    col(
        "payment_terms_days",
        k::COL_CUSTOMERS_PAYMENT_TERMS_DAYS,
        false,
        &["payment terms", "zahlungsziel", "plazo de pago"],
    ),
    col("invoice_template", k::COL_CUSTOMERS_INVOICE_TEMPLATE, false, &[]),
    col("invoice_language", k::COL_CUSTOMERS_INVOICE_LANGUAGE, false, &[]),
    col("invoice_delivery", k::COL_CUSTOMERS_INVOICE_DELIVERY, false, &[]),
    col(
        "iban",
        k::COL_CUSTOMERS_IBAN,
        false,
        &["bank account", "bankverbindung", "cuenta bancaria"],
    ),
];

pub const CONTACT_COLUMNS: &[Column] = &[
    col(
        "external_id",
        k::COL_CONTACTS_EXTERNAL_ID,
        false,
        &["id", "contact id", "kontakt-id"],
    ),
    col(
        "customer",
        k::COL_CONTACTS_CUSTOMER,
        true,
        &[
            "company",
            "firma",
            "empresa",
            "organization",
            "customer name",
            "kundenname",
            "customer id",
        ],
    ),
    col(
        "first_name",
        k::COL_CONTACTS_FIRST_NAME,
        true,
        &["firstname", "given name", "nombre de pila"],
    ),
    col(
        "last_name",
        k::COL_CONTACTS_LAST_NAME,
        true,
        &["lastname", "surname", "family name", "apellido", "name"],
    ),
    col(
        "email",
        k::COL_CONTACTS_EMAIL,
        true,
        &["e-mail address", "email address", "mail", "correo"],
    ),
    col("phone", k::COL_CONTACTS_PHONE, false, &["telephone", "telefono", "tel"]),
    col(
        "mobile",
        k::COL_CONTACTS_MOBILE,
        false,
        &["mobile phone", "cell", "handy", "mobiltelefon", "celular"],
    ),
    col(
        "job_title",
        k::COL_CONTACTS_JOB_TITLE,
        false,
        &["title", "role", "funktion", "puesto"],
    ),
    col(
        "main_contact",
        k::COL_CONTACTS_MAIN_CONTACT,
        false,
        &["primary", "primary contact", "main"],
    ),
    col("company_contact", k::COL_CONTACTS_COMPANY_CONTACT, false, &[]),
    col(
        "notification_preference",
        k::COL_CONTACTS_NOTIFICATION_PREFERENCE,
        false,
        &[],
    ),
    col("portal_access", k::COL_CONTACTS_PORTAL_ACCESS, false, &[]),
    col(
        "portal_level",
        k::COL_CONTACTS_PORTAL_LEVEL,
        false,
        &["security level", "sicherheitsstufe"],
    ),
];

/// The catalogue's columns: the fields of `domain::ServiceDraft`, matched by code.
pub const SERVICE_COLUMNS: &[Column] = &[
    col(
        "code",
        k::COL_SERVICES_CODE,
        true,
        &[
            "service code",
            "sku",
            "artikelnummer",
            "artikel-nr",
            "codigo",
            "referencia",
        ],
    ),
    col(
        "name",
        k::COL_SERVICES_NAME,
        true,
        &[
            "service",
            "service name",
            "bezeichnung",
            "leistung",
            "servicio",
            "nombre",
        ],
    ),
    col(
        "description",
        k::COL_SERVICES_DESCRIPTION,
        false,
        &["beschreibung", "descripcion"],
    ),
    col(
        "kind",
        k::COL_SERVICES_KIND,
        true,
        &["type", "billing type", "abrechnung", "tipo"],
    ),
    col(
        "device_category",
        k::COL_SERVICES_DEVICE_CATEGORY,
        false,
        &["device type"],
    ),
    col(
        "usage_unit",
        k::COL_SERVICES_USAGE_UNIT,
        false,
        &["unit", "einheit", "unidad"],
    ),
    col(
        "unit_price",
        k::COL_SERVICES_UNIT_PRICE,
        false,
        &["price", "preis", "einzelpreis", "precio", "precio unitario"],
    ),
    col("currency", k::COL_SERVICES_CURRENCY, false, &["waehrung", "divisa"]),
    col(
        "tax_category",
        k::COL_SERVICES_TAX_CATEGORY,
        false,
        &["tax", "vat", "steuer", "impuesto"],
    ),
    col(
        "revenue_account",
        k::COL_SERVICES_REVENUE_ACCOUNT,
        false,
        &["account", "erloeskonto", "konto", "cuenta", "cuenta de ingresos"],
    ),
    col(
        "archived",
        k::COL_SERVICES_ARCHIVED,
        false,
        &["archiviert", "archivado"],
    ),
];

/// A header as compared: lower case, accents folded, only letters and digits.
pub fn normalize(header: &str) -> String {
    let mut out = String::with_capacity(header.len());
    for ch in header.trim().chars().flat_map(char::to_lowercase) {
        match ch {
            'ä' | 'á' | 'à' | 'â' => out.push('a'),
            'ö' | 'ó' | 'ò' | 'ô' => out.push('o'),
            'ü' | 'ú' | 'ù' | 'û' => out.push('u'),
            'é' | 'è' | 'ê' => out.push('e'),
            'í' | 'ì' | 'î' => out.push('i'),
            'ñ' => out.push('n'),
            'ç' => out.push('c'),
            'ß' => out.push_str("ss"),
            c if c.is_alphanumeric() => out.push(c),
            _ => {}
        }
    }
    out
}

/// The column `header` names, if any: its key, its label in any language, or an alias.
pub fn recognize(kind: ImportKind, header: &str) -> Option<&'static str> {
    let h = normalize(header);
    if h.is_empty() {
        return None;
    }
    let columns = kind.columns();
    // Keys and translated labels first, so an alias of one column never shadows another
    // column's own name ("name" is the customers' key, but a contact alias).
    let own = columns.iter().find(|c| {
        normalize(c.key) == h
            || domain::Locale::ALL
                .iter()
                .any(|l| normalize(crate::i18n::text(*l, c.label)) == h)
    });
    own.or_else(|| columns.iter().find(|c| c.aliases.iter().any(|a| normalize(a) == h)))
        .map(|c| c.key)
}

/// The suggested field for each header, each field used at most once (the first header
/// that names it wins; later ones are left for the user to map).
pub fn suggest(kind: ImportKind, headers: &[String]) -> Vec<Option<String>> {
    let mut taken = std::collections::HashSet::new();
    headers
        .iter()
        .map(|h| recognize(kind, h).filter(|key| taken.insert(*key)).map(str::to_string))
        .collect()
}

/// The label of a column key in `locale`, or the key itself.
pub fn label(kind: ImportKind, key: &str, locale: domain::Locale) -> String {
    kind.columns()
        .iter()
        .find(|c| c.key == key)
        .map(|c| crate::i18n::text(locale, c.label).to_string())
        .unwrap_or_else(|| key.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_in_any_language_and_aliases_are_recognized() {
        use ImportKind::*;
        assert_eq!(recognize(Customers, "Firma"), Some("name"));
        assert_eq!(recognize(Customers, "Empresa"), Some("name"));
        assert_eq!(recognize(Customers, "Company"), Some("name"));
        assert_eq!(recognize(Customers, " company_name "), Some("name"));
        assert_eq!(recognize(Customers, "Código postal"), Some("postal_code"));
        assert_eq!(recognize(Customers, "USt-IdNr."), Some("tax_id"));
        assert_eq!(recognize(Customers, "payment_terms_days"), Some("payment_terms_days"));
        assert_eq!(recognize(Customers, "Lieblingsfarbe"), None);
        assert_eq!(recognize(Contacts, "E-Mail"), Some("email"));
        assert_eq!(recognize(Contacts, "Name"), Some("last_name"));
        assert_eq!(recognize(Contacts, "Firma"), Some("customer"));
        assert_eq!(recognize(Services, "Artikelnummer"), Some("code"));
        assert_eq!(recognize(Services, "Preis"), Some("unit_price"));
        assert_eq!(recognize(Services, "name"), Some("name"));
    }

    #[test]
    fn each_field_is_suggested_once() {
        let headers = vec!["Firma".to_string(), "Company".to_string(), "x".to_string()];
        assert_eq!(
            suggest(ImportKind::Customers, &headers),
            vec![Some("name".to_string()), None, None]
        );
    }

    #[test]
    fn labels_and_keys_name_one_column_each() {
        for kind in ImportKind::ALL {
            for l in domain::Locale::ALL {
                let mut seen = std::collections::HashSet::new();
                for c in kind.columns() {
                    let n = normalize(crate::i18n::text(l, c.label));
                    assert!(seen.insert(n.clone()), "{kind:?} {l:?}: header {n} is used twice");
                    assert_eq!(recognize(kind, crate::i18n::text(l, c.label)), Some(c.key));
                    assert_eq!(recognize(kind, c.key), Some(c.key));
                }
            }
        }
    }
}
