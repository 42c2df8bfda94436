"""Write or check the committed OpenAPI documents of every service (``make contracts``)."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from portalkit.service import installed_services
from portalkit.testing import prepared_runtime

OPENAPI_DIR = Path(__file__).resolve().parents[1] / "contracts" / "openapi"


def served_documents() -> dict[str, dict]:
    """Each service's OpenAPI document exactly as its app serves it at /openapi.json."""
    documents = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, definition in installed_services().items():
            runtime = prepared_runtime(definition, f"sqlite:///{folder}/{name}.db")
            app = definition.create_app(runtime=runtime)
            documents[name] = app.test_client().get("/openapi.json").get_json()
    return documents


def render(document: dict) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> None:
    if sys.argv[1:] != ["write"]:
        sys.exit("usage: python -m tests.contracts_tool write")
    OPENAPI_DIR.mkdir(parents=True, exist_ok=True)
    for name, document in served_documents().items():
        (OPENAPI_DIR / f"{name}.json").write_text(render(document))
        print(f"wrote contracts/openapi/{name}.json")


if __name__ == "__main__":
    main()
