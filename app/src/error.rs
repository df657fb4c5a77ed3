//! The one error type every server function returns, in the browser and on the server.
//!
//! It travels as JSON (`{"error":"forbidden"}`, `{"error":"validation","fields":[…]}`),
//! and the server's gate sets the matching HTTP status, so automation calling `/api/…`
//! gets a real status code and a body it can read.

use crate::i18n::{self, k};
use domain::Locale;
use leptos::prelude::{FromServerFnError, ServerFnErrorErr};
use leptos::server_fn::codec::JsonEncoding;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "error", rename_all = "snake_case")]
pub enum AppError {
    /// No valid session.
    #[error("not signed in")]
    Unauthenticated,
    /// Signed in, but the role does not allow this.
    #[error("not allowed")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// Someone else changed the record since it was loaded.
    #[error("changed by someone else")]
    Conflict,
    /// Field-level problems; the form shows each next to its field.
    /// A restricted staff member asked for a customer whose team they are not on.
    #[error("not on this customer's team")]
    NotOnTeam,
    /// Someone else saved the record since it was loaded. Carries their values next to
    /// the user's, and the version to save over theirs if the user chooses to.
    #[error("changed by someone else")]
    EditConflict {
        version: i32,
        by: Option<String>,
        at: Option<chrono::DateTime<chrono::Utc>>,
        fields: Vec<ConflictField>,
    },
    #[error("invalid input")]
    Validation { fields: Vec<FieldProblem> },
    /// The billing-info gate: the action bills `customer`, whose billing info lacks
    /// `missing` (form field names). Nothing was written; the UI asks for the info and
    /// sends the same request again.
    #[error("billing info required")]
    BillingInfoRequired {
        customer: uuid::Uuid,
        name: String,
        missing: Vec<String>,
    },
    /// The record is on an issued invoice and can no longer be changed.
    #[error("locked by an invoice")]
    Locked,
    #[error("wrong e-mail or password")]
    InvalidCredentials,
    /// Too many failed sign-ins for this account or address.
    #[error("sign-in locked for {retry_after_secs} s")]
    LoginLocked { retry_after_secs: u64 },
    /// A mutating request whose Origin is not this site's.
    #[error("cross-site request refused")]
    CrossSite,
    /// Something failed on the server; details are in the server log, never sent.
    #[error("internal error")]
    Internal,
    /// The request never reached the function (network down, bad encoding, …).
    #[error("request failed: {message}")]
    Transport { message: String },
}

/// One field's problem: the field path and a message code with its parameters.
/// (The domain crate's `FieldError` converts into this.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldProblem {
    pub field: String,
    pub code: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<(String, String)>,
}

/// One field both the user and someone else changed: the form field path and both values
/// as text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConflictField {
    pub field: String,
    pub yours: String,
    pub theirs: String,
}

impl FieldProblem {
    pub fn new(field: &str, code: &str) -> Self {
        FieldProblem {
            field: field.into(),
            code: code.into(),
            params: Vec::new(),
        }
    }

    pub fn with(mut self, name: &str, value: impl ToString) -> Self {
        self.params.push((name.into(), value.to_string()));
        self
    }

    /// The message in the user's language.
    pub fn message(&self, locale: Locale) -> String {
        match i18n::Key::from_name(&self.code) {
            Some(key) => i18n::fill(
                i18n::text(locale, key),
                self.params.iter().map(|(a, b)| (a.as_str(), b.as_str())),
            ),
            None => self.code.clone(),
        }
    }
}

impl From<domain::FieldError> for FieldProblem {
    fn from(e: domain::FieldError) -> Self {
        FieldProblem {
            field: e.field,
            code: e.code.as_str().to_string(),
            params: e.params.into_iter().collect(),
        }
    }
}

impl FieldProblem {
    /// A domain parse error for the form field `field`.
    pub fn from_domain(field: &str, e: domain::FieldError) -> Self {
        e.at(field).into()
    }
}

impl From<Vec<domain::FieldError>> for AppError {
    fn from(errors: Vec<domain::FieldError>) -> Self {
        AppError::Validation {
            fields: errors.into_iter().map(Into::into).collect(),
        }
    }
}

impl AppError {
    /// The same error with every field path of a validation error under `prefix`
    /// (`parts[0].rate` → `contract.parts[0].rate`), for a nested form.
    pub fn nested_at(self, prefix: &str) -> AppError {
        match self {
            AppError::Validation { fields } => AppError::Validation {
                fields: fields
                    .into_iter()
                    .map(|mut f| {
                        f.field = match f.field.as_str() {
                            "" => prefix.to_string(),
                            rest if rest.starts_with('[') => format!("{prefix}{rest}"),
                            rest => format!("{prefix}.{rest}"),
                        };
                        f
                    })
                    .collect(),
            },
            other => other,
        }
    }

