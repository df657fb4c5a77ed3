//! The pages whose code the browser loads on demand.
//!
//! Built with `cargo leptos build --split`, the view of each route below is cut out of the
//! main WASM into chunks of its own (`#[lazy_route]`), which the router fetches when the
//! route is first shown — on a direct load before hydrating it, so a hard refresh works as
//! any other load. Code two chunks share goes into a shared chunk. Only the sign-in page,
//! the shell, home and the customer list stay in the first load. A new page is added here,
//! not to the main bundle.
//!
//! Without `--split` (the server, tests, a plain build) these are ordinary views.

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

/// `/setup`: the first admin (once per installation).
pub struct SetupRoute;

#[lazy_route]
impl LazyRoute for SetupRoute {
    fn data() -> Self {
        SetupRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <crate::auth::SetupPage /> }.into_any()
    }
}

/// `/customers/new`: the new-customer wizard (precached by the service worker, so it
/// opens offline).
pub struct NewCustomerRoute;

#[lazy_route]
impl LazyRoute for NewCustomerRoute {
    fn data() -> Self {
        // Phone numbers and postal codes are checked as the user types, with the tables;
        // fetched while the page's code loads.
        crate::forms::reference_tables::prefetch();
        NewCustomerRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <crate::customers::NewCustomerPage /> }.into_any()
    }
}

/// `/customers/:id/:tab?`: the customer page and its tabs.
pub struct CustomerRoute;

#[lazy_route]
impl LazyRoute for CustomerRoute {
    fn data() -> Self {
        // Phone numbers and postal codes are checked as the user types, with the tables;
        // fetched while the page's code loads.
        crate::forms::reference_tables::prefetch();
        CustomerRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <crate::customers::CustomerPage /> }.into_any()
    }
}

/// `/settings/users`.
pub struct UsersRoute;

#[lazy_route]
impl LazyRoute for UsersRoute {
    fn data() -> Self {
        UsersRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <crate::users::UsersPage /> }.into_any()
    }
}

/// `/settings/slas`.
pub struct SlasRoute;

#[lazy_route]
impl LazyRoute for SlasRoute {
    fn data() -> Self {
        SlasRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <crate::settings::SlasPage /> }.into_any()
    }
}

/// `/settings/alert-profiles`.
pub struct AlertProfilesRoute;

#[lazy_route]
impl LazyRoute for AlertProfilesRoute {
    fn data() -> Self {
        AlertProfilesRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <crate::settings::AlertProfilesPage /> }.into_any()
    }
}

/// `/settings/services`: the service catalogue.
pub struct ServicesRoute;

#[lazy_route]
impl LazyRoute for ServicesRoute {
    fn data() -> Self {
        ServicesRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <crate::catalogue::ServicesPage /> }.into_any()
    }
}

/// `/settings/import`.
pub struct ImportRoute;

#[lazy_route]
impl LazyRoute for ImportRoute {
    fn data() -> Self {
        ImportRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <crate::imports::ImportPage /> }.into_any()
    }
}

/// `/sales`: Sales & billing.
pub struct SalesRoute;

#[lazy_route]
impl LazyRoute for SalesRoute {
    fn data() -> Self {
        SalesRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <crate::sales::SalesPage /> }.into_any()
    }
}

/// `/sales/items/new` and `/sales/items/:id`: one sales item.
pub struct SalesItemRoute;

#[lazy_route]
impl LazyRoute for SalesItemRoute {
    fn data() -> Self {
        // The billing-info gate's form checks postal codes with the tables.
        crate::forms::reference_tables::prefetch();
        SalesItemRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <crate::sales::SalesItemPage /> }.into_any()
    }
}

/// `/contracts`: every contract, filtered.
pub struct ContractsRoute;

#[lazy_route]
impl LazyRoute for ContractsRoute {
    fn data() -> Self {
        ContractsRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <crate::contracts::ContractsPage /> }.into_any()
    }
}

/// `/contracts/new` and `/contracts/:id`: one contract.
pub struct ContractRoute;

#[lazy_route]
impl LazyRoute for ContractRoute {
    fn data() -> Self {
        // The billing-info gate's form checks postal codes with the tables.
        crate::forms::reference_tables::prefetch();
        ContractRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <crate::contracts::ContractPage /> }.into_any()
    }
}

/// `/contracts/bulk`: contracts for existing customers, one or many at once.
pub struct BulkContractsRoute;

#[lazy_route]
impl LazyRoute for BulkContractsRoute {
    fn data() -> Self {
        // The billing-info step's form checks postal codes with the tables.
        crate::forms::reference_tables::prefetch();
        BulkContractsRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <crate::contracts::BulkContractsPage /> }.into_any()
    }
}

/// `/settings/api-tokens`: tokens for automation (usage readings, later inbound e-mail).
pub struct ApiTokensRoute;

#[lazy_route]
impl LazyRoute for ApiTokensRoute {
    fn data() -> Self {
        ApiTokensRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <crate::tokens::ApiTokensPage /> }.into_any()
    }
}

/// `/settings/invoicing`: the company on invoices and the numbering series.
pub struct InvoicingRoute;

#[lazy_route]
impl LazyRoute for InvoicingRoute {
    fn data() -> Self {
        InvoicingRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <crate::invoicing::InvoicingPage /> }.into_any()
    }
}

/// `/invoices` and everything under it (runs, a run, an invoice): one lazy route, so the
/// four pages cost the first load one split point, not four (`invoices::InvoicesSection`).
pub struct InvoicesRoute;

#[lazy_route]
impl LazyRoute for InvoicesRoute {
    fn data() -> Self {
        InvoicesRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <crate::invoices::InvoicesSection /> }.into_any()
    }
}

/// `/tickets`: the service desk's queues.
pub struct TicketsRoute;

#[lazy_route]
impl LazyRoute for TicketsRoute {
    fn data() -> Self {
        TicketsRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <crate::tickets::TicketsPage /> }.into_any()
    }
}

/// `/tickets/new`: open a ticket.
pub struct NewTicketRoute;

#[lazy_route]
impl LazyRoute for NewTicketRoute {
    fn data() -> Self {
        NewTicketRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <crate::tickets::NewTicketPage /> }.into_any()
    }
}

/// `/tickets/:id`: one ticket.
pub struct TicketRoute;

#[lazy_route]
impl LazyRoute for TicketRoute {
    fn data() -> Self {
        TicketRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <crate::tickets::TicketPage /> }.into_any()
    }
}

/// `/tickets/review`: e-mails waiting for staff to place them.
pub struct ReviewRoute;

#[lazy_route]
impl LazyRoute for ReviewRoute {
    fn data() -> Self {
        ReviewRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <crate::mail::ReviewPage /> }.into_any()
    }
}

/// `/time`: one's own time by week, and the approval of everyone's.
pub struct TimeRoute;

#[lazy_route]
impl LazyRoute for TimeRoute {
    fn data() -> Self {
        TimeRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <crate::time::TimePage /> }.into_any()
    }
}
