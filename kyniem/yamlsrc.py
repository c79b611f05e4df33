"""Reading editors' files: UTF-8 text in NFC, front matter, and YAML with line numbers.

Editors write YAML by hand, so every value must be traceable to a line for the
messages we give them. Anchors and aliases are refused outright: no editor needs
them, and refusing them before construction makes "billion laughs" bombs harmless.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .encoding import guess_encoding
from .problems import Report
from .text import nfc

PathKey = tuple[object, ...]


@dataclass
class LineMap:
    """Line numbers (1-based, in the whole file) of YAML keys and list items."""

    lines: dict[PathKey, int] = field(default_factory=dict)
    first_line: int = 1

    def line(self, path: PathKey = ()) -> int:
        """Line of ``path`` or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), self.first_line)


class _NoAliasLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases before they are expanded."""

    def compose_node(self, parent: Node | None, index: object) -> Node:  # type: ignore[override]
        if self.check_event(AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                problem="YAML aliases (*name) are not allowed in kyniem content; write the value out in full",
                problem_mark=event.start_mark,
            )
        return super().compose_node(parent, index)

    def construct_yaml_timestamp(self, node: ScalarNode) -> object:
        """An impossible date (2020-02-30) stays text, so the content layer names it with its line."""
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_NoAliasLoader.add_constructor("tag:yaml.org,2002:timestamp", _NoAliasLoader.construct_yaml_timestamp)


def read_text(path: Path, source: str, report: Report) -> str | None:
    """Read a UTF-8 file as NFC text with ``\\n`` line ends; report and return None otherwise."""
    text = decode_utf8(path.read_bytes(), source, report)
    return None if text is None else nfc(text)


def decode_utf8(data: bytes, source: str, report: Report) -> str | None:
    """UTF-8 bytes as text exactly as written (BOM dropped, ``\\n`` line ends).

    Bytes that are not UTF-8 are reported with the line of the first bad byte and
    the legacy encoding they most likely are, and how to convert them; None then.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        guess = guess_encoding(data)
        if guess:
            what = f" (it looks like {guess}); convert it to Unicode with: kyniem import --fix-encoding {source}"
        else:
            what = "; open it and save it again as UTF-8 (Unicode)"
        report.error(source, line, f"the file is not UTF-8{what}", "encoding")
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Split ``---`` front matter from a Markdown file.

    Returns (front matter text or None, body, 1-based line where the body starts).
    The front matter text itself starts on line 2.
    """
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None, text, 1
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    return "\n".join(lines[1:]), "", len(lines) + 1


def load_yaml(text: str, source: str, report: Report, first_line: int = 1) -> tuple[object | None, LineMap]:
    """Parse one YAML document; on error report it with its line and return None.

    ``first_line`` is the file line of the text's first line (2 for front matter).
    Duplicate keys are reported too, since YAML would silently keep only the last.
    """
    lines = LineMap(first_line=first_line)
    try:
        loader = _NoAliasLoader(text)
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + first_line
        report.error(source, line, f"có ký tự điều khiển không in được (mã #x{exc.character:04X}); xóa ký tự đó "
                     "rồi lưu lại tệp", "yaml")
        return None, lines
    try:
        node = loader.get_single_node()
        if node is None:
            return None, lines
        _record_lines(node, (), lines, first_line - 1, source, report)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first_line if mark else first_line
        what = exc.problem or "invalid YAML"
        if exc.context:
            what = f"{exc.context}, {what}"
        report.error(source, line, f"YAML error: {what}; check indentation, colons and quotes", "yaml")
        return None, lines
    except yaml.YAMLError as exc:
        report.error(source, first_line, f"YAML error: {exc}", "yaml")
        return None, lines
    finally:
        loader.dispose()
    return data, lines


def _record_lines(node: Node, path: PathKey, lines: LineMap, offset: int, source: str, report: Report) -> None:
    lines.lines[path] = node.start_mark.line + 1 + offset
    if isinstance(node, MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else str(key_node.start_mark)
            if key in seen:
                report.error(
                    source,
                    key_node.start_mark.line + 1 + offset,
                    f"the key '{key}' appears twice; keep only one",
                    "duplicate-key",
                )
            seen.add(key)
            child = (*path, key)
            _record_lines(value_node, child, lines, offset, source, report)
            lines.lines[child] = key_node.start_mark.line + 1 + offset
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, (*path, index), lines, offset, source, report)
