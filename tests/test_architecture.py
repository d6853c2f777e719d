"""Rules of the code layout that a reviewer would otherwise have to check by hand, read from the imports (`ast`).

The floors, from the ground up (README, "Map of the code"):
- ground: `storage` (database, tables, migrations) and the pure modules beside it: `rules` (valid input),
  `i18n`, `questionnaires`, `scoring`, `indicators`; none of them touches a service;
- `access` on storage: people, memberships, permissions, the activity log;
- the formats (`exports`): files to plain rows and back; no service, no database;
- the capabilities, each with its service as front door: `assessment`, `plan`, `workshops`, `respondents`,
  `peers`, `kpi`; and `report`, which gathers from all of them;
- the pages: `ui`, `views`, `app.py` (the only code that imports streamlit).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import ROOT

PAGES = ("ui", "views", "app")
CAPABILITIES = ("assessment", "plan", "workshops", "respondents", "peers", "kpi", "report")
PURE = ("rules", "i18n", "questionnaires", "scoring", "indicators")
# what a package may import besides itself (None: no rule but no cycles)
MAY_IMPORT = {
    "storage": (),
    "rules": (),
    "access": ("storage", "rules"),
    "exports": PURE,
}
# loaded by Alembic by path, never imported: a data migration runs the app's code of its day
NOT_CHECKED = ("tests", "tools", "scripts", "docs", "storage/migrations/versions")


@dataclass
class Module:
    name: str  # dotted, e.g. "assessment.service"
    path: Path
    imports: set[str] = field(default_factory=set)  # dotted names of our modules (or packages) it imports
    external: set[str] = field(default_factory=set)  # top-level names of other libraries
    private: list[str] = field(default_factory=list)  # names starting with "_" taken from another module


def modules_of(root: Path) -> dict[str, Module]:
    found = {}
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if relative.parts[0].startswith(".") or any(str(relative).startswith(skip + "/") for skip in NOT_CHECKED):
            continue
        if "site-packages" in relative.parts:
            continue
        parts = list(relative.with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        if parts:
            found[".".join(parts)] = Module(".".join(parts), path)
    return found


def read_imports(modules: dict[str, Module]) -> None:
    ours = {name.split(".")[0] for name in modules}

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    for module in modules.values():
        package = module.name if module.path.name == "__init__.py" else module.name.rpartition(".")[0]
        tree = ast.parse(module.path.read_text(encoding="utf-8"))
        bound = {}  # local name -> our module it stands for
        for node in ast.walk(tree):
            targets = []
            if isinstance(node, ast.Import):
                for alias in node.names:
                    targets.append(alias.name)
                    if alias.asname:
                        bound[alias.asname] = alias.name
                    else:
                        bound[alias.name.split(".")[0]] = alias.name.split(".")[0]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                    base = ".".join(anchor + ([base] if base else []))
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    if full in modules:
                        targets.append(full)
                        bound[alias.asname or alias.name] = full
                    else:
                        targets.append(base)
                        if alias.name.startswith("_") and not alias.name.startswith("__") \
                                and base.split(".")[0] in ours and base != module.name:
                            module.private.append(f"{base}.{alias.name}")
            for target in targets:
                if target.split(".")[0] in ours:
                    resolved = resolve(target)
                    if resolved and resolved != module.name:
                        module.imports.add(resolved)
                elif target:
                    module.external.add(target.split(".")[0])
        for node in ast.walk(tree):  # `service._lock_draft(...)`: a private name reached through a module
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in bound \
                    and node.attr.startswith("_") and not node.attr.startswith("__"):
                module.private.append(f"{bound[node.value.id]}.{node.attr}")


def reads_settings_at_import(path: Path) -> list[int]:
    """Lines where a module reads the environment when it is imported (outside a function body): a setting
    must be read when used, so that a process that imported the module earlier (the tests' fork server,
    `tests/app_process.py`) or a changed setting gives the value of now."""
    found = []

    def visit(node):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for part in [*node.decorator_list, *node.args.defaults, *node.args.kw_defaults]:
                if part is not None:
                    visit(part)
            return
        if isinstance(node, ast.Lambda):
            return
        if (isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv")) or \
                (isinstance(node, ast.Name) and node.id in ("environ", "getenv")):
            found.append(node.lineno)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


def package_of(name: str) -> str:
    return name.split(".")[0]


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The cycles of a directed graph, one per strongly connected component of more than one node (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                component.append(other)
                if other == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def violations(root: Path) -> dict[str, list[str]]:
    """Every broken rule of the layout under `root`, by rule."""
    modules = modules_of(root)
    read_imports(modules)
    broken: dict[str, list[str]] = {"floors": [], "streamlit": [], "package cycles": [], "file cycles": [],
                                    "private names": [], "settings at import": []}
    for module in modules.values():
        package = package_of(module.name)
        allowed = MAY_IMPORT.get(package)
        for target in sorted(module.imports):
            other = package_of(target)
            if allowed is not None and other != package and other not in allowed:
                broken["floors"].append(f"{module.name} imports {target}")
        if package not in PAGES and "streamlit" in module.external:
            broken["streamlit"].append(module.name)
        broken["private names"] += [f"{module.name} uses {name}" for name in module.private]
        if package != "views":  # a page's script runs anew for every run
            broken["settings at import"] += [f"{module.name}:{line}" for line in reads_settings_at_import(module.path)]
    packages: dict[str, set[str]] = {}
    for module in modules.values():
        packages.setdefault(package_of(module.name), set()).update(
            package_of(t) for t in module.imports if package_of(t) != package_of(module.name))
    broken["package cycles"] = [" <-> ".join(c) for c in cycles(packages)]
    broken["file cycles"] = [" <-> ".join(c) for c in cycles({m.name: m.imports for m in modules.values()})]
    return broken


# --- the rules hold for this code ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def layout() -> dict[str, list[str]]:
    """The rules checked on this code, once for the file (1.6 CPU s), in the test process that runs it: not at
    import, which every test process does while collecting."""
    return violations(ROOT)


def test_the_checker_reads_the_packages():
    modules = modules_of(ROOT)
    assert {"storage.db", "access.service", "assessment.service", "exports.workbook", "ui.pages"} <= set(modules)


def test_each_floor_imports_only_floors_below(layout):
    """storage imports no package of ours; access only storage (and the rules); formats no service."""
    assert layout["floors"] == []


def test_domain_packages_never_import_streamlit(layout):
    assert layout["streamlit"] == []


def test_no_cycle_between_packages(layout):
    assert layout["package cycles"] == []


def test_no_cycle_between_files(layout):
    assert layout["file cycles"] == []


def test_no_private_name_from_another_module(layout):
    assert layout["private names"] == []


def test_no_module_reads_a_setting_when_it_is_imported(layout):
    assert layout["settings at import"] == []


def test_pages_never_write_sql():
    modules = modules_of(ROOT)
    read_imports(modules)
    offenders = [m.name for m in modules.values() if package_of(m.name) == "views"
                 and ("sqlalchemy" in m.external or any(t.endswith(".models") or package_of(t) == "storage"
                                                        for t in m.imports))]
    assert offenders == []


def test_no_package_but_the_pages_holds_more_than_a_fifth_of_the_code():
    lines = {}
    for module in modules_of(ROOT).values():
        if "migrations" not in module.path.parts:
            lines[package_of(module.name)] = lines.get(package_of(module.name), 0) + len(
                module.path.read_text(encoding="utf-8").splitlines())
    total = sum(lines.values())
    assert {p: n for p, n in lines.items() if p not in PAGES and n > total / 5} == {}


# --- and the checker finds a broken rule ------------------------------------------------------------------------

def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


GOOD = {
    "storage/__init__.py": "", "storage/db.py": "import sqlalchemy\n",
    "rules/__init__.py": "", "rules/input.py": "import re\n",
    "access/__init__.py": "", "access/service.py": "from storage.db import x\nfrom rules.input import InputError\n",
    "exports/__init__.py": "", "exports/workbook.py": "from rules.input import y\nfrom . import rows\n",
    "exports/rows.py": "",
    "assessment/__init__.py": "", "assessment/service.py": "from access import service\nfrom exports import workbook\n",
    "views/page.py": "import streamlit as st\nfrom assessment import service\n",
}


def test_a_layout_that_keeps_the_rules_passes(tmp_path):
    assert all(found == [] for found in violations(write(tmp_path, GOOD)).values())


def test_storage_that_imports_a_service_is_refused(tmp_path):
    root = write(tmp_path, GOOD | {"storage/db.py": "def f():\n    from assessment.service import g\n"})
    assert violations(root)["floors"] == ["storage.db imports assessment.service"]


def test_access_that_imports_a_capability_is_refused(tmp_path):
    root = write(tmp_path, GOOD | {"access/service.py": "from storage.db import x\nfrom assessment import service\n"})
    assert violations(root)["floors"] == ["access.service imports assessment.service"]


def test_a_format_that_imports_a_service_is_refused(tmp_path):
    root = write(tmp_path, GOOD | {"exports/workbook.py": "from assessment.service import MAX\n"})
    found = violations(root)
    assert found["floors"] == ["exports.workbook imports assessment.service"]
    assert found["package cycles"] == ["assessment <-> exports"]


def test_a_domain_package_that_imports_streamlit_is_refused(tmp_path):
    root = write(tmp_path, GOOD | {"assessment/service.py": "import streamlit as st\n"})
    assert violations(root)["streamlit"] == ["assessment.service"]


def test_a_cycle_between_two_files_is_refused(tmp_path):
    root = write(tmp_path, GOOD | {"views/a.py": "from views import b\n", "views/b.py": "def f():\n    import views.a\n"})
    assert violations(root)["file cycles"] == ["views.a <-> views.b"]


def test_a_private_name_from_another_module_is_refused(tmp_path):
    root = write(tmp_path, GOOD | {"views/page.py": "from assessment.service import _clean\n",
                                   "views/other.py": "from assessment import service\nservice._lock(1)\n"})
    assert sorted(violations(root)["private names"]) == ["views.other uses assessment.service._lock",
                                                          "views.page uses assessment.service._clean"]


def test_a_setting_read_when_the_module_is_imported_is_refused(tmp_path):
    root = write(tmp_path, GOOD | {"storage/db.py": "import os\nURL = os.environ.get('URL')\n\n\n"
                                                    "def url(default=os.getenv('X')):\n    return os.environ['URL']\n",
                                   "views/page.py": "import os\nimport streamlit as st\nst.write(os.environ)\n"})
    assert violations(root)["settings at import"] == ["storage.db:2", "storage.db:5"]
