"""People in the content model: persons, congresses and committees, commendations,
exemplary people and the anniversary ceremony, read from the ``people/`` folder.

A person is written once (``nguoi.yml``, with an id) and referred to by that id
everywhere else, so a name, a term or a date stays the same on every page, in the
timeline and in the book. Only what a person's entry marks public ever reaches a
rendering module: :meth:`Person.shown` is the one door to personal data.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .problems import Report
from .text import fold, format_date, nfc, parse_date, slug_from_filename, slugify
from .yamlsrc import LineMap, decode_utf8, load_yaml, read_text

if TYPE_CHECKING:
    from .content import _Reader

PEOPLE_FILE = "nguoi.yml"
CONGRESSES_FILE = "dai-hoi.yml"
HONOURS_FILE = "khen-thuong.yml"
CEREMONY_FILE = "le-ky-niem.yml"
PROFILES_DIR = "guong-dien-hinh"

PROFILES_URL = "guong-dien-hinh"

PERSON_KEYS = ("id", "name", "born", "hometown", "phone", "email", "note", "public")
# Fields that stay private unless the person's ``public:`` list names them.
PRIVATE_FIELDS = ("born", "hometown", "phone", "email", "note")
CONGRESS_KEYS = ("number", "date", "end_date", "place", "delegates", "term", "targets", "committee", "note")
MEMBER_KEYS = ("person", "position", "from", "to", "note")
HONOUR_KEYS = ("person", "collective", "distinction", "decided_by", "number", "date", "reason")
PROFILE_KEYS = ("title", "person", "summary", "photo", "caption", "posts", "status")
CEREMONY_KEYS = ("title", "date", "place", "stream", "status", "programme", "guests_public", "guests", "notice")
PROGRAMME_KEYS = ("time", "item")
GUEST_KEYS = ("person", "name", "title")

# Position codes as written in dai-hoi.yml, with their titles, most senior first.
POSITIONS = {
    "bi-thu": "Bí thư",
    "pho-bi-thu": "Phó Bí thư",
    "uy-vien-thuong-vu": "Ủy viên Ban Thường vụ",
    "uy-vien": "Ủy viên Ban Chấp hành",
}
STANDING = ("bi-thu", "pho-bi-thu", "uy-vien-thuong-vu")
# A position only one person holds at a time.
SINGLE_SEAT = ("bi-thu",)

_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def roman(number: int) -> str:
    """Congress ordinals are written in Roman numerals: 9 -> IX."""
    out = ""
    for value, letters in _ROMAN:
        while number >= value:
            out += letters
            number -= value
    return out


def _bounds(date: str) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """First and last day a partial date can mean: 2020 -> (2020-01-01, 2020-12-31)."""
    year, month, day = parse_date(date) or (0, None, None)
    if day is not None and month is not None:
        return (year, month, day), (year, month, day)
    if month is not None:
        return (year, month, 1), (year, month, 31)
    return (year, 1, 1), (year, 12, 31)


@dataclass
class Person:
    """One person, written once; private fields are shown only when listed in ``public``."""

    id: str
    name: str
    fields: dict[str, str]
    public: tuple[str, ...]
    line: int

    def shown(self, name: str) -> str:
        """The value of a field the site may show ('' when it is private or empty)."""
        return self.fields.get(name, "") if name in self.public else ""

    @property
    def public_details(self) -> list[tuple[str, str]]:
        labels = {"born": "Năm sinh", "hometown": "Quê quán", "phone": "Điện thoại", "email": "Thư điện tử",
                  "note": "Ghi chú"}
        return [(labels[key], self.shown(key)) for key in PRIVATE_FIELDS if self.shown(key)]


@dataclass(frozen=True)
class Membership:
    """One seat held by one person in one term's executive committee."""

    person: Person
    position: str
    start: str
    end: str
    note: str
    line: int

    @property
    def position_title(self) -> str:
        return POSITIONS[self.position]

    @property
    def span(self) -> str:
        return f"{format_date(self.start)} – {format_date(self.end)}"


