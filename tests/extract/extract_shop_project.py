"""A small project with known behaviours, written for the extraction tests, and a runner for
the `extract` command. (Not a conftest.py: other test folders import names from `conftest`.)"""

from __future__ import annotations

import argparse
from pathlib import Path

from specloom.cli import extract_cmds

FILES = {
    "shop/__init__.py": '"""A tiny shop."""\n',
    "shop/models.py": '''"""Data models of the shop."""
from dataclasses import dataclass
from enum import Enum


class Color(Enum):
    RED = "red"
    BLUE = "blue"


@dataclass(frozen=True)
class Item:
    """An item for sale."""

    name: str
    price: float = 0.0
''',
    "shop/store.py": '''"""In-memory storage of items."""
import os

from shop.models import Item

MAX_ITEMS = 100
STORE_PATH = os.environ.get("SHOP_STORE_PATH", "store.json")


class StoreError(Exception):
    """Base error of the store."""


class NotFound(StoreError):
    """No item with that name."""


class Store:
    """Holds items by name."""

    def __init__(self) -> None:
        self.items: dict[str, Item] = {}

    def add(self, item: Item) -> None:
        """Add an item, refusing more than MAX_ITEMS."""
        if len(self.items) >= MAX_ITEMS:
            raise StoreError("store full")
        self.items[item.name] = item

    def get(self, name: str) -> Item:
        """The item called `name`."""
        if name not in self.items:
            raise NotFound(name)
        return self.items[name]
''',
    "shop/api.py": '''"""HTTP interface, FastAPI style (a stand-in app object; FastAPI is not needed)."""
from shop.models import Item
from shop.store import NotFound, Store


class HTTPException(Exception):
    def __init__(self, status_code: int, detail: str = "") -> None:
        self.status_code = status_code


class App:
    def get(self, path):
        return lambda func: func

    def post(self, path):
        return lambda func: func


app = App()
STORE = Store()


@app.get("/items/{name}")
def get_item(name: str) -> dict:
    """Return one item."""
    try:
        item = STORE.get(name)
    except NotFound:
        raise HTTPException(status_code=404, detail="not found") from None
    return {"name": item.name, "price": item.price}


@app.post("/items")
def create_item(name: str, price: float) -> dict:
    STORE.add(Item(name, price))
    return {"name": name}
''',
    "shop/cli.py": '''"""Command line: `shop add NAME`."""
import argparse

from shop.store import Store


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="shop")
    commands = parser.add_subparsers(dest="command")
    add = commands.add_parser("add", help="add an item")
    add.add_argument("name")
    add.add_argument("--price", type=float, default=0.0)
    args = parser.parse_args(argv)
    Store()
    return 0 if args.command == "add" else 2
''',
    "shop/click_cli.py": '''import click


@click.group()
def cli():
    """The shop."""


@cli.command("hello")
@click.option("--count", default=1)
def hello(count):
    """Say hello."""
    click.echo("hello" * count)
''',
    "shop/broken.py": "def oops(:\n    pass\n",
    "tests/test_store_behaviour.py": '''import pytest

from shop.models import Item
from shop.store import NotFound, Store


def test_add_then_get():
    store = Store()
    store.add(Item("apple", 1.0))
    assert store.get("apple").price == 1.0


def test_missing_item_raises():
    with pytest.raises(NotFound):
        Store().get("pear")
''',
    "tests/test_api_behaviour.py": '''from shop.api import create_item, get_item


class TestItems:
    def test_create_then_get(self):
        create_item("kiwi", 2.0)
        assert get_item("kiwi")["price"] == 2.0
''',
    "tests/test_cli_behaviour.py": '''from shop.cli import main


def test_add_command():
    assert main(["add", "pear"]) == 0
''',
}


def write_project(root: Path) -> Path:
    for name, text in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "shop" / "blob.py").write_bytes(b"\x00\x01binary")
    (root / ".kiro" / "specs").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\npythonpath = ["."]\n', encoding="utf-8")
    return root


def run_cli(root: Path, *argv: str) -> int:
    """`specloom --root ROOT extract ARGV...` through a parser holding only the extract command."""
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers()
    extract_cmds.register(commands)
    args = parser.parse_args(["extract", *argv])
    args.root = str(root)
    code: int = args.handler(args)
    return code
