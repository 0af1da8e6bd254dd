"""tools/pm3_routes.py: each Restler rule on a small invented PHP tree, the CLI, and (with the
ProcessMaker mirror) that the committed tables are what the generator writes."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
MIRROR = Path("/work/.mirror/colosa+processmaker/repo")
DATA = ROOT / "mockserver" / "protocol" / "data"
RELEASES = {"3.0": "309b7e864", "3.2": "b2c8877e5", "3.4.10": "3062297c5", "3.4.11": "1429451be"}


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("pm3_routes", ROOT / "tools" / "pm3_routes.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["pm3_routes"] = module
    spec.loader.exec_module(module)
    return module


gen = _load()

WEBAPP = """<?php
class WebApplication
{
    protected function initRest($uri, $version, $multipart = false)
    {
        $gateClass = 'ProcessMaker\\\\Policies\\\\Gate';
        $this->rest->addAuthenticationClass($gateClass);
        if (strpos($uri, '/plugin-') !== false) { }
        $this->rest->addAPIClass('\\ProcessMaker\\\\Services\\\\Door', 'door');
        return $uri;
    }

    public function other()
    {
    }
}
"""

BASE = """<?php
namespace ProcessMaker\\Services;

abstract class Api
{
    public function __construct() { }

    public function getPlace()
    {
        return 1;
    }
}
"""

GATE = """<?php
namespace ProcessMaker\\Policies;

class Gate
{
    public function __isAllowed() { return true; }

    /**
     * @access private
     */
    public function helper() { }
}
"""

DOOR = """<?php
namespace ProcessMaker\\Services;

class Door
{
    /**
     * @url POST /knock
     */
    public function knock($who = 'me') { }
}
"""

WIDGET = """<?php
namespace ProcessMaker\\Services\\Api;

use ProcessMaker\\Services\\Api;

/**
 * Widgets.
 *
 * @access protected
 * @class Gate {@permission W_READ, W_ALL}
 */
class Widget extends Api
{
    /**
     * One widget.
     *
     * @url GET /:wid_uid
     * @url GET /by-name/{name}
     *
     * @param string $wid_uid {@min 32}{@max 32}
     * @param string $name
     */
    public function doGetWidget($wid_uid, $name = '')
    {
    }

    /**
     * @url PUT /:wid_uid
     * @class Gate {@permission W_WRITE}
     *
     * @param string $wid_uid
     * @param array $request_data
     * @param string $mode {@choice fast,slow}
     */
    public function doPutWidget($wid_uid, $request_data, $mode = 'fast')
    {
    }

    /**
     * @url GET /count/:n
     * @access public
     *
     * @param int $n
     */
    public function count($n) { }

    /**
     * @access private
     * @url GET /secret
     */
    public function secret() { }

    public function _internal() { }

    protected function postPart($id) { }

    public function index($filter = null) { }

    /** @url GET /single-line */
    public function singleLine() { }

    /**
     * @protected
     * @param string $note {@from body}
     */
    public function deleteNote($note) { }

    private function hidden() { }

    /**
     * @url GET /shared
     */
    public function sharedOne() { }
}
"""

SUB_WIDGET = """<?php
namespace ProcessMaker\\Services\\Api\\Sub;

use ProcessMaker\\Services\\Api;

class Widget extends Api
{
    /**
     * @url GET /:wid_uid/parts
     * @access public
     */
    public function doGetParts($wid_uid) { }

    /**
     * @url GET /count/:n
     */
    public function countAgain($n) { }

    /**
     * @url GET /shared
     */
    public function sharedTwo() { }
}
"""

INI = """; routes
[api]
    version = 1.0

[alias: widgets]
    widget = "ProcessMaker\\Services\\Api\\Widget"
    ghost  = "ProcessMaker\\Services\\Api\\Ghost"
