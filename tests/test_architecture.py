"""Rules of the code layout that a reviewer would otherwise have to check by hand."""

import ast

from conftest import ROOT

DOMAIN_PACKAGES = ("access", "assessment", "exports", "i18n", "kpi", "questionnaires", "scoring")


def imported_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_domain_packages_never_import_streamlit():
    offenders = [str(path.relative_to(ROOT)) for package in DOMAIN_PACKAGES for path in (ROOT / package).rglob("*.py")
                 if any(name.split(".")[0] == "streamlit" for name in imported_modules(path))]
    assert offenders == []
    assert len(list((ROOT / "access").rglob("*.py"))) >= 2  # the check really looks in the packages


def test_pages_never_write_sql():
    offenders = [str(path.relative_to(ROOT)) for path in (ROOT / "views").glob("*.py")
                 if any(name.split(".")[0] == "sqlalchemy" or name.endswith(".models")
                        for name in imported_modules(path))]
    assert offenders == []
