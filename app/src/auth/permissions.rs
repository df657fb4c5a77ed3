//! Who may do what: the role matrix of PRODUCT.md as data.
//!
//! The same table answers on both sides: the server's gate refuses what it does not
//! allow, and the UI hides what the gate would refuse anyway (hiding is never the check).

use serde::{Deserialize, Serialize};

/// A staff member's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    BillingAdmin,
    Technician,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::BillingAdmin, Role::Technician];

    /// Stable name, as stored in the database and sent over the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::BillingAdmin => "billing_admin",
            Role::Technician => "technician",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn allows(self, permission: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Admin => true,
            Role::BillingAdmin => !matches!(permission, CreateCustomer | ManageUsers | ManageSettings),
            Role::Technician => matches!(
                permission,
                UseApp | SeeCustomers | EditCustomers | ReadBilling | WorkTickets
            ),
        }
    }
}

/// What a server function needs. One variant per row of PRODUCT.md's matrix
/// (read and write split where the matrix gives technicians read only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Permission {
    /// Any signed-in, active staff member.
    UseApp,
    CreateCustomer,
    SeeCustomers,
    EditCustomers,
    /// Billing info, invoice settings, contracts: read.
    ReadBilling,
    /// Billing info, invoice settings, contracts: write.
    EditBilling,
    WorkTickets,
    ApproveTime,
    /// Sales items, invoice runs, numbering series.
    ManageSales,
    /// Users and roles.
    ManageUsers,
    /// Settings: shared SLAs, alert threshold profiles.
    ManageSettings,
    /// API tokens (create, list, revoke). With the catalogue, contracts and sales items,
    /// what issue #15 gives admins and billing admins: a token sends billing inputs (usage
    /// readings), so whoever may change billing may hand one out. Not "settings" in the
    /// matrix's sense (users, roles, SLAs), which stays with admins.
    ManageApiTokens,
}

impl Permission {
    pub const ALL: [Permission; 12] = [
        Permission::UseApp,
        Permission::CreateCustomer,
        Permission::SeeCustomers,
        Permission::EditCustomers,
        Permission::ReadBilling,
        Permission::EditBilling,
        Permission::WorkTickets,
        Permission::ApproveTime,
        Permission::ManageSales,
        Permission::ManageUsers,
        Permission::ManageSettings,
        Permission::ManageApiTokens,
    ];
}

#[cfg(test)]
mod tests {
    use super::*;
    use Permission::*;

    /// PRODUCT.md's "Who may do what", staff columns, row by row; API tokens as issue #15
    /// gives them (admins and billing admins, with the catalogue, contracts and sales items).
    #[test]
    fn matches_the_product_matrix() {
        let expect = |p: Permission| -> [bool; 3] {
            match p {
                UseApp | SeeCustomers | EditCustomers | ReadBilling | WorkTickets => [true, true, true],
                CreateCustomer | ManageUsers | ManageSettings => [true, false, false],
                EditBilling | ApproveTime | ManageSales | ManageApiTokens => [true, true, false],
            }
        };
        for p in Permission::ALL {
            let got = [
                Role::Admin.allows(p),
                Role::BillingAdmin.allows(p),
                Role::Technician.allows(p),
            ];
            assert_eq!(got, expect(p), "{p:?}");
        }
    }

    #[test]
    fn role_names_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
