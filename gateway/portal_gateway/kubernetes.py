"""The Kubernetes base (deploy/kubernetes/base/) rendered from the route table and the service list.

``python -m portal_gateway.kubernetes`` (``make k8s-manifests``) rewrites the committed files; a test fails
when they drift, as for nginx's compose.conf. The overlays (dev, production) are written by hand.
Per service: a web Deployment (HPA, PDB, Service) and a worker Deployment, a migration Job, a
NetworkPolicy per component. The Ingress carries the same routes as nginx: the services' prefixes, the
operations paths (rewritten, as nginx strips the prefix), the web UIs' prefixes; internal routes are left
out (nothing answers them from outside).
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from portal_gateway.nginx import RESPONSE_HEADERS, TEMPLATES
from portal_gateway.routes import WEB_HEADERS, WEB_TYPES, RouteTable, route_table

BASE = Path(__file__).resolve().parents[2] / "deploy" / "kubernetes" / "base"
WEB_UI_CONF = Path(__file__).resolve().parents[1] / "nginx" / "web-ui.conf"
PART_OF = "partner-portal"
UID = 10001
# Measured (README "Performance"; `make test-compose`, docker stats after the scale-out): a web replica
# (granian, 2 workers of 2 threads) holds 120-150 MiB; a token costs ~250 µs of CPU, so one CPU is about
# 2,000 tokens/s through the gateway. A worker holds ~70 MiB; a consumer handles ~500 events/s.
WEB_RESOURCES = {"requests": {"cpu": "250m", "memory": "192Mi"}, "limits": {"cpu": "1", "memory": "384Mi"}}
WORKER_RESOURCES = {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"cpu": "500m", "memory": "256Mi"}}
JOB_RESOURCES = {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"cpu": "500m", "memory": "256Mi"}}
WEB_UI = "web-ui"
INGRESS_CLASS = "nginx"
SMTP_PORTS = (25, 465, 587, 1025)
# The webhooks worker calls partners' servers: any port, public addresses only (it refuses the rest itself too).
NOT_PUBLIC_V4 = ("10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16")
NOT_PUBLIC_V6 = ("fc00::/7", "fe80::/10", "::1/128")


def _labels(service: str, component: str) -> dict:
    return {
        "app.kubernetes.io/name": service,
        "app.kubernetes.io/component": component,
        "app.kubernetes.io/part-of": PART_OF,
    }


def _container_security() -> dict:
    return {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "runAsNonRoot": True,
        "runAsUser": UID,
        "runAsGroup": UID,
        "capabilities": {"drop": ["ALL"]},
        "seccompProfile": {"type": "RuntimeDefault"},
    }


def _pod_spec(service: str, container: dict, restart: str = "Always") -> dict:
    return {
        "automountServiceAccountToken": False,
        "enableServiceLinks": False,
        "restartPolicy": restart,
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": UID,
            "runAsGroup": UID,
            "fsGroup": UID,
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "containers": [container],
        "volumes": [{"name": "tmp", "emptyDir": {"medium": "Memory", "sizeLimit": "64Mi"}}],
    }


def _env(service: str) -> list[dict]:
    """Settings from the shared ConfigMap; secrets by reference only (docs/operations.md creates them)."""
    secret = f"portal-{service}"
    env = [
        {"name": "DATABASE_URL", "valueFrom": {"secretKeyRef": {"name": secret, "key": "DATABASE_URL"}}},
        {"name": "BROKER_URL", "valueFrom": {"secretKeyRef": {"name": "portal-broker", "key": "BROKER_URL"}}},
        {"name": "INTERNAL_TOKEN", "valueFrom": {"secretKeyRef": {"name": "portal-internal", "key": "INTERNAL_TOKEN"}}},
    ]
    if service == "identity":
        # Optional: without them identity makes random ones once and keeps them in its database.
        env += [
            {"name": name, "valueFrom": {"secretKeyRef": {"name": secret, "key": name, "optional": True}}}
            for name in ("SESSION_SECRET", "SECRET_PEPPER")
        ]
        # Required: it seals the signing keys at rest, and every replica must open them.
        env.append(
            {"name": "KEY_ENCRYPTION_KEY", "valueFrom": {"secretKeyRef": {"name": secret, "key": "KEY_ENCRYPTION_KEY"}}}
        )
    if service == "webhooks":
        # Required: it seals the endpoints' signing secrets at rest, and every replica must open them.
        env.append({"name": "SECRET_KEY", "valueFrom": {"secretKeyRef": {"name": secret, "key": "SECRET_KEY"}}})
    if service == "notifier":
        env += [
            {
                "name": name,
                "valueFrom": {"secretKeyRef": {"name": "portal-smtp", "key": name, "optional": True}},
            }
            for name in ("SMTP_USERNAME", "SMTP_PASSWORD")
        ]
    return env


def _container(service: str, component: str, command: list[str], resources: dict) -> dict:
    return {
        "name": component,
        "image": f"partner-portal/{service}",
        "imagePullPolicy": "IfNotPresent",
        "command": command,
        "envFrom": [{"configMapRef": {"name": "portal-config"}}],
        "env": _env(service),
        "resources": resources,
        "securityContext": _container_security(),
        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
    }


def service_objects(service: str) -> list[dict]:
    web_labels, worker_labels = _labels(service, "web"), _labels(service, "worker")
    web = _container(
        service, "web", ["portalctl", "serve", service, "--host", "0.0.0.0", "--port", "8000"], WEB_RESOURCES
    )
    web["ports"] = [{"name": "http", "containerPort": 8000, "protocol": "TCP"}]
    web["readinessProbe"] = {
        "httpGet": {"path": "/readyz", "port": "http"},
        "periodSeconds": 5,
        "timeoutSeconds": 3,
        "failureThreshold": 3,
    }
    web["livenessProbe"] = {
        "httpGet": {"path": "/healthz", "port": "http"},
        "periodSeconds": 10,
        "timeoutSeconds": 3,
        "failureThreshold": 6,
    }
    web["startupProbe"] = {
        "httpGet": {"path": "/healthz", "port": "http"},
        "periodSeconds": 2,
        "failureThreshold": 30,
    }
    web["lifecycle"] = {"preStop": {"sleep": {"seconds": 5}}}  # the endpoints drop it before SIGTERM
    web_pod = _pod_spec(service, web)
    web_pod["terminationGracePeriodSeconds"] = 30
    web_pod["topologySpreadConstraints"] = [
        {
            "maxSkew": 1,
            "topologyKey": "kubernetes.io/hostname",
            "whenUnsatisfiable": "ScheduleAnyway",
            "labelSelector": {"matchLabels": web_labels},
        }
    ]
    worker = _container(service, "worker", ["portalctl", "worker", service], WORKER_RESOURCES)
    # A worker has no port. Ready while its database and broker accept connections (what /readyz checks
    # for the web); alive while its process runs (it exits on a fatal error and is started again).
    reach = (
        "import os, socket, urllib.parse as u\n"
        "for name in ('DATABASE_URL', 'BROKER_URL'):\n"
        "    url = u.urlsplit(os.environ[name])\n"
        "    socket.create_connection((url.hostname, url.port or {'amqp': 5672}.get(url.scheme, 5432)), 3).close()\n"
    )
    worker["readinessProbe"] = {"exec": {"command": ["python", "-c", reach]}, "periodSeconds": 15, "timeoutSeconds": 5}
    worker["livenessProbe"] = {
        "exec": {"command": ["python", "-c", reach]},
        "periodSeconds": 30,
        "timeoutSeconds": 5,
        "failureThreshold": 10,  # five minutes without PostgreSQL or RabbitMQ: start afresh
    }
    worker_pod = _pod_spec(service, worker)
    worker_pod["terminationGracePeriodSeconds"] = 30
    migrate = _container(service, "migrate", ["portalctl", "db", "upgrade", service], JOB_RESOURCES)
    migrate["env"] = [e for e in migrate["env"] if e["name"] in ("DATABASE_URL", "BROKER_URL", "INTERNAL_TOKEN")]
    if service == "identity":
        migrate["env"] = _env(service)
    job_pod = _pod_spec(service, migrate, restart="Never")
    return [
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": f"{service}-web", "labels": web_labels},
            "spec": {
                "replicas": 2,
                "revisionHistoryLimit": 5,
                "selector": {"matchLabels": web_labels},
                "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}},
                "template": {"metadata": {"labels": web_labels}, "spec": web_pod},
            },
        },
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": service, "labels": web_labels},
            "spec": {
                "selector": web_labels,
                "ports": [{"name": "http", "port": 8000, "targetPort": "http", "protocol": "TCP"}],
            },
        },
        {
            "apiVersion": "autoscaling/v2",
            "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": f"{service}-web", "labels": web_labels},
            "spec": {
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": f"{service}-web"},
                "minReplicas": 2,
                "maxReplicas": 6,
                "metrics": [
                    {
                        "type": "Resource",
                        "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}},
                    }
                ],
            },
        },
        {
            "apiVersion": "policy/v1",
            "kind": "PodDisruptionBudget",
            "metadata": {"name": f"{service}-web", "labels": web_labels},
            "spec": {"minAvailable": 1, "selector": {"matchLabels": web_labels}},
        },
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": f"{service}-worker", "labels": worker_labels},
            "spec": {
                "replicas": 1,
                "revisionHistoryLimit": 5,
                "selector": {"matchLabels": worker_labels},
                "template": {"metadata": {"labels": worker_labels}, "spec": worker_pod},
            },
        },
        {
            "apiVersion": "batch/v1",
            "kind": "Job",
            "metadata": {"name": f"{service}-migrate", "labels": _labels(service, "migrate")},
            "spec": {
                "backoffLimit": 3,
                "activeDeadlineSeconds": 600,
                "ttlSecondsAfterFinished": 86400,
                "template": {"metadata": {"labels": _labels(service, "migrate")}, "spec": job_pod},
            },
        },
        *network_policies(service),
    ]


def _egress_dns() -> dict:
    return {
        "to": [{"namespaceSelector": {}, "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}],
        "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
    }


def _egress_ports(*ports: int) -> dict:
    """Egress to managed services outside the cluster: by port (their addresses are the overlay's business)."""
    return {"ports": [{"protocol": "TCP", "port": port} for port in ports]}


def network_policies(service: str) -> list[dict]:
    web_labels, worker_labels = _labels(service, "web"), _labels(service, "worker")
    web_ingress = [
        {
            "from": [
                {
                    "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}},
                    "podSelector": {"matchLabels": {"app.kubernetes.io/name": "ingress-nginx"}},
                }
            ],
            "ports": [{"protocol": "TCP", "port": 8000}],
        }
    ]
    if service == "identity":  # JWKS and the internal client check, from the portal's own pods
        web_ingress.append(
            {
                "from": [{"podSelector": {"matchLabels": {"app.kubernetes.io/part-of": PART_OF}}}],
                "ports": [{"protocol": "TCP", "port": 8000}],
            }
        )
    worker_egress = [_egress_dns(), _egress_ports(5432, 5671, 5672)]
    if service == "notifier":
        worker_egress.append(_egress_ports(*SMTP_PORTS))
    if service == "webhooks":
        worker_egress.append(
            {
                "to": [
                    {"ipBlock": {"cidr": "0.0.0.0/0", "except": list(NOT_PUBLIC_V4)}},
                    {"ipBlock": {"cidr": "::/0", "except": list(NOT_PUBLIC_V6)}},
                ]
            }
        )
    return [
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": {"name": f"{service}-web", "labels": web_labels},
            "spec": {
                "podSelector": {"matchLabels": web_labels},
                "policyTypes": ["Ingress", "Egress"],
                "ingress": web_ingress,
                "egress": [
                    _egress_dns(),
                    _egress_ports(5432, 5671, 5672),
                    {
                        "to": [{"podSelector": {"matchLabels": _labels("identity", "web")}}],
                        "ports": [{"protocol": "TCP", "port": 8000}],
                    },
                ],
            },
        },
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": {"name": f"{service}-worker", "labels": worker_labels},
            "spec": {
                "podSelector": {"matchLabels": worker_labels},
                "policyTypes": ["Ingress", "Egress"],
                "ingress": [],
                "egress": worker_egress,
            },
        },
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": {"name": f"{service}-migrate", "labels": _labels(service, "migrate")},
            "spec": {
                "podSelector": {"matchLabels": _labels(service, "migrate")},
                "policyTypes": ["Ingress", "Egress"],
                "ingress": [],
                "egress": [_egress_dns(), _egress_ports(5432, 5671, 5672)],
            },
        },
    ]


