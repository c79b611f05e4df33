"""The ``kyniem`` command: the editors' desk (check, new, import, …).

Each subcommand is one function registered with :func:`command`; it adds its
parser and sets ``run`` (args, project finder) -> exit status. Editors never see
a traceback: a bad input becomes a ``path:line: message`` finding and status 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias

import yaml

from .config import KyniemConfig
from .problems import Problem
from .text import nfc

Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
AddCommand = Callable[[Subparsers], None]
_COMMANDS: list[AddCommand] = []


def command(add: AddCommand) -> AddCommand:
    """Register a subcommand: ``add(subparsers)`` adds a parser and sets ``run``
    (args -> exit status). Another module adds one with ``@command`` at import."""
    _COMMANDS.append(add)
    return add


class ProjectError(Exception):
    """The project (mkdocs.yml and its kyniem options) cannot be read."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))


@dataclass
class Project:
    """A site: the folder holding mkdocs.yml, its docs folder and kyniem settings."""

    root: Path
    config_file: Path
    docs_dir: Path
    posts_dir: Path  # where Material's blog plugin reads news posts
    settings: KyniemConfig


class _OptionsLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without importing anything: ``!!python/name`` and ``!ENV``
    values belong to other plugins and are read as None."""


def _ignore(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> None:
    return None


_OptionsLoader.add_multi_constructor("tag:yaml.org,2002:python/", _ignore)
_OptionsLoader.add_multi_constructor("!", _ignore)


def find_config(start: Path) -> Path | None:
    """mkdocs.yml in ``start`` (a folder or a file in the project) or its parents."""
    start = start.resolve()
    for folder in [start, *start.parents] if start.is_dir() else list(start.parents):
        for name in ("mkdocs.yml", "mkdocs.yaml"):
            if (folder / name).is_file():
                return folder / name
    return None


def load_project(start: Path) -> Project:
    """Read the kyniem options from the project's mkdocs.yml, without building."""
    config_file = find_config(start)
    if config_file is None:
        raise ProjectError(Problem(str(start), None, "no mkdocs.yml here or in a parent folder; run kyniem inside the site's folder"))
    source = config_file.name
    try:
        data = yaml.load(nfc(config_file.read_text(encoding="utf-8")), Loader=_OptionsLoader)  # noqa: S506
    except UnicodeDecodeError:
        raise ProjectError(Problem(source, None, "mkdocs.yml is not UTF-8; save it again as UTF-8")) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise ProjectError(Problem(source, line, f"mkdocs.yml is not valid YAML: {getattr(exc, 'problem', exc)}")) from None
    if not isinstance(data, dict):
        raise ProjectError(Problem(source, 1, "mkdocs.yml must be 'key: value' lines"))
    plugins = data.get("plugins") or []
    options = _plugin_options(plugins, "kyniem")
    if not isinstance(options, dict):
        raise ProjectError(Problem(source, None, "the kyniem plugin options must be 'key: value' lines"))
    settings = KyniemConfig(config_file_path=str(config_file))
    settings.load_dict(options)
    failed, _warnings = settings.validate()
    if failed:
        key, error = failed[0]
        raise ProjectError(Problem(source, None, f"plugins → kyniem → {key}: {error}"))
    root = config_file.parent
    docs_dir = root / str(data.get("docs_dir") or "docs")
    blog = _plugin_options(plugins, "blog")
    blog = blog if isinstance(blog, dict) else {}
    blog_dir = str(blog.get("blog_dir") or "blog")  # Material's defaults
    posts_dir = docs_dir / str(blog.get("post_dir") or "{blog}/posts").replace("{blog}", blog_dir)
    return Project(root, config_file, docs_dir, posts_dir, settings)


def _plugin_options(plugins: object, name: str) -> object:
    """The options of plugin ``name`` in mkdocs.yml's ``plugins:`` (a list or a mapping)."""
    if isinstance(plugins, dict):
        return plugins.get(name) or {}
    if isinstance(plugins, list):
        for item in plugins:
            if isinstance(item, dict) and name in item:
                return item[name] or {}
    return {}


