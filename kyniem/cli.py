"""The ``kyniem`` command: the editors' desk (check, new, import, …).

Each subcommand is one function registered with :func:`command`; it adds its
parser and sets ``run`` (args, project finder) -> exit status. Editors never see
a traceback: a bad input becomes a ``path:line: message`` finding and status 1.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

import yaml

from .config import KyniemConfig
from .messages import severity_word
from .problems import Problem
from .text import nfc
from .yamlsrc import explain_yaml_error

if TYPE_CHECKING:
    from .content import Content

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
    markdown_extensions: frozenset[str] = frozenset()  # names in mkdocs.yml (kyniem check reads Markdown as they do)


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
        raise ProjectError(Problem(str(start), None, "không có mkdocs.yml ở thư mục này hay thư mục cha; chạy kyniem trong "
                                   "thư mục của trang, ví dụ: cd trang-ky-niem rồi kyniem check", code="no-project"))
    source = config_file.name
    try:
        data = yaml.load(nfc(config_file.read_text(encoding="utf-8")), Loader=_OptionsLoader)  # noqa: S506
    except UnicodeDecodeError:
        raise ProjectError(Problem(source, None, "mkdocs.yml không ở dạng Unicode UTF-8; mở tệp và lưu lại với bảng mã UTF-8",
                                   code="encoding")) from None
    except yaml.MarkedYAMLError as exc:
        line, what = explain_yaml_error(exc, config_file.read_text(encoding="utf-8").split("\n"))
        raise ProjectError(Problem(source, line, what, code="yaml")) from None
    except yaml.YAMLError:
        raise ProjectError(Problem(source, None, "mkdocs.yml sai cú pháp YAML; kiểm tra dấu hai chấm, thụt đầu "
                                   "dòng và dấu ngoặc kép", code="yaml")) from None
    if not isinstance(data, dict):
        raise ProjectError(Problem(source, 1, "mkdocs.yml phải là các dòng 'khóa: giá trị', ví dụ site_name: \"Kỷ niệm 70 năm\"",
                                   code="config"))
    plugins = data.get("plugins") or []
    options = _plugin_options(plugins, "kyniem")
    if not isinstance(options, dict):
        raise ProjectError(Problem(source, None, "các tùy chọn của kyniem (dưới plugins: → kyniem:) phải là các dòng 'khóa: giá trị', "
                                   "ví dụ founded: 1952-02-15", code="config"))
    settings = KyniemConfig(config_file_path=str(config_file))
    settings.load_dict(options)
    failed, _warnings = settings.validate()
    if failed:
        key, error = failed[0]
        raise ProjectError(Problem(source, None, f"plugins → kyniem → {key}: giá trị không hợp lệ ({error})", code="config"))
    root = config_file.parent
    docs_dir = root / str(data.get("docs_dir") or "docs")
    blog = _plugin_options(plugins, "blog")
    blog = blog if isinstance(blog, dict) else {}
    blog_dir = str(blog.get("blog_dir") or "blog")  # Material's defaults
    posts_dir = docs_dir / str(blog.get("post_dir") or "{blog}/posts").replace("{blog}", blog_dir)
    extensions = data.get("markdown_extensions") or []
    names = frozenset(str(next(iter(e))) if isinstance(e, dict) and e else str(e)
                      for e in (extensions if isinstance(extensions, list) else list(extensions)))
    return Project(root, config_file, docs_dir, posts_dir, settings, names)


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
        print(f"{where}: {severity_word(p.severity)}: {p.message}")
    if summary:
        print(summary)


def valid_content(project: Project, *, include_drafts: bool) -> Content | None:
    """The project's content, or None once its errors are printed (the command then exits 1)."""
    from .content import load_content

    content = load_content(project.root, project.settings, include_drafts=include_drafts, docs_dir=project.docs_dir)
    if content.report.errors:
        print_problems(content.report.problems, "text")
        return None
    return content


def _fail(problem: Problem) -> int:
    print_problems([problem], "text")
    return 1


