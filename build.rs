//! Compiles the Slint UI (`ui/main.slint`) into Rust code included by `src/ui/mod.rs`.
fn main() {
    slint_build::compile("ui/main.slint").expect("ui/main.slint must compile");
}