@dataclass
class Congress:
    """A congress (Đại hội) of the party organisation and the term it opened."""

    number: int
    date: str
    end_date: str
    place: str
    delegates: int | None
    term: tuple[int, int]
    targets: list[str]
    members: list[Membership]
    note: str
    line: int

    @property
    def title(self) -> str:
        return f"Đại hội lần thứ {roman(self.number)}"

    @property
    def term_label(self) -> str:
        return f"{self.term[0]} – {self.term[1]}"

    @property
    def dates_label(self) -> str:
        if not self.date:
            return ""
        if self.end_date and self.end_date != self.date:
            return f"{format_date(self.date)} – {format_date(self.end_date)}"
        return format_date(self.date)

    @property
    def anchor(self) -> str:
        return f"dai-hoi-lan-thu-{roman(self.number).lower()}"

    @property
    def standing(self) -> list[Membership]:
        return [m for m in self.members if m.position in STANDING]


@dataclass(frozen=True)
class Commendation:
    """A distinction given to a person or a collective."""

    recipient: str
    person: Person | None
    distinction: str
    decided_by: str
    number: str
    date: str
    reason: str
    line: int

    @property
    def kind(self) -> str:
        return "Cá nhân" if self.person else "Tập thể"

    @property
    def year(self) -> int:
        return (parse_date(self.date) or (0, None, None))[0]


@dataclass
class Profile:
    """An exemplary person (gương điển hình): a page of text with a photo from the gallery pipeline."""

    source: str
    path: Path
    slug: str
    title: str
    person: Person | None
    summary: str
    photo: str
    photo_line: int
    caption: str
    posts: list[str]
    posts_line: int
    status: str
    body: str
    body_line: int

    @property
    def url(self) -> str:
        return f"{PROFILES_URL}/{self.slug}/"

    @property
    def src_uri(self) -> str:
        return f"{PROFILES_URL}/{self.slug}.md"

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"


@dataclass(frozen=True)
class ProgrammeItem:
    time: str
    item: str


@dataclass(frozen=True)
class Guest:
    """Someone invited: a person of the data or a name written in place."""

    name: str
    title: str
    seat: str = ""
    line: int = 0


@dataclass
class Ceremony:
    """The anniversary ceremony: its programme, and its guests (published only when public)."""

    source: str
    title: str
    date: str
    place: str
    stream: str
    status: str
    programme: list[ProgrammeItem]
    guests_public: bool
    guests: list[Guest]
    notice: str

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"


@dataclass
class People:
    """Everything about people; empty when the project has no ``people/`` folder."""

    persons: dict[str, Person] = field(default_factory=dict)
    congresses: list[Congress] = field(default_factory=list)
    commendations: list[Commendation] = field(default_factory=list)
    profiles: list[Profile] = field(default_factory=list)
    ceremony: Ceremony | None = None
    notices: dict[str, str] = field(default_factory=dict)  # file name -> "Nội dung mẫu" notice

    @property
    def secretaries(self) -> list[tuple[Membership, Congress]]:
        """Every secretary through the periods, in order of taking office."""
        pairs = [(m, c) for c in self.congresses for m in c.members if m.position == "bi-thu"]
        return sorted(pairs, key=lambda pair: _bounds(pair[0].start)[0])

    @property
    def image_hosts(self) -> list[Profile]:
        """The profiles as documents whose images the gallery pipeline renders: the body, and
        the front matter's photo as a one-line document at its own line."""
        hosts = list(self.profiles)
        hosts += [replace(p, body=f"![]({p.photo})", body_line=p.photo_line) for p in self.profiles if p.photo]
        return hosts

    def congresses_in(self, start: int, end: int) -> list[Congress]:
        """Congresses held within a chapter's period (by the year of the congress)."""
        return [c for c in self.congresses if c.date and start <= int(c.date[:4]) <= end]

    def __bool__(self) -> bool:
        return bool(self.persons or self.congresses or self.commendations or self.profiles or self.ceremony)


def load_people(folder: Path, reader: "_Reader", include_drafts: bool) -> People:
    """Read the ``people/`` folder; every finding goes to the reader's report."""
    people = People()
    if not folder.is_dir():
        return people
    loader = _PeopleReader(folder, reader, people)
    loader.persons()
    loader.congresses()
    loader.commendations()
    people.profiles = [p for p in loader.profiles() if include_drafts or not p.is_draft]
    ceremony = loader.ceremony()
    people.ceremony = ceremony if ceremony and (include_drafts or not ceremony.is_draft) else None
    return people


