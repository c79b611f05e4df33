"""Every message an editor reads is Vietnamese, and every finding code is catalogued.

The walk reads the source of every kyniem module (no list to keep up to date): each
call that makes a finding (``report.error``/``report.warning``, ``Problem(…)``, the image
pipeline's ``_fail``) gives a code and a message; build log lines, ``PluginError`` and
``ValidationError`` give messages. A code missing from kyniem/messages.py, or a
message with English words in it, fails the test with its file and line.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

import kyniem
from kyniem import messages

PACKAGE = Path(kyniem.__file__).parent

# English words that are no Vietnamese syllable; key names (title, date, photos…) are not here.
ENGLISH = set("""
the is are was were not must with this that cannot found should which would there from into only
have has been does doesn't of and or for on at it its by use add write missing image images photo photos
error errors warning warnings rendered problem problems removed listed above left out no such
unknown folder file files link broken looks like text too large small empty damaged could
already exists nothing written write here when than more less outside inside before after
please check fix line lines instead same name names key keys must can will
""".split()) - {"in", "an", "to", "no", "be"}
_DIACRITIC = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.I)


def english_words(text: str) -> list[str]:
    """English words of a message, ignoring what is quoted or code-like (keys, commands, paths)."""
    plain = re.sub(r"`[^`]*`|'[^']*'|\"[^\"]*\"|\{[^}]*\}|%[sdr]|(?:kyniem|git) [a-z]+|\S*[-/.=_:]\S*", " ", text)
    return [w for w in re.findall(r"[A-Za-z']+", plain) if w.lower() in ENGLISH]


def is_vietnamese(text: str) -> bool:
    """No English words, and a Vietnamese letter as soon as there is a sentence."""
    if english_words(text):
        return False
    words = re.findall(r"[^\W\d_]+", re.sub(r"\{[^}]*\}|%[sdr]", " ", text))
    return len(words) < 3 or bool(_DIACRITIC.search(text))


@dataclass
class Site:
    file: str
    line: int
    code: str | None
    message: str | None


_CODE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)+$")
_CONSTANTS: dict[str, str] = {}  # module-level string constants of the module being walked


def _literal(node: ast.AST | None) -> str | None:
    """The text of a string literal or f-string (placeholders as {…}); None when not literal."""
    if isinstance(node, ast.Name):
        return _CONSTANTS.get(node.id)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{…}" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _literal(node.left), _literal(node.right)
        return None if left is None and right is None else (left or "{…}") + (right or "{…}")
    if isinstance(node, ast.IfExp):
        parts = [_literal(node.body), _literal(node.orelse)]
        return " ".join(p for p in parts if p) or None
    return None


def _arg(call: ast.Call, index: int, name: str) -> ast.AST | None:
    if len(call.args) > index and not any(isinstance(a, ast.Starred) for a in call.args[: index + 1]):
        return call.args[index]
    return next((k.value for k in call.keywords if k.arg == name), None)


def message_sites() -> list[Site]:
    """Every place in kyniem/ that makes a finding or a message an editor reads."""
    sites: list[Site] = []
    for path in sorted(PACKAGE.glob("*.py")):
        rel = path.relative_to(PACKAGE.parent).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        _CONSTANTS.clear()
        for statement in tree.body:
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name):
                value = _literal(statement.value)
                if value is not None:
                    _CONSTANTS[statement.targets[0].id] = value
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            owner = func.value.id if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else ""
            if name in ("error", "warning") and owner not in ("log", "logging", "warnings") and len(node.args) >= 3:
                third = _literal(node.args[2])
                if len(node.args) == 3 and third and _CODE.match(third):  # a helper's (where, message, code)
                    sites.append(Site(rel, node.lineno, third, _literal(node.args[1])))
                    continue
                code = _arg(node, 3, "code")
                sites.append(Site(rel, node.lineno, _literal(code) if code else "content", third))
            elif name == "Problem":
                code = _arg(node, 4, "code")
                sites.append(Site(rel, node.lineno, _literal(code) if code else "content", _literal(_arg(node, 2, "message"))))
            elif name == "_fail" and path.name == "images.py" and len(node.args) == 3:
                sites.append(Site(rel, node.lineno, f"image-{_literal(node.args[1])}", _literal(node.args[2])))
            elif owner in ("log", "logging") and name in ("warning", "error", "info") and node.args:
                sites.append(Site(rel, node.lineno, None, _literal(node.args[0])))
            elif name in ("PluginError", "ValidationError", "ImportFailed", "EditorError", "ProjectError") and node.args:
                sites.append(Site(rel, node.lineno, None, _literal(node.args[0])))
    return sites


def _import_all() -> None:
    """Import every kyniem module, so codes registered next to their messages are in the catalogue."""
    for info in pkgutil.iter_modules([str(PACKAGE)]):
        importlib.import_module(f"kyniem.{info.name}")


def test_the_walk_finds_the_known_message_sites() -> None:
    sites = message_sites()
    codes = {s.code for s in sites}
    # A floor, so a broken walk cannot pass by finding nothing.
    assert len(sites) > 100
    assert {"yaml", "duplicate-key", "gallery-missing", "legacy-encoding", "image-not-image", "book-image"} <= codes


def test_every_code_is_catalogued_in_vietnamese() -> None:
    _import_all()
    missing = sorted({f"{s.file}:{s.line}: {s.code}" for s in message_sites()
                      if s.code is not None and "{…}" not in s.code and s.code not in messages.CATALOGUE})
    assert not missing, "codes missing from kyniem/messages.py:\n" + "\n".join(missing)
    untranslated = [f"{code}: {entry}" for code, entry in messages.CATALOGUE.items()
                    if not (is_vietnamese(entry.title) and is_vietnamese(entry.fix)) or not _DIACRITIC.search(entry.title)]
    assert not untranslated, "catalogue entries not in Vietnamese:\n" + "\n".join(untranslated)


def test_every_message_is_vietnamese() -> None:
    english = [f"{s.file}:{s.line}: {s.message!r} ({', '.join(english_words(s.message))})"
               for s in message_sites() if s.message is not None and not is_vietnamese(s.message)]
    assert not english, "messages with English words:\n" + "\n".join(english)


@pytest.mark.parametrize(
    ("text", "vietnamese"),
    [
        ("the file is not UTF-8", False),
        ("file: '{…}' is not a usable photo in this folder", False),
        ("tệp không ở dạng Unicode (UTF-8); chuyển bằng: kyniem import --fix-encoding history/a.md", True),
        ("thiếu 'title:'; thêm title: \"Tên chương\"", True),
        ("%s", True),
    ],
)
def test_the_language_test_itself(text: str, vietnamese: bool) -> None:
    assert is_vietnamese(text) is vietnamese


def test_register_refuses_a_second_meaning_for_a_code() -> None:
    messages.register({"yaml": (messages.CATALOGUE["yaml"].title, messages.CATALOGUE["yaml"].fix)})  # same: fine
    with pytest.raises(ValueError):
        messages.register({"yaml": ("Khác", "Khác hẳn")})


@pytest.mark.parametrize(
    ("front", "line", "words"),
    [
        ('title: "A"\nperiod [1952, 1954]\n', 3, "thiếu dấu hai chấm"),
        ('title "A"\nperiod: [1952, 1954]\n', 2, "thiếu dấu hai chấm"),
        ('title: "A"\nevents:\n\t- date: 1952\n', 4, "ký tự Tab"),
        ('title: "Thành lập\nperiod: [1952, 1954]\n', 2, "chưa được đóng"),
        ('title: "Thành lập\nperiod: [1952, 1954]\nsummary: "Tóm tắt."\nstatus: published\n', 2, "chưa được đóng"),
        ('title: "A"\nevents:\n  - date: 1952\n    title: X\n   text: y\n', 6, "thụt đầu dòng sai"),
        ('title: "A"\n  period: [1952, 1954]\n', 3, "thụt đầu dòng sai"),
        ("title: Đảng bộ: chặng đường\n", 2, "giá trị có dấu hai chấm"),
        ("period: [1952, 1954\norder: 1\n", 2, "dấu ngoặc vuông"),
    ],
    ids=["colon", "colon-before", "tab", "quote", "quote-read-on", "indent-list", "indent-key", "colon-in-value",
         "bracket"],
)
def test_yaml_errors_in_plain_words_with_the_file_line(tmp_path: Path, front: str, line: int, words: str) -> None:
    from kyniem.problems import Report
    from kyniem.yamlsrc import load_yaml

    report = Report()
    data, _ = load_yaml(front, "history/01-a.md", report, first_line=2)  # front matter starts on line 2
    assert data is None
    (problem,) = report.problems
    assert (problem.line, problem.code) == (line, "yaml")
    assert words in problem.message and "ví dụ" in problem.message.lower() and is_vietnamese(problem.message)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["new"], "kyniem new: lỗi: thiếu LOẠI, TIÊU_ĐỀ"),
        (["new", "chuong", "A"], "kyniem new: lỗi: LOẠI: 'chuong' không có; chọn một trong 'chapter'"),
        (["check", "--bogus"], "kyniem: lỗi: không hiểu --bogus"),
        (["import", "a.docx", "--period"], "kyniem import: lỗi: --period: cần ghi một giá trị sau"),
    ],
)
def test_command_line_mistakes_are_told_in_vietnamese(argv: list[str], expected: str,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    from kyniem.cli import main

    with pytest.raises(SystemExit) as caught:
        main(argv)
    err = capsys.readouterr().err
    assert caught.value.code == 2 and expected in err and "Cách dùng: kyniem" in err
    assert not english_words(err.split("lỗi:", 1)[1].split("'", 1)[0])


def test_help_is_vietnamese(capsys: pytest.CaptureFixture[str]) -> None:
    from kyniem.cli import main

    with pytest.raises(SystemExit):
        main(["import", "--help"])
    out = capsys.readouterr().out
    assert "Cách dùng: kyniem import" in out and "tùy chọn:" in out and "hiện hướng dẫn này rồi thoát" in out
    assert "usage" not in out and "show this help" not in out


def test_check_explains_a_code(capsys: pytest.CaptureFixture[str]) -> None:
    from kyniem.cli import main

    assert main(["check", "--explain", "period-overlap"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("period-overlap: Hai chương có giai đoạn trùng nhau.") and "Cách sửa:" in out
    assert main(["check", "--explain", "khong-co"]) == 1
    assert "không có mã 'khong-co'" in capsys.readouterr().out
