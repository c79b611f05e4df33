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
from .encoding import (
    decode_legacy,
    detect_mojibake,
    fix_mojibake,
    guess_encoding,
    has_unicode_vietnamese,
    is_vietnamese_syllable,
    legacy_leftover,
    tcvn3_to_unicode,
    vni_to_unicode,
)
from .problems import Problem
from .progress import track
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
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
RT_FOOTNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
RT_ENDNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/endnotes"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGES = "kyniem-image-folder"  # placeholder until the chapter's file name is known
LINE_BREAK = "\n"  # Shift+Enter inside a paragraph, until the paragraph is laid out


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


class ImportFailed(EditorError):
    """The file cannot be imported; nothing was written."""


@dataclass
class ImportResult:
    chapter: Path
    images: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # legacy text left after conversion: never a success


def leftover_lines(text: str) -> list[tuple[int, str]]:
    """(line, Vietnamese message) for each line still holding legacy TCVN3/VNI text or mojibake."""
    found = []
    for number, line in enumerate(text.split("\n"), 1):
        kind = detect_mojibake(line)
        word = legacy_leftover(line)
        if kind:
            found.append((number, f'dòng này vẫn là chữ {kind} (lỗi phông): "{" ".join(line.split()[:4])}"; so với '
                          "tệp Word và gõ lại bằng Unicode"))
        elif word:
            found.append((number, f'chữ "{word}" vẫn còn mã TCVN3/VNI sau khi chuyển; so với tệp Word và gõ lại '
                          'từ này bằng Unicode, ví dụ "Đảng bộ"'))
    return found


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
    kind: str | None = None  # legacy encoding of the text, until converted


def convert_runs(segments: list[_Segment]) -> list[_Segment]:
    """Convert legacy-font runs to Unicode, each stretch of adjacent runs of one legacy
    font as one text: Word splits runs inside words ("Ña" | "ûng" is VNI "Đảng"), and
    converting the halves apart corrupts the word. A stretch that already holds
    Unicode-only Vietnamese letters (ạ, ơ, ư, đ…) is Unicode typed in an old font's
    name and is left as it is: converting it again would corrupt it silently.
    """
    out: list[_Segment] = []
    index = 0
    while index < len(segments):
        segment = segments[index]
        if segment.raw or segment.kind is None:
            out.append(segment)
            index += 1
            continue
        end = index + 1
        while end < len(segments) and not segments[end].raw and segments[end].kind == segment.kind:
            end += 1
        group = segments[index:end]
        joined = "".join(s.text for s in group)
        if has_unicode_vietnamese(joined):
            out.extend(_Segment(nfc(s.text), s.bold, s.italic) for s in group)
        else:
            out.extend(_convert_group(group, joined, segment.kind))
        index = end
    return out


def _convert_group(group: list[_Segment], joined: str, kind: str) -> list[_Segment]:
    """Convert ``joined`` at once, then give each run its part of the result (a run
    boundary inside a VNI letter moves after the letter)."""
    full = convert_legacy(joined, kind)
    out: list[_Segment] = []
    raw_end = converted_end = 0
    for position, segment in enumerate(group):
        raw_end = max(raw_end, sum(len(s.text) for s in group[: position + 1]))
        if position == len(group) - 1:
            piece = full[converted_end:]
        else:
            while raw_end < len(joined) and not full.startswith(convert_legacy(joined[:raw_end], kind)):
                raw_end += 1
            prefix = len(convert_legacy(joined[:raw_end], kind))
            piece, converted_end = full[converted_end:prefix], max(converted_end, prefix)
        out.append(_Segment(piece, segment.bold, segment.italic))
    return out


_ROMAN = re.compile(r"^[IVXLC]+$")


