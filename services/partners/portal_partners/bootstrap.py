"""What the partners service is, for everything that runs it (web server, worker, CLI, embedded mode)."""

from portal_partners.adapters.orm import metadata, people
from portal_partners.app import create_app
from portal_partners.config import PartnersSettings
from portal_partners.service_layer import handlers
from portal_partners.service_layer.dependencies import Partners
from portal_partners.service_layer.unit_of_work import PartnersUnitOfWork
from portalkit.service import ServiceDefinition, ServiceRuntime


def wire(runtime: ServiceRuntime) -> Partners:
    settings = runtime.settings
    return Partners(
        unit_of_work=runtime.unit_of_work,
        categories=tuple(settings.categories),
        helpdesk_email=settings.helpdesk_email,
    )


SERVICE = ServiceDefinition(
    name="partners",
    package="portal_partners",
    metadata=metadata,
    create_app=create_app,
    settings_class=PartnersSettings,
    unit_of_work=PartnersUnitOfWork,
    wire=wire,
    # What the hot list path reads (its answers are kept until one changes).
    cached_tables=frozenset({"profiles", "profile_categories", "approved_applications"}),
    handlers=lambda runtime: {
        "apps.application.approved": handlers.application_approved,
        "apps.application.linked": handlers.application_approved,
        "apps.application.archived": handlers.application_archived,
        **people.handlers(),
    },
)
