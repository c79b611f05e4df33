"""The catalogue of editors' messages: every stable finding code with its Vietnamese meaning.

A finding (kyniem/problems.py) carries its own Vietnamese sentence, specific to the
place (what is wrong, how to fix it, an example of the right form), and a stable
English code that tools read from ``kyniem check --format json``. This catalogue
names each code once, in Vietnamese, so that:

- tests/test_messages.py walks every code used under kyniem/ and fails on one that is
  not catalogued here or whose text is not Vietnamese;
- ``kyniem check --explain CODE`` and the serve error page can say what a kind of
  finding means and how it is usually fixed.

A module that adds a content type registers its own codes with :func:`register` at
import, next to its messages, so that branches never edit one shared table.
This module imports nothing from kyniem: anything may use it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    """What a kind of finding means (``title``) and how it is usually fixed (``fix``), in Vietnamese."""

    title: str
    fix: str


SEVERITY = {"error": "lỗi", "warning": "cảnh báo"}

CATALOGUE: dict[str, Entry] = {}


def register(entries: dict[str, tuple[str, str]]) -> None:
    """Add codes (code -> (title, fix)); a code keeps one meaning, so redefining one is a bug."""
    for code, (title, fix) in entries.items():
        entry = Entry(title, fix)
        if CATALOGUE.get(code, entry) != entry:
            raise ValueError(f"message code {code!r} is already registered with another meaning")
        CATALOGUE[code] = entry


def explain(code: str) -> Entry | None:
    """The catalogue entry of ``code``, or None for an unknown code."""
    return CATALOGUE.get(code)


def severity_word(severity: str) -> str:
    """"lỗi" or "cảnh báo", as an editor reads it."""
    return SEVERITY.get(severity, severity)


register({
    # -- reading files ---------------------------------------------------------------
    "content": ("Lỗi nội dung", "Đọc thông báo: nó nêu tệp, dòng và cách sửa."),
    "encoding": ("Tệp không ở dạng Unicode (UTF-8)",
                 "Chuyển tệp sang Unicode bằng lệnh: kyniem import --fix-encoding TỆP, "
                 "hoặc mở tệp và lưu lại với bảng mã UTF-8."),
    "nfc": ("Chữ có dấu gõ thành các dấu rời",
            "Lưu lại tệp bằng trình soạn thảo ghi chữ dựng sẵn (Unicode NFC), ví dụ VS Code hoặc Notepad."),
    "legacy-encoding": ("Chữ TCVN3/VNI dán vào tệp Unicode (chữ bị lỗi phông)",
                        "Chuyển bằng lệnh: kyniem import --fix-encoding TỆP; ví dụ \"§¶ng bé\" thành \"Đảng bộ\"."),
    "yaml": ("Lỗi cú pháp YAML (phần khai báo 'khóa: giá trị')",
             "Mỗi dòng có dạng khóa, dấu hai chấm, dấu cách, giá trị; thụt đầu dòng bằng dấu cách, "
             "không dùng phím Tab; đóng mọi dấu ngoặc kép. Ví dụ: title: \"Thành lập Đảng bộ\""),
    "duplicate-key": ("Một khóa được ghi hai lần", "Giữ lại một dòng, xóa dòng kia."),
    "front-matter": ("Thiếu phần đầu tệp giữa hai dòng ---",
                     "Tệp bắt đầu bằng dòng ---, các dòng 'khóa: giá trị', rồi một dòng --- nữa. "
                     "Ví dụ: ---, title: \"Tên chương\", period: [1952, 1954], ---"),
    "type": ("Giá trị không đúng kiểu", "Ghi giá trị đúng dạng như ví dụ trong thông báo."),
    "unknown-key": ("Khóa không có trong mẫu", "Sửa chính tả của khóa, hoặc xóa dòng đó. Các khóa được nêu trong thông báo."),
    "missing": ("Thiếu một mục bắt buộc", "Thêm mục đó, ví dụ title: \"Tên chương\"."),
    "missing-file": ("Thiếu tệp", "Tạo tệp như thông báo hướng dẫn."),
    "status": ("Trạng thái không hợp lệ", "Ghi status: published (xuất bản) hoặc status: draft (bản nháp)."),
    "period": ("Giai đoạn không hợp lệ", "Ghi năm đầu trước, năm cuối sau: period: [1952, 1954]."),
    "period-range": ("Giai đoạn nằm ngoài khoảng từ ngày thành lập đến năm nay",
                     "Kiểm tra lại các năm của period:."),
    "period-overlap": ("Hai chương có giai đoạn trùng nhau",
                       "Mỗi chương kể một giai đoạn riêng: sửa period: để các giai đoạn nối tiếp nhau, "
                       "ví dụ [1952, 1954] rồi [1955, 1967]."),
    "event-period": ("Sự kiện nằm ngoài giai đoạn của chương",
                     "Kiểm tra ngày của sự kiện, hoặc chuyển sự kiện sang chương đúng giai đoạn."),
    "date": ("Ngày không hợp lệ", "Ghi ngày theo dạng năm-tháng-ngày: 1952-02-15 (hoặc 1952-02, hoặc 1952)."),
    "slug": ("Tên tệp không cho được địa chỉ trang", "Đổi tên tệp, có chữ hoặc số, ví dụ 08-giai-doan-moi.md."),
    "duplicate-slug": ("Hai tệp cùng một địa chỉ trang", "Đổi tên một trong hai tệp."),
    "config": ("Lỗi trong mkdocs.yml", "Sửa dòng được nêu trong mkdocs.yml theo ví dụ của thông báo."),
    # -- links and images in pages ---------------------------------------------------
    "alt": ("Ảnh chưa có mô tả (alt)",
            "Viết mô tả ngắn cho người không xem được ảnh: ![Lễ mít tinh kỷ niệm](anh/le-mit-tinh.jpg), "
            "hoặc alt: \"…\" trong album.yml."),
    "missing-image": ("Không tìm thấy ảnh", "Kiểm tra tên tệp ảnh và đường dẫn, tính từ thư mục của tệp đang viết."),
    "broken-link": ("Liên kết hỏng", "Sửa đường dẫn cho đúng một trang hoặc tệp của trang web."),
    "image-too-large": ("Ảnh quá lớn", "Xuất ảnh nhỏ hơn, ví dụ rộng 3000 điểm ảnh, dạng JPEG."),
    "image-unreadable": ("Không đọc được ảnh", "Mở ảnh và lưu lại dưới dạng JPEG."),
    "image-empty": ("Tệp ảnh rỗng", "Chép lại ảnh từ máy ảnh hoặc điện thoại."),
    "image-bomb": ("Ảnh khai báo quá nhiều điểm ảnh", "Xuất ảnh nhỏ hơn, ví dụ rộng 3000 điểm ảnh, dạng JPEG."),
    "image-not-image": ("Tệp không phải là ảnh đọc được",
                        "Lưu ảnh dưới dạng JPEG, PNG hoặc WebP. Ảnh HEIC của iPhone: xem thông báo để chuyển sang JPEG."),
    "image-truncated": ("Ảnh bị cắt cụt hoặc hỏng", "Chép lại ảnh gốc từ máy ảnh hoặc điện thoại."),
    "image-broken": ("Ảnh hỏng, không giải mã được", "Mở ảnh và lưu lại dưới dạng JPEG."),
    "image-heic": ("Ảnh HEIC/HEIF của điện thoại không đọc được",
                   "HEIC là dạng ảnh mặc định của iPhone. Chuyển sang JPEG: trên iPhone chọn Cài đặt → Camera → "
                   "Định dạng → Tương thích nhất; hoặc mở ảnh trên máy tính và Xuất/Lưu thành JPEG."),
    "image-wrong-extension": ("Đuôi tên tệp không khớp loại ảnh", "Đổi đuôi tên tệp cho khớp, ví dụ .jpg cho ảnh JPEG."),
    "image-path": ("Ảnh nằm ngoài thư mục dự án", "Chép ảnh vào cạnh chương (ví dụ history/anh/) và dẫn tới nó bằng đường dẫn tương đối."),
    "image-missing": ("Không tìm thấy ảnh", "Kiểm tra tên tệp ảnh và đường dẫn, tính từ thư mục của chương."),
    "photo-gps": ("Ảnh còn vị trí GPS", "Xóa vị trí và thông tin máy ảnh bằng lệnh: kyniem scrub TỆP_ẢNH"),
    # -- galleries -------------------------------------------------------------------
    "gallery-path": ("Đường dẫn ảnh trong album không dùng được", "Ghi đúng tên tệp của một ảnh nằm trong thư mục album."),
    "gallery-duplicate": ("Trùng lặp trong thư viện ảnh", "Xóa mục trùng, hoặc đổi tên một thư mục album."),
    "gallery-name": ("Tên thư mục album không dùng được", "Đổi tên thư mục, có chữ hoặc số, ví dụ le-ky-niem-2022."),
    "gallery-name-clash": ("Hai ảnh trùng tên", "Đổi tên một trong hai ảnh."),
    "gallery-no-album-yml": ("Album chưa có album.yml", "Tạo bằng lệnh: kyniem new album \"Tên album\" --folder THƯ_MỤC"),
    "gallery-yaml": ("album.yml sai dạng", "Xem mẫu trong huong-dan/thu-vien-anh.md."),
    "gallery-cover": ("Ảnh bìa không có trong album", "Ghi cover: là tên một ảnh trong thư mục album."),
    "gallery-key": ("Khóa không có trong mẫu album.yml", "Sửa chính tả của khóa theo thông báo, hoặc xóa dòng đó."),
    "gallery-title": ("Album chưa có tên", "Thêm title: \"Tên album\" vào album.yml."),
    "gallery-date": ("Ngày của album hoặc ảnh không hợp lệ", "Ghi ngày dạng 2022-02-15 (hoặc 2022-02, hoặc 2022)."),
    "gallery-missing": ("Ảnh có tên trong album.yml nhưng không có tệp",
                        "Chép ảnh vào thư mục album, hoặc sửa tên tệp trong album.yml, hoặc xóa mục đó."),
    # -- print -----------------------------------------------------------------------
    "book-image": ("Ảnh không đưa được vào sách PDF", "Đặt ảnh trong dự án và dẫn tới nó bằng đường dẫn tương đối."),
    "book-write": ("Không ghi được sách PDF", "Chọn thư mục khác có quyền ghi, hoặc đóng tệp PDF đang mở."),
    "book-empty": ("Chưa có chương nào được xuất bản", "Đổi status: draft thành status: published ở ít nhất một chương."),
    "banner": ("Kích thước băng rôn không dùng được", "Sửa banners: width_m, height_m, dpi trong mkdocs.yml."),
    # -- editors' commands -----------------------------------------------------------
    "exists": ("Tệp đã có", "Chọn tên khác; không có gì bị ghi đè."),
    "album": ("Không tạo được album", "Làm theo hướng dẫn của thông báo."),
    "no-project": ("Không tìm thấy mkdocs.yml", "Chạy lệnh trong thư mục của trang (nơi có mkdocs.yml)."),
    "argument": ("Tham số lệnh không hợp lệ", "Ví dụ: --period 1986-2000."),
    "import-missing": ("Không có tệp cần nhập", "Kiểm tra tên và đường dẫn của tệp."),
    "import-format": ("Không nhập được dạng tệp này", "Lưu tệp thành Word .docx rồi nhập: kyniem import TỆP.docx"),
    "import-damaged": ("Tệp Word bị hỏng", "Mở tệp trong Word và lưu lại."),
    "import-write": ("Không ghi được chương", "Kiểm tra quyền ghi vào thư mục history/."),
    "import-legacy-left": ("Còn chữ TCVN3/VNI hoặc chữ lỗi phông sau khi nhập",
                           "Mở dòng được nêu, so với tệp Word và sửa tay; chữ đúng phải đọc được như \"Đảng bộ\"."),
    "import-encoding": ("Không nhận ra bảng mã của tệp", "Mở tệp bằng Word hoặc Unikey và lưu lại dưới dạng Unicode (UTF-8)."),
    "import-output": ("Tệp ra đã có", "Chọn tên khác cho --output; không có gì bị ghi đè."),
    "scrub": ("Không xóa được vị trí trong ảnh", "Mở ảnh và lưu lại dưới dạng JPEG, rồi chạy lại kyniem scrub."),
    "init": ("Không tạo được dự án mới", "Chọn thư mục trống hoặc chưa có; ghi ngày dạng 1952-02-15."),
})

# Codes of the modules written alongside this catalogue (issues 10, 13, 15, 16), named here so
# that the test of every code passes once they are merged; a module may register its own instead.
register({
    "too-large": ("Tệp quá dài", "Chia thành nhiều tệp, hoặc tăng giới hạn trong mkdocs.yml nếu tệp đúng là dài như vậy."),
    "chapter-too-large": ("Chương nhập từ Word quá dài", "Chia tài liệu Word thành từng chương rồi nhập từng phần."),
    "word-too-large": ("Tệp Word quá nặng", "Chia tài liệu thành từng chương, hoặc nén ảnh trong Word."),
    "word-text-too-large": ("Phần chữ của tệp Word quá lớn", "Chia tài liệu thành từng chương rồi nhập từng phần."),
    "word-unzipped-too-large": ("Tệp Word giải nén ra quá lớn", "Mở tệp trong Word, lưu lại, rồi nhập lại."),
    "banner-memory": ("Băng rôn cần quá nhiều bộ nhớ để vẽ", "Hạ banners.dpi, ví dụ dpi: 100."),
    "banner-small-letters": ("Chữ trên băng rôn quá nhỏ", "Rút gọn khẩu hiệu, hoặc cho băng rôn nhiều dòng hơn."),
    "banner-size": ("Kích thước băng rôn không hợp lệ", "Ghi kích thước bằng mét, ví dụ width_m: 5.0."),
    "banner-lines": ("Số dòng chữ trên băng rôn không hợp lệ", "Ghi số dòng, ví dụ lines: 2."),
    "book-image-outside": ("Ảnh nằm ngoài thư mục nội dung nên không vào sách", "Chép ảnh vào thư mục của chương và dẫn tới nó bằng đường dẫn tương đối."),
    "print-fetch-refused": ("Bản in không lấy tệp từ ngoài dự án", "Chỉ dùng tệp trong docs/, history/, gallery/, slogans/."),
    "html-removed": ("HTML không được phép đã bị bỏ", "Viết bằng Markdown; xem mục HTML trong huong-dan/noi-dung.md."),
    "image-refused": ("Ảnh không được xuất bản", "Lưu lại ảnh dưới dạng JPEG hoặc PNG."),
    "nesting-too-deep": ("Danh sách lồng nhau quá sâu", "Bớt thụt lề; mỗi 4 dấu cách là một cấp."),
    "control-characters": ("Có ký tự điều khiển không nhìn thấy", "Lưu lại tệp; các ký tự này đã được bỏ khi dựng trang."),
    "impossible-date": ("Ngày không có trên lịch", "Sửa lại ngày, ví dụ 1952-02-15."),
    "front-matter-missing": ("Tệp chưa có phần khai báo", "Thêm phần khai báo giữa hai dòng '---' ở đầu tệp (title:, period:)."),
    "slogans-empty": ("Chưa có khẩu hiệu nào", "Thêm khẩu hiệu dưới 'slogans:', ví dụ - text: \"…\"."),
    "gallery-subfolder": ("Thư mục con trong album bị bỏ qua", "Chuyển ảnh ra thư mục album, hoặc tạo một album riêng."),
    "gallery-video": ("Tệp video trong album bị bỏ qua", "Đưa video lên trang chia sẻ video rồi dẫn liên kết trong bài viết."),
    "image-frames-dropped": ("Chỉ khung hình hay trang đầu của ảnh được đăng", "Tách mỗi khung hình hay trang thành một ảnh nếu cần đăng cả."),
    "local-path-link": ("Liên kết tới tệp trên máy người soạn", "Chép tệp vào docs/ rồi dẫn bằng đường dẫn tương đối."),
    "archive-missing-item": ("Tham chiếu tới tư liệu không có", "Sửa tên cho đúng tên thư mục của tư liệu, ví dụ [[tu-lieu:quyet-dinh-thanh-lap]]."),
    "archive-no-item": ("Thư mục tư liệu chưa có tệp mô tả", "Tạo tệp mô tả với ít nhất title: và type:."),
    "archive-type": ("Tệp tư liệu sai dạng", "Ghi các dòng 'tên: giá trị', ví dụ title: \"Quyết định …\"."),
    "archive-empty": ("Tư liệu chưa có trang quét hay tệp phim, ghi âm", "Đặt ảnh quét (JPEG, PNG, TIFF) vào thư mục tư liệu."),
    "archive-type-unknown": ("Loại tư liệu lạ", "Ghi type: là một loại quen dùng, ví dụ type: \"quyết định\"."),
    "archive-date": ("Ngày của tư liệu không hợp lệ", "Ghi ngày dạng 1952-02-15 (hoặc 1952-02, hoặc 1952)."),
    "archive-file": ("Tên tệp trong tư liệu không dùng được", "Ghi tên một tệp nằm trong thư mục tư liệu."),
    "archive-media-format": ("Định dạng phim, ghi âm không đăng được", "Chuyển sang MP4, WebM (phim) hoặc MP3, M4A, Opus (ghi âm)."),
    "archive-media-too-large": ("Tệp phim, ghi âm quá nặng", "Xuất lại tệp nhỏ hơn, hoặc đăng ở nơi khác và ghi url:."),
    "archive-media-rights": ("Chưa ghi người giữ bản quyền", "Thêm rights: \"tên người hoặc cơ quan giữ bản quyền\"."),
    "archive-media-url": ("Địa chỉ web không đầy đủ", "Ghi địa chỉ bắt đầu bằng https://."),
    "archive-media-unreadable": ("Không đọc được tệp phim, ghi âm", "Xuất lại tệp bằng phần mềm dựng phim (MP4 H.264 hoặc WebM)."),
    "archive-captions": ("Tệp phụ đề sai dạng", "Dùng tệp WebVTT (.vtt)."),
    "archive-duplicate": ("Hai tư liệu cùng một địa chỉ", "Đổi tên một trong hai thư mục."),
    "archive-unknown-key": ("Khóa không có trong mẫu tư liệu", "Sửa chính tả của khóa, hoặc xóa dòng đó."),
    "archive-missing": ("Thiếu một mục bắt buộc của tư liệu", "Thêm mục đó, ví dụ title: \"…\"."),
    "archive-chapter": ("Tư liệu dẫn tới chương không có", "Ghi tên tệp chương, ví dụ 01-thanh-lap-1952-1954.md."),
    "archive-scan": ("Trang quét bị bỏ ra", "Lưu lại trang quét dưới dạng JPEG hoặc PNG."),
    "gallery-film-unlisted": ("Phim, ghi âm chưa được đăng", "Thêm vào album.yml mục films: với file: và rights:."),
    "quiz-duplicate-id": ("Hai câu hỏi trùng mã", "Sửa hoặc xóa dòng id: để mỗi câu hỏi có mã riêng."),
    "quiz-no-events": ("Chưa có sự kiện để tạo câu hỏi", "Thêm events: vào các chương."),
    "quiz-correct-count": ("Số đáp án đúng không khớp", "Sửa correct: hoặc answers: cho khớp nhau."),
    "quiz-choice-empty": ("Phương án trả lời để trống", "Viết nội dung cho phương án, hoặc xóa nó."),
    "quiz-choice-duplicate": ("Hai phương án trả lời giống nhau", "Sửa hoặc xóa một phương án."),
    "quiz-choices": ("Số phương án trả lời không hợp lệ", "Mỗi câu hỏi có từ 2 đến 6 phương án."),
    "quiz-correct": ("Đáp án đúng không hợp lệ", "Ghi correct: là chữ cái của phương án đúng, ví dụ correct: B."),
    "quiz-link": ("Liên kết của câu hỏi không tới đâu", "Sửa liên kết tới chương, sự kiện hoặc tư liệu có thật."),
    "quiz-missing": ("Câu hỏi thiếu một mục bắt buộc", "Thêm mục đó, ví dụ question: \"…\"."),
    "quiz-type": ("Mục của câu hỏi sai kiểu", "Ghi đúng dạng như ví dụ trong thông báo."),
    # kyniem/people.py (people, congresses, committees, ceremony)
    "guest-list": ("Danh sách khách mời sai dạng", "Dòng đầu ghi tên cột: Họ và tên, Chức vụ, Chỗ ngồi; mỗi khách một dòng."),
    "unknown-person": ("Mã người không có trong danh sách", "Thêm người đó vào people/, hoặc sửa lại mã cho đúng."),
    "person-id": ("Mã người không hợp lệ", "Dùng chữ thường không dấu nối bằng gạch ngang, ví dụ id: nguyen-van-a."),
    "duplicate-person": ("Một người được ghi hai lần", "Chỉ giữ một mục cho mỗi người."),
    "person-spelling": ("Hai mục có vẻ là cùng một người", "Nếu là một người, chỉ giữ một mục và dùng một mã."),
    "position": ("Chức vụ không có trong danh sách", "Chọn một chức vụ trong danh sách mà thông báo nêu."),
    "outside-term": ("Thời gian nằm ngoài nhiệm kỳ", "Sửa from:/to:, hoặc ghi vào nhiệm kỳ đúng."),
    "overlapping-term": ("Hai người giữ một chức cùng lúc", "Sửa from:/to: để các khoảng thời gian nối tiếp nhau."),
    "empty-file": ("Tệp trống", "Điền nội dung theo mẫu trong huong-dan/nhan-su.md, hoặc xóa tệp."),
    "duplicate-congress": ("Một kỳ Đại hội được ghi hai lần", "Mỗi kỳ Đại hội chỉ ghi một lần; sửa lại number:."),
    "recipient": ("Mục khen thưởng ghi cả người lẫn tập thể", "Ghi person: hoặc collective:, tách thành hai mục nếu cần."),
    "stream": ("Đường dẫn truyền hình không phải địa chỉ web", "Ghi địa chỉ bắt đầu bằng https://."),
    # issue 10 (safety and limits)
    "front-matter-missing": ("Tệp chưa có phần đầu giữa hai dòng ---", "Thêm phần đầu: ---, title: \"…\", period: [1952, 1954], ---."),
    "slogans-empty": ("Tệp khẩu hiệu chưa có khẩu hiệu nào", "Thêm khẩu hiệu dưới slogans:, ví dụ - text: \"…\"."),
    "gallery-subfolder": ("Thư mục con trong album không được đưa lên", "Chuyển ảnh ra thư mục album, hoặc biến thư mục con thành album riêng."),
    "gallery-video": ("Tệp video trong album bị bỏ qua", "Đưa video lên trang chia sẻ video rồi dẫn liên kết trong một bài viết."),
    "image-frames-dropped": ("Chỉ khung hình đầu của ảnh được đăng", "Lưu ảnh thành một khung hình (JPEG hoặc PNG) nếu cần ảnh khác."),
    "local-path-link": ("Liên kết tới tệp trên máy của người soạn đã bị bỏ", "Chép tệp vào docs/ rồi dẫn bằng đường dẫn tương đối."),
    # kyniem/outputs.py (hand-written files where kyniem writes)
    "editor-file-wins": ("Tệp viết tay được đăng thay cho tệp kyniem tạo", "Muốn dùng bản của kyniem, xóa hoặc đổi tên tệp viết tay."),
    "editor-file-generated-page": ("Tệp viết tay trùng trang kyniem tạo từ nội dung", "Đổi tên hoặc xóa tệp viết tay; sửa nội dung ở thư mục nội dung."),
    "editor-file-breaks-site": ("Tệp viết tay trùng chỗ mã hoặc chỉ mục tìm kiếm của trang", "Chuyển tệp sang thư mục khác, ví dụ docs/tai-lieu/."),
})
