"""The notifier's one table from domain exception to problem+json, registered once on its app."""

from __future__ import annotations

from portal_notifier.domain.mail import DeliveryNotFailed
from portal_notifier.service_layer.handlers import DeliveryNotFound
from portalkit.problems import ErrorMap, Problem

ERRORS: ErrorMap = {
    DeliveryNotFound: lambda error: Problem(404, "deliveries.not_found"),
    DeliveryNotFailed: lambda error: Problem(409, "deliveries.not_failed"),
}
