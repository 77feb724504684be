//! Tells other tabs of the same workspace what changed, over a BroadcastChannel named after the
//! workspace, so they reload those incidents at once instead of showing a stale version.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use web_sys::{BroadcastChannel, MessageEvent};

use super::idb::StoreError;

/// One tab's end of a workspace's channel. Dropping it stops listening.
pub struct TabChannel {
    channel: BroadcastChannel,
    _listener: Closure<dyn FnMut(MessageEvent)>,
}

impl TabChannel {
    /// Joins the workspace's channel; `on_change` gets the incident numbers another tab saved.
    pub fn open(
        workspace: &str,
        mut on_change: impl FnMut(Vec<u64>) + 'static,
    ) -> Result<TabChannel, StoreError> {
        let channel = BroadcastChannel::new(&format!("vigil-{workspace}"))
            .map_err(|error| StoreError::Unavailable(format!("{error:?}")))?;
        let listener = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            // Anything that is not a list of numbers is not ours: ignore it.
            let numbers = event
                .data()
                .as_string()
                .and_then(|text| serde_json::from_str::<Vec<u64>>(&text).ok());
            if let Some(numbers) = numbers {
                on_change(numbers);
            }
        });
        channel.set_onmessage(Some(listener.as_ref().unchecked_ref()));
        Ok(TabChannel {
            channel,
            _listener: listener,
        })
    }

    /// Tells the other tabs which incidents this tab has just saved.
    pub fn announce(&self, numbers: &[u64]) {
        let text = serde_json::to_string(numbers).expect("numbers always serialise");
        // A closed channel only means no other tab listens; the save itself has succeeded.
        let _ = self.channel.post_message(&text.into());
    }
}

impl Drop for TabChannel {
    fn drop(&mut self) {
        self.channel.set_onmessage(None);
        self.channel.close();
    }
}
