"""Reading editors' files: UTF-8 text in NFC, front matter, and YAML with line numbers.

Editors write YAML by hand, so every value must be traceable to a line for the
messages we give them. Anchors and aliases are refused outright: no editor needs
them, and refusing them before construction makes "billion laughs" bombs harmless.
"""

from __future__ import annotations

import codecs
import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .encoding import detect_mojibake, fix_mojibake, guess_encoding, legacy_leftover
from .problems import Problem, Report
from .text import MAX_NESTING, deepest_nesting, nfc

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


_ALIAS_PROBLEM = "alias"


class _NoAliasLoader(yaml.SafeLoader):
    """SafeLoader that refuses aliases before they are expanded."""

    def compose_node(self, parent: Node | None, index: object) -> Node:  # type: ignore[override]
        if self.check_event(AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                problem=_ALIAS_PROBLEM,
                problem_mark=event.start_mark,
            )
        return super().compose_node(parent, index)


# Control characters pasted from other programs (vertical tab, unit separator, ...): invisible,
# and invalid in XML (sitemap.xml) and JSON-adjacent output; tab and line ends stay.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def read_text(path: Path, source: str, report: Report, max_bytes: int | None = None,
              setting: str = "limits.chapter_kb", *, normalize: bool = True) -> str | None:
    """Read a UTF-8 file as NFC text with ``\\n`` line ends; report and return None otherwise.

    A file larger than ``max_bytes`` is refused before it is read (named by ``setting``);
    control characters are removed with a warning naming the first line that had one.
    Legacy TCVN3/VNI text inside the file is reported too: every content file is read
    here, so the build names garbled text exactly as ``kyniem check`` does (which reads with
    ``normalize=False``, to name the lines that are not NFC yet).
    """
    if max_bytes is not None:
        size = path.stat().st_size
        if size > max_bytes:
            report.error(source, None, f"tệp dài {size // 1024} KB, quá giới hạn {max_bytes // 1024} KB "
                         f"(thiết lập {setting} trong mkdocs.yml); hãy chia thành nhiều tệp, hoặc tăng giới hạn "
                         "nếu tệp đúng là dài như vậy", "too-large")
            return None
    text = decode_utf8(path.read_bytes(), source, report)
    if text is None:
        return None
    match = _CONTROL.search(text)
    if match:
        line = text.count("\n", 0, match.start()) + 1
        count = len(_CONTROL.findall(text))
        report.warning(source, line, f"đã bỏ {count} ký tự điều khiển không nhìn thấy (ví dụ U+{ord(match.group()):04X}), "
                       "thường do dán văn bản từ chương trình khác; lưu lại tệp để hết cảnh báo này",
                       "control-characters")
        text = _CONTROL.sub("", text)
    if normalize:
        text = nfc(text)
    report_legacy_text(source, text.split("\n"), report)
    return text


MAX_LEGACY_LINES = 10  # per file; a whole file in TCVN3 gets one line that counts the rest


def report_legacy_text(source: str, lines: list[str], report: Report) -> None:
    """One error per line still holding legacy TCVN3/VNI text (pasted, or half converted)."""
    found = 0
    for number, line in enumerate(lines, 1):
        kind = detect_mojibake(line)
        word = None if kind else legacy_leftover(line)
        if not kind and not word:
            continue
        found += 1
        if found > MAX_LEGACY_LINES:
            continue
        if kind:
            sample = " ".join(line.split()[:4])
            report.error(source, number, f'"{sample}" là chữ {kind} bị lỗi phông (đúng ra phải đọc là '
                         f'"{fix_mojibake(sample)[0]}"); chuyển bằng lệnh: kyniem import --fix-encoding {source}',
                         "legacy-encoding")
        else:
            report.error(source, number, f'chữ "{word}" còn là chữ TCVN3/VNI chưa chuyển hết (lỗi phông); gõ lại '
                         'từ này bằng Unicode, ví dụ "Đảng bộ", hoặc chuyển bằng lệnh: kyniem import --fix-encoding '
                         f"{source}", "legacy-encoding")
    if found > MAX_LEGACY_LINES:
        report.error(source, None, f"… và {found - MAX_LEGACY_LINES} dòng khác còn chữ TCVN3/VNI", "legacy-encoding")


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
            what = (f" (có vẻ là bảng mã {guess}); chuyển sang Unicode bằng lệnh: "
                    f"kyniem import --fix-encoding {source}")
        else:
            what = "; mở tệp và lưu lại với bảng mã UTF-8 (Unicode)"
        report.error(source, line, f"tệp không ở dạng Unicode UTF-8{what}", "encoding")
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


