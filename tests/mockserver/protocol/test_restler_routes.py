"""mockserver.protocol.restler_routes: the committed tables and Restler's Routes::find."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mockserver.protocol import restler_routes as rr

DATA = Path(rr.__file__).parent / "data"
RELEASES = ("3.0", "3.2", "3.4.10", "3.4.11")


def found(result: rr.Result) -> rr.Found:
    assert isinstance(result, rr.Found), result
    return result


# --------------------------------------------------------------------------- the tables


def test_releases_are_listed_oldest_first() -> None:
    assert rr.releases() == RELEASES


def test_importing_reads_no_table() -> None:
    code = (
        "import builtins, io\n"
        "opened = []\n"
        "real = io.open\n"
        "def spy(f, *a, **k):\n"
        "    opened.append(str(f)); return real(f, *a, **k)\n"
        "builtins.open = io.open = spy\n"
        "import mockserver.protocol.restler_routes\n"
        "print([f for f in opened if 'rest-routes' in f])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_table_is_read_once() -> None:
    assert rr.table("3.4.11") is rr.table("3.4.11")


def test_unknown_release_is_refused_by_name() -> None:
    with pytest.raises(rr.UnknownRelease, match=r"'9\.9'.*3\.4\.11"):
        rr.table("9.9")


@pytest.mark.parametrize("release", RELEASES)
def test_committed_tables_are_well_formed_and_sorted(release: str) -> None:
    data: dict[str, Any] = json.loads((DATA / f"rest-routes-{release}.json").read_text())
    assert data["release"] == release
    assert re.fullmatch(r"[0-9a-f]{40}", data["commit"])
    assert data["generator"] == "tools/pm3_routes.py"
    routes = data["routes"]
    order = {m: i for i, m in enumerate(("GET", "POST", "PUT", "PATCH", "DELETE"))}
    keys = [(r["path"], order[r["method"]]) for r in routes]
    assert keys == sorted(keys)
    assert len({(r["method"], r["key"]) for r in routes}) == len(routes)
    counts = data["counts"]
    assert counts["routes"] == len(routes)
    assert counts["by_method"] == {
        m: sum(1 for r in routes if r["method"] == m) for m in counts["by_method"]
    }
    assert counts["protected"] == sum(1 for r in routes if r["access"] == "protected")
    assert counts["with_permissions"] == sum(1 for r in routes if r["permissions"])
    for r in routes:
        assert r["access"] in ("public", "hybrid", "protected")
        names = re.findall(r"\{([^}]*)\}", r["path"])
        assert all(p["from"] == "path" for p in r["params"] if p["name"] in names) or r[
            "key"
        ].startswith("{")
        assert re.fullmatch(r"[\w/.]+\.php:\d+", r["source"])


KNOWN = [
    ("GET", "users", "ProcessMaker\\Services\\Api\\User", "index"),
    ("GET", "user/{usr_uid}", "ProcessMaker\\Services\\Api\\User", "doGetUser"),
    ("PUT", "user/{usr_uid}", "ProcessMaker\\Services\\Api\\User", "doPutUser"),
    ("POST", "cases", "ProcessMaker\\Services\\Api\\Cases", "doPostCase"),
    (
        "GET",
        "cases/{app_uid}/variables",
        "ProcessMaker\\Services\\Api\\Cases",
        "doGetCaseVariables",
    ),
    ("GET", "case/start-cases", "ProcessMaker\\Services\\Api\\Cases", "doGetCasesListStarCase"),
    ("GET", "light/start-case", "ProcessMaker\\Services\\Api\\Light", "getProcessListStartCase"),
    ("GET", "groups", "ProcessMaker\\Services\\Api\\Group", "index"),
    ("GET", "roles", "ProcessMaker\\Services\\Api\\Role", "index"),
    ("GET", "departments", "ProcessMaker\\Services\\Api\\Department", "doGetDepartments"),
    ("GET", "project/{prj_uid}", "ProcessMaker\\Services\\Api\\Project", "doGetProject"),
    ("POST", "oauth2/token", "ProcessMaker\\Services\\OAuth2\\Server", "postToken"),
]


@pytest.mark.parametrize(("method", "path", "cls", "function"), KNOWN)
def test_known_routes_of_3_4_11(method: str, path: str, cls: str, function: str) -> None:
    routes = {(r.method, r.path): r for r in rr.table("3.4.11").routes}
    route = routes[(method, path)]
    assert (route.class_, route.function) == (cls, function)


def test_get_user_needs_pm_users_or_pm_factory_in_3_4_11_only() -> None:
    def route(release: str) -> rr.Route:
        return next(
            r for r in rr.table(release).routes if (r.method, r.path) == ("GET", "user/{usr_uid}")
        )

    new = route("3.4.11")
    assert (new.access, new.access_tag, new.permissions) == (
        "protected",
        "protected",
        ("PM_USERS", "PM_FACTORY"),
    )
    assert new.mount.startswith("alias user (api.ini:63")
    assert new.params[0] == rr.Param("usr_uid", "string", "path", True, None, None, 32, 32)
    assert route("3.0").permissions == ()


def test_diff_lists_added_removed_and_changed() -> None:
    d = rr.diff("3.2", "3.4.11")
    assert (d.a, d.b) == ("3.2", "3.4.11")
    old = {(r.method, r.key) for r in rr.table("3.2").routes}
    new = {(r.method, r.key) for r in rr.table("3.4.11").routes}
    assert {(r.method, r.key) for r in d.added} == new - old
    assert {(r.method, r.key) for r in d.removed} == old - new
    changed = {(c.method, c.key): c for c in d.changed}
    case = changed[("DELETE", "case/{s0}")]
    assert (case.before.permissions, case.after.permissions) == ((), ("PM_CASES",))
    assert ("GET", "user/{s0}") not in changed  # PM_USERS,PM_FACTORY since 3.2
    assert rr.diff("3.4.10", "3.4.11") == rr.Diff("3.4.10", "3.4.11")


# --------------------------------------------------------------------------- Routes::find


@pytest.fixture(scope="module")
def t() -> rr.RouteTable:
    return rr.table("3.4.11")


def test_static_route(t: rr.RouteTable) -> None:
    hit = found(t.find("GET", "users"))
    assert (hit.route.function, hit.via, dict(hit.args)) == ("index", "static", {})


def test_dynamic_route_binds_path_arguments(t: rr.RouteTable) -> None:
    hit = found(t.find("GET", "cases/00000000000000000000000000000001/variables"))
    assert hit.route.function == "doGetCaseVariables"
    assert dict(hit.args) == {"app_uid": "00000000000000000000000000000001"}
    assert hit.via == "dynamic"


def test_unknown_path_is_404(t: rr.RouteTable) -> None:
    miss = t.find("GET", "processes")
    assert isinstance(miss, rr.NotFound)
    assert (miss.status, miss.headers) == (404, ())
    assert miss.body() == {"error": {"code": 404, "message": "Not Found"}}


def test_known_static_path_with_another_method_is_405_with_allow(t: rr.RouteTable) -> None:
    miss = t.find("PATCH", "users")
    assert isinstance(miss, rr.MethodNotAllowed)
    assert miss.allowed == ("GET", "POST")
    assert miss.headers == (("Allow", "GET, POST"),)
    assert miss.body() == {"error": {"code": 405, "message": "Method Not Allowed"}}
    token = t.find("GET", "oauth2/token")
    assert isinstance(token, rr.MethodNotAllowed) and token.allowed == ("POST",)


def test_a_path_with_parameters_and_another_method_is_404_not_405(t: rr.RouteTable) -> None:
    # the 405 check looks the request path up as a key; users/{s0} never equals a request path
    assert isinstance(t.find("PATCH", "user/00000000000000000000000000000001"), rr.NotFound)


def test_delete_of_any_one_segment_reaches_the_oauth_server(t: rr.RouteTable) -> None:
    # OAuth2\Server is also an authentication class mounted at the root: DELETE /:token
    hit = found(t.find("DELETE", "users"))
    assert (hit.route.class_, hit.route.function, dict(hit.args)) == (
        "ProcessMaker\\Services\\OAuth2\\Server",
        "doDeleteToken",
        {"token": "users"},
    )


def test_format_suffix_is_removed_anywhere(t: rr.RouteTable) -> None:
    assert found(t.find("GET", "users.json")).route.function == "index"
    hit = found(t.find("GET", "cases/abc.json/variables"))
    assert dict(hit.args) == {"app_uid": "abc"}
    assert isinstance(t.find("GET", "users.xml"), rr.NotFound)


def test_trailing_slashes_and_query_are_dropped(t: rr.RouteTable) -> None:
    assert found(t.find("GET", "users/")).via == "static"
    assert found(t.find("GET", "users//?filter=a/b")).route.function == "index"


def test_restler_3_0_drops_one_trailing_slash_and_the_second_is_an_empty_argument() -> None:
    old = rr.table("3.0")
    assert found(old.find("GET", "users/")).via == "static"
    hit = found(old.find("GET", "users//"))
    assert (hit.route.path, hit.route.function, dict(hit.args)) == (
        "users/{usr_uid}",
        "doGetUser",
        {"usr_uid": ""},
    )
    assert hit.path == "v1/users/"  # Restler 3.0 keys every route under v1/


def test_case_is_ignored_after_the_exact_static_lookup(t: rr.RouteTable) -> None:
    hit = found(t.find("GET", "USERS"))
    assert (hit.route.function, hit.via) == ("index", "dynamic")
    assert isinstance(t.find("get", "users"), rr.NotFound | rr.MethodNotAllowed)


def test_static_keys_sort_before_parameter_keys(t: rr.RouteTable) -> None:
    # case/start-cases is a key of its own; case/{app_uid} would match it too
    hit = found(t.find("GET", "case/start-cases"))
    assert hit.route.function == "doGetCasesListStarCase"
    upper = found(t.find("GET", "CASE/START-CASES"))
    assert upper.route.function == "doGetCasesListStarCase"  # "s" < "{" in ksort order
    other = found(t.find("GET", "case/00000000000000000000000000000001"))
    assert other.route.path == "case/{app_uid}"


def test_arguments_are_url_decoded_and_an_encoded_slash_splits(t: rr.RouteTable) -> None:
    hit = found(t.find("GET", "user/a%20b+c"))
    assert dict(hit.args) == {"usr_uid": "a b c"}
    assert isinstance(t.find("GET", "cases/a%2Fb/variables"), rr.NotFound)


def test_extra_trailing_parts_and_empty_segments(t: rr.RouteTable) -> None:
    assert isinstance(t.find("GET", "users/x/y/z/w"), rr.NotFound)
    hit = found(t.find("GET", "cases//variables"))
    assert dict(hit.args) == {"app_uid": ""}


def test_head_is_get_and_overrides_apply(t: rr.RouteTable) -> None:
    assert found(t.find("HEAD", "users")).route.method == "GET"
    assert found(t.find("GET", "users", method_override="POST")).route.method == "POST"
    assert found(t.find("GET", "users", http_method="post")).route.method == "POST"
    assert found(t.find("GET", "users", http_method="TRACE")).route.method == "GET"


def test_app_php_segment_is_the_script_name(t: rr.RouteTable) -> None:
    assert t.normalize("app.php/users") == "users"


def _table(routes: list[dict[str, Any]], version: str = "3.0.0rc5") -> rr.RouteTable:
    return rr.RouteTable(
        {
            "release": "t",
            "commit": "0" * 40,
            "counts": {},
            "restler": {
                "version": version,
                "version_prefix": "v1" if version.endswith("rc4") else "",
                "extensions": [".json"],
                "script_name": "/app.php",
                "plugin_prefix_rewrite": True,
            },
            "routes": routes,
        }
    )


def _r(
    method: str, key: str, params: list[str], seq: int, wildcard: bool = False
) -> dict[str, Any]:
    return {
        "method": method,
        "path": key,
        "key": key,
        "class": "C",
        "function": f"f{seq}",
        "access": "public",
        "access_level": 0,
        "access_tag": None,
        "permissions": [],
        "params": [
            {
                "name": n,
                "type": "int",
                "from": "path",
                "required": True,
                "default": None,
                "choice": None,
                "min": None,
                "max": None,
            }
            for n in params
        ],
        "source": "x.php:1",
        "mount": "class path",
        "seq": seq,
        "wildcard": wildcard,
        "shadows": [],
        "order_dependent": False,
    }


def test_a_numeric_segment_that_is_not_numeric_is_400_unless_another_key_matches() -> None:
    t = _table([_r("GET", "item/{n0}", ["id"], 1)])
    assert dict(found(t.find("GET", "item/12")).args) == {"id": "12"}
    bad = t.find("GET", "item/abc")
    assert isinstance(bad, rr.BadRequest)
    assert bad.body() == {
        "error": {"code": 400, "message": "Bad Request: invalid value specified for `id`"}
    }
    both = _table([_r("GET", "item/{n0}", ["id"], 1), _r("GET", "item/{s0}", ["name"], 2)])
    assert dict(found(both.find("GET", "item/abc")).args) == {"name": "abc"}
    assert found(both.find("GET", "item/7")).route.key == "item/{n0}"  # "n" < "s"


def test_allow_lists_methods_in_the_order_restler_stored_them() -> None:
    t = _table([_r("PUT", "thing", [], 1), _r("GET", "thing", [], 2), _r("DELETE", "thing", [], 3)])
    miss = t.find("POST", "thing")
    assert isinstance(miss, rr.MethodNotAllowed) and miss.allowed == ("PUT", "GET", "DELETE")


def test_wildcard_routes_take_the_rest_of_the_path() -> None:
    t = _table([_r("GET", "files", [], 1, wildcard=True)])
    hit = found(t.find("GET", "files/a/b"))
    assert (hit.via, hit.wildcard_args) == ("wildcard", ("a", "b"))


def test_plugin_prefix_is_rewritten() -> None:
    t = _table([_r("GET", "acme/list", [], 1)])
    assert found(t.find("GET", "plugin-Acme/list")).route.key == "acme/list"
