"""``kyniem import``: a Word chapter (.docx) becomes ``history/NN-slug.md``.

Editors receive chapters as Word files, often typed years ago in TCVN3 (.VnTime)
or VNI fonts. The import keeps what Markdown can say (headings, bold, italic,
lists, tables, footnotes, images), converts legacy-font runs to Unicode, drops
page breaks, and prefills the front matter, marking guesses for review.
Everything is built in memory first: on any error nothing is written.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import limits
from .encoding import decode_legacy, fix_mojibake, guess_encoding, tcvn3_to_unicode, vni_to_unicode
from .problems import Problem
from .scaffold import EditorError, guess_period, new_chapter_path, q
from .text import escape_markdown, nfc

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.table import Table
    from docx.text.paragraph import Paragraph
    from lxml.etree import _Element

    from .config import KyniemConfig

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
RT_FOOTNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
RT_ENDNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/endnotes"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGES = "kyniem-image-folder"  # placeholder until the chapter's file name is known


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


class ImportFailed(EditorError):
    """The file cannot be imported; nothing was written."""


@dataclass
class ImportResult:
    chapter: Path
    images: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def legacy_font(name: str | None) -> str | None:
    """Which legacy encoding a font name implies: "tcvn3", "tcvn3-caps", "vni" or None.

    TCVN3 fonts are named ``.VnTime``, ``.VnArial`` …; their capitals fonts end in
    "H" (``.VnTimeH``). VNI fonts are named ``VNI-Times``, ``VNI-Helve`` …
    """
    if not name:
        return None
    name = name.strip()
    if name.lower().startswith(".vn"):
        return "tcvn3-caps" if name.endswith("H") else "tcvn3"
    if name.upper().startswith("VNI-") or name.upper().startswith("VNI "):
        return "vni"
    return None


def convert_legacy(text: str, kind: str | None) -> str:
    """Convert the text of a run typed in a legacy font to Unicode NFC."""
    if kind == "tcvn3":
        return tcvn3_to_unicode(text)
    if kind == "tcvn3-caps":
        return tcvn3_to_unicode(text, capitals=True)
    if kind == "vni":
        return vni_to_unicode(text)
    return nfc(text)


def escape_md(text: str) -> str:
    """Escape what Markdown would read as markup in running text (one rule for all editor text)."""
    return escape_markdown(text)


def _escape_line_start(line: str) -> str:
    """Keep a paragraph that starts like a heading, quote or list item a paragraph."""
    if re.match(r"^(#|>|[-+] |\d+[.)] )", line):
        match = re.match(r"^(\d+)([.)])", line)
        return f"{match.group(1)}\\{match.group(2)}{line[match.end():]}" if match else "\\" + line
    return line


@dataclass
class _Segment:
    text: str
    bold: bool
    italic: bool
    raw: bool = False  # already Markdown (footnote reference, image)


def _join_segments(segments: list[_Segment]) -> str:
    """Merge runs with the same formatting, then wrap them in ** and *."""
    merged: list[_Segment] = []
    for seg in segments:
        if not seg.text:
            continue
        if merged and not seg.raw and not merged[-1].raw and (merged[-1].bold, merged[-1].italic) == (seg.bold, seg.italic):
            merged[-1].text += seg.text
        else:
            merged.append(_Segment(seg.text, seg.bold, seg.italic, seg.raw))
    out = []
    for seg in merged:
        if seg.raw:
            out.append(seg.text)
            continue
        text = escape_md(seg.text)
        core = text.strip()
        if not core or not (seg.bold or seg.italic):
            out.append(text)
            continue
        mark = "***" if seg.bold and seg.italic else "**" if seg.bold else "*"
        lead = text[: len(text) - len(text.lstrip())]
        trail = text[len(text.rstrip()):]
        out.append(f"{lead}{mark}{core}{mark}{trail}")
    return re.sub(r"[ \t]+", " ", "".join(out)).strip()


class _DocxReader:
    """Turns one python-docx Document into Markdown, collecting images and notes."""

    def __init__(self, document: "DocxDocument", image_folder: str):
        self.document = document
        self.image_folder = image_folder
        self.images: dict[str, tuple[str, bytes]] = {}  # rId -> (file name, data)
        self.missing_alt = 0
        self.converted: set[str] = set()
        self.footnotes: list[tuple[str, str]] = []
        self._note_labels: dict[tuple[str, str], str] = {}
        self._notes_xml = {kind: self._notes_part(rt) for kind, rt in (("footnote", RT_FOOTNOTES), ("endnote", RT_ENDNOTES))}
        self._styles = document.styles
        self._style_of: dict[str | None, object] = {}
        self._default_font = self._doc_default_font()
        self._numbering = self._numbering_formats()

    # -- document structure ---------------------------------------------------

    def _notes_part(self, reltype: str) -> "_Element | None":
        from docx.oxml import parse_xml

        for rel in self.document.part.rels.values():
            if rel.reltype == reltype and not rel.is_external:
                return parse_xml(rel.target_part.blob)
        return None

    def _doc_default_font(self) -> str | None:
        fonts = self._styles.element.xpath("w:docDefaults/w:rPrDefault/w:rPr/w:rFonts")
        return fonts[0].get(_w("ascii")) or fonts[0].get(_w("hAnsi")) if fonts else None

    def _numbering_formats(self) -> dict[tuple[str, str], str]:
        """(numId, ilvl) -> numFmt ("bullet", "decimal", …) from the numbering part."""
        try:
            numbering = self.document.part.numbering_part.element
        except (NotImplementedError, KeyError):
            return {}
        abstract = {}
        for node in numbering.findall(_w("abstractNum")):
            levels = {lvl.get(_w("ilvl")): (lvl.find(_w("numFmt")).get(_w("val")) if lvl.find(_w("numFmt")) is not None else "decimal") for lvl in node.findall(_w("lvl"))}
            abstract[node.get(_w("abstractNumId"))] = levels
        formats: dict[tuple[str, str], str] = {}
        for num in numbering.findall(_w("num")):
            ref = num.find(_w("abstractNumId"))
            if ref is None:
                continue
            for ilvl, fmt in abstract.get(ref.get(_w("val")), {}).items():
                formats[(num.get(_w("numId")), ilvl)] = fmt
        return formats

    def _style(self, paragraph: "Paragraph") -> Any:
        """``paragraph.style``, looked up once per style id: python-docx scans every style of the
        document on each call, which made a long document take minutes (issue 10)."""
        style_id = paragraph._p.style
        if style_id not in self._style_of:
            self._style_of[style_id] = paragraph.style
        return self._style_of[style_id]

    def _font_of(self, run_element: "_Element", paragraph: "Paragraph") -> str | None:
        """The font a run is drawn with: its own, its style's, the paragraph style's, the default."""
        fonts = run_element.find(f"{_w('rPr')}/{_w('rFonts')}")
        if fonts is not None and (fonts.get(_w("ascii")) or fonts.get(_w("hAnsi"))):
            return fonts.get(_w("ascii")) or fonts.get(_w("hAnsi"))
        style = self._style(paragraph)
        while style is not None:
            if style.font.name:
                return style.font.name
            style = style.base_style
        return self._default_font

    # -- runs -------------------------------------------------------------------

    def _flag(self, run_element: "_Element", tag: str, paragraph: "Paragraph") -> bool:
        node = run_element.find(f"{_w('rPr')}/{_w(tag)}")
        if node is not None:
            return node.get(_w("val"), "true") not in ("0", "false", "off", "none")
        style = self._style(paragraph)
        while style is not None:
            value = style.font.bold if tag == "b" else style.font.italic
            if value is not None:
                return bool(value)
            style = style.base_style
        return False

    def _run_segments(self, run_element: "_Element", paragraph: "Paragraph", heading: bool) -> list[_Segment]:
        font = self._font_of(run_element, paragraph)
        kind = legacy_font(font)
        bold = False if heading else self._flag(run_element, "b", paragraph)
        italic = self._flag(run_element, "i", paragraph)
        segments: list[_Segment] = []
        text: list[str] = []

        def flush() -> None:
            if text:
                segments.append(_Segment(convert_legacy("".join(text), kind), bold, italic))
                text.clear()

        for child in run_element:
            tag = child.tag
            if tag == _w("t"):
                text.append(child.text or "")
            elif tag == _w("tab"):
                text.append(" ")
            elif tag == _w("br") and child.get(_w("type")) in (None, "textWrapping"):
                text.append(" ")
            elif tag == _w("noBreakHyphen"):
                text.append("-")
            elif tag in (_w("footnoteReference"), _w("endnoteReference")):
                flush()
                note_kind = "footnote" if tag == _w("footnoteReference") else "endnote"
                label = self._note(note_kind, child.get(_w("id")))
                if label:
                    segments.append(_Segment(f"[^{label}]", False, False, raw=True))
            elif tag in (_w("drawing"), _w("pict")):
                flush()
                image = self._image(child)
                if image:
                    segments.append(_Segment(image, False, False, raw=True))
        flush()
        if kind:
            self.converted.add(f"{font} ({'VNI' if kind == 'vni' else 'TCVN3'})")
        return segments

    def _image(self, drawing: "_Element") -> str | None:
        blips = drawing.findall(f".//{{{A}}}blip")
        rid = blips[0].get(f"{{{R}}}embed") if blips else None
        if not rid or rid not in self.document.part.related_parts:
            return None
        if rid not in self.images:
            part = self.document.part.related_parts[rid]
            suffix = Path(str(part.partname)).suffix.lower() or ".png"
            if suffix == ".jpeg":
                suffix = ".jpg"
            self.images[rid] = (f"hinh-{len(self.images) + 1:02d}{suffix}", part.blob)
        doc_pr = drawing.find(f".//{{{WP}}}docPr")
        alt = nfc((doc_pr.get("descr") or "").strip()) if doc_pr is not None else ""
        if not alt:
            self.missing_alt += 1
        return f"![{escape_md(alt)}]({self.image_folder}/{self.images[rid][0]})"

    def _note(self, kind: str, note_id: str | None) -> str | None:
        root = self._notes_xml.get(kind)
        if root is None or note_id is None:
            return None
        key = (kind, note_id)
        if key in self._note_labels:
            return self._note_labels[key]
        for note in root.findall(_w(kind)):
            if note.get(_w("id")) == note_id:
                from docx.text.paragraph import Paragraph

                parts = [self.paragraph_text(Paragraph(p, self.document.part), False) for p in note.findall(_w("p"))]
                label = str(len(self._note_labels) + 1)
                self._note_labels[key] = label
                self.footnotes.append((label, " ".join(p for p in parts if p)))
                return label
        return None

    # -- paragraphs and tables --------------------------------------------------

    def paragraph_text(self, paragraph: "Paragraph", heading: bool) -> str:
        segments: list[_Segment] = []
        for child in paragraph._p.iter(_w("r")):
            segments.extend(self._run_segments(child, paragraph, heading))
        return _join_segments(segments)

    def heading_level(self, paragraph: "Paragraph") -> int | None:
        style = self._style(paragraph)
        name = (style.name if style is not None else "") or ""
        if name.lower() == "title":
            return 0
        match = re.match(r"^heading\s*(\d)$", name.strip(), re.IGNORECASE)
        return int(match.group(1)) if match else None

    def list_marker(self, paragraph: "Paragraph") -> str | None:
        num_pr = paragraph._p.find(f"{_w('pPr')}/{_w('numPr')}")
        style = self._style(paragraph)
        name = (style.name if style is not None else "") or ""
        if num_pr is None:
            match = re.match(r"^list (bullet|number)(?: (\d))?$", name.strip().lower())
            if not match:
                return None
            indent = "    " * (int(match.group(2) or 1) - 1)  # "List Bullet 2" is the second level
            return indent + ("- " if match.group(1) == "bullet" else "1. ")
        ilvl_node, num_node = num_pr.find(_w("ilvl")), num_pr.find(_w("numId"))
        ilvl = ilvl_node.get(_w("val")) if ilvl_node is not None else "0"
        num_id = num_node.get(_w("val")) if num_node is not None else None
        if num_id in (None, "0"):
            return None
        fmt = self._numbering.get((num_id, ilvl), "bullet" if "bullet" in name.lower() else "decimal")
        indent = "    " * int(ilvl or 0)
        return indent + ("- " if fmt == "bullet" else "1. ")

    def table(self, table: "Table") -> str:
        rows: list[list[str]] = []
        for row in table.rows:
            cells, seen = [], set()
            for cell in row.cells:
                if id(cell._tc) in seen:
                    continue
                seen.add(id(cell._tc))
                texts = [self.paragraph_text(p, False) for p in cell.paragraphs]
                cells.append("<br>".join(t for t in texts if t))
            rows.append(cells)
        if not rows:
            return ""
        width = max(len(r) for r in rows)
        rows = [r + [""] * (width - len(r)) for r in rows]
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * width]
        lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
        return "\n".join(lines)


@dataclass
class Converted:
    """A Word document as Markdown, before anything is written."""

    title: str
    body: str
    images: list[tuple[str, bytes]]
    fonts: list[str]
    missing_alt: int
    fixed_lines: int


def convert_document(document: "DocxDocument", image_folder: str) -> Converted:
    """Markdown body and title of a Word document (title: Title style, first
    Heading 1, document properties, in that order)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    reader = _DocxReader(document, image_folder)
    blocks: list[tuple[str, str]] = []  # (kind, markdown)
    title = ""
    title_from_heading = False
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            blocks.append(("table", reader.table(item)))
            continue
        if not isinstance(item, Paragraph):
            continue
        level = reader.heading_level(item)
        text = reader.paragraph_text(item, level is not None)
        if not text:
            continue
        if level is not None and not title and (level == 0 or (level == 1 and not title_from_heading)):
            title, title_from_heading = text, True
            continue
        if level is not None:
            blocks.append(("heading", f"{max(level, 1)} {text}"))
            continue
        marker = reader.list_marker(item)
        if marker:
            blocks.append(("list", marker + text))
        else:
            blocks.append(("para", _escape_line_start(text)))
    if not title:
        title = nfc((document.core_properties.title or "").strip())
    # The chapter title is the page's only H1: the highest remaining heading becomes ##.
    top = min((int(md.split(" ", 1)[0]) for kind, md in blocks if kind == "heading"), default=2)
    parts: list[str] = []
    for index, (kind, markdown) in enumerate(blocks):
        if kind == "heading":
            level, text = markdown.split(" ", 1)
            markdown = "#" * min(int(level) - top + 2, 6) + " " + text
        previous = blocks[index - 1] if index else None
        same_list = (
            previous is not None and kind == "list" and previous[0] == "list"
            and (markdown.lstrip()[:1] == "-") == (previous[1].lstrip()[:1] == "-")
        )
        if index and not same_list:
            parts.append("")
        parts.append(markdown)
    if reader.footnotes:
        parts.append("")
        parts.extend(f"[^{label}]: {text}" for label, text in reader.footnotes)
    body, fixed = fix_mojibake("\n".join(parts) + "\n")
    title_fixed, title_count = fix_mojibake(title)
    return Converted(
        title=title_fixed,
        body=body,
        images=list(reader.images.values()),
        fonts=sorted(reader.converted),
        missing_alt=reader.missing_alt,
        fixed_lines=fixed + title_count,
    )


