"""Markdown of the pages about people: congresses, executive committees, commendations,
exemplary people and the ceremony.

Everything here takes the model of :mod:`kyniem.people`; personal details are shown
only through :meth:`Person.shown`, so a field not marked public never reaches a page.
"""

from __future__ import annotations

import html

from .content import Chapter, Event
from .pages import esc, front_matter
from .people import CEREMONY_FILE, CONGRESSES_FILE, HONOURS_FILE, PEOPLE_FILE, PROFILES_URL, Congress, People, Profile
from .text import format_date

CONGRESSES = "dai-hoi.md"
COMMITTEES = "ban-chap-hanh.md"
HONOURS = "khen-thuong.md"
PROFILES_INDEX = f"{PROFILES_URL}/index.md"
CEREMONY = "le-ky-niem.md"
PAGES = (CONGRESSES, COMMITTEES, HONOURS, PROFILES_INDEX, CEREMONY)
# The honour page's filter; outside assets/kyniem/js/ so it loads on that page only.
FILTER_SCRIPT = "assets/kyniem/page-js/honours.js"


def _notice(people: People, *files: str) -> str:
    """The file's "Nội dung mẫu" notice as an admonition, so a sample is never taken for fact."""
    notes = [people.notices[f] for f in files if f in people.notices]
    return "".join(f'!!! note "Nội dung mẫu"\n    {esc(n)}\n\n' for n in notes)


def _cell(text: str) -> str:
    return esc(text).replace("|", r"\|").replace("\n", " ")


def congresses_page(people: People) -> str:
    lines = [
        front_matter("Đại hội qua các nhiệm kỳ", "Các kỳ Đại hội của Đảng bộ và mục tiêu của từng nhiệm kỳ"),
        "# Đại hội qua các nhiệm kỳ\n",
        _notice(people, CONGRESSES_FILE),
        "Xem thêm [Ban Chấp hành qua các thời kỳ](ban-chap-hanh.md).\n",
    ]
    for congress in people.congresses:
        lines.append(f"## {congress.title} (nhiệm kỳ {congress.term_label}) {{ #{congress.anchor} }}\n")
        facts = [("Thời gian", congress.dates_label), ("Địa điểm", esc(congress.place)),
                 ("Số đại biểu", str(congress.delegates) if congress.delegates else "")]
        lines += [f"- **{label}:** {value}" for label, value in facts if value]
        if congress.targets:
            lines.append("\n**Mục tiêu, chỉ tiêu chủ yếu của Nghị quyết Đại hội:**\n")
            lines += [f"{n}. {esc(t)}" for n, t in enumerate(congress.targets, 1)]
        if congress.standing:
            names = ", ".join(f"{esc(m.person.name)} ({m.position_title})" for m in congress.standing)
            lines.append(f"\n**Ban Thường vụ:** {names}.")
        if congress.note:
            lines.append(f"\n{esc(congress.note)}")
        lines.append(f"\n[Ban Chấp hành nhiệm kỳ {congress.term_label}](ban-chap-hanh.md#{congress.anchor})\n")
    if not people.congresses:
        lines.append("Chưa có dữ liệu về các kỳ Đại hội.\n")
    return "\n".join(lines)


def committees_page(people: People) -> str:
    lines = [
        front_matter("Ban Chấp hành qua các thời kỳ", "Ban Chấp hành, Ban Thường vụ và các đồng chí Bí thư qua các nhiệm kỳ"),
        "# Ban Chấp hành qua các thời kỳ\n",
        _notice(people, CONGRESSES_FILE, PEOPLE_FILE),
    ]
    if people.secretaries:
        lines.append("## Các đồng chí Bí thư qua các thời kỳ\n")
        lines.append("| Họ và tên | Thời gian | Nhiệm kỳ |\n| --- | --- | --- |")
        lines += [f"| {_cell(m.person.name)} | {m.span} | {c.term_label} |" for m, c in people.secretaries]
        lines.append("")
    for congress in people.congresses:
        lines.append(f"## Nhiệm kỳ {congress.term_label} ({congress.title}) {{ #{congress.anchor} }}\n")
        if not congress.members:
            lines.append("Chưa có danh sách Ban Chấp hành.\n")
            continue
        lines.append("| Họ và tên | Chức vụ | Thời gian | Ghi chú |\n| --- | --- | --- | --- |")
        for m in congress.members:
            details = "; ".join(f"{label}: {value}" for label, value in m.person.public_details)
            note = "; ".join(part for part in (m.note, details) if part)
            lines.append(f"| {_cell(m.person.name)} | {m.position_title} | {m.span} | {_cell(note)} |")
        lines.append("")
    if not people.congresses:
        lines.append("Chưa có dữ liệu về Ban Chấp hành các nhiệm kỳ.\n")
    return "\n".join(lines)