def sentence_case(text: str) -> str:
    """"LỊCH SỬ ĐẢNG BỘ GIAI ĐOẠN I" -> "Lịch sử đảng bộ giai đoạn I": a heading typed in
    capitals (or set in a capitals font such as .VnTimeH) reads as a shouted title on the
    web. Words that are no Vietnamese syllable (UBND, HĐND, Roman numerals) keep their capitals."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 4 or any(c.islower() for c in letters):
        return text

    def word(match: re.Match[str]) -> str:
        token = match.group(0)
        return token if _ROMAN.match(token) or not is_vietnamese_syllable(token.lower()) else token.lower()

    lower = re.sub(r"[^\W\d_]+", word, text)
    first = next(i for i, c in enumerate(lower) if c.isalpha())
    return lower[:first] + lower[first].upper() + lower[first + 1 :]


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
        self.boxed: list[str] = []  # text box paragraphs met in the current paragraph
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
                segments.append(_Segment("".join(text), bold, italic, kind=kind))
                text.clear()

        for child in run_element:
            tag = child.tag
            if tag == _w("t"):
                text.append(child.text or "")
            elif tag == _w("tab"):
                text.append(" ")
            elif tag == _w("br") and child.get(_w("type")) in (None, "textWrapping"):
                text.append(LINE_BREAK)  # Shift+Enter: a line break inside the paragraph
            elif tag == _w("noBreakHyphen"):
                text.append("-")
            elif tag in (_w("footnoteReference"), _w("endnoteReference")):
                flush()
                note_kind = "footnote" if tag == _w("footnoteReference") else "endnote"
                label = self._note(note_kind, child.get(_w("id")))
                if label:
                    segments.append(_Segment(f"[^{label}]", False, False, raw=True))
            elif tag in (_w("drawing"), _w("pict"), f"{{{MC}}}AlternateContent"):
                flush()
                # Word writes a text box or shape twice (DrawingML, then a VML fallback): read the first only.
                choice = child.find(f"{{{MC}}}Choice") if tag == f"{{{MC}}}AlternateContent" else child
                if choice is None:
                    choice = child.find(f"{{{MC}}}Fallback")
                if choice is None:
                    continue
                image = self._image(choice)
                if image:
                    segments.append(_Segment(image, False, False, raw=True))
                self._text_boxes(choice)
        flush()
        if kind:
            self.converted.add(f"{font} ({'VNI' if kind == 'vni' else 'TCVN3'})")
        return segments

    def _text_boxes(self, drawing: "_Element") -> None:
        """Paragraphs of the text boxes in a drawing, kept to follow the paragraph that anchors them."""
        from docx.text.paragraph import Paragraph

        for box in drawing.iter(_w("txbxContent")):
            for p in box.findall(_w("p")):
                text = self.paragraph_text(Paragraph(p, self.document.part), False)
                if text:
                    self.boxed.append(text)

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

                parts = [self.paragraph_text(Paragraph(p, self.document.part), False).replace(LINE_BREAK, " ")
                         for p in note.findall(_w("p"))]
                label = str(len(self._note_labels) + 1)
                self._note_labels[key] = label
                self.footnotes.append((label, " ".join(p for p in parts if p)))
                return label
        return None

    # -- paragraphs and tables --------------------------------------------------

    def paragraph_text(self, paragraph: "Paragraph", heading: bool) -> str:
        return _join_segments(convert_runs(self._segments(paragraph._p, paragraph, heading)))

    def _segments(self, container: "_Element", paragraph: "Paragraph", heading: bool) -> list[_Segment]:
        """Segments of the runs of a paragraph, through hyperlinks, insertions and content controls
        (deleted text and the runs inside text boxes are not the paragraph's)."""
        segments: list[_Segment] = []
        for child in container:
            tag = child.tag
            if tag == _w("r"):
                segments.extend(self._run_segments(child, paragraph, heading))
            elif tag == _w("hyperlink"):
                inner = self._segments(child, paragraph, heading)
                url = self._link_target(child)
                text = _join_segments(convert_runs(inner))
                if url and text:
                    segments.append(_Segment(f"[{text}](<{url}>)", False, False, raw=True))
                else:
                    segments.extend(inner)
            elif tag in (_w("ins"), _w("smartTag"), _w("sdt"), _w("sdtContent"), _w("fldSimple"), _w("customXml")):
                segments.extend(self._segments(child, paragraph, heading))
        return segments

    def _link_target(self, hyperlink: "_Element") -> str | None:
        """The URL of a Word hyperlink (external ones only; bookmarks inside the file are dropped)."""
        rid = hyperlink.get(f"{{{R}}}id")
        rel = self.document.part.rels.get(rid) if rid else None
        if rel is None or not rel.is_external:
            return None
        url = str(rel.target_ref).strip()
        return url if re.match(r"^(https?|mailto|ftp):", url, re.I) and not re.search(r"[\s<>]", url) else None

    def is_caption(self, paragraph: "Paragraph") -> bool:
        """Word's Caption style (Chú thích), the usual way to caption a picture."""
        style = paragraph.style
        while style is not None:
            if (style.style_id or "").lower() == "caption" or (style.name or "").lower() in ("caption", "chú thích"):
                return True
            style = style.base_style
        return False

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
                texts = [self.paragraph_text(p, False).replace(LINE_BREAK, "<br>") for p in cell.paragraphs]
                cells.append("<br>".join(t for t in texts if t))
            rows.append(cells)
        if not rows:
            return ""
        width = max(len(r) for r in rows)
        rows = [r + [""] * (width - len(r)) for r in rows]
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * width]
        lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
        return "\n".join(lines)


