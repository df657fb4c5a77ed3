//! Settings → SLAs and Settings → Alert profiles: the shared ones customers pick from.
//! Edited with the same forms (and the same domain rules) as the wizard's custom ones.

#[cfg(feature = "ssr")]
mod db;
mod editor;
mod nav;

pub use editor::{AlertProfilesPage, SlasPage};
pub use nav::{SettingsNav, settings_home};

use domain::{AlertProfileDraft, SlaDraft};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;

/// A stored shared definition with its version (for optimistic concurrency).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stored<T> {
    pub id: Uuid,
    pub version: i32,
    pub definition: T,
}

#[server(prefix = "/api", endpoint = "settings/slas/list")]
pub async fn list_slas() -> Result<Vec<Stored<SlaDraft>>, AppError> {
    crate::server::gate(crate::auth::Permission::ManageSettings, |ctx| async move {
        db::list(&ctx.pool, db::SLAS).await
    })
    .await
}

/// Creates (`id` empty) or updates a shared SLA. An update names the version it was
/// loaded at; if someone saved in between, the answer is a conflict, not an overwrite.
#[server(prefix = "/api", endpoint = "settings/slas/save", input = Json)]
pub async fn save_sla(id: Option<Uuid>, version: Option<i32>, definition: SlaDraft) -> Result<Uuid, AppError> {
    crate::server::gate(crate::auth::Permission::ManageSettings, |ctx| async move {
        let sla = definition.validate().map_err(|e| prefixed("sla", e))?;
        db::save(&ctx.pool, db::SLAS, id, version, sla.name.as_ref(), &definition).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "settings/alert-profiles/list")]
pub async fn list_alert_profiles() -> Result<Vec<Stored<AlertProfileDraft>>, AppError> {
    crate::server::gate(crate::auth::Permission::ManageSettings, |ctx| async move {
        db::list(&ctx.pool, db::PROFILES).await
    })
    .await
}

#[server(prefix = "/api", endpoint = "settings/alert-profiles/save", input = Json)]
pub async fn save_alert_profile(
    id: Option<Uuid>,
    version: Option<i32>,
    definition: AlertProfileDraft,
) -> Result<Uuid, AppError> {
    crate::server::gate(crate::auth::Permission::ManageSettings, |ctx| async move {
        let profile = definition.validate().map_err(|e| prefixed("alert_profile", e))?;
        db::save(&ctx.pool, db::PROFILES, id, version, profile.name.as_ref(), &definition).await
    })
    .await
}

/// The editor shows these fields under the same paths as the wizard (`sla.name`, …).
#[cfg(feature = "ssr")]
fn prefixed(prefix: &str, errors: Vec<domain::FieldError>) -> AppError {
    errors.into_iter().map(|e| e.at(prefix)).collect::<Vec<_>>().into()
}
