"""The package reads in the order of the pipeline: each stage imports only from earlier stages."""

import ast
from pathlib import Path

LINKAGE = Path(__file__).resolve().parents[2] / "linkage"
# Foundations first, then the stages in the order they run, then what chains them.
RANK = {
    "errors": 0,
    "privacy": 0,
    "config": 0,
    "periods": 0,
    "frames": 0,
    "reference": 0,
    "workers": 0,
    "memory": 0,
    "ingest": 1,
    "standardise": 2,
    "link": 3,
    "register": 4,
    "publish": 5,
    "pipeline": 6,
    "store": 6,
    "run_layout": 6,
    "review": 6,
    "accuracy": 6,
    "synth": 6,
}


def _stage(module: str) -> str:
    return module.split(".")[1]


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("linkage."):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("linkage.")}
    return found


def test_every_module_belongs_to_a_stage():
    for path in LINKAGE.rglob("*.py"):
        parts = path.relative_to(LINKAGE).with_suffix("").parts
        if parts != ("__init__",):
            assert parts[0] in RANK, path


def test_imports_run_one_way_stage_by_stage():
    against = []
    for path in LINKAGE.rglob("*.py"):
        parts = path.relative_to(LINKAGE).with_suffix("").parts
        if parts == ("__init__",):
            continue
        for module in _imports(path):
            if RANK[_stage(module)] > RANK[parts[0]]:
                against.append(f"{'/'.join(parts)} imports {module}")
    assert against == []


def test_no_domain_module_imports_prefect():
    for path in LINKAGE.rglob("*.py"):
        assert "prefect" not in {m.split(".")[0] for m in _imports_all(path)}, path


def _imports_all(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
    return names
