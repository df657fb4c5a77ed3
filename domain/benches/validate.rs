//! Validating a complete new-customer payload (customer, contract with two parts, custom
//! SLA, shared profile, contact), as the server does on submit and the browser on "Next".

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use domain::WizardStep;

#[path = "../tests/sample/mod.rs"]
mod sample;

fn bench(c: &mut Criterion) {
    let draft = sample::complete_draft();
    assert!(draft.validate().is_ok());
    c.bench_function("validate complete new-customer payload", |b| {
        b.iter(|| black_box(&draft).validate())
    });
    c.bench_function("validate_step contract", |b| {
        b.iter(|| black_box(&draft).validate_step(WizardStep::Contract))
    });
    let json = serde_json::to_string(&draft).unwrap_or_default();
    c.bench_function("deserialize + validate payload JSON", |b| {
        b.iter(|| serde_json::from_str::<domain::NewCustomerDraft>(black_box(&json)).map(|d| d.validate()))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
