//! The running timer: one per user and browser, kept in localStorage so a reload, a
//! closed tab or a trip to another page does not lose it. Stopping it fills the time
//! form of the ticket it runs on (work date, start, end or duration); nothing is sent
//! until the technician saves the entry.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::i18n::{k, t};
use crate::shell::use_user;

/// What localStorage keeps while a timer runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Running {
    /// The ticket it runs on.
    pub ticket: Uuid,
    /// When it started, milliseconds since the epoch.
    pub started_ms: i64,
}

fn storage_key(user: Uuid) -> String {
    format!("onboard.timer.{user}")
}

pub fn load(user: Uuid) -> Option<Running> {
    #[cfg(feature = "hydrate")]
    {
        use gloo_storage::Storage;
        gloo_storage::LocalStorage::get(storage_key(user)).ok()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = storage_key(user);
        None
    }
}

fn store(user: Uuid, running: Option<Running>) {
    #[cfg(feature = "hydrate")]
    {
        use gloo_storage::Storage;
        match running {
            Some(r) => {
                let _ = gloo_storage::LocalStorage::set(storage_key(user), r);
            }
            None => gloo_storage::LocalStorage::delete(storage_key(user)),
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (user, running);
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// `0:12:05`.
fn clock(ms: i64) -> String {
    let s = (ms.max(0) / 1000) as u64;
    format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

/// What a stopped timer hands to the time form: its local work date and start, and the
/// end on the same day, or else the minutes it ran (at least one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stopped {
    pub work_date: String,
    pub start: String,
    pub end: String,
    pub duration: String,
}

pub fn stopped(started_ms: i64, stopped_ms: i64) -> Stopped {
    use chrono::{TimeZone, Timelike};
    // Not `format("%H:%M")`: chrono's format-string machinery would join the WASM for this.
    let hm = |t: &chrono::DateTime<chrono::Local>| format!("{:02}:{:02}", t.hour(), t.minute());
    let local = |ms: i64| {
        chrono::Local
            .timestamp_millis_opt(ms)
            .single()
            .unwrap_or_else(chrono::Local::now)
    };
    let (from, to) = (local(started_ms), local(stopped_ms));
    let minutes = ((stopped_ms - started_ms).max(0) as f64 / 60_000.0).ceil().max(1.0) as u32;
    let same_day = from.date_naive() == to.date_naive() && hm(&to) > hm(&from);
    Stopped {
        work_date: from.date_naive().to_string(),
        start: hm(&from),
        end: if same_day { hm(&to) } else { String::new() },
        duration: domain::time_entry::format_minutes(minutes.min(domain::time_entry::MAX_MINUTES)),
    }
}

/// The timer's button on a ticket: start it, or watch it run and stop it (which calls
/// `on_stop`). A timer running on another ticket is named with a link to it.
#[component]
pub fn TimerButton(ticket: Uuid, on_stop: Callback<Stopped>) -> impl IntoView {
    let user = use_user();
    let running = RwSignal::new(None::<Running>);
    let now = RwSignal::new(0_i64);
    Effect::new(move |_| {
        if let Some(u) = user.get() {
            running.set(load(u.id));
            now.set(now_ms());
        }
    });
    #[cfg(feature = "hydrate")]
    {
        let handle = leptos::leptos_dom::helpers::set_interval_with_handle(
            move || {
                if running.with_untracked(Option::is_some) {
                    now.set(now_ms());
                }
            },
            std::time::Duration::from_secs(1),
        )
        .ok();
        on_cleanup(move || {
            if let Some(h) = handle {
                h.clear();
            }
        });
    }
    let start = move |_| {
        let Some(u) = user.get_untracked() else { return };
        let r = Running {
            ticket,
            started_ms: now_ms(),
        };
        store(u.id, Some(r));
        now.set(r.started_ms);
        running.set(Some(r));
    };
    let stop = move |_| {
        let (Some(u), Some(r)) = (user.get_untracked(), running.get_untracked()) else {
            return;
        };
        store(u.id, None);
        running.set(None);
        on_stop.run(stopped(r.started_ms, now_ms()));
    };
    view! {
        <div class="timer" id="time-timer">
            {move || match running.get() {
                None => view! {
                    <button type="button" class="button" id="timer-start" on:click=start>{t(k::TIME_TIMER_START)}</button>
                }.into_any(),
                Some(r) if r.ticket == ticket => view! {
                    <span class="timer-clock" role="timer" id="timer-clock">{move || clock(now.get() - r.started_ms)}</span>
                    " "
                    <button type="button" class="button primary" id="timer-stop" on:click=stop>{t(k::TIME_TIMER_STOP)}</button>
                }.into_any(),
                Some(r) => view! {
                    <p class="hint">
                        {t(k::TIME_TIMER_ELSEWHERE)} " "
                        <a href=format!("/tickets/{}", r.ticket) rel="external">{t(k::TIME_TIMER_OPEN)}</a>
                    </p>
                }.into_any(),
            }}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_reads_hours_minutes_seconds() {
        assert_eq!(clock(0), "0:00:00");
        assert_eq!(clock(725_000), "0:12:05");
        assert_eq!(clock(3_600_000 * 3 + 1_000), "3:00:01");
    }

    #[test]
    fn a_stopped_timer_gives_at_least_a_minute() {
        let s = stopped(1_000_000, 1_000_500);
        assert_eq!(s.duration, "0:01");
        let s = stopped(0, 90 * 60_000);
        assert_eq!(s.duration, "1:30");
    }
}
