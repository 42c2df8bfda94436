"""Event contracts: a JSON Schema per event type and version under ``contracts/events/``.

Files are named ``<type>.v<version>.json`` and extend ``envelope.json``; producers validate before an
event enters the outbox, consumers before they act on it.
"""

from __future__ import annotations

import json
from pathlib import Path

from jsonschema import Draft202012Validator
from referencing import Registry, Resource


class ContractViolation(ValueError):
    """An event does not match its schema, or no schema exists for it."""


class EventContracts:
    def __init__(self, folder: str | Path):
        folder = Path(folder)
        resources, self._validators = [], {}
        paths = [folder / "envelope.json", *sorted(folder.glob("*.v[0-9]*.json"))]
        documents = {path.name: json.loads(path.read_text()) for path in paths}
        for name, document in documents.items():
            resources.append((document.get("$id", name), Resource.from_contents(document)))
        registry = Registry().with_resources(resources)
        for name, document in documents.items():
            if name == "envelope.json":
                continue
            Draft202012Validator.check_schema(document)
            self._validators[name.removesuffix(".json")] = Draft202012Validator(document, registry=registry)

    @property
    def known(self) -> list[str]:
        return sorted(self._validators)

    def validate(self, document: dict) -> None:
        key = f"{document.get('type')}.v{document.get('version')}"
        validator = self._validators.get(key)
        if validator is None:
            raise ContractViolation(f"no contract for event {key}")
        error = next(iter(validator.iter_errors(document)), None)
        if error is not None:
            where = "/".join(str(part) for part in error.absolute_path) or "(root)"
            raise ContractViolation(f"{key} at {where}: {error.message}")
