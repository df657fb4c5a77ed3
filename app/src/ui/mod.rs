//! The UI parts every page shares: the data table with its loading, empty and error
//! states and keyset pager, the modal dialog, the progress bar, the customer picker and the billing-info
//! gate's dialog. Pages compose these instead of copying markup.

pub mod billing_gate;
pub mod customer_picker;
mod dialog;
mod progress;
mod table;

pub use billing_gate::{BillingGate, BillingGateDialog};
pub use customer_picker::{CustomerPicker, PickedCustomer};
pub use dialog::Dialog;
pub use progress::ProgressBar;
pub use table::{DataTable, EmptyState, ErrorNotice, Loading, Pager, Th};
