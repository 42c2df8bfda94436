"""deploy/kubernetes/: the generated base matches the route table, each overlay renders with kubectl
kustomize and every object passes kubernetes-validate --strict (offline, bundled schemas)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from portal_gateway import kubernetes
from portal_gateway.routes import route_table

ROOT = Path(__file__).resolve().parents[2]
OVERLAYS = ("dev", "production")
SERVICES = tuple(route_table().services)


def _kubectl() -> str:
    found = shutil.which("kubectl")
    if found is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("kubectl is missing", pytrace=False)
        pytest.skip("kubectl is not installed")
    return found


def render(overlay: str) -> list[dict]:
    out = subprocess.run(
        [_kubectl(), "kustomize", str(ROOT / "deploy" / "kubernetes" / "overlays" / overlay)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [o for o in yaml.safe_load_all(out) if o]


@pytest.fixture(scope="module", params=OVERLAYS)
def rendered(request) -> tuple[str, list[dict]]:
    return request.param, render(request.param)


def of_kind(objects: list[dict], kind: str) -> dict[str, dict]:
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


def test_the_committed_base_is_what_the_route_table_renders():
    for name, text in kubernetes.render().items():
        assert (kubernetes.BASE / name).read_text() == text, f"{name}: run make k8s-manifests"
    assert kubernetes.WEB_UI_CONF.read_text() == kubernetes.web_ui_conf(), "web-ui.conf: run make k8s-manifests"
    listed = yaml.safe_load((kubernetes.BASE / "kustomization.yaml").read_text())["resources"]
    assert set(kubernetes.render()) <= set(listed)


def test_every_object_passes_strict_validation(rendered, tmp_path):
    overlay, objects = rendered
    manifest = tmp_path / f"{overlay}.yaml"
    manifest.write_text(yaml.safe_dump_all(objects))
    tool = Path(sys.executable).with_name("kubernetes-validate")
    done = subprocess.run([str(tool), "--strict", "--quiet", str(manifest)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_strict_validation_rejects_an_unknown_field(tmp_path):
    """The check above is not vacuous: a misspelt field fails it."""
    deployment = next(o for o in render("dev") if o["kind"] == "Deployment")
    deployment["spec"]["template"]["spec"]["containers"][0]["readinessProbes"] = {}
    manifest = tmp_path / "bad.yaml"
    manifest.write_text(yaml.safe_dump(deployment))
    tool = Path(sys.executable).with_name("kubernetes-validate")
    assert subprocess.run([str(tool), "--strict", "--quiet", str(manifest)], capture_output=True).returncode != 0


def test_per_service_web_and_worker_deployments_hpa_pdb_service_and_migration_job(rendered):
    _, objects = rendered
    deployments, jobs = of_kind(objects, "Deployment"), of_kind(objects, "Job")
    hpas, pdbs, services = (
        of_kind(objects, "HorizontalPodAutoscaler"),
        of_kind(objects, "PodDisruptionBudget"),
        (of_kind(objects, "Service")),
    )
    for service in SERVICES:
        web, worker = deployments[f"{service}-web"], deployments[f"{service}-worker"]
        assert web["spec"]["template"]["spec"]["containers"][0]["command"][:3] == ["portalctl", "serve", service]
        assert worker["spec"]["template"]["spec"]["containers"][0]["command"] == ["portalctl", "worker", service]
        assert jobs[f"{service}-migrate"]["spec"]["template"]["spec"]["containers"][0]["command"] == [
            "portalctl",
            "db",
            "upgrade",
            service,
        ]
        assert hpas[f"{service}-web"]["spec"]["scaleTargetRef"]["name"] == f"{service}-web"
        assert pdbs[f"{service}-web"]["spec"]["selector"]["matchLabels"] == web["spec"]["selector"]["matchLabels"]
        assert services[service]["spec"]["selector"] == web["spec"]["selector"]["matchLabels"]


def test_every_deployment_has_probes_resources_and_the_security_context(rendered):
    _, objects = rendered
    workloads = [*of_kind(objects, "Deployment").values(), *of_kind(objects, "Job").values()]
    assert len(workloads) == 3 * len(SERVICES) + 1  # web and worker Deployments, Jobs; the web UIs
    for workload in workloads:
        pod = workload["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["automountServiceAccountToken"] is False
        for container in pod["containers"]:
            name = f"{workload['metadata']['name']}/{container['name']}"
            security = container["securityContext"]
            assert security["runAsNonRoot"] is True, name
            assert security["readOnlyRootFilesystem"] is True, name
            assert security["allowPrivilegeEscalation"] is False, name
            assert security["capabilities"]["drop"] == ["ALL"], name
            assert {"cpu", "memory"} <= set(container["resources"]["requests"]), name
            assert {"cpu", "memory"} <= set(container["resources"]["limits"]), name
            if workload["kind"] == "Deployment":
                assert "readinessProbe" in container and "livenessProbe" in container, name
            if workload["metadata"]["name"].endswith("-web") or workload["metadata"]["name"] == kubernetes.WEB_UI:
                ready = "/healthz" if workload["metadata"]["name"] == kubernetes.WEB_UI else "/readyz"
                assert container["readinessProbe"]["httpGet"]["path"] == ready, name
                assert container["livenessProbe"]["httpGet"]["path"] == "/healthz", name


def test_secrets_are_referenced_never_committed(rendered):
    _, objects = rendered
    assert not of_kind(objects, "Secret")
    for path in (ROOT / "deploy" / "kubernetes").rglob("*.yaml"):
        assert "kind: Secret" not in path.read_text(), path


def test_the_ingress_has_the_route_tables_routes(rendered):
    _, objects = rendered
    ingresses = of_kind(objects, "Ingress")
    paths = {
        p["path"]: p["backend"]["service"]["name"] for p in ingresses["portal"]["spec"]["rules"][0]["http"]["paths"]
    }
    operations = {
        p["path"]: p["backend"]["service"]["name"]
        for p in ingresses["portal-operations"]["spec"]["rules"][0]["http"]["paths"]
    }
    table = route_table()
    for route in table.routes:
        if route.side == "internal":
            assert not any(path.startswith(route.prefix.rstrip("/")) for path in paths), route.prefix
        elif route.side == "operations":
            assert operations[f"{route.prefix}(healthz|readyz|openapi[.]json)$"] == route.service
        else:
            assert paths[route.prefix.rstrip("/")] == route.service, route.prefix
    assert len(paths) == len([r for r in table.routes if r.side not in ("internal", "operations")]) + 1 + len(
        table.web.prefixes
    )
    for prefix in table.web.prefixes:
        assert paths[prefix.rstrip("/")] == kubernetes.WEB_UI
    assert of_kind(objects, "Service")[kubernetes.WEB_UI]
    assert ingresses["portal-operations"]["metadata"]["annotations"]["nginx.ingress.kubernetes.io/rewrite-target"] == (
        "/$1"
    )


def test_web_pods_take_traffic_only_from_the_ingress_and_workers_reach_only_their_servers(rendered):
    _, objects = rendered
    policies = of_kind(objects, "NetworkPolicy")
    for service in SERVICES:
        web = policies[f"{service}-web"]["spec"]
        sources = [peer for rule in web["ingress"] for peer in rule["from"]]
        ingress_controller = [p for p in sources if "namespaceSelector" in p]
        assert ingress_controller[0]["namespaceSelector"]["matchLabels"] == {
            "kubernetes.io/metadata.name": "ingress-nginx"
        }
        others = [p for p in sources if "namespaceSelector" not in p]
        assert service == "identity" or not others, (service, others)  # identity: JWKS and internal calls
        worker = policies[f"{service}-worker"]["spec"]
        assert worker["ingress"] == [] and set(worker["policyTypes"]) == {"Ingress", "Egress"}
        ports = {port["port"] for rule in worker["egress"] for port in rule.get("ports", [])}
        allowed = {53, 5432, 5671, 5672} | (set(kubernetes.SMTP_PORTS) if service == "notifier" else set())
        assert ports == allowed, (service, ports)
        blocks = [peer["ipBlock"] for rule in worker["egress"] for peer in rule.get("to", []) if "ipBlock" in peer]
        if service == "webhooks":  # partners' servers, anywhere public: never the cluster's own networks
            assert {block["cidr"] for block in blocks} == {"0.0.0.0/0", "::/0"}
            assert {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16"} <= set(blocks[0]["except"])
        else:
            assert blocks == [], service
