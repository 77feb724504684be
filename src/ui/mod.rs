//! The Leptos front end: the app shell and one module per page. Pages read state and call
//! actions; they never touch storage and hold no domain rules of their own.

pub mod app;
pub mod nav;
pub mod pages;

pub use app::App;

/// Starts the app in the page that loaded it.
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}
