//! The name, e-mail and password fields of a new staff account: the same fields and
//! checks on the first-run setup page and in Settings → Users.

use leptos::prelude::*;

use super::check_password;
use crate::check_with;
use crate::error::AppError;
use crate::forms::ValidatedField;
use crate::i18n::{Key, k};

/// What the user typed, kept in signals so the form can clear it after a success.
#[derive(Clone, Copy)]
pub struct NewUserValues {
    pub name: RwSignal<String>,
    pub email: RwSignal<String>,
    pub password: RwSignal<String>,
}

impl NewUserValues {
    pub fn new() -> Self {
        NewUserValues {
            name: RwSignal::new(String::new()),
            email: RwSignal::new(String::new()),
            password: RwSignal::new(String::new()),
        }
    }

    pub fn clear(&self) {
        self.name.set(String::new());
        self.email.set(String::new());
        self.password.set(String::new());
    }
}

impl Default for NewUserValues {
    fn default() -> Self {
        Self::new()
    }
}

#[component]
pub fn NewUserFields(
    form_id: &'static str,
    values: NewUserValues,
    #[prop(into)] server_error: Signal<Option<AppError>>,
    password_label: Key,
    /// `username` on the setup page (the admin signs in with it right away), `off` otherwise.
    email_autocomplete: &'static str,
) -> impl IntoView {
    view! {
        <ValidatedField
            name="name"
            form_id=form_id
            label=k::USERS_NAME
            value=values.name
            check=check_with!(domain::PersonName::parse)
            server_error=server_error
            autocomplete="name"
            required=true
        />
        <ValidatedField
            name="email"
            form_id=form_id
            label=k::LOGIN_EMAIL
            value=values.email
            check=check_with!(domain::Email::parse)
            server_error=server_error
            input_type="email"
            autocomplete=email_autocomplete
            required=true
        />
        <ValidatedField
            name="password"
            form_id=form_id
            label=password_label
            value=values.password
            check=check_password
            server_error=server_error
            hint=k::USERS_PASSWORD_HINT
            input_type="password"
            autocomplete="new-password"
            required=true
        />
    }
}