class _PeopleReader:
    """Reads one file of ``people/`` at a time, reporting into the content's report."""

    def __init__(self, folder: Path, reader: "_Reader", people: People):
        self.folder = folder
        self.reader = reader
        self.report: Report = reader.report
        self.people = people

    def _yaml(self, name: str, list_key: str, allowed: tuple[str, ...] = ()) -> tuple[str, dict, LineMap] | None:
        path = self.folder / name
        if not path.is_file():
            return None
        source = self.reader._source(path)
        text = read_text(path, source, self.report)
        if text is None:
            return None
        errors = len(self.report.errors)
        data, lines = load_yaml(text, source, self.report)
        if len(self.report.errors) > errors:
            return None
        if data is None:
            return source, {}, lines
        if not isinstance(data, dict) or (list_key and not isinstance(data.get(list_key, []), list)):
            self.report.error(source, 1, f"tệp phải có danh sách '{list_key}:' gồm các mục '- …'; "
                              f"xem mẫu trong huong-dan/nhan-su.md", "type")
            return None
        self.reader._unknown_keys(source, data, (list_key, "notice", *allowed), lines, ())
        notice = data.get("notice")
        if isinstance(notice, str) and notice.strip():
            self.people.notices[name] = notice.strip()
        return source, data, lines

    def _items(self, source: str, data: dict, key: str, lines: LineMap, keys: tuple[str, ...]) -> list[tuple[int, dict]]:
        items = []
        for index, item in enumerate(data.get(key) or []):
            path = (key, index)
            if not isinstance(item, dict):
                self.report.error(source, lines.line(path), f"{key}[{index}] phải gồm các dòng 'khóa: giá trị'", "type")
                continue
            self.reader._unknown_keys(source, item, keys, lines, path)
            items.append((index, item))
        return items

    def _date(self, source: str, item: dict, key: str, lines: LineMap, path: tuple, required: bool = False) -> str:
        raw = item.get(key)
        if raw is None:
            if required:
                self.report.error(source, lines.line(path), f"thiếu '{key}'; ghi ngày dạng 2020-06-26 (hoặc 2020-06, 2020)",
                                  "missing")
            return ""
        text = raw.isoformat() if isinstance(raw, dt.date) else str(raw).strip()
        if parse_date(text) is None:
            self.report.error(source, lines.line((*path, key)),
                              f"'{key}: {text}' không phải là ngày; ghi dạng 2020-06-26, 2020-06 hoặc 2020", "date")
            return ""
        return text

    def _person(self, source: str, ref: object, lines: LineMap, path: tuple) -> Person | None:
        person = self.people.persons.get(str(ref)) if ref is not None else None
        if person is None:
            known = ", ".join(sorted(self.people.persons)[:5]) or "chưa có ai"
            self.report.error(source, lines.line(path), f"người có mã '{ref}' không có trong people/{PEOPLE_FILE}; "
                              f"thêm người đó vào tệp này hoặc sửa lại mã (các mã đã có: {known})", "unknown-person")
        return person

    def persons(self) -> None:
        parsed = self._yaml(PEOPLE_FILE, "people")
        if parsed is None:
            return
        source, data, lines = parsed
        by_folded: dict[str, Person] = {}
        for index, item in self._items(source, data, "people", lines, PERSON_KEYS):
            path = ("people", index)
            pid = str(item.get("id") or "").strip()
            name = self.reader._text(source, item, "name", lines, path, required=True)
            if not pid or slugify(pid) != pid:
                self.report.error(source, lines.line((*path, "id")), f"mã người '{pid}' không hợp lệ; dùng chữ thường "
                                  f"không dấu nối bằng gạch ngang, ví dụ id: {slugify(name) or 'nguyen-van-a'}", "person-id")
                continue
            if pid in self.people.persons:
                self.report.error(source, lines.line(path), f"mã người '{pid}' đã dùng ở dòng "
                                  f"{self.people.persons[pid].line}; mỗi người chỉ ghi một lần", "duplicate-person")
                continue
            public = item.get("public") or []
            if not isinstance(public, list) or any(p not in PRIVATE_FIELDS for p in public):
                self.report.error(source, lines.line((*path, "public")), "public: phải là danh sách các trường được "
                                  f"công khai, chọn trong: {', '.join(PRIVATE_FIELDS)}", "type")
                public = []
            fields = {k: self.reader._text(source, item, k, lines, path) for k in PRIVATE_FIELDS if k in item}
            person = Person(pid, name, fields, tuple(public), lines.line(path))
            folded = fold(" ".join(name.split()))
            other = by_folded.get(folded)
            if other is not None:
                same = "cùng tên" if other.name == name else f"tên gần như trùng ('{other.name}' và '{name}')"
                self.report.warning(source, person.line, f"'{pid}' và '{other.id}' (dòng {other.line}) có {same}; nếu là "
                                    "một người, chỉ giữ một mục và dùng một mã", "person-spelling")
            by_folded.setdefault(folded, person)
            self.people.persons[pid] = person

    def congresses(self) -> None:
        parsed = self._yaml(CONGRESSES_FILE, "congresses")
        if parsed is None:
            return
        source, data, lines = parsed
        for index, item in self._items(source, data, "congresses", lines, CONGRESS_KEYS):
            path = ("congresses", index)
            number = item.get("number")
            if isinstance(number, bool) or not isinstance(number, int) or number < 1:
                self.report.error(source, lines.line((*path, "number")), f"number: '{number}' phải là số thứ tự của Đại "
                                  "hội, ví dụ number: 9 (Đại hội lần thứ IX)", "type")
                continue
            term = item.get("term")
            if not (isinstance(term, list) and len(term) == 2 and all(isinstance(y, int) for y in term)
                    and term[0] <= term[1]):
                self.report.error(source, lines.line((*path, "term")), f"term: '{term}' phải là năm đầu và năm cuối của "
                                  "nhiệm kỳ, ví dụ term: [2020, 2025]", "type")
                continue
            delegates = item.get("delegates")
            if delegates is not None and (isinstance(delegates, bool) or not isinstance(delegates, int)):
                self.report.error(source, lines.line((*path, "delegates")), "delegates: phải là một số, ví dụ 150", "type")
                delegates = None
            targets = item.get("targets") or []
            if not isinstance(targets, list) or not all(isinstance(t, str) for t in targets):
                self.report.error(source, lines.line((*path, "targets")), "targets: phải là danh sách '- …'", "type")
                targets = []
            congress = Congress(
                number=number,
                date=self._date(source, item, "date", lines, path),
                end_date=self._date(source, item, "end_date", lines, path),
                place=self.reader._text(source, item, "place", lines, path),
                delegates=delegates,
                term=(term[0], term[1]),
                targets=[t.strip() for t in targets if t.strip()],
                members=[],
                note=self.reader._text(source, item, "note", lines, path),
                line=lines.line(path),
            )
            congress.members = self._members(source, item, lines, path, congress)
            self.people.congresses.append(congress)
        self.people.congresses.sort(key=lambda c: c.number)
        self._check_overlaps(source)

    def _members(self, source: str, item: dict, lines: LineMap, path: tuple, congress: Congress) -> list[Membership]:
        members = []
        for index, member in self._items(source, item, "committee", lines, MEMBER_KEYS):
            mpath = (*path, "committee", index)
            person = self._person(source, member.get("person"), lines, (*mpath, "person"))
            position = member.get("position", "uy-vien")
            if position not in POSITIONS:
                self.report.error(source, lines.line((*mpath, "position")), f"position: '{position}' không có; chọn một "
                                  f"trong: {', '.join(POSITIONS)}", "position")
                continue
            start = self._date(source, member, "from", lines, mpath) or congress.date or str(congress.term[0])
            end = self._date(source, member, "to", lines, mpath) or str(congress.term[1])
            line = lines.line(mpath)
            if _bounds(end)[1] < _bounds(start)[0]:
                self.report.error(source, line, f"thời gian {format_date(start)} – {format_date(end)} bị ngược: ngày kết "
                                  "thúc trước ngày bắt đầu", "period")
                continue
            first, last = congress.term
            if not (first <= _bounds(start)[0][0] and _bounds(end)[1][0] <= last):
                self.report.warning(source, line, f"thời gian {format_date(start)} – {format_date(end)} nằm ngoài nhiệm "
                                    f"kỳ {congress.term_label}; sửa 'from:'/'to:' hoặc ghi vào nhiệm kỳ đúng", "outside-term")
            if person is not None:
                members.append(Membership(person, position, start, end,
                                          self.reader._text(source, member, "note", lines, mpath), line))
        return members

    def _check_overlaps(self, source: str) -> None:
        """One person cannot hold one position twice at once; a single seat has one holder at a time."""
        seats = [m for c in self.people.congresses for m in c.members]
        for i, first in enumerate(seats):
            for second in seats[i + 1:]:
                if first.position != second.position:
                    continue
                if first.person is not second.person and first.position not in SINGLE_SEAT:
                    continue
                if _bounds(first.start)[0] < _bounds(second.end)[1] and _bounds(second.start)[0] < _bounds(first.end)[1]:
                    who = (first.person.name if first.person is second.person
                           else f"{first.person.name} và {second.person.name}")
                    self.report.error(source, second.line, f"{who}: chức {second.position_title} trùng thời gian "
                                      f"{first.span} (dòng {first.line}) và {second.span}; sửa 'from:'/'to:' để các "
                                      "khoảng thời gian nối tiếp nhau", "overlapping-term")

    def commendations(self) -> None:
        parsed = self._yaml(HONOURS_FILE, "commendations")
        if parsed is None:
            return
        source, data, lines = parsed
        for index, item in self._items(source, data, "commendations", lines, HONOUR_KEYS):
            path = ("commendations", index)
            person = None
            if "person" in item:
                person = self._person(source, item["person"], lines, (*path, "person"))
                if person is None:
                    continue
                recipient = person.name
            else:
                recipient = self.reader._text(source, item, "collective", lines, path)
                if not recipient:
                    self.report.error(source, lines.line(path), "ghi người được khen (person: mã người) hoặc tập thể được "
                                      "khen (collective: \"Chi bộ …\")", "missing")
                    continue
            self.people.commendations.append(Commendation(
                recipient=recipient,
                person=person,
                distinction=self.reader._text(source, item, "distinction", lines, path, required=True),
                decided_by=self.reader._text(source, item, "decided_by", lines, path),
                number=self.reader._text(source, item, "number", lines, path),
                date=self._date(source, item, "date", lines, path, required=True),
                reason=self.reader._text(source, item, "reason", lines, path),
                line=lines.line(path),
            ))
        self.people.commendations.sort(key=lambda c: (_bounds(c.date)[0], c.recipient), reverse=True)

    def profiles(self) -> list[Profile]:
        found = []
        folder = self.folder / PROFILES_DIR
        for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
            parsed = self.reader._markdown(path, PROFILE_KEYS, "gương điển hình")
            if parsed is None:
                continue
            data, lines, body, body_line = parsed
            source = self.reader._source(path)
            person = self._person(source, data["person"], lines, ("person",)) if "person" in data else None
            title = self.reader._text(source, data, "title", lines, required=person is None) or (person.name if person else "")
            photo = self.reader._text(source, data, "photo", lines)
            if photo and not (path.parent / photo).is_file():
                self.report.error(source, lines.line(("photo",)), f"không thấy ảnh '{photo}'; đường dẫn tính từ thư mục "
                                  "của tệp này, ví dụ photo: ../../gallery/ten-album/anh.jpg", "missing-image")
                photo = ""
            posts = data.get("posts") or []
            if not isinstance(posts, list) or not all(isinstance(p, str) for p in posts):
                self.report.error(source, lines.line(("posts",)), "posts: phải là danh sách đường dẫn bài tin, ví dụ "
                                  "- tin-tuc/posts/ten-bai.md", "type")
                posts = []
            found.append(Profile(
                source=source, path=path, slug=slug_from_filename(path), title=title, person=person,
                summary=self.reader._text(source, data, "summary", lines),
                photo=photo, photo_line=lines.line(("photo",)),
                caption=self.reader._text(source, data, "caption", lines),
                posts=[p.strip() for p in posts], posts_line=lines.line(("posts",)), status=self.reader._status(source, data, lines),
                body=body, body_line=body_line,
            ))
        return found

    def ceremony(self) -> Ceremony | None:
        parsed = self._yaml(CEREMONY_FILE, "", CEREMONY_KEYS)
        if parsed is None:
            return None
        source, data, lines = parsed
        programme = [
            ProgrammeItem(self.reader._text(source, item, "time", lines, ("programme", i)),
                          self.reader._text(source, item, "item", lines, ("programme", i), required=True))
            for i, item in self._items(source, data, "programme", lines, PROGRAMME_KEYS)
        ]
        guests = []
        for i, item in self._items(source, data, "guests", lines, GUEST_KEYS):
            gpath = ("guests", i)
            if "person" in item:
                person = self._person(source, item["person"], lines, (*gpath, "person"))
                if person is None:
                    continue
                name = person.name
            else:
                name = self.reader._text(source, item, "name", lines, gpath, required=True)
            guests.append(Guest(name, self.reader._text(source, item, "title", lines, gpath), line=lines.line(gpath)))
        public = data.get("guests_public", False)
        if not isinstance(public, bool):
            self.report.error(source, lines.line(("guests_public",)), "guests_public: chỉ nhận true hoặc false", "type")
            public = False
        return Ceremony(
            source=source,
            title=self.reader._text(source, data, "title", lines, required=True),
            date=self._date(source, data, "date", lines, ()),
            place=self.reader._text(source, data, "place", lines),
            stream=self.reader._text(source, data, "stream", lines),
            status=self.reader._status(source, data, lines),
            programme=programme,
            guests_public=public,
            guests=guests,
            notice=self.people.notices.get(CEREMONY_FILE, ""),
        )


