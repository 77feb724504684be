//! The browser entry point that Trunk builds.

#[cfg(target_arch = "wasm32")]
fn main() {
    vigil::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("Vigil runs in the browser: `scripts/run.sh` builds it and serves it on 127.0.0.1.");
    std::process::exit(2);
}
