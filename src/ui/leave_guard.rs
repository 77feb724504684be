//! Asking before the analyst navigates away from input that is not saved yet. A page arms the
//! guard while it holds such input; the shell asks it before following a change of address.

use std::sync::Arc;

use leptos::prelude::*;

/// What to do once the analyst agrees to leave.
type OnLeave = Arc<dyn Fn() + Send + Sync>;

/// The question to ask before leaving, and what to do once the analyst agrees.
#[derive(Clone, Copy)]
pub struct LeaveGuard {
    armed: StoredValue<Option<(String, OnLeave)>>,
}

impl LeaveGuard {
    /// Makes the guard for the current reactive owner and shares it with every component below.
    pub fn provide() -> LeaveGuard {
        let guard = LeaveGuard {
            armed: StoredValue::new(None),
        };
        provide_context(guard);
        guard
    }

    /// The guard provided by the shell; a page mounted without one (a test) gets its own.
    pub fn get() -> LeaveGuard {
        use_context::<LeaveGuard>().unwrap_or_else(LeaveGuard::provide)
    }

    /// From now on, leaving asks `question`; `on_leave` runs when the analyst agrees.
    pub fn arm(self, question: &str, on_leave: impl Fn() + Send + Sync + 'static) {
        self.armed
            .set_value(Some((question.to_owned(), Arc::new(on_leave))));
    }

    /// Leaving no longer asks.
    pub fn disarm(self) {
        self.armed.set_value(None);
    }

    /// Whether the address may change: asks the analyst when armed, and disarms once they agree.
    pub fn may_leave(self) -> bool {
        let Some((question, on_leave)) = self.armed.get_value() else {
            return true;
        };
        let agreed = window().confirm_with_message(&question).unwrap_or(true);
        if agreed {
            self.disarm();
            on_leave();
        }
        agreed
    }
}
