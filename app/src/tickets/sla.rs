//! A ticket's SLA: the customer's SLA (shared or custom) as a business-hours calendar in
//! its time zone, and the due times it gives a ticket (`domain::sla_clock`).

use chrono::{DateTime, Datelike, Duration, Utc};
use chrono_tz::Tz;
use domain::sla_clock::{Calendar, Clock, HolidayCountry, national_holidays};
use domain::{Holidays, NationalHolidays, Priority, ResponseTarget, SlaDraft};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::error::AppError;

/// The SLA that applies to a customer's tickets of one priority.
pub struct TicketSla {
    pub sla: Uuid,
    pub calendar: Calendar<Tz>,
    /// `None`: the SLA sets no target for this priority.
    pub target: Option<ResponseTarget>,
}

/// The customer's SLA for `priority`; `None` when the customer has none.
pub async fn for_customer(
    conn: &mut PgConnection,
    customer: Uuid,
    priority: Priority,
) -> Result<Option<TicketSla>, AppError> {
    let row: Option<(Uuid, serde_json::Value)> =
        sqlx::query_as("select s.id, s.definition from customers c join slas s on s.id = c.sla_id where c.id = $1")
            .bind(customer)
            .fetch_optional(&mut *conn)
            .await?;
    let Some((id, definition)) = row else {
        return Ok(None);
    };
    // Stored definitions were validated when saved; one that no longer is counts as none.
    let Some(sla) = serde_json::from_value::<SlaDraft>(definition)
        .ok()
        .and_then(|d| d.validate().ok())
    else {
        tracing::warn!(%id, "stored SLA does not validate; tickets get no due times");
        return Ok(None);
    };
    let zone: Tz = sla
        .business_hours
        .time_zone
        .as_str()
        .parse()
        .unwrap_or(chrono_tz::Europe::Berlin);
    Ok(Some(TicketSla {
        sla: id,
        calendar: Calendar::new(zone, &sla.business_hours, days_off(zone, &sla.holidays)),
        target: sla.targets.for_priority(priority),
    }))
}

/// The SLA's regional days off and its country's national holidays, for last year to
/// three years ahead (the longest target is a year).
fn days_off(zone: Tz, holidays: &Holidays) -> Vec<chrono::NaiveDate> {
    use chrono_tz::{Africa, Atlantic, Europe};
    let country = match holidays.national {
        NationalHolidays::Country(c) => Some(c),
        NationalHolidays::None => None,
        NationalHolidays::FromTimeZone => match zone {
            Europe::Berlin | Europe::Busingen => Some(HolidayCountry::De),
            Europe::Madrid | Atlantic::Canary | Africa::Ceuta => Some(HolidayCountry::Es),
            _ => None,
        },
    };
    let year = Utc::now().year();
    let national = country
        .into_iter()
        .flat_map(|c| (year - 1..=year + 3).flat_map(move |y| national_holidays(c, y)));
    holidays.regional.iter().copied().chain(national).collect()
}

/// The stored clock of a ticket.
pub fn clock(counted_secs: i64, running_since: Option<DateTime<Utc>>) -> Clock {
    Clock {
        counted: Duration::seconds(counted_secs),
        running_since,
    }
}

/// A ticket's due times, and the instants 80 % of each target is used up.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Dues {
    pub first_response: Option<DateTime<Utc>>,
    pub first_response_warn: Option<DateTime<Utc>>,
    pub resolution: Option<DateTime<Utc>>,
    pub resolution_warn: Option<DateTime<Utc>>,
}

/// The share of a target after which the ticket is "breaching soon" and a warning is raised.
const WARN_PERCENT: u32 = 80;

/// Due times: first response counted from creation, resolution from the clock (none while
/// it is paused).
pub fn due_times(sla: Option<&TicketSla>, created_at: DateTime<Utc>, clock: &Clock) -> Dues {
    let Some((sla, target)) = sla.and_then(|s| s.target.map(|t| (s, t))) else {
        return Dues::default();
    };
    let warn = |minutes: u32| minutes * WARN_PERCENT / 100;
    Dues {
        first_response: sla.calendar.add(created_at, target.first_response_minutes),
        first_response_warn: sla.calendar.add(created_at, warn(target.first_response_minutes)),
        resolution: clock.due(&sla.calendar, target.resolution_minutes),
        resolution_warn: clock.due(&sla.calendar, warn(target.resolution_minutes)),
    }
}
