"""Demo data of the embedded mode: a few schools, so a school admin has something to grant."""

from importlib import resources

from portal_scopes.service_layer.handlers import import_schools
from portalkit.service import ServiceRuntime


def seed(runtime: ServiceRuntime) -> list[str]:
    text = resources.files("portal_scopes").joinpath("demo/schools.csv").read_text(encoding="utf-8")
    result = import_schools(runtime.unit_of_work, text)
    return [f"schools    {result.added + result.renamed + result.unchanged} demo schools (012345, 067890, 011111)"]