@command
def _check(sub: Subparsers) -> None:
    parser = sub.add_parser("check", help="kiểm tra toàn bộ nội dung, không dựng trang")
    parser.add_argument("path", nargs="?", default=".", type=Path, metavar="THƯ_MỤC",
                        help="thư mục của trang (có mkdocs.yml)")
    parser.add_argument("--format", choices=("text", "json"), default="text", metavar="DẠNG",
                        help="text (mặc định) hoặc json (cho công cụ tự động)")
    parser.add_argument("--strict", action="store_true",
                        help="cảnh báo cũng làm lệnh thất bại, như khi dựng để xuất bản (mkdocs build --strict)")
    parser.add_argument("--explain", metavar="MÃ", help="giải thích một mã lỗi (mục code của --format json), ví dụ yaml")

    def run(args: argparse.Namespace) -> int:
        from .check import check_project, summary_line

        if args.explain:
            from .messages import explain

            entry = explain(args.explain)
            if entry is None:
                return _fail(Problem("--explain", None, f"không có mã '{args.explain}'; mã là chữ thường nối bằng "
                                     "dấu gạch, ví dụ kyniem check --explain period-overlap", code="argument"))
            print(f"{args.explain}: {entry.title}.\nCách sửa: {entry.fix}")
            return 0
        project = load_project(args.path)
        problems = check_project(project)
        print_problems(problems, args.format, summary_line(problems))
        return 1 if any(p.severity == "error" or args.strict for p in problems) else 0

    parser.set_defaults(run=run)


@command
def _new(sub: Subparsers) -> None:
    parser = sub.add_parser("new", help="tạo khung cho chương, album ảnh, đề cương, tin mới hoặc câu hỏi")
    parser.add_argument("kind", choices=("chapter", "album", "outline", "post", "quiz"), metavar="LOẠI",
                        help="chapter (chương), album, outline (đề cương), post (tin) hoặc quiz (câu hỏi)")
    parser.add_argument("title", nargs="?", metavar="TIÊU_ĐỀ", help="tiêu đề, trong dấu ngoặc kép (quiz: chủ đề)")
    parser.add_argument("--from-events", action="store_true", help="quiz: câu hỏi nháp từ các sự kiện của các chương")
    parser.add_argument("--period", metavar="NĂM-NĂM", help="giai đoạn của chương, ví dụ 1986-2000")
    parser.add_argument("--folder", type=Path, metavar="THƯ_MỤC", help="album: thư mục ảnh có sẵn")
    parser.add_argument("--project", type=Path, default=Path("."), metavar="THƯ_MỤC", help="thư mục của trang")

    def run(args: argparse.Namespace) -> int:
        from . import scaffold

        project = load_project(args.project)
        root, settings = project.root, project.settings
        if args.kind == "quiz":
            return _new_quiz(project, args.title, args.from_events)
        if not args.title:
            return _fail(Problem("kyniem new", None, f'thiếu tiêu đề; viết ví dụ: kyniem new {args.kind} "Tiêu đề"'))
        if args.kind == "chapter":
            period = None
            if args.period:
                period = scaffold.parse_period(args.period)
                if period is None:
                    return _fail(Problem("--period", None, f"'{args.period}' không phải là giai đoạn; ghi ví dụ --period 1986-2000",
                                         code="argument"))
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


def _new_quiz(project: Project, topic: str | None, from_events: bool) -> int:
    """``kyniem new quiz --from-events`` (drafts from the events) or ``kyniem new quiz "Chủ đề"`` (a skeleton)."""
    from . import quiz_drafts

    content = valid_content(project, include_drafts=False)
    if content is None:
        return 1
    if not from_events:
        if not topic:
            return _fail(Problem("kyniem new quiz", None, 'viết chủ đề (kyniem new quiz "Chủ đề") hoặc dùng '
                                 "--from-events để tạo câu hỏi nháp từ các sự kiện"))
        path = quiz_drafts.write_skeleton(project.root, project.settings, content, topic)
        print(f"Đã tạo {path.relative_to(project.root).as_posix()}")
        return 0
    written, count = quiz_drafts.write_drafts(project.root, project.settings, content)
    if written is None:
        print("Không có câu hỏi mới: mọi câu hỏi từ các sự kiện đã có trong thư mục câu hỏi.")
        return 0
    print(f"Đã tạo {written.relative_to(project.root).as_posix()} ({count} câu hỏi nháp, status: draft; "
          "duyệt từng câu rồi đổi thành status: published)")
    return 0