def _backend(service: str) -> dict:
    return {"service": {"name": service, "port": {"name": "http"}}}


def ingresses(table: RouteTable) -> list[dict]:
    """Two Ingresses: the routes as they are, and the operations paths with the prefix rewritten away."""
    paths = []
    for route in sorted(table.routes, key=lambda r: r.prefix):
        if route.side in ("internal", "operations"):
            continue
        paths.append(
            {"path": route.prefix.rstrip("/") or "/", "pathType": "Prefix", "backend": _backend(route.service)}
        )
    paths.append({"path": "/", "pathType": "Exact", "backend": _backend(WEB_UI)})
    for prefix in table.web.prefixes:
        paths.append({"path": prefix.rstrip("/"), "pathType": "Prefix", "backend": _backend(WEB_UI)})
    operations = [
        {
            "path": f"{route.prefix}({'|'.join(p.replace('.', '[.]') for p in route.only)})$",
            "pathType": "ImplementationSpecific",
            "backend": _backend(route.service),
        }
        for route in sorted(table.routes, key=lambda r: r.prefix)
        if route.side == "operations"
    ]
    labels = {"app.kubernetes.io/part-of": PART_OF, "app.kubernetes.io/component": "ingress"}
    common = {
        "nginx.ingress.kubernetes.io/proxy-body-size": "2m",
        "nginx.ingress.kubernetes.io/ssl-redirect": "true",
    }
    return [
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "Ingress",
            "metadata": {"name": "portal", "labels": labels, "annotations": common},
            "spec": {
                "ingressClassName": INGRESS_CLASS,
                "tls": [{"hosts": ["portal.example"], "secretName": "portal-tls"}],
                "rules": [{"host": "portal.example", "http": {"paths": paths}}],
            },
        },
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "Ingress",
            "metadata": {
                "name": "portal-operations",
                "labels": labels,
                "annotations": {
                    **common,
                    "nginx.ingress.kubernetes.io/use-regex": "true",
                    "nginx.ingress.kubernetes.io/rewrite-target": "/$1",
                },
            },
            "spec": {
                "ingressClassName": INGRESS_CLASS,
                "tls": [{"hosts": ["portal.example"], "secretName": "portal-tls"}],
                "rules": [{"host": "portal.example", "http": {"paths": operations}}],
            },
        },
    ]