def _open_docx(path: Path) -> "DocxDocument":
    """Open a .docx, or explain in one line why it cannot be imported."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    source = path.as_posix()
    if not path.is_file():
        raise ImportFailed(Problem(source, None, "no such file"))
    head = path.read_bytes()[:8]
    suffix = path.suffix.lower()
    if head.startswith(b"PK\x03\x04") and suffix in (".doc", ".docx", ""):
        suffix = ".docx"  # a Word 2007+ file whatever its name says: read it for what it is
    if head == OLE_MAGIC or suffix == ".doc":
        raise ImportFailed(Problem(
            source, None,
            "this is an old Word 97–2003 document (.doc), which cannot be read directly; open it in Word or "
            "LibreOffice, choose File → Save As (Tệp → Lưu thành) → \"Word Document (*.docx)\", then import the .docx",
        ))
    if suffix != ".docx":
        hint = {
            ".odt": "save it as .docx in LibreOffice (File → Save As → Word 2007–365)",
            ".rtf": "open it in Word and save it as .docx",
            ".pdf": "a PDF cannot be imported; ask for the Word file",
            ".txt": "for plain text in TCVN3/VNI use: kyniem import --fix-encoding FILE",
            ".md": "for Markdown in TCVN3/VNI use: kyniem import --fix-encoding FILE",
        }.get(suffix, "only Word .docx files can be imported")
        raise ImportFailed(Problem(source, None, f"unknown format '{suffix or 'no extension'}'; {hint}"))
    try:
        return docx.Document(str(path))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as exc:
        raise ImportFailed(Problem(
            source, None,
            f"the file is damaged or not really a Word document ({type(exc).__name__}); open it in Word and save it again",
        )) from None
    except Exception as exc:  # lxml raises its own XMLSyntaxError family for broken parts
        if type(exc).__module__.startswith("lxml"):
            raise ImportFailed(Problem(source, None, "the Word file's contents are damaged; open it in Word and save it again")) from None
        raise


def _period_for(title: str, body: str, settings: "KyniemConfig", period: tuple[int, int] | None) -> tuple[tuple[int, int], str]:
    """The chapter's period and the comment that tells the editor where it came from."""
    if period:
        return period, "# Giai đoạn theo lệnh nhập (--period)."
    first, last = int(settings.founded[:4]), dt.date.today().year
    guessed = guess_period(title)
    if guessed and first <= guessed[0] and guessed[1] <= last:
        return guessed, "# KIỂM TRA LẠI: giai đoạn đoán từ các năm trong tiêu đề."
    years = [int(y) for y in re.findall(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)", body) if first <= int(y) <= last]
    if years:
        return (min(years), max(years)), "# KIỂM TRA LẠI: giai đoạn đoán từ các năm nhắc tới trong bài."
    return (first, first), "# KIỂM TRA LẠI: không tìm thấy năm nào; hãy ghi giai đoạn đúng của chương."


def import_docx(path: Path, root: Path, settings: "KyniemConfig", *, period: tuple[int, int] | None = None) -> ImportResult:
    """Import a .docx as a draft chapter ``history/NN-slug.md`` (+ its images)."""
    if path.is_file() and (too_large := limits.word_file_problem(path, settings)) is not None:
        raise ImportFailed(too_large)
    document = _open_docx(path)
    history = root / settings.history_dir
    converted = convert_document(document, _IMAGES)
    title = converted.title or nfc(path.stem.replace("_", " ").strip())
    chapter_period, comment = _period_for(title, converted.body, settings, period)
    chapter_path = new_chapter_path(root, history, title, chapter_period)
    stem = chapter_path.stem
    number = int(stem.split("-", 1)[0])
    image_dir = history / stem
    body = converted.body.replace(f"]({_IMAGES}/", f"]({stem}/")
    source = chapter_path.relative_to(root).as_posix()
    if (too_long := limits.chapter_problem(body, source, settings)) is not None:
        raise ImportFailed(too_long)
    if chapter_path.exists() or (converted.images and image_dir.exists()):
        raise ImportFailed(Problem(source, None, "a chapter with this name already exists; nothing was written"))
    front = f"""---
title: {q(title)}
{comment}
period: [{chapter_period[0]}, {chapter_period[1]}]
order: {number}
summary: ""
# Bản nháp: đổi thành published khi đã đọc lại và duyệt.
status: draft
events: []
sources:
  - {q(f"Nhập từ tệp Word {path.name} ngày {dt.date.today().strftime('%d/%m/%Y')}")}
---

"""
    history.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    try:
        if converted.images:
            image_dir.mkdir(parents=True)
            for name, data in converted.images:
                target = image_dir / name
                target.write_bytes(data)
                written.append(target)
        with chapter_path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(nfc(front + body))
    except OSError as exc:
        for target in written:
            target.unlink(missing_ok=True)
        if written:
            shutil.rmtree(image_dir, ignore_errors=True)
        raise ImportFailed(Problem(source, None, f"could not write the chapter: {exc.strerror}")) from None
    notes = []
    if converted.fonts:
        notes.append("đã chuyển sang Unicode các đoạn gõ bằng phông " + ", ".join(converted.fonts))
    if converted.fixed_lines:
        notes.append(f"đã chuyển {converted.fixed_lines} dòng chữ TCVN3/VNI sang Unicode")
    if converted.images:
        notes.append(f"{len(converted.images)} ảnh được lưu trong {image_dir.relative_to(root).as_posix()}/")
    if converted.missing_alt:
        notes.append(f"{converted.missing_alt} ảnh chưa có mô tả (alt): hãy viết mô tả trong [ ] trước mỗi ảnh")
    notes.append("chương được lưu ở dạng bản nháp (status: draft); kiểm tra lại giai đoạn và nội dung")
    return ImportResult(chapter_path, written, notes)


def _free_backup(path: Path) -> Path:
    """``FILE.bak``, or ``FILE.1.bak`` … when a backup is already there."""
    candidate = path.with_name(path.name + ".bak")
    counter = 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.{counter}.bak")
        counter += 1
    return candidate


def fix_encoding_file(path: Path, output: Path | None = None) -> str:
    """Convert a text/Markdown file in a legacy encoding to UTF-8 NFC.

    With ``output`` the result goes to a new file; otherwise the original is kept
    as ``FILE.bak`` first. Returns the message to show.
    """
    source = path.as_posix()
    if not path.is_file():
        raise ImportFailed(Problem(source, None, "no such file"))
    data = path.read_bytes()
    if data[:8] == OLE_MAGIC or data[:4] == b"PK\x03\x04":
        raise ImportFailed(Problem(source, None, "this is a Word file, not plain text; use: kyniem import FILE.docx"))
    try:
        text = data.decode("utf-8-sig")
        converted, count = fix_mojibake(text.replace("\r\n", "\n"))
        if not count:
            return f"{source}: đã là Unicode, không có chữ TCVN3/VNI; không thay đổi gì"
        what = f"{count} dòng chữ TCVN3/VNI"
    except UnicodeDecodeError:
        encoding = guess_encoding(data)
        if encoding is None:
            raise ImportFailed(Problem(source, None, "cannot tell which encoding this file uses; nothing was changed")) from None
        try:
            converted = decode_legacy(data, encoding).replace("\r\n", "\n")
        except UnicodeDecodeError:
            raise ImportFailed(Problem(source, None, f"the file is not entirely {encoding}; nothing was changed")) from None
        what = f"toàn bộ tệp (bảng mã {encoding})"
    converted = nfc(converted)
    if output is not None:
        if output.exists():
            raise ImportFailed(Problem(output.as_posix(), None, "the output file already exists; nothing was written"))
        output.write_text(converted, encoding="utf-8", newline="\n")
        return f"{output.as_posix()}: đã chuyển {what} sang Unicode (tệp gốc giữ nguyên)"
    backup = _free_backup(path)
    shutil.copy2(path, backup)
    path.write_text(converted, encoding="utf-8", newline="\n")
    return f"{source}: đã chuyển {what} sang Unicode; bản gốc lưu ở {backup.as_posix()}"