@command
def _quiz(sub: Subparsers) -> None:
    parser = sub.add_parser("quiz", help="in bộ câu hỏi tìm hiểu lịch sử (PDF A4, phiếu trả lời, đáp án)")
    parser.add_argument("-o", "--output", type=Path, required=True, help="tệp PDF cần ghi")
    parser.add_argument("--seed", type=int, help="số bộ đề: cùng số thì cùng bộ câu hỏi (mặc định: quiz.seed)")
    parser.add_argument("--count", type=int, help="số câu hỏi (mặc định: quiz.print_count)")
    parser.add_argument("--topic", action="append", help="chỉ lấy câu hỏi của chủ đề này (dùng nhiều lần được)")
    parser.add_argument("--project", type=Path, default=Path("."), help="thư mục của trang")

    def run(args: argparse.Namespace) -> int:
        from . import quiz_print

        project = load_project(args.project)
        settings = project.settings
        content = valid_content(project, include_drafts=False)
        if content is None:
            return 1
        seed = settings.quiz.seed if args.seed is None else args.seed
        count = settings.quiz.print_count if args.count is None else args.count
        if count < 1:
            return _fail(Problem("--count", None, "số câu hỏi phải từ 1 trở lên"))
        try:
            built = quiz_print.build_set(content, settings, seed, count, args.topic, args.output.resolve())
        except OSError as exc:
            return _fail(Problem(str(args.output), None, f"không ghi được tệp PDF: {exc.strerror or exc}"))
        if built is None:
            return _fail(Problem(settings.quiz.dir, None, "không có câu hỏi đã xuất bản nào"
                                 + (" thuộc chủ đề đã chọn" if args.topic else "")))
        questions, result = built
        print(f"Đã ghi {args.output} (bộ đề số {seed}, {len(questions)} câu hỏi, {result.pages} trang)")
        return 0

    parser.set_defaults(run=run)


@command
def _import(sub: Subparsers) -> None:
    parser = sub.add_parser("import", help="nhập chương từ tệp Word (.docx); sửa tệp gõ bằng TCVN3/VNI")
    parser.add_argument("file", type=Path, metavar="TỆP", help="tệp Word .docx (hoặc tệp văn bản với --fix-encoding)")
    parser.add_argument("--fix-encoding", action="store_true", help="chuyển tệp văn bản TCVN3/VNI sang Unicode")
    parser.add_argument("--output", type=Path, metavar="TỆP_MỚI", help="--fix-encoding: ghi ra tệp mới thay vì sửa tại chỗ")
    parser.add_argument("--period", metavar="NĂM-NĂM", help="giai đoạn của chương, ví dụ 1986-2000")
    parser.add_argument("--project", type=Path, default=Path("."), metavar="THƯ_MỤC", help="thư mục của trang")

    def run(args: argparse.Namespace) -> int:
        from . import importer

        if args.fix_encoding:
            backups = None
            if find_config(args.file.parent if not args.file.is_dir() else args.file) is not None:
                owner = load_project(args.file.parent)
                backups = importer.backup_folder(args.file, owner.root, owner.settings.cache_dir)
            message = importer.fix_encoding_file(args.file, args.output, backups)
            print(message)
            return 0
        project = load_project(args.project)
        period = None
        if args.period:
            from .scaffold import parse_period

            period = parse_period(args.period)
            if period is None:
                return _fail(Problem("--period", None, f"'{args.period}' không phải là giai đoạn; ghi ví dụ --period 1986-2000",
                                         code="argument"))
        result = importer.import_docx(args.file, project.root, project.settings, period=period)
        print(f"Đã tạo {result.chapter.relative_to(project.root).as_posix()}")
        for note in result.notes:
            print(f"  {note}")
        if result.problems:  # written as a draft, but never reported as a success
            print_problems(result.problems, "text", "Chương đã được lưu ở dạng bản nháp; sửa các dòng trên rồi chạy kyniem check.")
            return 1
        return 0

    parser.set_defaults(run=run)


@command
def _book(sub: Subparsers) -> None:
    parser = sub.add_parser("book", help="chỉ dựng sách lịch sử (PDF) từ các chương đã xuất bản")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="TỆP_PDF", help="tệp PDF cần ghi")
    parser.add_argument("--project", type=Path, default=Path("."), metavar="THƯ_MỤC", help="thư mục của trang")
    parser.add_argument("--in-an", action="store_true", dest="print_edition",
                        help="bản gửi nhà in: tràn lề, dấu xén, số trang là bội của 4")

    def run(args: argparse.Namespace) -> int:
        from . import book

        project = load_project(args.project)
        content = valid_content(project, include_drafts=False)
        if content is None:
            return 1
        try:
            edition = "print" if args.print_edition else "screen"
            result = book.build_book(content, project.settings, args.output.resolve(), edition)
        except OSError as exc:
            return _fail(Problem(str(args.output), None, f"không ghi được sách ({exc.strerror or exc}); chọn thư mục "
                                 "khác có quyền ghi, hoặc đóng tệp PDF đang mở", code="book-write"))
        if result is None:
            return _fail(Problem(project.settings.history_dir, None, "chưa có chương nào được xuất bản; đổi "
                                 "status: draft thành status: published ở ít nhất một chương", code="book-empty"))
        print_problems(result.problems, "text")
        how = "lấy từ bộ đệm" if result.cached else f"dựng trong {result.seconds:.1f} giây"
        print(f"Đã ghi {args.output} ({result.pages} trang, {how})")
        return 0

    parser.set_defaults(run=run)


