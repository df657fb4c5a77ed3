//! A new contract's parts from the services a customer already uses (the contract wizard
//! for existing customers): each service in use becomes a part of the type that bills its
//! measure, at the catalogue's price (which the wizard marks "check the price": a
//! catalogue price is a default, not what was agreed with this customer).

use rust_decimal::Decimal;

use crate::catalogue::{ServiceDraft, ServiceKind};
use crate::contract::{ContractPartDraft, ContractType};

/// The part for `service` with `quantity` in use. Devices and backup units are billed from
/// the services in use by their nature, so those parts follow the readings; a flat fee or
/// a product keeps the quantity read today; hours come from tickets, never from readings.
pub fn part_from_service(service: &ServiceDraft, quantity: Decimal) -> ContractPartDraft {
    let kind = ServiceKind::parse(&service.kind).ok();
    let contract_type = match kind {
        Some(ServiceKind::PerDevice) => ContractType::RemoteMonitoring,
        Some(ServiceKind::PerUsage) => ContractType::OnlineBackup,
        Some(ServiceKind::PerHour) => ContractType::Hourly,
        Some(ServiceKind::FlatFee | ServiceKind::Product) | None => ContractType::Retainer,
    };
    let counted = matches!(contract_type, ContractType::Retainer);
    ContractPartDraft {
        contract_type: contract_type.as_str().into(),
        description: service.name.clone(),
        quantity: if counted {
            quantity.normalize().to_string()
        } else {
            String::new()
        },
        rate: service.unit_price.clone(),
        device_category: service.device_category.clone(),
        backup_unit: service.usage_unit.clone(),
        service_code: service.code.clone(),
        quantity_from_usage: matches!(
            contract_type,
            ContractType::RemoteMonitoring | ContractType::OnlineBackup
        ),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    fn service(kind: &str) -> ServiceDraft {
        ServiceDraft {
            code: "RMM-SERVER".into(),
            name: "Server monitoring".into(),
            kind: kind.into(),
            device_category: if kind == "per_device" {
                "server".into()
            } else {
                String::new()
            },
            usage_unit: if kind == "per_usage" {
                "per_gb".into()
            } else {
                String::new()
            },
            unit_price: "25.00".into(),
            currency: "EUR".into(),
            tax_category: "standard".into(),
            ..Default::default()
        }
    }

    #[test]
    fn every_kind_becomes_a_valid_part() {
        for kind in ["flat_fee", "per_device", "per_usage", "per_hour", "product"] {
            let part = part_from_service(&service(kind), Decimal::new(1250, 2));
            let valid = part.validate(Currency::EUR);
            assert!(valid.is_ok(), "{kind}: {valid:?}");
            assert_eq!(part.service_code, "RMM-SERVER");
            assert_eq!(part.rate, "25.00");
        }
    }

    #[test]
    fn devices_follow_the_readings_and_a_flat_fee_keeps_the_quantity() {
        let devices = part_from_service(&service("per_device"), Decimal::from(12));
        assert_eq!(devices.contract_type, "remote_monitoring");
        assert_eq!(devices.device_category, "server");
        assert!(devices.quantity_from_usage);
        let flat = part_from_service(&service("flat_fee"), Decimal::new(300, 2));
        assert_eq!(flat.contract_type, "retainer");
        assert_eq!(flat.quantity, "3");
        assert!(!flat.quantity_from_usage);
        let hours = part_from_service(&service("per_hour"), Decimal::from(7));
        assert_eq!(hours.contract_type, "hourly");
        assert!(!hours.quantity_from_usage);
    }
}
