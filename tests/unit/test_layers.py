"""The layers only import downward: domain <- storage <- services <- handlers <- app.

Read from the source with ``ast``, without importing anything. A module may import its
own layer and the layers below it; services never import Telegram or the words
(``bot.i18n``); handlers never import storage (they call services).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Most specific prefix first.
LAYERS: list[tuple[str, int]] = [
    ("bot.domain", 0),
    ("bot.clock", 0),
    ("bot.config", 0),
    ("storage", 1),
    ("bot.services", 2),
    ("bot.runtime", 2),
    ("bot.i18n_check", 4),
    ("bot.i18n", 3),
    ("bot.context", 3),
    ("handlers", 3),
    ("bot.app", 4),
    ("bot.cli", 4),
    ("bot.jobs", 4),
    ("bot.updates", 4),
    ("bot.localchat", 4),
    ("bot.__main__", 4),
    ("bot", 4),
]
NAMES = {0: "domain", 1: "storage", 2: "services", 3: "handlers", 4: "app"}
# Third-party packages a layer must not reach for, whatever the layer order says.
FORBIDDEN = {0: ("telegram", "aiosqlite"), 1: ("telegram",), 2: ("telegram",)}


def layer_of(module: str) -> int | None:
    for prefix, layer in LAYERS:
        if module == prefix or module.startswith(prefix + "."):
            return layer
    return None


def modules() -> list[tuple[str, Path]]:
    found = []
    for folder in ("bot", "handlers", "storage"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found.append((name, path))
    return found


def imports_of(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
    return found


@pytest.mark.parametrize(("module", "path"), modules(), ids=[m for m, _ in modules()])
def test_a_module_imports_only_its_layer_and_below(module: str, path: Path) -> None:
    own = layer_of(module)
    assert own is not None, f"{module}: no layer; add it to LAYERS"
    wrong = []
    for imported in imports_of(path):
        target = layer_of(imported)
        if target is not None and target > own:
            wrong.append(f"{imported} ({NAMES[target]})")
        if any(imported.split(".")[0] == banned for banned in FORBIDDEN.get(own, ())):
            wrong.append(f"{imported} (not in the {NAMES[own]} layer)")
        if own == 2 and (imported == "bot.i18n" or imported.startswith("handlers")):
            wrong.append(f"{imported} (words live on the Telegram side)")
        if own == 3 and imported.startswith("storage"):
            wrong.append(f"{imported} (handlers call services, never storage)")
    assert wrong == [], f"{module} ({NAMES[own]}) imports {', '.join(wrong)}"