@command
def _scrub(sub: Subparsers) -> None:
    parser = sub.add_parser("scrub", help="xóa vị trí GPS và thông tin máy ảnh khỏi ảnh gốc (không làm giảm chất lượng)")
    parser.add_argument("paths", nargs="+", type=Path, metavar="ẢNH_HOẶC_THƯ_MỤC")

    def run(args: argparse.Namespace) -> int:
        from .scrub import scrub_paths

        missing = [p for p in args.paths if not p.exists()]
        if missing:
            return _fail(Problem(missing[0].as_posix(), None, "không có tệp hay thư mục này; kiểm tra đường dẫn, "
                                 "ví dụ kyniem scrub gallery/le-ky-niem/anh-01.jpg", code="scrub"))
        changed, clean, failed = scrub_paths(args.paths)
        for path in changed:
            print(f"{path}: đã xóa vị trí và thông tin máy ảnh (ảnh giữ nguyên chất lượng)")
        problems = [Problem(path, None, "không xóa được vị trí trong ảnh này (ví dụ ảnh HEIC); mở ảnh và lưu lại "
                            "dưới dạng JPEG, rồi chạy lại kyniem scrub", code="scrub") for path in failed]
        print_problems(problems, "text")
        print(f"kyniem scrub: {len(changed)} ảnh đã xóa, {len(clean)} ảnh vốn sạch, {len(failed)} ảnh không xóa được")
        return 1 if failed else 0

    parser.set_defaults(run=run)


@command
def _init(sub: Subparsers) -> None:
    parser = sub.add_parser("init", help="tạo dự án trang kỷ niệm mới, dựng được ngay, có nội dung mẫu")
    parser.add_argument("folder", type=Path, metavar="THƯ_MỤC", help="thư mục mới cho dự án")
    parser.add_argument("--organization", metavar="TÊN", help="tên tổ chức, ví dụ \"Đảng bộ Khối các cơ quan tỉnh Hải Dương\"")
    parser.add_argument("--committee", metavar="TÊN", help="tên cấp ủy (mặc định: Đảng bộ … đổi thành Đảng ủy …)")
    parser.add_argument("--founded", metavar="NGÀY", help="ngày thành lập, ví dụ 1952-02-15 hoặc 15/02/1952")
    parser.add_argument("--anniversary", metavar="NGÀY", help="ngày kỷ niệm, ví dụ 2027-02-15")

    def run(args: argparse.Namespace) -> int:
        from . import newsite

        answers = {}
        for key, question in (("organization", "Tên tổ chức (ví dụ: Đảng bộ Khối các cơ quan tỉnh Hải Dương): "),
                              ("founded", "Ngày thành lập (ví dụ: 15/02/1952): "),
                              ("anniversary", "Ngày kỷ niệm (ví dụ: 15/02/2027): ")):
            value = getattr(args, key)
            if value is None and sys.stdin.isatty():
                value = input(question)
            if value is None:
                return _fail(Problem(f"--{key}", None, f"thiếu --{key}; ví dụ: kyniem init trang-moi --organization "
                                     "\"Đảng bộ Khối các cơ quan tỉnh Hải Dương\" --founded 1952-02-15 "
                                     "--anniversary 2027-02-15", code="init"))
            answers[key] = nfc(value).strip()
        dates = {key: newsite.parse_day(answers[key]) for key in ("founded", "anniversary")}
        for key, day in dates.items():
            if day is None:
                return _fail(Problem(f"--{key}", None, f"'{answers[key]}' không phải là ngày; ghi ví dụ 1952-02-15 "
                                     "hoặc 15/02/1952", code="init"))
        organization = answers["organization"]
        site = newsite.NewSite(organization, nfc(args.committee or newsite.committee_of(organization)).strip(),
                               dates["founded"], dates["anniversary"])  # type: ignore[arg-type]
        problems = newsite.check_site(site)
        if problems:
            print_problems(problems, "text")
            return 1
        written = newsite.write_site(args.folder, site)
        print(f"Đã tạo {args.folder.as_posix()}/: {site.name} ({site.dates}), {len(written)} tệp.")
        print(f"Tiếp theo: cd {args.folder.as_posix()} rồi kyniem check, mkdocs serve (xem huong-dan/xuat-ban.md).")
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
        from .people import CEREMONY_FILE, read_guest_list
        from .problems import Report

        project = load_project(args.project)
        content = valid_content(project, include_drafts=True)
        if content is None:
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