"""


def write_tree(root: Path, version: str = "3.0.0rc5") -> Path:
    files = {
        "vendor/luracast/restler/vendor/Luracast/Restler/Routes.php": f"<?php\n/**\n * @version    {version}\n */\n",
        "framework/src/Maveriks/WebApplication.php": WEBAPP,
        "workflow/engine/src/ProcessMaker/Services/Api.php": BASE,
        "workflow/engine/src/ProcessMaker/Policies/Gate.php": GATE,
        "workflow/engine/src/ProcessMaker/Services/Door.php": DOOR,
        "workflow/engine/src/ProcessMaker/Services/Api/Widget.php": WIDGET,
        "workflow/engine/src/ProcessMaker/Services/Api/Sub/Widget.php": SUB_WIDGET,
        "workflow/engine/src/ProcessMaker/Services/api.ini": INI,
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def build(tmp_path: Path, version: str = "3.0.0rc5") -> dict[str, Any]:
    table: dict[str, Any] = gen.build(gen.DirSource(write_tree(tmp_path, version)), "test")
    return table


def routes(table: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(r["method"], r["path"]): r for r in table["routes"]}


def test_url_annotations_mount_under_the_class_path_and_each_alias(tmp_path: Path) -> None:
    r = routes(build(tmp_path))
    for mount in ("widget", "widgets"):
        route = r[("GET", f"{mount}/{{wid_uid}}")]
        assert route["key"] == f"{mount}/{{s0}}"
        assert route["function"] == "doGetWidget"
        assert route["class"] == "ProcessMaker\\Services\\Api\\Widget"
    assert r[("GET", "widgets/{wid_uid}")]["mount"].startswith("alias widgets (api.ini:6")
    # the second @url of the same method is a route of its own; :name and {name} both mark a
    # path parameter; an unnamed parameter is a query parameter of a GET
    by_name = r[("GET", "widget/by-name/{name}")]
    assert [(p["name"], p["from"]) for p in by_name["params"]] == [
        ("wid_uid", "query"),
        ("name", "path"),
    ]


def test_class_level_access_and_permissions_apply_unless_the_method_has_its_own(
    tmp_path: Path,
) -> None:
    r = routes(build(tmp_path))
    get = r[("GET", "widget/{wid_uid}")]
    assert (get["access"], get["access_tag"], get["permissions"]) == (
        "protected",
        "protected",
        ["W_READ", "W_ALL"],  # trimmed, as AccessControl::getPermissions does
    )
    put = r[("PUT", "widget/{wid_uid}")]
    assert put["permissions"] == ["W_WRITE"]
    count = r[("GET", "widgets/count/{n}")]
    assert count["access"] == "public"


def test_params_carry_type_source_default_choice_and_bounds(tmp_path: Path) -> None:
    r = routes(build(tmp_path))
    get = r[("GET", "widget/{wid_uid}")]["params"][0]
    assert (get["type"], get["from"], get["required"], get["min"], get["max"]) == (
        "string",
        "path",
        True,
        32,
        32,
    )
    put = {p["name"]: p for p in r[("PUT", "widget/{wid_uid}")]["params"]}
    assert put["request_data"]["from"] == "body"
    assert put["mode"]["choice"] == ["fast", "slow"]
    assert (put["mode"]["default"], put["mode"]["required"], put["mode"]["from"]) == (
        "fast",
        False,
        "body",
    )


def test_numeric_parameters_key_as_n(tmp_path: Path) -> None:
    table = build(tmp_path)
    r = routes(table)
    assert r[("GET", "widgets/count/{n}")]["key"] == "widgets/count/{n0}"
    # the same @url of a method whose parameter has no type is a string, {s0}: another key, so
    # both routes live side by side under widget/
    keys = {x["key"]: x["function"] for x in table["routes"] if x["path"] == "widget/count/{n}"}
    assert keys == {"widget/count/{n0}": "count", "widget/count/{s0}": "countAgain"}


def test_private_underscore_and_php_private_methods_make_no_route(tmp_path: Path) -> None:
    functions = {r["function"] for r in build(tmp_path)["routes"]}
    assert not functions & {"secret", "_internal", "hidden", "helper", "__isAllowed"}


def test_auto_routes_from_method_names(tmp_path: Path) -> None:
    r = routes(build(tmp_path))
    # index is the class path itself and an alias ending in /index
    assert r[("GET", "widget")]["function"] == "index"
    assert r[("GET", "widget/index")]["function"] == "index"
    assert r[("GET", "widget")]["params"][0]["from"] == "query"
    # a post prefix is the method; a PHP protected method is access level 3; a required `id`
    # goes to the path
    part = r[("POST", "widget/part/{id}")]
    assert (part["access_level"], part["access"]) == (3, "protected")
    # @protected without @access; a body parameter of a GET or DELETE auto route is read from
    # the query, even one marked {@from body}
    note = r[("DELETE", "widget/note")]
    assert note["access_level"] == 2 and note["params"][0]["from"] == "query"
    # inherited public methods of the parent class are routes too
    assert r[("GET", "widget/place")]["source"].endswith("Services/Api.php:8")
    # a one-line doc comment loses its only line: the @url is still read from the raw text
    assert r[("GET", "widget/single-line")]["access"] == "protected"


def test_authentication_classes_and_the_explicit_mount_are_routed(tmp_path: Path) -> None:
    table = build(tmp_path)
    r = routes(table)
    assert table["auth_classes"] == ["ProcessMaker\\Policies\\Gate"]
    assert ("GET", "gate/helper") not in r
    knock = r[("POST", "door/knock")]
    assert knock["mount"] == "door (WebApplication.php:9)"
    assert table["skipped"] == [
        "ProcessMaker\\Services\\Api\\Ghost (alias widgets (api.ini:7, ghost)): class not found"
    ]


def test_same_key_and_method_keep_the_last_mount_and_record_the_shadowed(tmp_path: Path) -> None:
    r = routes(build(tmp_path))
    # Api/Sub/Widget.php mounts at widget/ too (the short class name), after Api/Widget.php
    shared = r[("GET", "widget/shared")]
    assert shared["function"] == "sharedTwo"
    assert shared["shadows"] == ["ProcessMaker\\Services\\Api\\Widget::sharedOne"]
    # both are class-path mounts: which one Restler keeps depends on glob's directory order
    assert shared["order_dependent"] is True
    assert r[("GET", "widgets/shared")]["function"] == "sharedOne"


def test_restler_rc4_puts_required_parameters_in_the_path(tmp_path: Path) -> None:
    table = build(tmp_path, "3.0.0rc4")
    r = routes(table)
    assert table["restler"]["version_prefix"] == "v1"
    assert ("POST", "widget/part/{id}") in r
    # rc4: every required parameter is a path parameter of an auto route
    assert ("DELETE", "widget/note") in r  # {@from body} still wins
    assert r[("GET", "widget/{wid_uid}")]["key"] == "widget/{s0}"
    # rc4 only: a required parameter without @url is a path parameter, not a body one
    assert ("GET", "widget/place") in r and ("GET", "widget/count/{n}") in r


def test_table_is_sorted_and_counted(tmp_path: Path) -> None:
    table = build(tmp_path)
    keys = [(r["path"], gen.METHOD_ORDER[r["method"]]) for r in table["routes"]]
    assert keys == sorted(keys)
    assert table["counts"]["routes"] == len(table["routes"])
    assert sum(table["counts"]["by_method"].values()) == len(table["routes"])


def test_php_literals() -> None:
    assert gen.php_literal("null") is None
    assert gen.php_literal("FALSE") is False
    assert gen.php_literal("-3") == -3
    assert gen.php_literal("'a\\'b'") == "a'b"
    assert gen.php_literal("array()") == []
    assert gen.php_literal("['x' => 1]") == {"x": 1}
    assert gen.php_literal("self::LIMIT") == {"php": "self::LIMIT"}


def test_cli_writes_the_table(tmp_path: Path) -> None:
    write_tree(tmp_path / "src")
    out = tmp_path / "t.json"
    assert gen.main(["--source", str(tmp_path / "src"), "--release", "x", "--out", str(out)]) == 0
    assert json.loads(out.read_text())["release"] == "x"


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--source", "/nonexistent/pm"], "not a directory"),
        (["--git-dir", "/nonexistent/pm"], "--git-dir needs --commit"),
    ],
)
def test_cli_mistakes_are_one_line_and_exit_2(
    tmp_path: Path, argv: list[str], message: str
) -> None:
    lines: list[str] = []
    rc = gen.main([*argv, "--release", "x", "--out", str(tmp_path / "o.json")], lines.append)
    assert rc == 2
    assert len(lines) == 1 and message in lines[0]
    assert not (tmp_path / "o.json").exists()


def test_cli_refuses_a_tree_that_is_not_processmaker(tmp_path: Path) -> None:
    lines: list[str] = []
    rc = gen.main(
        ["--source", str(tmp_path), "--release", "x", "--out", str(tmp_path / "o.json")],
        lines.append,
    )
    assert rc == 2 and "Routes.php not found" in lines[0]


@pytest.mark.skipif(not MIRROR.is_dir(), reason=f"the ProcessMaker mirror {MIRROR} is absent")
@pytest.mark.parametrize("release", sorted(RELEASES))
def test_committed_tables_are_what_the_generator_writes(tmp_path: Path, release: str) -> None:
    out = tmp_path / f"rest-routes-{release}.json"
    argv = ["--git-dir", str(MIRROR), "--commit", RELEASES[release], "--release", release]
    assert gen.main([*argv, "--out", str(out)]) == 0
    assert out.read_bytes() == (DATA / out.name).read_bytes()
