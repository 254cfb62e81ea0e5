"""`import hybridai` stays light: nothing heavy loads until it is used."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ["pydantic", "openai", "llama_cpp", "httpx", "psutil", "rich", "numpy"]


def _modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "; import sys, json; "
                          "print(json.dumps(sorted(sys.modules)))"],
                         capture_output=True, text=True, check=True).stdout
    return set(json.loads(out))


def test_import_loads_nothing_heavy():
    loaded = _modules_after("import hybridai")
    assert not [m for m in HEAVY if m in loaded]


def test_names_resolve_lazily():
    loaded = _modules_after("import hybridai; hybridai.Mode")
    assert "hybridai.schema.modes" in loaded and "openai" not in loaded


def test_unknown_attribute_is_an_attribute_error():
    out = subprocess.run([sys.executable, "-c", "import hybridai; hybridai.Nope"],
                         capture_output=True, text=True)
    assert out.returncode == 1 and "has no attribute 'Nope'" in out.stderr


def test_every_export_resolves():
    import hybridai

    for name in hybridai.__all__:
        assert getattr(hybridai, name) is not None