    pub fn validation(fields: Vec<FieldProblem>) -> Self {
        AppError::Validation { fields }
    }

    /// The HTTP status the server answers with.
    pub fn status(&self) -> http::StatusCode {
        use http::StatusCode as S;
        match self {
            AppError::Unauthenticated | AppError::InvalidCredentials => S::UNAUTHORIZED,
            AppError::Forbidden | AppError::CrossSite | AppError::NotOnTeam => S::FORBIDDEN,
            AppError::NotFound => S::NOT_FOUND,
            AppError::Conflict
            | AppError::EditConflict { .. }
            | AppError::BillingInfoRequired { .. }
            | AppError::Locked => S::CONFLICT,
            AppError::Validation { .. } => S::UNPROCESSABLE_ENTITY,
            AppError::LoginLocked { .. } => S::TOO_MANY_REQUESTS,
            AppError::Internal => S::INTERNAL_SERVER_ERROR,
            AppError::Transport { .. } => S::BAD_REQUEST,
        }
    }

    /// A sentence for the user, in their language.
    pub fn message(&self, locale: Locale) -> String {
        let key = match self {
            AppError::Unauthenticated => k::ERROR_UNAUTHENTICATED,
            AppError::Forbidden => k::ERROR_FORBIDDEN,
            AppError::NotFound => k::ERROR_NOT_FOUND,
            AppError::Conflict | AppError::EditConflict { .. } => k::ERROR_CONFLICT,
            AppError::NotOnTeam => k::ERROR_NOT_ON_TEAM,
            AppError::Validation { .. } => k::ERROR_VALIDATION,
            AppError::BillingInfoRequired { name, .. } => {
                return i18n::text_with(locale, k::ERROR_BILLING_INFO_REQUIRED, &[("customer", name)]);
            }
            AppError::Locked => k::ERROR_LOCKED,
            AppError::InvalidCredentials => k::LOGIN_ERROR_INVALID,
            AppError::LoginLocked { retry_after_secs } => {
                let minutes = retry_after_secs.div_ceil(60).max(1).to_string();
                return i18n::text_with(locale, k::LOGIN_ERROR_LOCKED, &[("minutes", &minutes)]);
            }
            AppError::CrossSite => k::ERROR_CROSS_SITE,
            AppError::Internal => k::ERROR_INTERNAL,
            AppError::Transport { .. } => k::ERROR_NETWORK,
        };
        i18n::text(locale, key).to_string()
    }

    /// The problem reported for `field`, if any.
    pub fn field(&self, field: &str) -> Option<&FieldProblem> {
        match self {
            AppError::Validation { fields } => fields.iter().find(|f| f.field == field),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // A server-side failure inside the framework is still an internal error.
            ServerFnErrorErr::ServerError(_) => AppError::Internal,
            other => AppError::Transport {
                message: other.to_string(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_shape_is_stable() {
        assert_eq!(
            serde_json::to_string(&AppError::Forbidden).unwrap(),
            r#"{"error":"forbidden"}"#
        );
        let v = AppError::validation(vec![FieldProblem::new("email", "required")]);
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            r#"{"error":"validation","fields":[{"field":"email","code":"required"}]}"#
        );
        let gate = AppError::BillingInfoRequired {
            customer: uuid::Uuid::nil(),
            name: "A".into(),
            missing: vec!["tax_region".into()],
        };
        assert_eq!(
            serde_json::to_string(&gate).unwrap(),
            r#"{"error":"billing_info_required","customer":"00000000-0000-0000-0000-000000000000","name":"A","missing":["tax_region"]}"#
        );
    }

    #[test]
    fn every_error_has_a_message_in_every_language() {
        let all = [
            AppError::Unauthenticated,
            AppError::Forbidden,
            AppError::NotFound,
            AppError::Conflict,
            AppError::NotOnTeam,
            AppError::EditConflict {
                version: 2,
                by: None,
                at: None,
                fields: vec![],
            },
            AppError::validation(vec![]),
            AppError::BillingInfoRequired {
                customer: uuid::Uuid::nil(),
                name: "Müller GmbH".into(),
                missing: vec!["attention".into()],
            },
            AppError::Locked,
            AppError::InvalidCredentials,
            AppError::LoginLocked { retry_after_secs: 61 },
            AppError::CrossSite,
            AppError::Internal,
            AppError::Transport { message: "x".into() },
        ];
        for e in all {
            for l in Locale::ALL {
                let m = e.message(l);
                assert!(!m.is_empty() && !m.contains('{'), "{e:?} in {l:?}: {m}");
            }
        }
        assert!(
            AppError::LoginLocked { retry_after_secs: 61 }
                .message(Locale::En)
                .contains('2')
        );
    }
}