# Parses of this process, by (source, first line, text): `mkdocs serve` reads every chapter on
# each save, and PyYAML's pure-Python parser is most of that time (10 ms a chapter).
_PARSED: dict[tuple[str, int, str], tuple[object | None, LineMap, list[Problem]]] = {}
_PARSED_MAX = 10_000


_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_PROBE = yaml.SafeLoader("")


def _timestamp_or_text(loader: yaml.SafeLoader, node: ScalarNode) -> object:
    """A date as PyYAML reads it; an impossible one (30 February) as its text, reported by _record_lines."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_NoAliasLoader.add_constructor(_TIMESTAMP, _timestamp_or_text)

# libyaml's loader where PyYAML was built with it (the PyPI wheels are), reading dates the same way.
_FAST_LOADER: type[yaml.SafeLoader] | None = None
if hasattr(yaml, "CSafeLoader"):

    class _FastLoader(yaml.CSafeLoader):  # type: ignore[misc,valid-type]
        pass

    _FastLoader.add_constructor(_TIMESTAMP, _timestamp_or_text)
    _FAST_LOADER = _FastLoader


def nesting_problem(body: str, source: str, report: Report, body_line: int = 1) -> bool:
    """Report Markdown nested deeper than kyniem can render (a RecursionError otherwise); True if so."""
    levels, line = deepest_nesting(body)
    if levels <= MAX_NESTING:
        return False
    report.error(source, body_line + line - 1, f"danh sách hoặc trích dẫn lồng nhau {levels} cấp, quá giới hạn "
                 f"{MAX_NESTING} cấp mà trang web dựng được; hãy bớt thụt lề (mỗi 4 dấu cách là một cấp)",
                 "nesting-too-deep")
    return True


def load_yaml(text: str, source: str, report: Report, first_line: int = 1) -> tuple[object | None, LineMap]:
    """Parse one YAML document; on error report it with its line and return None.

    ``first_line`` is the file line of the text's first line (2 for front matter).
    Duplicate keys are reported too, since YAML would silently keep only the last.
    A text parsed before in this process is not parsed again: its findings are
    reported again and a copy of its data is returned.
    """
    key = (source, first_line, text)
    parsed = _PARSED.get(key)
    if parsed is None:
        found = Report()
        data, lines = _load_yaml(text, source, found, first_line)
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.clear()
        parsed = _PARSED[key] = (data, lines, found.problems)
    data, lines, problems = parsed
    report.problems.extend(problems)
    return copy.deepcopy(data), lines


def _load_yaml(text: str, source: str, report: Report, first_line: int) -> tuple[object | None, LineMap]:
    # libyaml parses ten times faster (most of a cold 300-chapter build's content time). A text
    # without '&' or '*' can hold no anchor or alias, so it needs no alias check; on any error
    # the pure-Python loader parses again, so the message is the same whichever parser found it.
    if _FAST_LOADER is not None and "&" not in text and "*" not in text:
        found = Report()
        data, lines = _parse(text, _FAST_LOADER, source, found, first_line)
        if not found.errors:
            report.problems.extend(found.problems)
            return data, lines
    return _parse(text, _NoAliasLoader, source, report, first_line)


def _parse(text: str, make_loader: Callable[[str], yaml.SafeLoader], source: str, report: Report,
           first_line: int) -> tuple[object | None, LineMap]:
    lines = LineMap(first_line=first_line)
    try:
        loader = make_loader(text)
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
        line, what = explain_yaml_error(exc, text.split("\n"))
        report.error(source, line + first_line - 1, what, "yaml")
        return None, lines
    except yaml.YAMLError:
        report.error(source, first_line, _YAML_GENERIC, "yaml")
        return None, lines
    finally:
        loader.dispose()
    return data, lines


_YAML_GENERIC = ("phần khai báo YAML sai cú pháp; kiểm tra dấu hai chấm sau mỗi khóa, thụt đầu dòng bằng dấu "
                 "cách (không dùng Tab) và các dấu ngoặc kép đã đóng. Ví dụ: title: \"Thành lập Đảng bộ\"")


def explain_yaml_error(exc: yaml.MarkedYAMLError, lines: list[str]) -> tuple[int, str]:
    """(1-based line in ``lines``, plain Vietnamese) for a YAML parser error.

    PyYAML's wording ("mapping values are not allowed here") means nothing to an
    editor; the usual causes are a missing colon, a Tab, an unclosed quote, a colon
    inside a value or a wrong indentation, told apart from the message and the line.
    """
    problem = exc.problem or ""
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else 1
    opened = exc.context_mark.line + 1 if exc.context_mark else line
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    if problem == _ALIAS_PROBLEM:
        return line, ("YAML có tham chiếu (*tên); kyniem không nhận tham chiếu: hãy viết đầy đủ giá trị, "
                      "ví dụ title: \"Thành lập Đảng bộ\"")
    if "'\\t'" in problem or "\t" in text:
        return line, ("dòng này có ký tự Tab; YAML chỉ thụt đầu dòng bằng dấu cách. Xóa Tab và gõ hai dấu cách "
                      "cho mỗi bậc thụt, ví dụ \"  - date: 1952-02-15\"")
    unclosed = _unclosed_quote(lines, line)
    if "quoted scalar" in (exc.context or "") or unclosed:
        return unclosed or opened, ("dấu ngoặc mở ở dòng này chưa được đóng; thêm dấu ngoặc đóng cùng loại ở cuối giá trị, "
                        "ví dụ title: \"Thành lập Đảng bộ\"")
    if "could not find expected ':'" in problem:
        return opened, ("dòng này thiếu dấu hai chấm sau tên khóa; viết khóa, dấu hai chấm, dấu cách rồi giá trị, "
                        "ví dụ period: [1952, 1954]")
    if "flow sequence" in (exc.context or "") or "flow mapping" in (exc.context or ""):
        return opened, ("dấu ngoặc vuông hoặc ngoặc nhọn mở ở dòng này chưa được đóng, hoặc thiếu dấu phẩy; "
                        "ví dụ period: [1952, 1954]")
    if "mapping values are not allowed" in problem:
        value = text.split(": ", 1)[1] if ": " in text else ""
        if ": " in value or value.endswith(":"):
            return line, ("giá trị có dấu hai chấm; đặt cả giá trị trong ngoặc kép, "
                          "ví dụ title: \"Đảng bộ: chặng đường 70 năm\"")
        previous = next((n for n in range(line - 1, 0, -1) if lines[n - 1].strip()), 0)
        if previous and ":" not in lines[previous - 1]:
            return previous, ("dòng này thiếu dấu hai chấm sau tên khóa; viết khóa, dấu hai chấm, dấu cách rồi "
                              "giá trị, ví dụ title: \"Thành lập Đảng bộ\"")
        return line, _INDENT
    if "expected <block end>" in problem or "did not find expected" in problem:
        if "<scalar>" in problem and re.search(r"[\"'].*[\"']\s*\S", text):
            return line, ("có chữ sau dấu ngoặc kép đóng; đặt cả giá trị trong ngoặc kép, "
                          "ví dụ title: \"Thành lập Đảng bộ\"")
        return line, _INDENT
    return line, _YAML_GENERIC


def _unclosed_quote(lines: list[str], upto: int) -> int | None:
    """The first line up to ``upto`` with an odd number of double quotes: a quote left open
    makes YAML read on into the next lines and fail further down."""
    for number, text in enumerate(lines[:upto], 1):
        if text.lstrip().startswith("#"):
            continue
        if re.sub(r'\\.', "", text).count('"') % 2:
            return number
    return None


_INDENT = ("thụt đầu dòng sai: các khóa cùng cấp phải thẳng cột với nhau (cùng số dấu cách đầu dòng), các mục "
           "của một danh sách cũng vậy. Ví dụ:\n  events:\n    - date: 1952-02-15\n      title: \"Thành lập\"")


def _record_lines(node: Node, path: PathKey, lines: LineMap, offset: int, source: str, report: Report) -> None:
    lines.lines[path] = node.start_mark.line + 1 + offset
    if isinstance(node, ScalarNode) and node.tag == _TIMESTAMP:
        try:
            yaml.SafeLoader.construct_yaml_timestamp(_PROBE, node)
        except ValueError:
            report.error(source, node.start_mark.line + 1 + offset,
                         f"ngày '{node.value}' không có trên lịch (tháng đó không có ngày này); sửa lại, "
                         "ví dụ 1952-02-15", "impossible-date")
    if isinstance(node, MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else str(key_node.start_mark)
            if key in seen:
                report.error(
                    source,
                    key_node.start_mark.line + 1 + offset,
                    f"khóa '{key}' được ghi hai lần; giữ lại một dòng, xóa dòng kia",
                    "duplicate-key",
                )
            seen.add(key)
            child = (*path, key)
            _record_lines(value_node, child, lines, offset, source, report)
            lines.lines[child] = key_node.start_mark.line + 1 + offset
    elif isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, (*path, index), lines, offset, source, report)