def web_ui_conf(table: RouteTable | None = None) -> str:
    """nginx for the web-ui image (deploy/web-ui/Dockerfile): the UIs' files with the gateway's headers, as
    non-root with a read-only root filesystem (everything it writes under /tmp), health at /healthz."""
    return TEMPLATES.get_template("web-ui.conf.j2").render(
        table=table or route_table(),
        listen="8080",
        web_root="/usr/share/portal/web",
        response_headers=RESPONSE_HEADERS,
        web_types=WEB_TYPES,
        web_headers=WEB_HEADERS,
    )


def web_ui_objects() -> list[dict]:
    labels = _labels(WEB_UI, "web")
    container = {
        "name": "web",
        "image": "partner-portal/web-ui",
        "imagePullPolicy": "IfNotPresent",
        "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
        "readinessProbe": {"httpGet": {"path": "/healthz", "port": "http"}, "periodSeconds": 5},
        "livenessProbe": {"httpGet": {"path": "/healthz", "port": "http"}, "periodSeconds": 10},
        "resources": {"requests": {"cpu": "20m", "memory": "16Mi"}, "limits": {"cpu": "200m", "memory": "64Mi"}},
        "securityContext": _container_security(),
        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
    }
    pod = _pod_spec(WEB_UI, container)
    return [
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": WEB_UI, "labels": labels},
            "spec": {
                "replicas": 2,
                "selector": {"matchLabels": labels},
                "template": {"metadata": {"labels": labels}, "spec": pod},
            },
        },
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": WEB_UI, "labels": labels},
            "spec": {"selector": labels, "ports": [{"name": "http", "port": 8080, "targetPort": "http"}]},
        },
        {
            "apiVersion": "policy/v1",
            "kind": "PodDisruptionBudget",
            "metadata": {"name": WEB_UI, "labels": labels},
            "spec": {"minAvailable": 1, "selector": {"matchLabels": labels}},
        },
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": {"name": WEB_UI, "labels": labels},
            "spec": {
                "podSelector": {"matchLabels": labels},
                "policyTypes": ["Ingress", "Egress"],
                "ingress": [
                    {
                        "from": [
                            {
                                "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}},
                                "podSelector": {"matchLabels": {"app.kubernetes.io/name": "ingress-nginx"}},
                            }
                        ],
                        "ports": [{"protocol": "TCP", "port": 8080}],
                    }
                ],
                "egress": [],
            },
        },
    ]


def _dump(objects: list[dict]) -> str:
    header = "# Generated by portal_gateway.kubernetes (make k8s-manifests): do not edit; overlays patch it.\n"
    return header + "---\n".join(yaml.safe_dump(o, sort_keys=False, width=120) for o in objects)


def render(table: RouteTable | None = None) -> dict[str, str]:
    """File name -> content of the generated base."""
    table = table or route_table()
    files = {f"{service}.yaml": _dump(service_objects(service)) for service in table.services}
    files[f"{WEB_UI}.yaml"] = _dump(web_ui_objects())
    files["ingress.yaml"] = _dump(ingresses(table))
    return files


def main() -> None:
    BASE.mkdir(parents=True, exist_ok=True)
    for name, text in render().items():
        (BASE / name).write_text(text)
        sys.stdout.write(f"wrote {BASE / name}\n")
    WEB_UI_CONF.write_text(web_ui_conf())
    sys.stdout.write(f"wrote {WEB_UI_CONF}\n")


if __name__ == "__main__":
    main()
