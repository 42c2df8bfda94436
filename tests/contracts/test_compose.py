"""docker-compose.yml's structure and the one Dockerfile; `make test-compose` runs both for real
(tests/compose/)."""

import re
from pathlib import Path

import yaml

from portal_gateway.routes import route_table

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def test_infrastructure_with_healthchecks():
    for name in ("postgres", "rabbitmq", "nginx"):
        assert "healthcheck" in SERVICES[name], name
    assert SERVICES["nginx"]["ports"] == ["${GATEWAY_BIND:-127.0.0.1}:${GATEWAY_PORT:-8080}:8080"]


def test_each_service_has_a_web_and_a_worker_container():
    for service in route_table().services:
        web, worker = SERVICES[service], SERVICES[f"{service}-worker"]
        assert web["build"]["dockerfile"] == "Dockerfile"
        assert web["build"]["args"]["SERVICE"] == service
        assert "healthcheck" in web
        assert web["environment"]["DATABASE_URL"].endswith(f"/portal_{service}")
        assert web["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert web["depends_on"]["rabbitmq"]["condition"] == "service_healthy"
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


def test_upstream_images_are_variables_whose_defaults_are_the_real_ones():
    """The compose test gives local equivalents; an operator gets the upstream images."""
    defaults = {
        "postgres": "${POSTGRES_IMAGE:-postgres:16}",
        "rabbitmq": "${RABBITMQ_IMAGE:-rabbitmq:3.13-management}",
        "nginx": "${NGINX_IMAGE:-nginx:1.27}",
        "mailpit": "${MAILPIT_IMAGE:-axllent/mailpit:v1.20}",
    }
    for name, image in defaults.items():
        assert SERVICES[name]["image"] == image
    for service in route_table().services:
        assert SERVICES[service]["build"]["args"]["PYTHON_IMAGE"] == "${PYTHON_IMAGE:-python:3.11-slim}"


def test_one_multi_stage_dockerfile_non_root_with_a_healthcheck_from_the_lock_file():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^ARG PYTHON_IMAGE=python:3\.11-slim$", dockerfile, re.M)
    assert len(re.findall(r"^FROM ", dockerfile, re.M)) == 2
    final = dockerfile.rsplit("\nFROM ", 1)[1]
    assert "USER 10001:10001" in final and "HEALTHCHECK" in final and "/readyz" in final
    assert "COPY --from=build /opt/portal /opt/portal" in final
    assert "pip install" not in final and "apt-get" not in final  # nothing built or installed there
    assert "--require-hashes" in dockerfile and "requirements.lock" in dockerfile
    assert 'portalctl serve \\"$PORTAL_SERVICE\\" --host 0.0.0.0 --port 8000' in final
    assert not list(ROOT.glob("services/*/Dockerfile"))


def test_every_locked_dependency_has_a_hash():
    for lock in ("requirements.lock", "requirements-dev.lock"):
        text = (ROOT / lock).read_text()
        pins = re.findall(r"^([A-Za-z0-9_.\-\[\]]+)==\S+ \\$", text, re.M)
        assert pins, lock
        blocks = re.split(r"\n(?=\S)", text)
        for block in blocks:
            if "==" in block.split("\n")[0]:
                assert "--hash=sha256:" in block, (lock, block.split("\n")[0])


def test_the_locks_have_every_pin_of_the_packages():
    """A pin changed in a pyproject.toml or requirements-dev.txt without `make lock` fails here."""
    import tomllib

    def normal(name: str) -> str:
        return re.sub(r"[-_.]+", "-", name).lower()

    def locked(lock: str) -> dict[str, str]:
        text = (ROOT / lock).read_text()
        return {normal(n): v for n, v in re.findall(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==(\S+)", text, re.M)}

    runtime, dev = locked("requirements.lock"), locked("requirements-dev.lock")
    projects = [ROOT / "libs" / "portalkit", *(ROOT / "services").iterdir(), ROOT / "gateway"]
    for project in projects:
        if not (project / "pyproject.toml").exists():
            continue
        for requirement in tomllib.loads((project / "pyproject.toml").read_text())["project"]["dependencies"]:
            name, version = re.match(r"([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==(\S+)", requirement).groups()
            if normal(name).startswith("portal"):
                continue
            assert dev[normal(name)] == version, (project.name, requirement)
            if project.name != "gateway":
                assert runtime[normal(name)] == version, (project.name, requirement)
    for line in (ROOT / "requirements-dev.txt").read_text().splitlines():
        found = re.match(r"([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==(\S+)", line)
        if found:
            assert dev[normal(found[1])] == found[2], line
