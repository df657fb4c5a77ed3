//! Password hashing with argon2id (the `argon2` crate's defaults: m=19 MiB, t=2, p=1,
//! OWASP's recommendation). Hashing takes tens of milliseconds of CPU, so it runs on the
//! blocking pool, never on the async worker threads.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};

use crate::error::AppError;

pub async fn hash(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
    })
    .await
    .map_err(|e| crate::server::internal("hash task", e))?
    .map_err(|e| crate::server::internal("argon2 hash", e))
}

/// Verifies `password` against `stored`; with no stored hash (unknown user) it still
/// spends the same time, so response times do not tell which e-mails exist.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let stored = match stored {
            Some(s) => s,
            None => Argon2::default()
                .hash_password(b"decoy password", &SaltString::generate(&mut OsRng))
                .map(|h| h.to_string())
                .unwrap_or_default(),
        };
        let matches = PasswordHash::new(&stored)
            .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
            .unwrap_or(false);
        known && matches
    })
    .await
    .map_err(|e| crate::server::internal("verify task", e))
}
