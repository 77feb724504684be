//! Moving keyboard focus, for forms that send it to a field in error and keys that jump to a
//! control.

use leptos::prelude::*;

/// Moves focus to the control with this id, if it is on the page.
pub fn focus(id: &str) {
    if let Some(element) = document().get_element_by_id(id) {
        let _ =
            leptos::wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlElement>(element).focus();
    }
}