def _line_breaks(text: str, indent: str) -> str:
    """A paragraph's Shift+Enter breaks as Markdown hard breaks; each line stays plain text."""
    lines = [line.strip() for line in text.split(LINE_BREAK)]
    first, rest = lines[0], [line for line in lines[1:] if line]
    return f"  \n{indent}".join([_escape_line_start(first), *(_escape_line_start(line) for line in rest)])


_IMAGE_ONLY = re.compile(r"^!\[(?P<alt>(?:[^\]\\]|\\.)*)\]\((?P<src>[^)\s]+)\)$")


def _caption_image(blocks: list[tuple[str, str]], caption: str, reader: "_DocxReader") -> bool:
    """Make a Caption-styled paragraph the caption (title) of the picture just before it."""
    if not blocks or blocks[-1][0] != "para":
        return False
    captioned = _with_caption(blocks[-1][1], caption, reader)
    if captioned is None:
        return False
    blocks[-1] = ("para", captioned)
    return True


def _with_caption(picture: str, caption: str, reader: "_DocxReader") -> str | None:
    """A picture paragraph with ``caption`` as its title (and alt, when it had none); None when
    the paragraph is not a lone picture without a caption yet."""
    match = _IMAGE_ONLY.match(picture)
    if not match:
        return None
    plain = re.sub(r"\\(.)", r"\1", caption.replace(LINE_BREAK, " ")).replace("*", "").strip()
    alt = match.group("alt")
    if not alt:
        alt = escape_md(plain)
        reader.missing_alt -= 1
    title = plain.replace('"', "&quot;")
    return f'![{alt}]({match.group("src")} "{title}")'


@dataclass
class Converted:
    """A Word document as Markdown, before anything is written."""

    title: str
    body: str
    images: list[tuple[str, bytes]]
    fonts: list[str]
    missing_alt: int
    fixed_lines: int
    recased: bool = False  # the title was typed in capitals and is now in sentence case