def honours_page(people: People, script_href: str) -> str:
    """Commendations in a table the reader filters by year and kind, in the browser only."""
    years = sorted({c.year for c in people.commendations if c.year}, reverse=True)
    lines = [
        front_matter("Khen thưởng", "Các tập thể, cá nhân được khen thưởng"),
        "# Khen thưởng\n",
        _notice(people, HONOURS_FILE),
    ]
    if people.profiles:
        lines.append("Xem thêm [Gương điển hình](guong-dien-hinh/index.md).\n")
    if not people.commendations:
        lines.append("Chưa có dữ liệu khen thưởng.\n")
        return "\n".join(lines)
    options = "".join(f'<option value="{y}">{y}</option>' for y in years)
    lines += [
        '<form class="ky-filter" data-ky-filter="khen-thuong" hidden>',
        '<label>Năm <select name="year"><option value="">Tất cả</option>' + options + "</select></label>",
        '<label>Đối tượng <select name="kind"><option value="">Tất cả</option>'
        '<option value="Tập thể">Tập thể</option><option value="Cá nhân">Cá nhân</option></select></label>',
        '<output aria-live="polite"></output>',
        "</form>\n",
        '<table class="ky-honours"><thead><tr><th scope="col">Tập thể, cá nhân</th><th scope="col">Đối tượng</th>'
        '<th scope="col">Hình thức khen thưởng</th><th scope="col">Cấp quyết định, số, ngày</th></tr></thead><tbody>',
    ]
    for c in people.commendations:
        decision = ", ".join(p for p in (html.escape(c.decided_by), html.escape(c.number), format_date(c.date)) if p)
        reason = f"<br><small>{html.escape(c.reason)}</small>" if c.reason else ""
        lines.append(
            f'<tr data-year="{c.year}" data-kind="{c.kind}"><td>{html.escape(c.recipient)}{reason}</td>'
            f"<td>{c.kind}</td><td>{html.escape(c.distinction)}</td><td>{decision}</td></tr>"
        )
    lines += ["</tbody></table>\n", f'<script src="{html.escape(script_href)}" defer></script>\n']
    return "\n".join(lines)


def profiles_index(people: People) -> str:
    lines = [
        front_matter("Gương điển hình", "Gương điển hình tiên tiến trong các phong trào thi đua"),
        "# Gương điển hình\n",
    ]
    for profile in people.profiles:
        draft = " *(bản nháp)*" if profile.is_draft else ""
        lines.append(f"## [{esc(profile.title)}]({profile.slug}.md){draft}\n")
        if profile.summary:
            lines.append(esc(profile.summary) + "\n")
    if not people.profiles:
        lines.append("Chưa có bài giới thiệu gương điển hình nào.\n")
    return "\n".join(lines)


def profile_page(profile: Profile, post_links: list[tuple[str, str]]) -> str:
    """One exemplary person; ``post_links`` are (title, link relative to this page) of news posts."""
    parts = [front_matter(profile.title, profile.summary or profile.title), f"# {esc(profile.title)}\n"]
    if profile.photo:
        alt = profile.person.name if profile.person else profile.title
        caption = profile.caption.replace('"', "”")
        parts.append(f'![{esc(alt)}]({profile.photo} "{caption}")\n')
    if profile.person and profile.person.public_details:
        parts += [f"- **{label}:** {esc(value)}" for label, value in profile.person.public_details]
        parts.append("")
    parts.append(profile.body.strip() + "\n")
    if post_links:
        parts.append("## Tin bài liên quan\n")
        parts += [f"- [{esc(title)}]({link})" for title, link in post_links]
        parts.append("")
    parts.append("[← Tất cả gương điển hình](index.md)\n")
    return "\n".join(parts)


def ceremony_page(people: People, programme_href: str | None) -> str:
    ceremony = people.ceremony
    assert ceremony is not None
    parts = [front_matter(ceremony.title, f"{ceremony.title}: chương trình, địa điểm"), f"# {esc(ceremony.title)}\n"]
    if ceremony.notice:
        parts.append(_notice(people, CEREMONY_FILE))
    facts = [("Thời gian", format_date(ceremony.date) if ceremony.date else ""), ("Địa điểm", esc(ceremony.place))]
    parts += [f"- **{label}:** {value}" for label, value in facts if value]
    if ceremony.stream:
        parts.append(f"- **Truyền hình trực tiếp, bản ghi:** <{html.escape(ceremony.stream)}>")
    parts.append("")
    if programme_href:
        parts.append(f"[:material-printer: Chương trình buổi lễ (PDF)]({programme_href}){{ .md-button }}\n")
    if ceremony.programme:
        parts.append("## Chương trình\n\n| Thời gian | Nội dung |\n| --- | --- |")
        parts += [f"| {_cell(p.time)} | {_cell(p.item)} |" for p in ceremony.programme]
        parts.append("")
    if ceremony.guests_public and ceremony.guests:
        parts.append("## Đại biểu\n")
        parts += [f"- {esc(g.name)}" + (f", {esc(g.title)}" if g.title else "") for g in ceremony.guests]
        parts.append("")
    return "\n".join(parts)


def chapter_related(congresses: list[Congress], prefix: str) -> str:
    """Links from a chapter to the congresses of its period; ``prefix`` leads from the chapter to the site root."""
    if not congresses:
        return ""
    items = [
        f"- [{c.title} (nhiệm kỳ {c.term_label})]({prefix}{CONGRESSES}#{c.anchor}) · "
        f"[Ban Chấp hành]({prefix}{COMMITTEES}#{c.anchor})"
        for c in congresses
    ]
    return "## Đại hội trong giai đoạn này\n\n" + "\n".join(items) + "\n"


def timeline_events(people: People, chapters: list[Chapter]) -> list[tuple[Event, Chapter | None, str]]:
    """Each congress as an event of the timeline, under the chapter whose period holds it."""
    found = []
    for congress in people.congresses:
        if not congress.date:
            continue
        year = int(congress.date[:4])
        home = next((c for c in chapters if c.start <= year <= c.end), None)
        event = Event(date=congress.date, title=f"{congress.title} (nhiệm kỳ {congress.term_label})",
                      text=congress.place if congress.place else "", line=congress.line)
        found.append((event, home, f"{CONGRESSES}#{congress.anchor}"))
    return found
