//! The Leptos front end: the app shell, the desk (the one place state lives) and one module per
//! page. Pages read the desk and call its actions; they never touch storage and hold no domain
//! rules of their own.

pub mod app;
pub mod banners;
pub mod components;
pub mod desk;
pub mod focus;
pub mod leave_guard;
pub mod nav;
pub mod pages;
pub mod save_status;
pub mod time_text;
pub mod words;
pub mod workspace_switcher;

pub use app::App;

/// Starts the app in the page that loaded it.
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}