def convert_document(document: "DocxDocument", image_folder: str) -> Converted:
    """Markdown body and title of a Word document (title: Title style, first
    Heading 1, document properties, in that order)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    reader = _DocxReader(document, image_folder)
    blocks: list[tuple[str, str]] = []  # (kind, markdown)
    captions: dict[int, str] = {}  # index in blocks of a caption not yet joined to a picture -> its text
    title = ""
    title_from_heading = recased = False
    body = document.element.body
    for item in track(document.iter_inner_content(), "Nhập Word", len(body) if body is not None else 0,
                      unit="đoạn"):
        if isinstance(item, Table):
            blocks.append(("table", reader.table(item)))
            continue
        if not isinstance(item, Paragraph):
            continue
        level = reader.heading_level(item)
        reader.boxed = []
        text = reader.paragraph_text(item, level is not None)
        boxed = reader.boxed
        plain = text.replace(LINE_BREAK, " ")
        if level is not None:
            text = sentence_case(plain)
        if not text:
            pass
        elif level is not None and not title and (level == 0 or (level == 1 and not title_from_heading)):
            title, title_from_heading = text, True
            recased = text != plain
        elif level is not None:
            blocks.append(("heading", f"{max(level, 1)} {text}"))
        elif reader.is_caption(item) and _caption_image(blocks, text, reader):
            pass
        elif reader.is_caption(item):
            # Word also puts captions above ("Hình 1: …"): kept aside for a picture right after it.
            blocks.append(("caption", _line_breaks(text, "")))
            captions[len(blocks) - 1] = text
        elif blocks and blocks[-1][0] == "caption" and (
                captioned := _with_caption(_line_breaks(text, ""), captions[len(blocks) - 1], reader)) is not None:
            blocks[-1] = ("para", captioned)
        elif marker := reader.list_marker(item):
            blocks.append(("list", marker + _line_breaks(text, " " * len(marker.lstrip()))))
        else:
            blocks.append(("para", _line_breaks(text, "")))
        blocks.extend(("para", _line_breaks(box, "")) for box in boxed)
    if not title:
        title = sentence_case(nfc((document.core_properties.title or "").strip()))
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
        recased=recased,
    )


_NO_FILE = "không có tệp này; kiểm tra tên và đường dẫn, ví dụ kyniem import \"Lịch sử chương 1.docx\""


def _open_docx(path: Path) -> "DocxDocument":
    """Open a .docx, or explain in one line why it cannot be imported."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    source = path.as_posix()
    if not path.is_file():
        raise ImportFailed(Problem(source, None, _NO_FILE, code="import-missing"))
    head = path.read_bytes()[:8]
    suffix = path.suffix.lower()
    if head.startswith(b"PK\x03\x04") and suffix in (".doc", ".docx", ""):
        suffix = ".docx"  # a Word 2007+ file whatever its name says: read it for what it is
    if head == OLE_MAGIC or suffix == ".doc":
        raise ImportFailed(Problem(
            source, None,
            "đây là tệp Word 97–2003 cũ (.doc), không đọc trực tiếp được; mở tệp trong Word hoặc LibreOffice, "
            "chọn Tệp → Lưu thành (\"File → Save As\") → \"Word Document (*.docx)\", rồi nhập tệp .docx đó",
            code="import-format",
        ))
    if suffix != ".docx":
        hint = {
            ".odt": "lưu thành .docx trong LibreOffice (Tệp → Lưu thành → Word 2007–365)",
            ".rtf": "mở trong Word và lưu thành .docx",
            ".pdf": "không nhập được tệp PDF; hãy xin tệp Word gốc",
            ".txt": "với văn bản gõ bằng TCVN3/VNI, dùng lệnh: kyniem import --fix-encoding TỆP",
            ".md": "với Markdown gõ bằng TCVN3/VNI, dùng lệnh: kyniem import --fix-encoding TỆP",
        }.get(suffix, "chỉ nhập được tệp Word .docx")
        raise ImportFailed(Problem(source, None, f"không nhập được dạng tệp '{suffix or 'không có đuôi'}'; {hint}",
                                   code="import-format"))
    try:
        return docx.Document(str(path))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as exc:
        raise ImportFailed(Problem(
            source, None,
            "tệp bị hỏng hoặc không thật sự là tệp Word; mở tệp trong Word và lưu lại",
            code="import-damaged",
        )) from None
    except Exception as exc:  # lxml raises its own XMLSyntaxError family for broken parts
        if type(exc).__module__.startswith("lxml"):
            raise ImportFailed(Problem(source, None, "nội dung tệp Word bị hỏng; mở tệp trong Word và lưu lại",
                                       code="import-damaged")) from None
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
        raise ImportFailed(Problem(source, None, "đã có chương mang tên này; không ghi gì cả (đổi tên tệp Word "
                                   "hoặc xóa chương cũ)", code="exists"))
    front = f"""---
title: {q(title)}{RECASED if converted.recased else ""}
{comment}
period: [{chapter_period[0]}, {chapter_period[1]}]
order: {number}
summary: ""
# Bản nháp: đổi thành published khi đã đọc lại và duyệt.
status: draft
events: []
sources: []
# Nguồn gốc (không in ra trang): nhập từ tệp Word {path.name.replace(chr(10), " ")} ngày {dt.date.today().strftime('%d/%m/%Y')}.
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
        raise ImportFailed(Problem(source, None, "không ghi được chương (không có quyền ghi hoặc ổ đĩa đầy); "
                                   "kiểm tra quyền ghi vào thư mục history/", code="import-write")) from None
    front_lines = front.count("\n")
    problems = [Problem(source, line + front_lines, message, "error", "import-legacy-left")
                for line, message in leftover_lines(nfc(body))]
    problems += [Problem(source, 2, message, "error", "import-legacy-left") for _, message in leftover_lines(title)]
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
    return ImportResult(chapter_path, written, notes, problems)


RECASED = "\n# KIỂM TRA LẠI: tiêu đề gõ toàn chữ in hoa nên đã đổi sang chữ thường; viết hoa lại các tên riêng."


def _free_backup(path: Path, folder: Path | None = None) -> Path:
    """``FILE.bak`` (in ``folder`` when given), or ``FILE.1.bak`` … when a backup is already there."""
    folder = folder or path.parent
    candidate = folder / (path.name + ".bak")
    counter = 1
    while candidate.exists():
        candidate = folder / f"{path.name}.{counter}.bak"
        counter += 1
    return candidate


def backup_folder(path: Path, root: Path, cache_dir: str) -> Path | None:
    """Where the backup of a project file goes: under the cache folder, which git ignores,
    mirroring the file's folder (``.cache/kyniem/sao-luu/history/``); None outside the project."""
    try:
        relative = path.resolve().parent.relative_to(root.resolve())
    except ValueError:
        return None
    return root / cache_dir / "sao-luu" / relative


