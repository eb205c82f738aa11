//! Compiles the Slint UI (`ui/main.slint`) into Rust code included by `src/ui/mod.rs`,
//! and records the target triple, which `eventscreen update` uses to pick its binary.
// The build script reads the clock once, for the build time; the program itself
// reads it only in src/edges/clock.rs.
#[allow(clippy::disallowed_methods)]
fn main() {
    slint_build::compile("ui/main.slint").expect("ui/main.slint must compile");
    let target = std::env::var("TARGET").expect("cargo sets TARGET for build scripts");
    println!("cargo:rustc-env=EVENTSCREEN_TARGET={target}");
    // The build time is the clock's floor on a screen (src/edges/clock.rs): any real "now" is later.
    // SOURCE_DATE_EPOCH, when set, makes the build reproducible.
    let built =
        std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|text| text.parse::<u64>().ok()).unwrap_or_else(|| {
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|age| age.as_secs()).unwrap_or(0)
        });
    println!("cargo:rustc-env=EVENTSCREEN_BUILD_UNIX={built}");
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
}
