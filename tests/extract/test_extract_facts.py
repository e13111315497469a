"""The fact sheet: spot checks on a small project written for the tests and on real packages."""

from __future__ import annotations

import ast
import json
import subprocess
from pathlib import Path

import click
import pytest
import yaml
from extract_shop_project import write_project

from specloom.extract.facts import FactSheet, sheet_from_json
from specloom.extract.frameworks import argparse_commands, click_command, django_routes, routes_of
from specloom.extract.sheet import build_fact_sheet


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """A fresh copy of the shop project (with a `.kiro/` folder) in a temporary folder."""
    return write_project(tmp_path / "proj")


def _sheet(shop: Path) -> FactSheet:
    return build_fact_sheet(shop / "shop", shop, [shop / "tests"])


def _named(sheet: FactSheet, kind: str, name: str) -> dict:
    matches = [f for f in sheet.facts if f.kind == kind and f.name == name]
    assert matches, f"no {kind} {name}: {[f.name for f in sheet.of_kind(kind)]}"
    return matches[0].to_json()


@pytest.mark.req("extract-from-code", "1.1", "1.2")
def test_routes_commands_models_and_errors_are_found(shop: Path) -> None:
    sheet = _sheet(shop)
    route = _named(sheet, "route", "GET /items/{name}")
    assert (route["symbol"], route["path"], route["line"]) == ("get_item", "shop/api.py", 23)
    assert route["details"]["raises"] == ["HTTPException(404)"]
    assert _named(sheet, "route", "POST /items")["symbol"] == "create_item"
    add = _named(sheet, "command", "shop.cli:add")
    assert add["details"]["framework"] == "argparse"
    assert add["details"]["options"] == ["name", "--price"]
    hello = _named(sheet, "command", "shop.click_cli:hello")
    assert (hello["details"]["framework"], hello["details"]["options"]) == ("click", ["--count"])
    assert _named(sheet, "command", "shop.click_cli:cli")["details"]["group"] is True
    item = _named(sheet, "data_model", "shop.models.Item")
    assert item["details"]["flavour"] == "dataclass"
    assert [f["name"] for f in item["details"]["fields"]] == ["name", "price"]
    assert _named(sheet, "data_model", "shop.models.Color")["details"]["flavour"] == "Enum"
    assert _named(sheet, "exception", "shop.store.NotFound")["details"]["bases"] == ["StoreError"]
    get = _named(sheet, "method", "shop.store.Store.get")
    assert get["details"]["signature"] == "def get(self, name: str) -> Item"
    assert get["details"]["raises"] == ["NotFound"]
    assert _named(sheet, "constant", "shop.store.MAX_ITEMS")["details"]["value"] == "100"
    assert _named(sheet, "config", "SHOP_STORE_PATH")["path"] == "shop/store.py"


@pytest.mark.req("extract-from-code", "1.3")
def test_tests_are_read_with_calls_and_asserts(shop: Path) -> None:
    sheet = _sheet(shop)
    missing = _named(sheet, "test", "tests/test_store_behaviour.py::test_missing_item_raises")
    assert missing["details"]["expects_raises"] == ["NotFound"]
    assert "get" in missing["details"]["calls"] and "Store" in missing["details"]["calls"]
    created = _named(sheet, "test", "tests/test_api_behaviour.py::TestItems::test_create_then_get")
    assert created["details"]["asserts"] == ["get_item('kiwi')['price'] == 2.0"]
    assert _named(sheet, "test", "tests/test_cli_behaviour.py::test_add_command")[
        "details"]["commands"] == ["add"]


@pytest.mark.req("extract-from-code", "1.5", "2.2")
def test_import_graph_and_skipped_files(shop: Path) -> None:
    sheet = _sheet(shop)
    assert sheet.imports["shop.api"] == ("shop.models", "shop.store")
    assert {(s.path, s.reason.split(" ")[0]) for s in sheet.skipped} == {
        ("shop/blob.py", "binary"), ("shop/broken.py", "syntax")}


@pytest.mark.req("extract-from-code", "1.4")
def test_ids_are_stable_when_code_moves(shop: Path) -> None:
    before = {f.key: f.id for f in _sheet(shop).facts}
    api = shop / "shop" / "api.py"
    api.write_text("# a new first line\n\n" + api.read_text(encoding="utf-8"), encoding="utf-8")
    after = _sheet(shop)
    assert {f.key: f.id for f in after.facts} == before
    assert _named(after, "route", "GET /items/{name}")["line"] == 25


@pytest.mark.req("extract-from-code", "1.6")
def test_json_round_trip(shop: Path) -> None:
    sheet = _sheet(shop)
    again = sheet_from_json(json.loads(json.dumps(sheet.to_json())))
    assert again.facts == sheet.facts and again.imports == sheet.imports


@pytest.mark.req("extract-from-code", "2.1")
def test_gitignored_files_are_not_read(shop: Path) -> None:
    (shop / "shop" / "generated").mkdir()
    (shop / "shop" / "generated" / "made.py").write_text("def made():\n    pass\n")
    (shop / ".gitignore").write_text("shop/generated/\n")
    subprocess.run(["git", "init", "-q"], cwd=shop, check=True)
    sheet = _sheet(shop)
    assert not [f for f in sheet.files if "generated" in f]
    assert "shop/api.py" in sheet.files  # untracked but not ignored: read


@pytest.mark.req("extract-from-code", "1.2")
def test_flask_django_and_typer_shapes() -> None:
    flask = ast.parse('@bp.route("/users/<int:uid>", methods=["GET", "DELETE"])\n'
                      "def user(uid):\n    pass\n").body[0]
    assert isinstance(flask, ast.FunctionDef)
    (route,) = routes_of(flask)
    assert (route.methods, route.path, route.framework) == (("GET", "DELETE"), "/users/<int:uid>",
                                                           "flask")
    urls = ast.parse('urlpatterns = [path("articles/<int:year>/", views.year_archive),\n'
                     '               path("api/", include("api.urls"))]\n')
    assert [(r.path, r.handler) for r in django_routes(urls)] == [
        ("/articles/<int:year>/", "year_archive")]
    typer_cmd = ast.parse("@app.command()\ndef sync_all(force: bool = False):\n    pass\n").body[0]
    assert isinstance(typer_cmd, ast.FunctionDef)
    command = click_command(typer_cmd, uses_typer=True)
    assert command is not None
    assert (command.name, command.framework, command.options) == ("sync-all", "typer", ("force",))
    module = ast.parse('p = argparse.ArgumentParser(prog="tool")\np.add_argument("--verbose")\n')
    assert [(c.name, c.options) for c in argparse_commands(module, "__main__")] == [
        ("tool", ("--verbose",))]


@pytest.mark.req("extract-from-code", "1.1")
@pytest.mark.parametrize(("package", "expected"), [
    (yaml, {("function", "yaml.safe_load"), ("exception", "yaml.error.YAMLError"),
            ("class", "yaml.loader.SafeLoader"), ("method", "yaml.composer.Composer.compose_node")}),
    (click, {("function", "click.decorators.command"), ("exception", "click.exceptions.UsageError"),
             ("class", "click.core.Command"), ("method", "click.core.Context.invoke")}),
])
def test_real_installed_packages(package: object, expected: set[tuple[str, str]]) -> None:
    folder = Path(str(getattr(package, "__file__", ""))).parent
    sheet = build_fact_sheet(folder, folder.parent)
    found = {(f.kind, f.name) for f in sheet.facts}
    assert expected <= found
    assert sheet.lines > 3000 and not sheet.skipped
    assert len({f.id for f in sheet.facts}) == len(sheet.facts)