def fix_encoding_file(path: Path, output: Path | None = None, backup_dir: Path | None = None) -> str:
    """Convert a text/Markdown file in a legacy encoding to UTF-8 NFC.

    With ``output`` the result goes to a new file; otherwise the original is kept
    as ``FILE.bak`` first, in ``backup_dir`` when given (a folder git ignores, so the
    next ``git add`` does not pick the backup up). Returns the message to show.
    """
    source = path.as_posix()
    if not path.is_file():
        raise ImportFailed(Problem(source, None, _NO_FILE, code="import-missing"))
    data = path.read_bytes()
    if data[:8] == OLE_MAGIC or data[:4] == b"PK\x03\x04":
        raise ImportFailed(Problem(source, None, "đây là tệp Word, không phải văn bản thuần; dùng lệnh: "
                                   "kyniem import TỆP.docx", code="import-format"))
    try:
        text = data.decode("utf-8-sig")
        converted, count = fix_mojibake(text.replace("\r\n", "\n"))
        if not count:
            return f"{source}: đã là Unicode, không có chữ TCVN3/VNI; không thay đổi gì"
        what = f"{count} dòng chữ TCVN3/VNI"
    except UnicodeDecodeError:
        encoding = guess_encoding(data)
        if encoding is None:
            raise ImportFailed(Problem(source, None, "không nhận ra bảng mã của tệp nên không thay đổi gì; mở tệp bằng "
                                       "Word hoặc Unikey và lưu lại dưới dạng Unicode (UTF-8)", code="import-encoding")) from None
        try:
            converted = decode_legacy(data, encoding).replace("\r\n", "\n")
        except UnicodeDecodeError:
            raise ImportFailed(Problem(source, None, f"tệp không hoàn toàn theo bảng mã {encoding} nên không thay đổi gì; "
                                       "mở tệp bằng Word và lưu lại dưới dạng Unicode (UTF-8)", code="import-encoding")) from None
        what = f"toàn bộ tệp (bảng mã {encoding})"
    converted = nfc(converted)
    if output is not None:
        if output.exists():
            raise ImportFailed(Problem(output.as_posix(), None, "tệp ra đã có nên không ghi gì; chọn tên khác cho --output",
                                       code="import-output"))
        output.write_text(converted, encoding="utf-8", newline="\n")
        return f"{output.as_posix()}: đã chuyển {what} sang Unicode (tệp gốc giữ nguyên)"
    backup = _free_backup(path, backup_dir)
    backup.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(path, backup)
    path.write_text(converted, encoding="utf-8", newline="\n")
    return f"{source}: đã chuyển {what} sang Unicode; bản gốc lưu ở {backup.as_posix()}"

