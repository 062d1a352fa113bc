"""The layers point one way: core ← accounts ← proposals ← stage apps (README "Architecture").

Read from the source with `ast`, imports inside functions included: a lower layer that imported a stage
app, even lazily, would tie every later stage into one loop.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# What each layer may import of the project's apps; a stage app may import all the layers below it.
LAYERS = {
    "core": set(),
    "accounts": {"core"},
    "proposals": {"core", "accounts"},
}
# The stage apps in the order of the lifecycle, then the API, which reads and acts through all of them (and demo on
# top): a stage builds on the ones before it only.
STAGE_ORDER = ["approvals", "implementation", "directions", "evaluation", "incidents", "dossier", "publication",
               "reminders", "reports", "webhooks", "api", "demo"]
PROJECT_APPS = {"core", "accounts", "proposals", *STAGE_ORDER}


def imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names & PROJECT_APPS


def sources(app: str):
    return sorted(path for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts)


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_a_layer_imports_only_the_layers_below_it(layer):
    wrong = {
        str(path.relative_to(ROOT)): sorted(imported_apps(path) - LAYERS[layer] - {layer})
        for path in sources(layer)
    }
    assert {path: apps for path, apps in wrong.items() if apps} == {}


@pytest.mark.parametrize("stage", STAGE_ORDER)
def test_a_stage_imports_only_the_stages_before_it(stage):
    later = set(STAGE_ORDER[STAGE_ORDER.index(stage) + 1:])
    wrong = {str(path.relative_to(ROOT)): sorted(imported_apps(path) & later) for path in sources(stage)}
    assert {path: apps for path, apps in wrong.items() if apps} == {}


def test_the_check_sees_an_import_hidden_in_a_function(tmp_path):
    module = tmp_path / "lazy.py"
    module.write_text("def f():\n    from approvals.models import Meeting\n    import proposals.selectors\n")
    assert imported_apps(module) == {"approvals", "proposals"}
