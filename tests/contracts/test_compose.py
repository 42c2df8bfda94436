"""docker-compose.yml has the production topology (no Docker engine here to start it)."""

from pathlib import Path

import yaml

from portal_gateway.routes import route_table

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def test_infrastructure_with_healthchecks():
    for name in ("postgres", "rabbitmq", "nginx"):
        assert "healthcheck" in SERVICES[name], name
    assert SERVICES["nginx"]["ports"] == ["8080:8080"]


def test_each_service_has_a_web_and_a_worker_container():
    for service in route_table().services:
        web, worker = SERVICES[service], SERVICES[f"{service}-worker"]
        assert web["build"]["dockerfile"] == f"services/{service}/Dockerfile"
        assert (ROOT / web["build"]["dockerfile"]).exists()
        assert "healthcheck" in web
        assert web["environment"]["DATABASE_URL"].endswith(f"/portal_{service}")
        assert web["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert web["depends_on"]["rabbitmq"]["condition"] == "service_healthy"
        assert (
            f"portalctl serve {service} --host 0.0.0.0 --port 8000" in (ROOT / web["build"]["dockerfile"]).read_text()
        )
        assert worker["image"] == web["image"]
        assert worker["command"] == ["portalctl", "worker", service]
        assert SERVICES["nginx"]["depends_on"][service]["condition"] == "service_healthy"


def test_services_trust_the_one_proxy_in_front():
    """nginx appends the client to X-Forwarded-For; the login lockout per address needs it."""
    assert COMPOSE["x-service-env"]["PROXY_HOPS"] == "1"


def test_one_database_per_service_is_created():
    script = (ROOT / "deploy" / "postgres" / "create-databases.sql").read_text()
    for service in route_table().services:
        assert f"CREATE DATABASE portal_{service};" in script


def test_nginx_gets_the_generated_configuration():
    assert "./gateway/nginx/compose.conf:/etc/portal/nginx.conf:ro" in SERVICES["nginx"]["volumes"]
