#!/usr/bin/env python3
"""Make a large synthetic kyniem project, for benchmarks of scale (search, build, serve).

The project is the default site (docs, slogans, the sample album) plus N generated
chapters with 4 sections and 5 events each, and M generated photos in albums of at most
100. Chapters cover one year each, counting back from 2020, so periods never overlap.
Every generated text says it is synthetic test data; nothing here is a fact.

    python scripts/make_big_site.py OUT --chapters 300 --photos 1000 --photo-width 4000
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from make_sample_album import illustration  # noqa: E402

PARTS = ("mkdocs.yml", "docs", "slogans", "gallery")
# Everything the repository's default site is made of (for benchmarks that build it as it is).
DEFAULT_PARTS = ("mkdocs.yml", "docs", "history", "gallery", "slogans", "people", "archive", "quiz")
WORDS = (
    "Đảng bộ Khối cơ quan tỉnh Hải Dương chi bộ đảng viên cán bộ công chức nghị quyết đại hội "
    "nhiệm kỳ thi đua yêu nước phong trào xây dựng chỉnh đốn học tập làm theo tư tưởng đạo đức "
    "phong cách Hồ Chí Minh kinh tế xã hội quốc phòng an ninh đổi mới công nghiệp hóa hiện đại "
    "hóa nông nghiệp nông thôn giáo dục văn hóa y tế khoa học công nghệ kiểm tra giám sát "
    "tuyên truyền vận động quần chúng đoàn kết thống nhất lãnh đạo chỉ đạo thực hiện kết quả"
).split()


def sentence(rng: random.Random, length: int) -> str:
    words = [rng.choice(WORDS) for _ in range(length)]
    words[0] = words[0][:1].upper() + words[0][1:]
    return " ".join(words) + "."


def chapter(number: int, year: int, rng: random.Random) -> str:
    """One synthetic chapter: front matter with 5 events, then 4 sections of text."""
    events = "".join(
        f'  - date: {year}-{month:02d}\n    title: "Sự kiện thử nghiệm {number}.{index} năm {year}"\n'
        f'    text: "{sentence(rng, 14)}"\n'
        for index, month in enumerate((1, 3, 5, 8, 11), start=1)
    )
    sections = "".join(
        f"## Phần {index} của chương {number}\n\n"
        + "\n\n".join(" ".join(sentence(rng, rng.randint(12, 24)) for _ in range(5)) for _ in range(3))
        + "\n\n"
        for index in range(1, 5)
    )
    return (
        "---\n"
        f'title: "Chương thử nghiệm {number}: năm {year}"\n'
        f"period: [{year}, {year}]\n"
        f'summary: "Dữ liệu thử nghiệm tự sinh (không phải sự kiện thật). {sentence(rng, 16)}"\n'
        "status: published\n"
        f"events:\n{events}"
        "---\n\n"
        "!!! note \"Dữ liệu thử nghiệm\"\n    Chương này do scripts/make_big_site.py sinh ra để đo hiệu năng.\n\n"
        f"{sections}"
    )


def write_albums(gallery: Path, photos: int, width: int, per_album: int) -> None:
    for album_index in range((photos + per_album - 1) // per_album):
        folder = gallery / f"album-thu-nghiem-{album_index + 1:03d}"
        folder.mkdir(parents=True)
        count = min(per_album, photos - album_index * per_album)
        entries = []
        for number in range(1, count + 1):
            seed = album_index * per_album + number
            size = (width * 2 // 3, width) if number % 3 == 0 else (width, width * 3 // 4)
            name = f"anh-{number:03d}.jpg"
            illustration(*size, seed=seed).save(folder / name, "JPEG", quality=85)
            entries.append(f'  - file: {name}\n    caption: "Ảnh minh họa thử nghiệm {seed}"\n')
        (folder / "album.yml").write_text(
            f'title: "Album thử nghiệm {album_index + 1}"\n'
            'description: "Ảnh minh họa do phần mềm vẽ để đo hiệu năng."\n'
            f"photos:\n{''.join(entries)}",
            encoding="utf-8",
        )


def copy_parts(target: Path, parts: tuple[str, ...] = DEFAULT_PARTS, source_root: Path = ROOT) -> Path:
    """Copy ``parts`` of a project (the repository's default site unless told) into ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for part in parts:
        source = source_root / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        elif source.exists():
            shutil.copy2(source, target / part)
    return target


def make_site(out: Path, chapters: int, photos: int, photo_width: int = 1600, per_album: int = 100) -> Path:
    """Write the project into ``out`` (which must not exist) and return it."""
    out.mkdir(parents=True)
    copy_parts(out, PARTS)
    history = out / "history"
    history.mkdir()
    if chapters:
        # A history longer than the default site's starts earlier: found the organization then,
        # so no chapter is warned about as lying before the founding.
        settings = out / "mkdocs.yml"
        first = 2020 - chapters + 1
        text = settings.read_text(encoding="utf-8")
        settings.write_text(text.replace("founded: 1952-02-15", f"founded: {min(first, 1952):04d}-01-01"),
                            encoding="utf-8")
    rng = random.Random(chapters)
    for number in range(1, chapters + 1):
        year = 2020 - chapters + number
        (history / f"{number:04d}-chuong-thu-nghiem-{year}.md").write_text(
            chapter(number, year, rng), encoding="utf-8"
        )
    if photos:
        write_albums(out / "gallery", photos, photo_width, per_album)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--chapters", type=int, default=300)
    parser.add_argument("--photos", type=int, default=0)
    parser.add_argument("--photo-width", type=int, default=1600)
    parser.add_argument("--per-album", type=int, default=100)
    args = parser.parse_args()
    make_site(args.out, args.chapters, args.photos, args.photo_width, args.per_album)
    print(f"{args.out}: {args.chapters} chapters, {args.photos} photos")


if __name__ == "__main__":
    main()
