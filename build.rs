//! Compiles the Slint UI (`ui/main.slint`) into Rust code included by `src/ui/mod.rs`,
//! and records the target triple, which `eventscreen update` uses to pick its binary.
fn main() {
    slint_build::compile("ui/main.slint").expect("ui/main.slint must compile");
    let target = std::env::var("TARGET").expect("cargo sets TARGET for build scripts");
    println!("cargo:rustc-env=EVENTSCREEN_TARGET={target}");
}
