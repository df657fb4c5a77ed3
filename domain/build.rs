//! Gives the reference tables a version (a hash of their text), so the browser can fetch and
//! cache `/rules/{version}.tsv` for as long as a build lives.

fn main() {
    let path = "rules/tables.tsv";
    println!("cargo:rerun-if-changed={path}");
    let text = std::fs::read(path).expect("domain/rules/tables.tsv: run scripts/vectors/run.sh");
    // FNV-1a, 64 bit: a cache key, not a security boundary.
    let hash = text.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    });
    println!("cargo:rustc-env=ONBOARD_RULES_VERSION={hash:016x}");
}
