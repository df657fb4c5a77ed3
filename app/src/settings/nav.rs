use leptos::prelude::*;
use leptos_router::components::A;

use crate::auth::{Permission, UserInfo};
use crate::i18n::{Key, k, t};

/// The tabs of Settings, each with what it needs: a billing admin sees the catalogue,
/// invoicing (company and numbering), the import (of the catalogue) and the API tokens;
/// an admin sees them all.
const TABS: [(&str, Key, &[Permission]); 7] = [
    ("/settings/users", k::USERS_TITLE, &[Permission::ManageUsers]),
    ("/settings/slas", k::SETTINGS_SLAS, &[Permission::ManageSettings]),
    (
        "/settings/alert-profiles",
        k::SETTINGS_ALERT_PROFILES,
        &[Permission::ManageSettings],
    ),
    ("/settings/services", k::CATALOGUE_TITLE, &[Permission::ManageSales]),
    ("/settings/invoicing", k::INVOICING_TITLE, &[Permission::ManageSales]),
    (
        "/settings/import",
        k::IMPORT_TITLE,
        &[Permission::CreateCustomer, Permission::ManageSales],
    ),
    (
        "/settings/api-tokens",
        k::API_TOKENS_TITLE,
        &[Permission::ManageApiTokens],
    ),
];

fn tabs_for(user: &UserInfo) -> impl Iterator<Item = (&'static str, Key)> + '_ {
    TABS.into_iter()
        .filter(|(_, _, needs)| needs.iter().any(|p| user.can(*p)))
        .map(|(href, label, _)| (href, label))
}

/// Where the main navigation's "Settings" leads `user`: their first tab, if they have one.
pub fn settings_home(user: &UserInfo) -> Option<&'static str> {
    tabs_for(user).next().map(|(href, _)| href)
}

/// The tabs of Settings the signed-in user may open.
#[component]
pub fn SettingsNav() -> impl IntoView {
    let user = crate::shell::use_user().get_untracked();
    view! {
        <nav class="tabs" aria-label=t(k::NAV_SETTINGS)>
            {user.map(|u| tabs_for(&u).map(|(href, label)| view! { <A href=href>{t(label)}</A> }).collect_view())}
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Role;

    fn user(role: Role) -> UserInfo {
        UserInfo {
            id: uuid::Uuid::nil(),
            email: "x@example.com".into(),
            name: "X".into(),
            role,
            active: true,
            restricted: false,
        }
    }

    fn hrefs(role: Role) -> Vec<&'static str> {
        tabs_for(&user(role)).map(|(href, _)| href).collect()
    }

    #[test]
    fn each_role_sees_the_settings_it_may_use() {
        assert_eq!(hrefs(Role::Admin).len(), TABS.len());
        assert_eq!(
            hrefs(Role::BillingAdmin),
            [
                "/settings/services",
                "/settings/invoicing",
                "/settings/import",
                "/settings/api-tokens"
            ]
        );
        assert!(hrefs(Role::Technician).is_empty());
        assert_eq!(settings_home(&user(Role::Admin)), Some("/settings/users"));
        assert_eq!(settings_home(&user(Role::BillingAdmin)), Some("/settings/services"));
        assert_eq!(settings_home(&user(Role::Technician)), None);
    }
}
