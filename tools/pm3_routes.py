#!/usr/bin/env python3
"""Generate ProcessMaker 3's REST route table from its PHP source, the way Restler builds it.

ProcessMaker 3 serves ``/api/1.0/{workspace}/...`` with Luracast Restler 3 (vendored under
``vendor/luracast/restler/vendor/Luracast/Restler``). ``WebApplication::initRest`` mounts the
authentication classes, every class file under ``Services/Api/`` by its class path, each
``[alias: NAME]`` entry of ``Services/api.ini`` under NAME, and the OAuth server under
``oauth2``; ``Routes::addAPIClass`` turns each method into routes from its doc comment
(``@url``, ``@access``, ``@protected``, ``@param``, ``@class``) and its signature. This module
repeats those rules on the source text with regular expressions (no PHP needed) and writes one
JSON table. ``docs/rest-routes.md`` lists every rule with its file and line.

Usage::

    python tools/pm3_routes.py --git-dir DIR --commit SHA --release 3.4.11 --out FILE
    python tools/pm3_routes.py --source CHECKOUT --release 3.4.11 --out FILE

Standard library only.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

GENERATOR = "tools/pm3_routes.py"
SRC_ROOT = "workflow/engine/src/"
SERVICES = SRC_ROOT + "ProcessMaker/Services/"
API_DIR = SERVICES + "Api/"
API_INI = SERVICES + "api.ini"
WEBAPP = "framework/src/Maveriks/WebApplication.php"
RESTLER_DIR = "vendor/luracast/restler/vendor/Luracast/Restler/"
FULL_REQUEST_DATA = "request_data"  # Defaults::$fullRequestDataName
PREFIXING_NAMES = ("id",)  # Routes::$prefixingParameterNames (rc5 only)
HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
METHOD_ORDER = {m: i for i, m in enumerate(HTTP_METHODS)}


class GenerationError(Exception):
    """The source cannot be read the way the generator needs it (one line, for the CLI)."""


# --------------------------------------------------------------------------- source access


class Source:
    """A tree of text files at one commit: a git directory or a plain checkout."""

    commit: str = ""

    def read(self, path: str) -> str | None:
        raise NotImplementedError

    def files_under(self, prefix: str) -> list[str]:
        raise NotImplementedError


class DirSource(Source):
    def __init__(self, root: Path, commit: str = "") -> None:
        if not root.is_dir():
            raise GenerationError(f"--source {root}: not a directory")
        self.root = root
        self.commit = commit

    def read(self, path: str) -> str | None:
        p = self.root / path
        if not p.is_file():
            return None
        return p.read_bytes().decode("utf-8", "surrogateescape")

    def files_under(self, prefix: str) -> list[str]:
        base = self.root / prefix
        if not base.is_dir():
            return []
        return sorted(str(p.relative_to(self.root)) for p in base.rglob("*") if p.is_file())


class GitSource(Source):
    def __init__(self, git_dir: Path, commit: str) -> None:
        self.git_dir = git_dir
        try:
            self.commit = self._git("rev-parse", "--verify", f"{commit}^{{commit}}").strip()
        except GenerationError as e:
            raise GenerationError(f"--commit {commit}: {e}") from None
        self._files = self._git("ls-tree", "-r", "-z", "--name-only", self.commit).split("\0")
        self._cache: dict[str, str | None] = {}

    def _git(self, *args: str) -> str:
        try:
            out = subprocess.run(
                ["git", "--git-dir", str(self.git_dir), *args],
                capture_output=True,
                check=True,
            )
        except FileNotFoundError:
            raise GenerationError("git is not installed") from None
        except subprocess.CalledProcessError as e:
            msg = e.stderr.decode("utf-8", "replace").strip().splitlines()
            raise GenerationError(msg[0] if msg else f"git {args[0]} failed") from None
        return out.stdout.decode("utf-8", "surrogateescape")

    def read(self, path: str) -> str | None:
        if path not in self._cache:
            self._cache[path] = (
                self._git("show", f"{self.commit}:{path}") if path in self._files else None
            )
        return self._cache[path]

    def files_under(self, prefix: str) -> list[str]:
        return sorted(f for f in self._files if f.startswith(prefix))


# --------------------------------------------------------------------------- PHP lexing

_TOKEN = re.compile(
    r"""
    (?P<doc>/\*\*(?=\s).*?\*/)
  | (?P<comment>/\*.*?\*/|//[^\n]*|\#[^\n]*)
  | (?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<heredoc><<<[ \t]*(?P<q>["']?)(?P<hd>\w+)(?P=q)\r?\n.*?\n[ \t]*(?P=hd)\b)
  | (?P<var>\$\w+)
  | (?P<word>\\?\w+(?:\\\w+)*)
  | (?P<ws>\s+)
  | (?P<punct>.)
    """,
    re.S | re.X,
)


@dataclass(frozen=True, slots=True)
class Tok:
    kind: str
    text: str
    line: int


def tokenize(text: str) -> list[Tok]:
    toks: list[Tok] = []
    line = 1
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "punct"
        if kind in ("hd", "q"):
            kind = "heredoc"
        toks.append(Tok(kind, m.group(), line))
        line += m.group().count("\n")
    return toks


@dataclass(frozen=True, slots=True)
class PhpParam:
    name: str
    hint: str | None  # the type declaration as written (``array``, ``\Foo``), or None
    default: str | None  # the default value's source text, or None
    variadic: bool


@dataclass(frozen=True, slots=True)
class PhpMethod:
    name: str
    visibility: str  # public | protected | private
    doc: str  # "" when the method has no doc comment (Reflection: false)
    params: tuple[PhpParam, ...]
    line: int
    path: str  # the file that declares it (a parent class's, for an inherited method)


@dataclass(frozen=True, slots=True)
class PhpClass:
    name: str  # fully qualified, no leading backslash
    doc: str
    parent: str | None  # fully qualified
    methods: tuple[PhpMethod, ...]
    path: str
    line: int
    traits: tuple[str, ...]


_SKIP = ("ws", "comment", "doc")
_MODIFIERS = {"public", "protected", "private", "static", "abstract", "final", "var"}


def _significant(toks: list[Tok], i: int) -> int:
    while i < len(toks) and toks[i].kind in ("ws", "comment"):
        i += 1
    return i


def _resolve_name(name: str, namespace: str, uses: dict[str, str]) -> str:
    if name.startswith("\\"):
        return name[1:]
    first, _, rest = name.partition("\\")
    if first.lower() in uses:
        base = uses[first.lower()]
        return base + ("\\" + rest if rest else "")
    return (namespace + "\\" if namespace else "") + name


def parse_php_class(text: str, path: str) -> PhpClass | None:
    """The first class declared in ``text``: its doc comment, parent and methods."""
    toks = tokenize(text)
    namespace = ""
    uses: dict[str, str] = {}
    depth = 0
    pending_doc = ""
    i = 0
    n = len(toks)
    while i < n:
        t = toks[i]
        if t.kind == "doc":
            pending_doc = t.text
        elif t.kind == "punct" and t.text in ";{}":
            depth += {"{": 1, "}": -1}.get(t.text, 0)
            pending_doc = ""
        elif t.kind == "word" and depth == 0:
            low = t.text.lower()
            if low == "namespace":
                j = _significant(toks, i + 1)
                namespace = toks[j].text.lstrip("\\") if toks[j].kind == "word" else ""
                i = j
            elif low == "use":
                j = i + 1
                chunk: list[str] = []
                while j < n and not (toks[j].kind == "punct" and toks[j].text == ";"):
                    if toks[j].kind not in _SKIP:
                        chunk.append(toks[j].text)
                    j += 1
                for part in " ".join(chunk).split(","):
                    words = part.split()
                    if not words:
                        continue
                    target = words[0].lstrip("\\")
                    alias = words[2] if len(words) >= 3 and words[1].lower() == "as" else None
                    uses[(alias or target.rsplit("\\", 1)[-1]).lower()] = target
                i = j
                pending_doc = ""
            elif low == "class":
                return _parse_class_body(toks, i, namespace, uses, pending_doc, path)
        i += 1
    return None


def _parse_class_body(
    toks: list[Tok], i: int, namespace: str, uses: dict[str, str], doc: str, path: str
) -> PhpClass:
    n = len(toks)
    line = toks[i].line
    j = _significant(toks, i + 1)
    short = toks[j].text
    name = (namespace + "\\" if namespace else "") + short
    parent: str | None = None
    j += 1
    while j < n and not (toks[j].kind == "punct" and toks[j].text == "{"):
        if toks[j].kind == "word" and toks[j].text.lower() == "extends":
            k = _significant(toks, j + 1)
            parent = _resolve_name(toks[k].text, namespace, uses)
            j = k
        j += 1
    body_depth = 1
    depth = 1
    j += 1
    methods: list[PhpMethod] = []
    traits: list[str] = []
    mdoc = ""
    modifiers: list[str] = []
    while j < n and depth > 0:
        t = toks[j]
        if t.kind == "doc" and depth == body_depth:
            mdoc = t.text
        elif t.kind == "punct" and t.text in "{}":
            depth += 1 if t.text == "{" else -1
            if depth == body_depth:
                mdoc, modifiers = "", []
        elif t.kind == "punct" and t.text == ";" and depth == body_depth:
            mdoc, modifiers = "", []
        elif t.kind == "word" and depth == body_depth:
            low = t.text.lower()
            if low in _MODIFIERS:
                modifiers.append(low)
            elif low == "use":
                k = j + 1
                while k < n and not (toks[k].kind == "punct" and toks[k].text in ";{"):
                    if toks[k].kind == "word":
                        traits.append(_resolve_name(toks[k].text, namespace, uses))
                    k += 1
                j = k - 1
            elif low == "function":
                k = _significant(toks, j + 1)
                if toks[k].text == "&":
                    k = _significant(toks, k + 1)
                mname = toks[k].text
                k = _significant(toks, k + 1)
                params, k = _parse_params(toks, k)
                vis = next(
                    (m for m in modifiers if m in ("public", "protected", "private")), "public"
                )
                methods.append(PhpMethod(mname, vis, mdoc, params, t.line, path))
                mdoc, modifiers = "", []
                j = k
                continue
        j += 1
    return PhpClass(name, doc, parent, tuple(methods), path, line, tuple(traits))


def _parse_params(toks: list[Tok], k: int) -> tuple[tuple[PhpParam, ...], int]:
    """Parameters from the ``(`` at ``k``; returns them and the index after ``)``."""
    assert toks[k].text == "("
    depth = 0
    parts: list[list[Tok]] = [[]]
    k += 1
    while k < len(toks):
        t = toks[k]
        if t.kind == "punct" and t.text in "([":
            depth += 1
        elif t.kind == "punct" and t.text in ")]":
            if depth == 0:
                break
            depth -= 1
        elif t.kind == "punct" and t.text == "," and depth == 0:
            parts.append([])
            k += 1
            continue
        if t.kind not in ("ws", "comment", "doc") or depth:
            parts[-1].append(t)
        k += 1
    params: list[PhpParam] = []
    for part in parts:
        sig = [t for t in part if t.kind not in _SKIP]
        var = next((x for x, t in enumerate(sig) if t.kind == "var"), None)
        if var is None:
            continue
        before = [t.text for t in sig[:var]]
        variadic = "..." in "".join(before)
        hint_words = [w for w in before if w not in ("&", ".", "?")]
        hint = hint_words[0] if hint_words else None
        default = None
        rest = part[part.index(sig[var]) + 1 :]
        eq = next((x for x, t in enumerate(rest) if t.text == "="), None)
        if eq is not None:
            default = "".join(t.text for t in rest[eq + 1 :]).strip()
        params.append(PhpParam(sig[var].text[1:], hint, default, variadic))
    return tuple(params), k + 1


# --------------------------------------------------------------------------- PHP values

_INT = re.compile(r"[+-]?(?:0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)\Z")
_FLOAT = re.compile(r"[+-]?(?:[0-9]*\.[0-9]+|[0-9]+\.[0-9]*|[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")
_NUMERIC = re.compile(r"[ \t\n\r\v\f]*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\Z")


def php_literal(src: str) -> Any:
    """The value of a PHP default-value expression (JSON-able); unknown constants stay text."""
    s = src.strip()
    low = s.lower()
    if low == "null":
        return None
    if low in ("true", "false"):
        return low == "true"
    if _INT.match(s):
        return int(s, 0) if not re.match(r"[+-]?0[0-7]+\Z", s) else int(s.replace("0", "0o", 1), 0)
    if _FLOAT.match(s):
        return float(s)
    if len(s) >= 2 and s[0] == s[-1] == "'":
        return re.sub(r"\\([\\'])", r"\1", s[1:-1])
    if len(s) >= 2 and s[0] == s[-1] == '"':
        return s[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    m = re.fullmatch(r"(?:array\s*\((?P<a>.*)\)|\[(?P<b>.*)\])", s, re.S | re.I)
    if m:
        inner = (m.group("a") if m.group("a") is not None else m.group("b")).strip()
        if not inner:
            return []
        items = [x for x in _split_top(inner) if x.strip()]
        if all("=>" not in x for x in items):
            return [php_literal(x) for x in items]
        out: dict[str, Any] = {}
        for x in items:
            k, _, v = x.partition("=>")
            out[str(php_literal(k))] = php_literal(v)
        return out
    return {"php": s}


def _split_top(s: str) -> list[str]:
    parts, depth, cur, quote = [], 0, "", ""
    for ch in s:
        if quote:
            cur += ch
            if ch == quote:
                quote = ""
            continue
        if ch in "'\"":
            quote = ch
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
            continue
        cur += ch
    parts.append(cur)
    return parts


def php_type_of(value: Any) -> str:
    """Routes::type() of a default value."""
    if (isinstance(value, dict) and "php" not in value) or isinstance(value, list):
        return "array"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, float):
        return "float"
    if isinstance(value, int):
        return "int"
    if isinstance(value, str) and _NUMERIC.match(value):
        return "int"  # is_numeric() of a string: is_float() is false for it
    return "string"


def php_empty(value: Any) -> bool:
    return value is None or value is False or value in ("", "0", 0) or value == [] or value == {}


# --------------------------------------------------------------------------- CommentParser

_TAGS_RE = re.compile(r"(^/\*\*)|(^\s*\**[ /]?)|\s(?=@)|\s\*/", re.M | re.A)
_EMBED_RC5 = re.compile(r"{@(\w+)\s?([^}]*)}", re.M | re.S | re.A)
_EMBED_RC4 = re.compile(r"{@(\w+)\s([^}]*)}", re.M | re.S | re.A)
_PATTERN_RC5 = re.compile(r"({@pattern (/.+/[imsxuADSUXJ]*)})", re.S)


def _php_trim(s: str) -> str:
    return s.strip(" \t\n\r\0\x0b")


def _embedded(subject: str, rc4: bool) -> tuple[str, dict[str, Any]]:
    data: dict[str, Any] = {}
    if not rc4:
        while m := _PATTERN_RC5.search(subject):
            subject = subject.replace(m.group(0), "")
            data["pattern"] = m.group(2)
    rx = _EMBED_RC4 if rc4 else _EMBED_RC5
    while m := rx.search(subject):
        subject = subject.replace(m.group(0), "")
        value: Any = m.group(2)
        if value in ("true", "false"):
            value = value == "true"
        elif value == "" and not rc4:
            value = True
        if isinstance(value, str) and "," in value:
            value = value.split(",")
        data[m.group(1)] = value
    return subject, data


def parse_comment(comment: str, rc4: bool = False) -> dict[str, Any]:
    """CommentParser::parse: the tags Routes reads (param, access, protected, class, …)."""
    data: dict[str, Any] = {}
    if not comment:
        return data
    comment = _TAGS_RE.sub("", comment)
    comment = comment.replace("{@*}", "*/").replace("\\@", "@")
    lines = re.split(r"\r?\n", comment)[1:]
    params: list[str] = []
    mode = 0
    for raw in lines:
        line = _php_trim(raw)
        if not line:
            mode = mode or 1
            continue
        if line[0] == "@":
            mode = 2
            params.append(line)
        elif mode == 2:
            params[-1] += " " + line
    for line in params:
        parts = re.split(r"@|\s", line, maxsplit=2)
        parts += [""] * (3 - len(parts))
        name, value = parts[1], parts[2]
        value, emb = _embedded(value, rc4)
        words = [w for w in re.split(r"\s+", value) if w != "" and (not rc4 or w != "0")]
        _parse_param(data, name, words, emb, rc4)
    return data


def _parse_param(
    data: dict[str, Any], param: str, words: list[str], emb: dict[str, Any], rc4: bool
) -> None:
    target = data
    multiple = False
    value: Any
    if param == "param":
        value = _format_param(words)
        multiple = True
    elif param == "class":
        target = data.setdefault("class", {})
        if not isinstance(target, dict):
            return
        cls = words[0] if words else "Unknown"
        param = cls if rc4 else cls.lstrip("\\")
        value = {"description": " ".join(words[1:])}
    elif param == "access":
        value = words[0] if words else False
    elif param in ("expires", "status"):
        value = int(words[0]) if words and re.match(r"[+-]?\d+", words[0]) else 0
    elif param in ("throws", "author", "header", "link", "example", "todo"):
        value = " ".join(words)
        multiple = True
    else:
        value = " ".join(words)
    if emb:
        if isinstance(value, str):
            value = {"description": value}
        if isinstance(value, dict):
            value["properties"] = emb
    if php_empty(target.get(param)):
        target[param] = [value] if multiple else value
    elif multiple:
        target[param].append(value)
    elif (
        isinstance(value, dict)
        and "properties" in value
        and isinstance(target[param], dict)
        and "properties" in target[param]
    ):
        value["properties"] = {**target[param]["properties"], **value["properties"]}
        target[param] = {**target[param], **value}


def _format_param(words: list[str]) -> dict[str, Any]:
    r: dict[str, Any] = {}
    if not words:
        r["type"] = "mixed"
        return r
    first, rest = words[0], words[1:]
    if first[0] == "$":
        r["name"] = first[1:]
        r["type"] = "mixed"
    else:
        types = first.split("|")
        r["type"] = types[0] if len(types) == 1 else types
        if rest and rest[0][:1] == "$":
            r["name"] = rest[0][1:]
            rest = rest[1:]
    return r


# --------------------------------------------------------------------------- Routes

_URL_RE = re.compile(r"@url\s+(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)[ \t]*/?(\S*)", re.S)
_AUTO_RE = re.compile(r"(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)", re.I)
_PARAM_IN_URL = re.compile(r"{[^}]+}|:[^/]+")
_KEY_PARAM = re.compile(r"\{\S(\d+)\}")


def is_object_or_array(type_: Any) -> bool:
    if isinstance(type_, list):
        return any(is_object_or_array(t) for t in type_)
    pos = "|bool|boolean|int|float|string|".find(str(type_))
    return pos <= 0


def type_char(type_: Any) -> str:
    if not type_:
        return "s"
    first = type_[0]
    return "n" if first in ("i", "f") else "s"


@dataclass
class Call:
    class_name: str
    method: PhpMethod
    source: str
    mount: str
    access_level: int
    meta: dict[str, Any]
    params: list[dict[str, Any]]
    arguments: dict[str, int]


@dataclass
class Entry:
    key: str
    method: str
    url: str
    call: Call
    seq: int
    wildcard: bool = False
    shadows: list[str] = field(default_factory=list)
    order_dependent: bool = False


class Store:
    """Routes::$routes: key → method → call; a later addPath for the same pair replaces."""

    def __init__(self) -> None:
        self.entries: dict[tuple[bool, str, str], Entry] = {}
        self.seq = 0

    def put(self, key: str, method: str, url: str, call: Call, wildcard: bool) -> None:
        old = self.entries.get((wildcard, key, method))
        self.seq += 1
        seq = old.seq if old else self.seq
        entry = Entry(key, method, url, call, seq, wildcard)
        if old:
            entry.shadows = list(old.shadows)
            entry.order_dependent = old.order_dependent
            if _who(old.call) != _who(call) and _who(old.call) not in entry.shadows:
                entry.shadows.append(_who(old.call))
                # two class-path mounts: glob(GLOB_NOSORT) order decides (docs/rest-routes.md)
                if old.call.mount == call.mount == "class path":
                    entry.order_dependent = True
            entry.shadows = [s for s in entry.shadows if s != _who(call)]
        self.entries[(wildcard, key, method)] = entry


def _who(call: Call) -> str:
    return f"{call.class_name}::{call.method.name}"


@dataclass(frozen=True, slots=True)
class Dialect:
    """What differs between the vendored Restler 3.0.0rc4 (PM 3.0) and 3.0.0rc5 (PM 3.1+)."""

    version: str

    @property
    def rc4(self) -> bool:
        return self.version == "3.0.0rc4"

    @property
    def prefix(self) -> str:
        return "v1/" if self.rc4 else ""


def resource_path(class_name: str, alias: str | None, dialect: Dialect) -> str:
    """Util::getResourcePath: the lowercased short class name when no alias is given."""
    if alias is None:
        path = class_name.lower()
        if "\\" in class_name:
            path = path[class_name.rindex("\\") + 1 :]
        if "_" in path:
            path = path[path.rindex("_") + 1 :]
    else:
        path = alias.strip("/")
    if path:
        path += "/"
    return dialect.prefix + path


def add_api_class(
    store: Store,
    cls: PhpClass,
    methods: list[PhpMethod],
    class_name: str,
    resource: str,
    mount: str,
    dialect: Dialect,
) -> None:
    """Routes::addAPIClass for one class mounted at ``resource``."""
    rc4 = dialect.rc4
    class_meta = parse_comment(cls.doc, rc4)
    for method in methods:
        lname = method.name.lower()
        if lname.startswith("_"):
            continue
        meta = {**class_meta, **parse_comment(method.doc, rc4)}
        if meta.get("access") == "private":
            continue
        sar = meta.get("smart-auto-routing")
        allow_ambiguity = sar is not None and sar not in ("true", True)
        raw_params = meta.get("param")
        doc_params: list[Any] = raw_params if isinstance(raw_params, list) else []
        params: list[dict[str, Any]] = []
        arguments: dict[str, int] = {}
        path_params: list[int] = []
        required_num = max(
            (x + 1 for x, p in enumerate(method.params) if p.default is None and not p.variadic),
            default=0,
        )
        for pos, p in enumerate(method.params):
            m: dict[str, Any] = dict(doc_params[pos]) if pos < len(doc_params) else {}
            props: dict[str, Any] = dict(m.get("properties") or {})
            m["name"] = p.name
            arguments[p.name] = pos
            default = php_literal(p.default) if p.default is not None else None
            type_: Any = None
            if p.hint and p.hint.lower() == "array":
                type_ = "array"
            elif p.hint and p.hint.lower() not in _SCALAR_HINTS:
                type_ = p.hint.lstrip("\\")
            if type_ is None and "type" in m:
                type_ = m["type"]
            if not rc4 and p.name == "email" and not props.get("type") and type_ == "string":
                props["type"] = "email"
            m["default"] = default
            m["required"] = pos < required_num
            if type_ is not None:
                m["type"] = type_
            if p.name == FULL_REQUEST_DATA:
                src = "body"
                if rc4:
                    props.pop("from", None)
                elif "type" not in m:
                    type_ = m["type"] = "array"
            elif props.get("from") is not None:
                src = str(props["from"])
            elif type_ is not None and is_object_or_array(type_):
                src = "body"
            elif m["required"] and (rc4 or p.name in PREFIXING_NAMES):
                src = "path"
            else:
                src = "query" if rc4 else "body"
            m["from"] = src
            if not rc4 and "type" not in m:
                type_ = m["type"] = php_type_of(default)
            m["properties"] = props
            if allow_ambiguity or src == "path":
                path_params.append(pos)
            params.append(m)
        level = 0
        access = meta.get("access")
        if method.visibility == "protected":
            level = 3
        elif "access" in meta:
            level = {"protected": 2, "hybrid": 1}.get(access, 0) if isinstance(access, str) else 0
        elif "protected" in meta:
            level = 2
        call = Call(
            cls.name, method, f"{method.path}:{method.line}", mount, level, meta, params, arguments
        )
        manual = list(_URL_RE.finditer(method.doc))
        if manual:
            for mm in manual:
                http = mm.group(1)
                url = (resource + mm.group(2)).rstrip("/")
                copy = [dict(q) for q in params]
                for q in copy:
                    in_path = url.find("{" + q["name"] + "}") > 0 or url.find(":" + q["name"]) > 0
                    if in_path:
                        q["from"] = "path"
                    elif rc4:
                        if q["from"] == "path":
                            q["from"] = "query" if http in ("GET", "DELETE") else "body"
                    elif http in ("GET", "DELETE"):
                        q["from"] = "query"
                    elif q["from"] == "path":
                        q["from"] = "body"

                key = _PARAM_IN_URL.sub(_typed_index(arguments, params), url)
                _add_path(store, key, _replace(call, copy), http, rc4)
        else:
            http = "GET"
            rest = lname
            am = _AUTO_RE.match(lname)
            if am:
                http = am.group(0).upper()
                rest = lname[len(http) :]
            if rest == "index":
                rest = ""
            url = resource.rstrip("/") if php_empty(rest) else resource + rest
            stored = [dict(q) for q in params]
            if not rc4:
                for q in stored:
                    if q["from"] == "body" and http in ("GET", "DELETE"):
                        q["from"] = "query"
            auto = _replace(call, stored)
            if not path_params or (allow_ambiguity and not rc4):
                _add_path(store, url, auto, http, rc4)
            last = (len(path_params) - 1) if not rc4 else (path_params[-1] if path_params else -1)
            for pos in path_params:
                if not php_empty(url):
                    url += "/"
                url += "{" + type_char(params[pos].get("type")) + str(pos) + "}"
                if allow_ambiguity or pos == last:
                    _add_path(store, url, auto, http, rc4)


def _typed_index(
    arguments: dict[str, int], params: list[dict[str, Any]]
) -> Callable[[re.Match[str]], str]:
    """The @url placeholder (``{name}`` or ``:name``) as Restler keys it: ``{s0}``, ``{n1}``."""

    def repl(x: re.Match[str]) -> str:
        idx = arguments.get(x.group(0).strip("{}:"))
        t = params[idx].get("type") if idx is not None else None
        return "{" + type_char(t) + ("" if idx is None else str(idx)) + "}"

    return repl


_SCALAR_HINTS = {
    "string",
    "int",
    "float",
    "bool",
    "callable",
    "iterable",
    "object",
    "self",
    "mixed",
}


def _replace(call: Call, params: list[dict[str, Any]]) -> Call:
    return Call(
        call.class_name,
        call.method,
        call.source,
        call.mount,
        call.access_level,
        call.meta,
        params,
        call.arguments,
    )


def _add_path(store: Store, path: str, call: Call, http: str, rc4: bool) -> None:
    """Routes::addPath."""

    def name(m: re.Match[str]) -> str:
        idx = int(m.group(1))
        return "{" + (call.params[idx]["name"] if idx < len(call.params) else "") + "}"

    url = _KEY_PARAM.sub(name, path)
    if path.endswith("*"):
        store.put(path.rstrip("/*"), http, url, call, wildcard=True)
        return
    store.put(path, http, url, call, wildcard=False)
    if call.method.name == "index":
        store.put(f"{path}/index" if rc4 else f"{path}/index".lstrip("/"), http, url, call, False)


# --------------------------------------------------------------------------- the mounts


@dataclass(frozen=True, slots=True)
class Mount:
    class_name: str  # as passed to addAPIClass (may start with a backslash)
    alias: str | None  # resourcePath argument; None: the class path
    label: str


def restler_version(src: Source) -> str:
    text = src.read(RESTLER_DIR + "Routes.php")
    if text is None:
        raise GenerationError(f"{RESTLER_DIR}Routes.php not found: is this ProcessMaker 3?")
    m = re.search(r"@version\s+(\S+)", text)
    if not m or m.group(1) not in ("3.0.0rc4", "3.0.0rc5"):
        raise GenerationError(
            f"vendored Restler {m.group(1) if m else '(no @version)'} is not one this "
            "generator knows (3.0.0rc4, 3.0.0rc5)"
        )
    return m.group(1)


def _php_single_quoted(s: str) -> str:
    return re.sub(r"\\([\\'])", r"\1", s)


def mounts(src: Source) -> tuple[list[Mount], dict[str, Any]]:
    """The addAPIClass calls of WebApplication::initRest, in order; and request facts."""
    text = src.read(WEBAPP)
    if text is None:
        raise GenerationError(f"{WEBAPP} not found")
    start = text.find("function initRest")
    if start < 0:
        raise GenerationError(f"{WEBAPP}: no initRest()")
    base_line = text.count("\n", 0, start) + 1
    body = text[start:]
    end = re.search(r"\n    (?:public|protected|private)[^\n]*function ", body)
    body = body[: end.start()] if end else body

    def line_of(pos: int) -> int:
        return base_line + body.count("\n", 0, pos)

    variables = {
        m.group(1): _php_single_quoted(m.group(2))
        for m in re.finditer(r"\$(\w+)\s*=\s*'([^']+)';", body)
    }
    out: list[Mount] = []
    for m in re.finditer(r"addAuthenticationClass\(\s*\$(\w+)\s*(?:,\s*'([^']*)'\s*)?\)", body):
        cls = variables.get(m.group(1))
        if cls is None:
            raise GenerationError(f"{WEBAPP}: ${m.group(1)} is not a class name")
        out.append(
            Mount(
                cls, m.group(2), f"authentication class ({Path(WEBAPP).name}:{line_of(m.start())})"
            )
        )
    for path in api_class_files(src):
        rel = path[len(SERVICES) : -len(".php")]
        out.append(Mount("\\ProcessMaker\\Services\\" + rel.replace("/", "\\"), None, "class path"))
    ini = src.read(API_INI)
    if ini is not None:
        for section, key, value, line in parse_ini(ini):
            name, sep, sub = section.partition(":")
            if sep and name.strip() == "alias":
                out.append(
                    Mount(
                        "\\" + value.lstrip("\\"),
                        sub.strip(),
                        f"alias {sub.strip()} ({Path(API_INI).name}:{line}, {key})",
                    )
                )
    for m in re.finditer(r"addAPIClass\('([^']+)',\s*'([^']+)'\)", body):
        out.append(
            Mount(
                _php_single_quoted(m.group(1)),
                m.group(2),
                f"{m.group(2)} ({Path(WEBAPP).name}:{line_of(m.start())})",
            )
        )
    facts = {
        "plugin_prefix_rewrite": "'/plugin-'" in body,
        "extensions_overriding": re.findall(r"setOverridingFormats\(([^)]*)\)", body),
    }
    return out, facts


def api_class_files(src: Source) -> list[str]:
    """Common::rglob(Api/*): sorted files of a directory, then each subdirectory's, depth first.

    The top level is sorted (glob); subdirectories come from glob(GLOB_NOSORT), the file
    system's order, for which this uses sorted order too (docs/rest-routes.md)."""
    files = [f for f in src.files_under(API_DIR) if f.endswith(".php")]

    def walk(prefix: str) -> Iterator[str]:
        here = sorted({f[len(prefix) :].split("/", 1)[0] for f in files if f.startswith(prefix)})
        subdirs = []
        for name in here:
            if prefix + name in files:
                yield prefix + name
            if any(f.startswith(prefix + name + "/") for f in files):
                subdirs.append(name)
        for d in subdirs:
            yield from walk(prefix + d + "/")

    return list(walk(API_DIR))


def parse_ini(text: str) -> Iterator[tuple[str, str, str, int]]:
    """(section, key, value, line) of parse_ini_file(…, true), in order."""
    section = ""
    for no, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line[0] in ";#":
            continue
        if line.startswith("[") and "]" in line:
            section = line[1 : line.index("]")]
            continue
        key, sep, value = line.partition("=")
        if not sep:
            continue
        value = value.strip()
        if value[:1] == '"':
            value = value[1 : value.index('"', 1)] if '"' in value[1:] else value[1:]
        else:
            value = value.split(";", 1)[0].strip()
        yield section, key.strip(), value, no


# --------------------------------------------------------------------------- the table


def class_file(class_name: str) -> str:
    return SRC_ROOT + class_name.lstrip("\\").replace("\\", "/") + ".php"


def load_class(src: Source, class_name: str, cache: dict[str, PhpClass | None]) -> PhpClass | None:
    """The class as PHP's autoloader finds it (PSR-0 under workflow/engine/src)."""
    key = class_name.lstrip("\\")
    if key not in cache:
        text = src.read(class_file(key))
        cls = parse_php_class(text, class_file(key)) if text is not None else None
        cache[key] = cls if cls is not None and cls.name.lower() == key.lower() else None
    return cache[key]


def all_methods(src: Source, cls: PhpClass, cache: dict[str, PhpClass | None]) -> list[PhpMethod]:
    """ReflectionClass::getMethods(PUBLIC + PROTECTED): own methods, then inherited ones."""
    if cls.traits:
        raise GenerationError(f"{cls.path}: uses traits {cls.traits}, which this generator skips")
    seen = {m.name.lower() for m in cls.methods}
    out = [m for m in cls.methods if m.visibility != "private"]
    parent = load_class(src, cls.parent, cache) if cls.parent else None
    if cls.parent and parent is None:
        raise GenerationError(f"{cls.path}: parent class {cls.parent} not found")
    if parent is not None:
        for m in all_methods(src, parent, cache):
            if m.name.lower() not in seen:
                out.append(m)
    return out


def build(src: Source, release: str) -> dict[str, Any]:
    version = restler_version(src)
    dialect = Dialect(version)
    mount_list, facts = mounts(src)
    store = Store()
    cache: dict[str, PhpClass | None] = {}
    skipped: list[str] = []
    auth_classes = [m.class_name.lstrip("\\") for m in mount_list if m.label.startswith("auth")]
    for mount in mount_list:
        cls = load_class(src, mount.class_name, cache)
        if cls is None:
            skipped.append(f"{mount.class_name.lstrip(chr(92))} ({mount.label}): class not found")
            continue
        resource = resource_path(mount.class_name, mount.alias, dialect)
        add_api_class(
            store,
            cls,
            all_methods(src, cls, cache),
            mount.class_name,
            resource,
            mount.label,
            dialect,
        )
    routes = [_route_json(e, dialect, auth_classes) for e in store.entries.values()]
    routes.sort(key=lambda r: (r["path"], METHOD_ORDER.get(r["method"], 99), r["method"]))
    by_method: dict[str, int] = {}
    for r in routes:
        by_method[r["method"]] = by_method.get(r["method"], 0) + 1
    extensions = [".json"] if not dialect.rc4 else [".json", ".json", ".post"]
    return {
        "release": release,
        "commit": src.commit,
        "generator": GENERATOR,
        "restler": {
            "version": version,
            "version_prefix": "v1" if dialect.rc4 else "",
            "extensions": extensions,
            "script_name": "/app.php",
            "plugin_prefix_rewrite": facts["plugin_prefix_rewrite"],
        },
        "auth_classes": auth_classes,
        "counts": {
            "routes": len(routes),
            "by_method": dict(
                sorted(by_method.items(), key=lambda kv: METHOD_ORDER.get(kv[0], 99))
            ),
            "protected": sum(1 for r in routes if r["access"] == "protected"),
            "hybrid": sum(1 for r in routes if r["access"] == "hybrid"),
            "with_permissions": sum(1 for r in routes if r["permissions"]),
            "shadowing": sum(1 for r in routes if r["shadows"]),
            "order_dependent": sum(1 for r in routes if r["order_dependent"]),
        },
        "skipped": skipped,
        "routes": routes,
    }


def _strip_prefix(path: str, dialect: Dialect) -> str:
    if dialect.rc4:
        if path == "v1":
            return ""
        if path.startswith("v1/"):
            return path[3:]
    return path


def _route_json(e: Entry, dialect: Dialect, auth_classes: list[str]) -> dict[str, Any]:
    call = e.call
    key = _strip_prefix(e.key, dialect)
    names = {str(i): p["name"] for i, p in enumerate(call.params)}
    path = re.sub(r"\{\S(\d+)\}", lambda m: "{" + names.get(m.group(1), "") + "}", key)
    if e.wildcard:
        path = _strip_prefix(e.url, dialect)
    perms: list[str] = []
    classes = call.meta.get("class")
    for auth in auth_classes:
        if not isinstance(classes, dict):
            break
        short = auth.rsplit("\\", 1)[-1]
        entry = classes.get(auth) or classes.get(short)
        props = entry.get("properties") if isinstance(entry, dict) else None
        value = props.get("permission") if isinstance(props, dict) else None
        if isinstance(value, str):
            perms = [_php_trim(value)]
        elif isinstance(value, list):
            perms = [_php_trim(str(v)) for v in value]
        if perms:
            break
    return {
        "method": e.method,
        "path": path,
        "key": key,
        "class": call.class_name,
        "function": call.method.name,
        "access": {0: "public", 1: "hybrid"}.get(call.access_level, "protected"),
        "access_level": call.access_level,
        "access_tag": call.meta.get("access") if isinstance(call.meta.get("access"), str) else None,
        "permissions": perms,
        "params": [_param_json(p) for p in call.params],
        "source": call.source,
        "mount": call.mount,
        "seq": e.seq,
        "wildcard": e.wildcard,
        "shadows": e.shadows,
        "order_dependent": e.order_dependent,
    }


def _num(v: Any) -> Any:
    if isinstance(v, str) and re.fullmatch(r"-?\d+", v.strip()):
        return int(v)
    if isinstance(v, str) and re.fullmatch(r"-?\d*\.\d+", v.strip()):
        return float(v)
    return v


def _param_json(p: dict[str, Any]) -> dict[str, Any]:
    props = p.get("properties") or {}
    choice = props.get("choice")
    if choice is not None and not isinstance(choice, list):
        choice = [choice]
    t = p.get("type")
    return {
        "name": p["name"],
        "type": "|".join(t) if isinstance(t, list) else t,
        "from": p["from"],
        "required": p["required"],
        "default": p["default"],
        "choice": choice,
        "min": _num(props.get("min")),
        "max": _num(props.get("max")),
    }


def render(table: dict[str, Any]) -> str:
    """The table as committed: the header indented, one route a line."""
    head = {k: v for k, v in table.items() if k != "routes"}
    text = json.dumps(head, indent=1, ensure_ascii=False)[:-2]
    lines = [json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in table["routes"]]
    return text + ',\n "routes": [\n  ' + ",\n  ".join(lines) + "\n ]\n}\n"


# --------------------------------------------------------------------------- CLI


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="pm3_routes.py",
        description="Write ProcessMaker 3's REST route table (Restler's rules) as JSON.",
    )
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--git-dir", type=Path, help="a ProcessMaker git directory")
    where.add_argument("--source", type=Path, help="a plain ProcessMaker checkout")
    p.add_argument("--commit", help="the commit to read (with --git-dir; recorded with --source)")
    p.add_argument("--release", required=True, help="the release name recorded in the table")
    p.add_argument("--out", type=Path, required=True, help="the JSON file to write")
    return p


def main(argv: list[str] | None = None, err: Callable[[str], None] | None = None) -> int:
    args = build_parser().parse_args(argv)
    say = err or (lambda s: print(s, file=sys.stderr))
    try:
        if args.git_dir is not None:
            if not args.commit:
                raise GenerationError("--git-dir needs --commit")
            src: Source = GitSource(args.git_dir, args.commit)
        else:
            src = DirSource(args.source, args.commit or "")
        text = render(build(src, args.release))
        if not args.out.parent.is_dir():
            raise GenerationError(f"--out {args.out}: no such directory {args.out.parent}")
        args.out.write_text(text, encoding="utf-8", errors="surrogateescape")
    except (GenerationError, OSError) as e:
        say(f"pm3_routes.py: error: {e}")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