@command
def _export(sub: Subparsers) -> None:
    parser = sub.add_parser("export", help="xuất danh mục tư liệu (archive) ra tệp CSV hoặc JSON")
    parser.add_argument("what", choices=("archive",), help="archive: mọi tư liệu trong thư mục archive/")
    parser.add_argument("--format", choices=("csv", "json"), default="csv", help="csv (mở bằng Excel) hoặc json")
    parser.add_argument("-o", "--output", type=Path, help="tệp cần ghi (không ghi thì in ra màn hình)")
    parser.add_argument("--project", type=Path, default=Path("."), help="thư mục của trang")

    def run(args: argparse.Namespace) -> int:
        from .archive_export import csv_bytes, to_json
        from .store import write_bytes

        project = load_project(args.project)
        content = valid_content(project, include_drafts=True)
        if content is None:
            return 1
        data = csv_bytes(content.archive) if args.format == "csv" else to_json(content.archive).encode("utf-8")
        if args.output is None:
            sys.stdout.buffer.write(data)
            return 0
        try:
            write_bytes(args.output.resolve(), data)
        except OSError as exc:
            return _fail(Problem(str(args.output), None, f"không ghi được tệp: {exc.strerror or exc}"))
        print(f"Đã ghi {args.output} ({len(content.archive)} tư liệu)")
        return 0

    parser.set_defaults(run=run)


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[no-untyped-def]
        super().add_usage(usage, actions, groups, "Cách dùng: " if prefix is None else prefix)


# argparse's own complaints, as an editor reads them (its wording is English).
_ARGPARSE = [
    (re.compile(r"^the following arguments are required: (.*)$"), "thiếu {0}; xem: kyniem LỆNH --help"),
    (re.compile(r"^argument (\S+): invalid choice: (.*?) \(choose from (.*)\)$"), "{0}: {1} không có; chọn một trong {2}"),
    (re.compile(r"^argument (\S+): expected one argument$"), "{0}: cần ghi một giá trị sau"),
    (re.compile(r"^unrecognized arguments: (.*)$"), "không hiểu {0}; xem: kyniem LỆNH --help"),
]


class _Parser(argparse.ArgumentParser):
    """argparse in Vietnamese: help, usage and the errors it reports itself."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs.update(add_help=False, formatter_class=_Formatter)
        super().__init__(*args, **kwargs)
        self._positionals.title, self._optionals.title = "tham số", "tùy chọn"
        self.add_argument("-h", "--help", action="help", help="hiện hướng dẫn này rồi thoát")

    def error(self, message: str):  # type: ignore[no-untyped-def]
        for pattern, text in _ARGPARSE:
            if match := pattern.match(message):
                message = text.format(*match.groups())
                break
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: lỗi: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="kyniem", description="Bàn biên tập của trang kỷ niệm.")
    parser.add_argument("-q", "--quiet", action="store_true", help="không hiện tiến độ của các việc dài")
    sub = parser.add_subparsers(dest="command", required=True, metavar="LỆNH")
    for add in _COMMANDS:
        add(sub)
    return parser


def _show_progress(show: bool) -> None:
    """Progress of long work (photos, PDFs, imports) goes to stderr, as in a build; none with -q."""
    logger = logging.getLogger("mkdocs.plugins.kyniem")
    logger.setLevel(logging.INFO if show else logging.WARNING)
    if show and not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``kyniem`` command; returns the exit status."""
    from .scaffold import EditorError

    args = build_parser().parse_args(argv)
    _show_progress(not args.quiet)
    try:
        return args.run(args)
    except (ProjectError, EditorError) as exc:
        return _fail(exc.problem)


if __name__ == "__main__":
    sys.exit(main())