def check_posts(people: People, docs_dir: Path, report: Report) -> None:
    """A profile's news posts must exist: a dead link would be published otherwise."""
    for profile in people.profiles:
        for post in profile.posts:
            if not (docs_dir / post).is_file():
                report.error(profile.source, profile.posts_line, f"không thấy bài tin '{post}' (trong posts:); "
                             "ghi đường dẫn tính từ thư mục docs/, ví dụ tin-tuc/posts/ten-bai.md", "broken-link")


# Column names accepted in a guest list, as editors write them in a spreadsheet.
_GUEST_COLUMNS = {
    "name": ("ho va ten", "ho ten", "ten", "name"),
    "title": ("chuc vu", "chuc danh", "title"),
    "seat": ("cho ngoi", "ghe", "so ghe", "seat"),
}


def read_guest_list(path: Path, source: str, report: Report) -> list[Guest]:
    """Guests from a CSV file (Excel's "CSV UTF-8"): name, title, seat; one finding per bad row."""
    text = decode_utf8(path.read_bytes(), source, report)
    if text is None:
        return []
    text = nfc(text)
    sample = text[:2048]
    dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample.strip() else csv.excel
    rows = list(csv.reader(io.StringIO(text), dialect))
    if not rows:
        report.error(source, 1, "danh sách khách mời trống; dòng đầu ghi tên cột: Họ và tên, Chức vụ, Chỗ ngồi",
                     "guest-list")
        return []
    header = [fold(cell).strip() for cell in rows[0]]
    columns = {}
    for key, names in _GUEST_COLUMNS.items():
        for position, cell in enumerate(header):
            if cell in names:
                columns[key] = position
                break
    if "name" not in columns:
        report.error(source, 1, "không thấy cột tên; dòng đầu phải ghi tên cột, ví dụ: Họ và tên, Chức vụ, Chỗ ngồi",
                     "guest-list")
        return []
    guests = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue

        def cell(key: str) -> str:
            index = columns.get(key)
            return row[index].strip() if index is not None and index < len(row) else ""

        if not cell("name"):
            report.error(source, number, "dòng này thiếu họ và tên khách mời; điền tên hoặc xóa dòng", "guest-list")
            continue
        guests.append(Guest(cell("name"), cell("title"), cell("seat"), number))
    return guests