def print_problems(problems: list[Problem], fmt: str, summary: str | None = None) -> None:
    """One ``path:line: severity: message`` line per finding, or JSON."""
    if fmt == "json":
        errors = sum(1 for p in problems if p.severity == "error")
        data = {"errors": errors, "warnings": len(problems) - errors, "problems": [p.as_dict() for p in problems]}
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for p in problems:
        where = p.file if p.line is None else f"{p.file}:{p.line}"
        print(f"{where}: {p.severity}: {p.message}")
    if summary:
        print(summary)


def _fail(problem: Problem) -> int:
    print_problems([problem], "text")
    return 1


@command
def _check(sub: Subparsers) -> None:
    parser = sub.add_parser("check", help="kiểm tra toàn bộ nội dung, không dựng trang")
    parser.add_argument("path", nargs="?", default=".", type=Path, help="thư mục của trang (có mkdocs.yml)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="json: cho CI")

    def run(args: argparse.Namespace) -> int:
        from .check import check_project, summary_line

        project = load_project(args.path)
        problems = check_project(project)
        print_problems(problems, args.format, summary_line(problems))
        return 1 if any(p.severity == "error" for p in problems) else 0

    parser.set_defaults(run=run)


@command
def _new(sub: Subparsers) -> None:
    parser = sub.add_parser("new", help="tạo khung cho chương, album ảnh, đề cương hoặc tin mới")
    parser.add_argument("kind", choices=("chapter", "album", "outline", "post"))
    parser.add_argument("title", help="tiêu đề, trong dấu ngoặc kép")
    parser.add_argument("--period", help="giai đoạn của chương, ví dụ 1986-2000")
    parser.add_argument("--folder", type=Path, help="album: thư mục ảnh có sẵn")
    parser.add_argument("--project", type=Path, default=Path("."), help="thư mục của trang")

    def run(args: argparse.Namespace) -> int:
        from . import scaffold

        project = load_project(args.project)
        root, settings = project.root, project.settings
        if args.kind == "chapter":
            period = None
            if args.period:
                period = scaffold.parse_period(args.period)
                if period is None:
                    return _fail(Problem("--period", None, f"'{args.period}' is not a period; write e.g. --period 1986-2000"))
            path = scaffold.new_chapter(root, settings, args.title, period)
        elif args.kind == "outline":
            path = scaffold.new_outline(root, settings, args.title)
        elif args.kind == "post":
            path = scaffold.new_post(root, project.posts_dir, args.title)
        else:
            folder = args.folder.resolve() if args.folder else None
            path, added = scaffold.new_album(root, settings, args.title, folder)
            print(f"Đã ghi {path.relative_to(root).as_posix()} (thêm {len(added)} ảnh vào danh sách)")
            return 0
        print(f"Đã tạo {path.relative_to(root).as_posix()}")
        return 0

    parser.set_defaults(run=run)


@command
def _import(sub: Subparsers) -> None:
    parser = sub.add_parser("import", help="nhập chương từ tệp Word (.docx); sửa tệp gõ bằng TCVN3/VNI")
    parser.add_argument("file", type=Path)
    parser.add_argument("--fix-encoding", action="store_true", help="chuyển tệp văn bản TCVN3/VNI sang Unicode")
    parser.add_argument("--output", type=Path, help="--fix-encoding: ghi ra tệp mới thay vì sửa tại chỗ")
    parser.add_argument("--period", help="giai đoạn của chương, ví dụ 1986-2000")
    parser.add_argument("--project", type=Path, default=Path("."), help="thư mục của trang")

    def run(args: argparse.Namespace) -> int:
        from . import importer

        if args.fix_encoding:
            message = importer.fix_encoding_file(args.file, args.output)
            print(message)
            return 0
        project = load_project(args.project)
        period = None
        if args.period:
            from .scaffold import parse_period

            period = parse_period(args.period)
            if period is None:
                return _fail(Problem("--period", None, f"'{args.period}' is not a period; write e.g. --period 1986-2000"))
        result = importer.import_docx(args.file, project.root, project.settings, period=period)
        print(f"Đã tạo {result.chapter.relative_to(project.root).as_posix()}")
        for note in result.notes:
            print(f"  {note}")
        return 0

    parser.set_defaults(run=run)


@command
def _book(sub: Subparsers) -> None:
    parser = sub.add_parser("book", help="chỉ dựng sách lịch sử (PDF) từ các chương đã xuất bản")
    parser.add_argument("-o", "--output", type=Path, required=True, help="tệp PDF cần ghi")
    parser.add_argument("--project", type=Path, default=Path("."), help="thư mục của trang")
    parser.add_argument("--in-an", action="store_true", dest="print_edition",
                        help="bản gửi nhà in: tràn lề, dấu xén, số trang là bội của 4")

    def run(args: argparse.Namespace) -> int:
        from . import book
        from .content import load_content

        project = load_project(args.project)
        content = load_content(project.root, project.settings, include_drafts=False)
        if content.report.errors:
            print_problems(content.report.problems, "text")
            return 1
        try:
            edition = "print" if args.print_edition else "screen"
            result = book.build_book(content, project.settings, args.output.resolve(), edition)
        except OSError as exc:
            return _fail(Problem(str(args.output), None, f"cannot write the book: {exc.strerror or exc}"))
        if result is None:
            return _fail(Problem(project.settings.history_dir, None, "no published chapter: the book needs at least one"))
        print_problems(result.problems, "text")
        how = "lấy từ bộ đệm" if result.cached else f"dựng trong {result.seconds:.1f} giây"
        print(f"Đã ghi {args.output} ({result.pages} trang, {how})")
        return 0

    parser.set_defaults(run=run)


@command
def _invitations(sub: Subparsers) -> None:
    parser = sub.add_parser("invitations", help="in giấy mời dự Lễ kỷ niệm (PDF, mỗi khách một trang) từ tệp CSV")
    parser.add_argument("guests", type=Path, help="tệp CSV: Họ và tên, Chức vụ, Chỗ ngồi")
    parser.add_argument("-o", "--output", type=Path, required=True, help="tệp PDF cần ghi")
    parser.add_argument("--project", type=Path, default=Path("."), help="thư mục của trang")

    def run(args: argparse.Namespace) -> int:
        from . import ceremony_print
        from .content import load_content
        from .people import CEREMONY_FILE, read_guest_list
        from .problems import Report

        project = load_project(args.project)
        content = load_content(project.root, project.settings, include_drafts=True)
        if content.report.errors:
            print_problems(content.report.problems, "text")
            return 1
        if content.people.ceremony is None:
            return _fail(Problem(f"{project.settings.people_dir}/{CEREMONY_FILE}", None,
                                 "chưa có tệp Lễ kỷ niệm; tạo tệp này (xem huong-dan/nhan-su.md) rồi chạy lại"))
        if not args.guests.is_file():
            return _fail(Problem(str(args.guests), None, "không thấy tệp danh sách khách mời; kiểm tra lại đường dẫn"))
        if args.output.resolve().is_relative_to(project.docs_dir.resolve()):
            return _fail(Problem(str(args.output), None, "thư mời có tên khách nên không ghi vào thư mục docs/ (mọi tệp "
                                 "ở đó được đăng lên trang); chọn nơi khác, ví dụ -o ../thu-moi.pdf"))
        report = Report()
        guests = read_guest_list(args.guests, str(args.guests), report)
        if report.errors or not guests:
            print_problems(report.problems or [Problem(str(args.guests), None, "danh sách khách mời không có ai")],
                           "text")
            return 1
        try:
            result = ceremony_print.write_invitations(content, project.settings, guests, args.output.resolve())
        except OSError as exc:
            return _fail(Problem(str(args.output), None, f"không ghi được tệp PDF: {exc.strerror or exc}"))
        print(f"Đã ghi {args.output}: {len(guests)} giấy mời, {result.pages} trang")
        return 0

    parser.set_defaults(run=run)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kyniem", description="Bàn biên tập của trang kỷ niệm.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="LỆNH")
    for add in _COMMANDS:
        add(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``kyniem`` command; returns the exit status."""
    from .scaffold import EditorError

    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except (ProjectError, EditorError) as exc:
        return _fail(exc.problem)


if __name__ == "__main__":
    sys.exit(main())
