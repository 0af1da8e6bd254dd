"""Reading a JSON or YAML document a user wrote, with errors as one ``file:line:col: …`` line.

The same form compilers and linters use, so editors and CI annotations can jump to the place.

This is the one reader of every file the tools take (seed, scenario, profile, credentials,
deviations), and documents are shared and committed, so it is also where hostile ones stop:
larger than :data:`MAX_DOCUMENT_BYTES` (checked before parsing), nested deeper than
:data:`MAX_DEPTH`, YAML aliases that would add more than :data:`MAX_ALIAS_NODES` nodes (a
"billion laughs" of a few hundred bytes), or an alias inside its own anchor (a cycle) are
refused with one line, never expanded.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

MAX_DOCUMENT_BYTES = 8 * 1024 * 1024
"""The largest document read (a seed of thousands of users is well under a megabyte)."""
MAX_DEPTH = 64
"""The deepest nesting of lists and mappings (a scenario override is about six levels)."""
MAX_ALIAS_NODES = 10_000
"""How many nodes YAML aliases may add to a document in all, counting what each one repeats."""


class DocumentError(ValueError):
    """A document that cannot be read or parsed; the message is one ``file:line:col`` line."""


def read_document(
    path: Path, *, yaml_allowed: bool = True, max_bytes: int = MAX_DOCUMENT_BYTES
) -> Any:
    """The data of a ``.json`` file (or ``.yaml`` / ``.yml`` when ``yaml_allowed``).

    No more than ``max_bytes`` (and one) is read, whatever the file is (``/dev/zero``, a pipe)."""
    try:
        with path.open("rb") as stream:
            raw = stream.read(max_bytes + 1)
    except OSError as exc:
        raise DocumentError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if len(raw) > max_bytes:
        raise DocumentError(_too_large(str(path), max_bytes))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    return parse_document(text, str(path), yaml=yaml_allowed and is_yaml(path), max_bytes=max_bytes)


def _too_large(origin: str, max_bytes: int) -> str:
    return f"{origin}: refused: larger than {max_bytes / 1048576:g} MiB"


def is_yaml(path: Path) -> bool:
    return path.suffix.lower() in (".yaml", ".yml")


def parse_document(
    text: str, origin: str, *, yaml: bool = False, max_bytes: int = MAX_DOCUMENT_BYTES
) -> Any:
    """Parse JSON (or YAML); :class:`DocumentError` names ``origin:line:col`` and the problem,
    or the limit a hostile document went past."""
    if len(text) > max_bytes or len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise DocumentError(_too_large(origin, max_bytes))
    if yaml:
        return _parse_yaml(text, origin)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DocumentError(
            f"{origin}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}"
        ) from None
    except RecursionError:
        raise DocumentError(f"{origin}: refused: nested deeper than {MAX_DEPTH} levels") from None
    if _depth(data) > MAX_DEPTH:
        raise DocumentError(f"{origin}: refused: nested deeper than {MAX_DEPTH} levels")
    return data


def _depth(value: Any) -> int:
    """How deeply lists and objects nest in ``value`` (a scalar is 0), without recursion."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        children = (
            item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        )
        if children is None:
            continue
        deepest = max(deepest, level)
        if level <= MAX_DEPTH:  # deeper is refused anyway: no need to walk it all
            stack.extend((child, level + 1) for child in children)
    return deepest


def _parse_yaml(text: str, origin: str) -> Any:
    import yaml as pyyaml

    loader = _bounded_loader()(text)
    try:
        return loader.get_single_data()
    except _Refused as exc:
        mark = exc.problem_mark
        where = f"{origin}:{mark.line + 1}:{mark.column + 1}" if mark else origin
        raise DocumentError(f"{where}: refused: {exc.problem}") from None
    except pyyaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{origin}:{mark.line + 1}:{mark.column + 1}" if mark else origin
        problem = exc.problem or exc.context or "invalid YAML"
        raise DocumentError(f"{where}: not valid YAML: {problem}") from None
    except pyyaml.YAMLError as exc:
        raise DocumentError(f"{origin}: not valid YAML: {exc}") from None
    finally:
        loader.dispose()


class _Refused(Exception):
    """A limit the document went past, where (a YAML mark) and which."""

    def __init__(self, problem: str, problem_mark: Any) -> None:
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = problem_mark


@cache
def _bounded_loader() -> Any:
    """``yaml.SafeLoader`` that counts, while composing, the depth it is at and the nodes each
    alias repeats, and refuses past :data:`MAX_DEPTH` / :data:`MAX_ALIAS_NODES` (built on first
    use, so reading JSON never imports yaml)."""
    import yaml as pyyaml
    from yaml.events import AliasEvent
    from yaml.events import CollectionStartEvent
    from yaml.events import ScalarEvent
    from yaml.nodes import MappingNode
    from yaml.nodes import Node
    from yaml.nodes import SequenceNode

    def children(node: Node) -> list[Node]:
        if isinstance(node, SequenceNode):
            return list(node.value)
        if isinstance(node, MappingNode):
            return [part for pair in node.value for part in pair]
        return []

    class BoundedLoader(pyyaml.SafeLoader):
        def __init__(self, stream: str) -> None:
            super().__init__(stream)
            self.depth = 0
            self.alias_nodes = 0
            self.open_anchors: set[str] = set()
            self.sizes: dict[int, tuple[int, int]] = {}
            """id of a finished node -> (nodes in it, its height), counting what aliases repeat."""

        def compose_node(self, parent: Node | None, index: Any) -> Node | None:
            event: Any = self.peek_event()  # type: ignore[no-untyped-call]
            if isinstance(event, AliasEvent):
                self._count_alias(event)
                return super().compose_node(parent, index)
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise _Refused(f"nested deeper than {MAX_DEPTH} levels", event.start_mark)
            anchor = event.anchor if isinstance(event, ScalarEvent | CollectionStartEvent) else None
            if anchor is not None:
                self.open_anchors.add(anchor)
            try:
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1
                if anchor is not None:
                    self.open_anchors.discard(anchor)

        def _count_alias(self, event: AliasEvent) -> None:
            anchor = event.anchor
            if anchor in self.open_anchors:
                raise _Refused(f"alias *{anchor} inside its own anchor", event.start_mark)
            if anchor not in self.anchors:
                return  # the composer names the undefined alias
            nodes, height = self._size(self.anchors[anchor])
            self.alias_nodes += nodes
            if self.alias_nodes > MAX_ALIAS_NODES:
                raise _Refused(
                    f"aliases repeat more than {MAX_ALIAS_NODES} nodes (an alias bomb?)",
                    event.start_mark,
                )
            if self.depth + height > MAX_DEPTH:
                raise _Refused(f"nested deeper than {MAX_DEPTH} levels", event.start_mark)

        def _size(self, root: Node) -> tuple[int, int]:
            """Nodes and height of a finished node, aliases counted as what they repeat; each
            node is measured once."""
            sizes = self.sizes
            stack: list[tuple[Node, bool]] = [(root, False)]
            while stack:
                node, ready = stack.pop()
                if id(node) in sizes:
                    continue
                parts = children(node)
                if not ready:
                    stack.append((node, True))
                    stack.extend((part, False) for part in parts if id(part) not in sizes)
                    continue
                measured = [sizes[id(part)] for part in parts]
                sizes[id(node)] = (
                    1 + sum(n for n, _ in measured),
                    1 + max((h for _, h in measured), default=0),
                )
            return sizes[id(root)]

    return BoundedLoader
