"""The bad-input corpus: every case built in code, each with the outcome it must have.

A case writes its inputs (files, folders, links, FIFOs …) under ``root/in`` and says, per
path, whether the file must end *stored*, *failed* (one bilingual line naming it, exit code 1)
or *either* (a judgement call for the fixer — but never a hang, a blow-up, a traceback, or a
silent loss). Almost every case mixes good notices in, so "one bad file never stops a run" is
checked every time. Nothing binary is committed: the bytes come from the functions below and
from ``tests/pathological.py``.

Paths in expectations are relative to the case root; keys may be ``fnmatch`` patterns
(``in/n*.txt``). A path that does not exist on disk (a missing argument) counts as well: the
summary must account for every file *and* every problem path a case gives.
"""

from __future__ import annotations

import codecs
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from tests import pathological as patho
from tests.badinput.runner import SAMPLES
from tests.notice_factory import notice_text

# "optional": a path the run may report as failed (then named by one line) or leave uncounted,
# such as an empty folder named beside good ones.
Outcome = Literal["stored", "failed", "either", "optional"]
Counts = tuple[int, int, int, int]  # new, updated, unchanged, failed

MAX_FILE_BYTES = 20 * 1024 * 1024  # the documented reader limit (extract.reading)
PID_TOKEN = "{pid}"  # in ``keep``: replaced by the test process' pid (a live process)


@dataclass(frozen=True)
class Case:
    """One bad-input case: what to build, what to run, what must come out."""

    name: str
    covers: str  # the defect (D1 …) or the idea it checks
    build: Callable[[Path], list[Path]]  # writes inputs under root; returns the CLI paths
    expect: Mapping[str, Outcome] = field(default_factory=dict)
    counts: Counts | None = None  # first run's (new, updated, unchanged, failed), when fixed
    contains: Mapping[str, str] = field(default_factory=dict)  # path -> text it must hold
    warn: tuple[str, ...] = ()  # stored, but named in a warning line (D18)
    permission: tuple[str, ...] = ()  # made unreadable: root ignores that (see test)
    # store-level: prepares the store (seeded copy already in place) before the run
    store: Callable[[Path], None] | None = None
    refused: bool = False  # the run must refuse the store: exit 1, one line, store untouched
    # damage the run may not meet (in-place writes read only the blocks they touch): either
    # refused as above, or every file stored and the damage still found by ``xuncha check``
    refused_or_unspread: bool = False
    command: Literal["ingest", "export"] = "ingest"
    fsize_limit: int | None = None  # bytes any one file may grow to: a full disk
    keep: tuple[str, ...] = ()  # names next to the store that must survive the run
    # a second run after ``between`` changed the inputs, with its expected counts
    between: Callable[[Path], None] | None = None
    rerun_counts: Counts | None = None
    rerun_keeps_store: bool = False  # the second run must leave every stored row identical
    # seconds before the child counts as hung; None: runner.TIMEOUT_SECONDS (60)
    timeout: float | None = None


# ----------------------------------------------------------------------------- content


def good_text(k: int) -> str:
    """A fictional notice, distinct for every ``k`` (so each one is a new notice)."""
    return notice_text(
        ["云岭开发区", "青禾园区", "松岭农业局", "青禾住建局"][k % 4],
        study=100 + k,
        money=3000 + k,
        day=1 + k % 28,
    )


def good_marker(k: int) -> str:
    """A phrase of ``good_text(k)`` that survives decoding only if decoding was right."""
    return f"开展集中学习{100 + k}次"


def good_bytes(k: int, encoding: str = "utf-8") -> bytes:
    return good_text(k).encode(encoding)


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def goods(folder: Path, n: int = 2, *, start: int = 900, prefix: str = "good") -> list[Path]:
    """``n`` good notices named ``<prefix>_NN.txt`` (k from ``start``, away from case files)."""
    return [write(folder / f"{prefix}_{i:02d}.txt", good_bytes(start + i)) for i in range(n)]


def d7_group_text(k: int) -> str:
    """D7: an inspection group number ≥ 2^31 (``第99999999999巡察组``)."""
    return notice_text("青禾园区", group="99999999999", study=200 + k)


def d7_total_text(k: int) -> str:
    """D7: a problem count ≥ 2^31 (``共反馈问题3000000000个``), in the completion sentence."""
    return good_text(k).replace("针对巡察反馈的31个具体问题", "共反馈问题3000000000个") + (
        "共反馈问题3000000000个,已完成3000000000个。\n"
    )


def d7_days_text(k: int) -> str:
    """D7 (own): a rectification period and amounts far beyond any integer column."""
    return good_text(k) + "整改期限99999999999天,投入资金99999999999999999999万元。\n"


def d2_year_line() -> str:
    """D2: ``2023年`` × 100,000 on one line (600 KB): reached 22 GB RSS."""
    return "2023年" * 100_000


def d2_quantity_sentence() -> str:
    """D2: one 180 KB sentence holding 20,000 quantities: reached 9.6 GB RSS."""
    return "整改期间开展" + "、".join(f"{100 + i % 900}次" for i in range(20_000)) + "。\n"


def padded_to(size: int, k: int) -> bytes:
    """A good notice padded with plain prose lines (no figures) to exactly ``size`` bytes."""
    head = good_bytes(k)
    line = "持续巩固整改成果,推动全面从严治党向纵深发展。\n".encode()
    body = line * ((size - len(head)) // len(line))
    tail = b"\n" * (size - len(head) - len(body))
    return head + body + tail


def cut_utf8(data: bytes, keep: int) -> bytes:
    """UTF-8 bytes whose last (3-byte) character keeps only ``keep`` of its bytes (D18)."""
    return data + "完".encode()[:keep]


def _zip_bytes(members: Mapping[str, bytes]) -> bytes:
    """A zip archive of ``members`` (name -> bytes), built in memory."""
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def _docx_bytes() -> bytes:
    """A minimal valid .docx holding one good notice (document.xml with its paragraphs)."""
    paragraphs = "".join(
        f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in good_text(31).splitlines()
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{paragraphs}</w:body></w:document>"
    )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
    )
    return _zip_bytes(
        {
            "[Content_Types].xml": content_types.encode(),
            "_rels/.rels": rels.encode(),
            "word/document.xml": document.encode(),
        }
    )


# ----------------------------------------------------------------------------- builders


def folder_case(
    name: str,
    covers: str,
    files: Mapping[str, Callable[[], bytes | str]],
    expect: Mapping[str, Outcome],
    *,
    n_goods: int = 2,
    contains: Mapping[str, str] | None = None,
    warn: tuple[str, ...] = (),
    timeout: float | None = None,
) -> Case:
    """A folder ``in/`` holding ``files`` (name → content maker) and ``n_goods`` good notices.

    Contents are made at build time, not import time: the corpus holds 20 MB files.
    """

    def build(root: Path) -> list[Path]:
        folder = root / "in"
        folder.mkdir(parents=True, exist_ok=True)
        for rel, make in files.items():
            write(folder / rel, make())
        goods(folder, n_goods)
        return [folder]

    full: dict[str, Outcome] = {f"in/{k}": v for k, v in expect.items()}
    if n_goods:
        full["in/good_*.txt"] = "stored"
    return Case(
        name,
        covers,
        build,
        full,
        contains={f"in/{k}": v for k, v in (contains or {}).items()},
        warn=tuple(f"in/{k}" for k in warn),
        timeout=timeout,
    )


def encoded(name: str, covers: str, filename: str, k: int, make: Callable[[str], bytes]) -> Case:
    """A good notice in an unusual encoding: must be stored and decoded right."""
    return folder_case(
        name,
        covers,
        {filename: lambda: make(good_text(k))},
        {filename: "stored"},
        contains={filename: good_marker(k)},
    )


def special(
    name: str,
    covers: str,
    make: Callable[[Path], None],
    outcome: Outcome,
    extra: Mapping[str, Outcome] | None = None,
) -> Case:
    """A folder with one special entry ``in/x_special.txt`` made by ``make`` plus goods."""

    def build(root: Path) -> list[Path]:
        folder = root / "in"
        goods(folder, 2)
        make(folder / "x_special.txt")
        return [folder]

    expect: dict[str, Outcome] = {"in/x_special.txt": outcome, "in/good_*.txt": "stored"}
    return Case(name, covers, build, {**expect, **(extra or {})})


def symlink_to(target: str | Path) -> Callable[[Path], None]:
    return lambda p: os.symlink(target, p)


def make_fifo(p: Path) -> None:
    os.mkfifo(p)


def make_device(p: Path) -> None:
    """A character device (``/dev/null``'s numbers) if allowed, else a link to /dev/null."""
    try:
        os.mknod(p, 0o666 | 0o020000, os.makedev(1, 3))
    except (PermissionError, OSError):
        os.symlink("/dev/null", p)


def make_socket(p: Path) -> None:
    """A Unix socket named like a notice.

    Bound in a short temporary folder and renamed into place: a socket address is limited to
    108 bytes, and ``os.chdir`` to shorten it is not safe while cases run in threads.
    """
    short = Path(tempfile.mkdtemp(prefix="xs", dir="/tmp"))
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.bind(str(short / "s"))
        os.replace(short / "s", p)
    finally:
        shutil.rmtree(short, ignore_errors=True)


def make_loop(p: Path) -> None:
    """``p`` → ``x_loop_b`` → ``p``; the partner has no notice suffix, but a walker cannot
    tell a looping link from a folder link, so reporting it is allowed ("optional")."""
    os.symlink(p.with_name("x_loop_b"), p)
    os.symlink(p, p.with_name("x_loop_b"))


def _last_pid() -> int:
    """The pid of a process that has certainly ended (it was waited for)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


# ----------------------------------------------------------------------------- store prep


def corrupt_header(db: Path) -> None:
    """D8: overwrite the first 4 KB (DuckDB's file header) with garbage."""
    with open(db, "r+b") as fh:
        fh.write(b"\xde\xad\xbe\xef" * 1024)


def corrupt_middle(db: Path) -> None:
    """D8: garbage inside the blocks, header intact (checksums must catch it)."""
    size = db.stat().st_size
    with open(db, "r+b") as fh:
        fh.seek(size // 2)
        fh.write(b"\x00\xff" * 8192)


def truncate_half(db: Path) -> None:
    """D8: a store cut in half (an interrupted copy)."""
    with open(db, "r+b") as fh:
        fh.truncate(db.stat().st_size // 2)


def text_store(db: Path) -> None:
    """D8 (own): something else saved under the store's name."""
    db.write_text("这不是数据库 / not a database\n", encoding="utf-8")


def store_is_dir(db: Path) -> None:
    """D9: the store path is a folder."""
    db.unlink()
    db.mkdir()
    (db / "keep.txt").write_text("x", encoding="utf-8")


def stale_next(db: Path) -> None:
    """D11: copies left by a killed ingest (dead pid) and one of a live process."""
    dead = _last_pid()
    shutil.copyfile(db, db.with_name(f".{db.name}.{dead}.next"))
    db.with_name(f".{db.name}.{dead}.next.wal").write_bytes(b"\x00" * 64)
    shutil.copyfile(db, db.with_name(f".{db.name}.{os.getpid()}.next"))


def stale_wal(db: Path) -> None:
    """Own: a garbage ``.wal`` beside the live store (left by some other tool)."""
    db.with_name(db.name + ".wal").write_bytes(b"garbage wal \x00\x01" * 100)


# ----------------------------------------------------------------------------- the cases


def _gbk_name_build(root: Path) -> list[Path]:
    folder = root / "in"
    goods(folder, 2)
    name = os.fsencode(folder) + b"/x_gbk_" + "整改通报".encode("gbk") + b".txt"
    fd = os.open(name, os.O_WRONLY | os.O_CREAT, 0o644)
    os.write(fd, good_bytes(1))
    os.close(fd)
    return [folder]


def _gbk_folder_build(root: Path) -> list[Path]:
    folder = root / "in"
    goods(folder, 1)
    sub = os.fsencode(folder) + b"/x_" + "巡察".encode("gbk")
    os.mkdir(sub)
    fd = os.open(sub + b"/notice.txt", os.O_WRONLY | os.O_CREAT, 0o644)
    os.write(fd, good_bytes(2))
    os.close(fd)
    return [folder]


def _bad_utf8_name_build(root: Path) -> list[Path]:
    folder = root / "in"
    goods(folder, 1)
    fd = os.open(os.fsencode(folder) + b"/x_\xff\xfe\x80.txt", os.O_WRONLY | os.O_CREAT, 0o644)
    os.write(fd, good_bytes(3))
    os.close(fd)
    return [folder]


Build = Callable[[Path], list[Path]]


def _explicit(make: Callable[[Path], None], name: str = "x_special.txt") -> Build:
    """Build: goods in ``in/`` plus one special path *named on the command line* (D14)."""

    def build(root: Path) -> list[Path]:
        folder = root / "in"
        goods(folder, 2)
        target = root / name
        make(target)
        return [folder, target]

    return build


def _unreadable_file(p: Path) -> None:
    write(p, good_bytes(5))
    p.chmod(0)


def _unreadable_dir(p: Path) -> None:
    p.mkdir(parents=True)
    write(p / "inside.txt", good_bytes(6))
    p.chmod(0)


def _untraversable_dir(p: Path) -> None:
    p.mkdir(parents=True)
    write(p / "inside.txt", good_bytes(7))
    p.chmod(0o600)  # listable, not enterable


def _unreadable_subfolder(root: Path) -> list[Path]:
    folder = root / "in"
    goods(folder, 2)
    _unreadable_dir(folder / "x_locked")
    return [folder]


def _untraversable_subfolder(root: Path) -> list[Path]:
    folder = root / "in"
    goods(folder, 2)
    _untraversable_dir(folder / "x_noexec")
    return [folder]


def _unreadable_file_in_folder(root: Path) -> list[Path]:
    folder = root / "in"
    goods(folder, 2)
    _unreadable_file(folder / "x_secret.txt")
    return [folder]


def _deep_build(root: Path) -> list[Path]:
    folder = root / "in"
    goods(folder, 1)
    deep = folder.joinpath(*[f"d{i}" for i in range(120)])
    write(deep / "x_deep.txt", good_bytes(8))
    return [folder]


def _long_path_build(root: Path) -> list[Path]:
    """A path close to PATH_MAX (4096 bytes) and a file name at NAME_MAX (255 bytes)."""
    folder = root / "in"
    goods(folder, 1)
    budget = 4000 - len(os.fsencode(folder))
    parts, used = [], 0
    while used + 201 < budget - 260:
        parts.append("p" * 200)
        used += 201
    name = "长" * 81 + ".txt"  # 243 + 4 bytes; NAME_MAX is 255 bytes
    write(folder.joinpath(*parts) / name, good_bytes(9))
    return [folder]


def _long_name_build(root: Path) -> list[Path]:
    folder = root / "in"
    goods(folder, 1)
    write(folder / ("整" * 83 + ".txt"), good_bytes(10))  # 249 + 4 = 253 bytes
    return [folder]


def _newline_name_build(root: Path) -> list[Path]:
    folder = root / "in"
    goods(folder, 1)
    write(folder / "x_line\nbreak.txt", good_bytes(11))
    return [folder]


def _hidden_and_docs_build(root: Path) -> list[Path]:
    folder = root / "in"
    goods(folder, 2)
    write(folder / ".hidden.txt", b"\x00binary")
    write(folder / ".git" / "notes.txt", b"\x00binary")
    write(folder / "README.md", "# 说明\n这个文件夹放通报。\n")
    write(folder / "notes.xlsx", b"PK\x03\x04")
    write(folder / "x_upper.TXT", good_bytes(12))
    write(folder / "x_page.HTM", f"<html><body><p>{good_text(13)}</p></body></html>")
    return [folder]


def _explicit_unsupported_build(root: Path) -> list[Path]:
    folder = root / "in"
    goods(folder, 2)
    doc = write(root / "x_notice.docx", b"PK\x03\x04" + b"\x00" * 100)
    return [folder, doc]


def _missing_build(root: Path) -> list[Path]:
    folder = root / "in"
    goods(folder, 2)
    return [folder, root / "x_missing.txt", root / "x_missing_dir"]


def _empty_folder_build(root: Path) -> list[Path]:
    folder = root / "in"
    goods(folder, 2)
    (root / "x_empty_dir").mkdir()
    return [folder, root / "x_empty_dir"]


def _link_outside_build(root: Path) -> list[Path]:
    folder = root / "in"
    goods(folder, 1)
    elsewhere = write(root / "elsewhere" / "real.txt", good_bytes(14))
    os.symlink(elsewhere, folder / "x_link.txt")
    return [folder]


def _link_up_build(root: Path) -> list[Path]:
    folder = root / "in"
    goods(folder, 2)
    (folder / "sub").mkdir()
    os.symlink(folder, folder / "sub" / "x_up")  # a folder link back up: a walk loop
    os.symlink(root, folder / "x_root")
    return [folder]


def _only_bad_build(root: Path) -> list[Path]:
    folder = root / "in"
    write(folder / "x_empty.txt", b"")
    write(folder / "x_pdf.txt", b"%PDF-1.7\n")
    write(folder / "x_space.md", " \n\t\n")
    return [folder]


def _dup_build(root: Path) -> list[Path]:
    folder = root / "in"
    goods(folder, 1)
    write(folder / "x_a.txt", good_bytes(15))
    write(folder / "x_b.txt", good_bytes(15))
    write(folder / "x_c_gbk.txt", good_bytes(15, "gbk"))  # same text, other encoding
    return [folder]


def _samples_build(root: Path) -> list[Path]:
    """The seeded samples again under new paths: same content, so unchanged, not new."""
    folder = root / "in"
    goods(folder, 1)
    for p in sorted(SAMPLES.iterdir()):
        if p.suffix in (".txt", ".html"):
            shutil.copyfile(p, folder / p.name)
    return [folder]


def _batch_build(n: int, bad_at: tuple[int, ...], make: Callable[[int], str]) -> Build:
    """``n`` notices in one folder; those at 1-based positions ``bad_at`` use ``make``."""

    def build(root: Path) -> list[Path]:
        folder = root / "in"
        for i in range(1, n + 1):
            text = make(i) if i in bad_at else good_text(i)
            write(folder / f"n{i:03d}.txt", text)
        return [folder]

    return build


def _changed(root: Path) -> None:
    write(root / "in" / "x_a.txt", good_bytes(21))


def _replaced_by_binary(root: Path) -> None:
    write(root / "in" / "x_a.txt", b"%PDF-1.4 now a pdf")


def _replaced_by_fifo(root: Path) -> None:
    (root / "in" / "x_a.txt").unlink()
    os.mkfifo(root / "in" / "x_a.txt")


def _nothing(root: Path) -> None:
    """No change: the second run must find everything unchanged."""


def _x_a_and_goods(root: Path) -> list[Path]:
    folder = root / "in"
    goods(folder, 2)
    write(folder / "x_a.txt", good_bytes(20))
    return [folder]


def _sig(prefix: bytes) -> Callable[[], bytes]:
    return lambda: prefix + b"\x00\x01\x02 binary body " * 50


def _utf16_nobom(enc: str) -> Callable[[str], bytes]:
    return lambda t: t.encode(enc)


def _bom(bom: bytes, enc: str) -> Callable[[str], bytes]:
    return lambda t: bom + t.encode(enc)


def _mixed_halves(k: int) -> bytes:
    text = good_text(k)
    half = len(text) // 2
    return text[:half].encode("utf-8") + text[half:].encode("gbk")


def _html(body: str, head: str = "") -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


def _big_sparse(p: Path) -> None:
    with open(p, "wb") as fh:
        fh.truncate(1024**3)


CASES: list[Case] = [
    # ---- encodings (README: UTF-8, BOM, UTF-16, GBK/GB18030 detected) -------------------
    encoded("enc_gbk", "GBK text", "x_gbk.txt", 1, lambda t: t.encode("gbk")),
    encoded(
        "enc_gb18030_four_byte",
        "GB18030 with characters outside GBK (4-byte sequences)",
        "x_gb18030.txt",
        2,
        lambda t: (t + "㐀䶵𠀀整改。\n").encode("gb18030"),
    ),
    encoded(
        "enc_utf16le_bom", "UTF-16 LE with BOM", "x.txt", 3, _bom(codecs.BOM_UTF16_LE, "utf-16-le")
    ),
    encoded(
        "enc_utf16be_bom", "UTF-16 BE with BOM", "x.txt", 4, _bom(codecs.BOM_UTF16_BE, "utf-16-be")
    ),
    encoded("enc_utf16le_nobom", "UTF-16 LE without BOM", "x.txt", 5, _utf16_nobom("utf-16-le")),
    encoded("enc_utf16be_nobom", "UTF-16 BE without BOM", "x.txt", 6, _utf16_nobom("utf-16-be")),
    encoded(
        "enc_utf32_bom", "UTF-32 LE with BOM", "x.txt", 7, _bom(codecs.BOM_UTF32_LE, "utf-32-le")
    ),
    encoded(
        "enc_utf8_bom_crlf",
        "UTF-8 BOM and CRLF line ends",
        "x.txt",
        8,
        lambda t: codecs.BOM_UTF8 + t.replace("\n", "\r\n").encode(),
    ),
    encoded(
        "enc_cr_only",
        "own: old-Mac CR-only line ends",
        "x.txt",
        9,
        lambda t: t.replace("\n", "\r").encode(),
    ),
    encoded(
        "enc_html_meta_gb2312",
        "HTML declaring gb2312 holding GBK-only characters (镕 堃)",
        "x.html",
        10,
        lambda t: _html(f"<p>{t}</p><p>朱镕堃同志</p>", '<meta charset="gb2312">').encode("gbk"),
    ),
    encoded(
        "enc_html_meta_lies",
        "own: HTML declaring utf-8 whose bytes are GBK",
        "x.html",
        11,
        lambda t: _html(f"<p>{t}</p>", '<meta charset="utf-8">').encode("gbk"),
    ),
    encoded(
        "enc_html_meta_unknown",
        "own: HTML declaring an encoding nobody knows",
        "x.html",
        12,
        lambda t: _html(f"<p>{t}</p>", '<meta charset="x-klingon">').encode(),
    ),
    encoded(
        "enc_unicode_oddities",
        "own: emoji, zero-width, combining and bidi-override characters in the text",
        "x.txt",
        13,
        lambda t: ("\u200b\u200d\u202e👍🏽e\u0301\u202c" + t + "\ufeff中\u200b文\n").encode(),
    ),
    folder_case(
        "enc_mixed_halves",
        "mixed encodings: first half UTF-8, second half GBK",
        {"x_mixed.txt": lambda: _mixed_halves(14)},
        {"x_mixed.txt": "either"},
        contains={"x_mixed.txt": "中共青禾市"},
    ),
    folder_case(
        "enc_utf16_lone_surrogate",
        "own: UTF-16 with BOM holding an unpaired surrogate",
        {"x.txt": lambda: codecs.BOM_UTF16_LE + good_text(15).encode("utf-16-le") + b"\x00\xd8"},
        {"x.txt": "either"},
        contains={"x.txt": good_marker(15)},
    ),
    folder_case(
        "d18_utf8_cut_last_char_1",
        "D18: UTF-8 cut inside its last character (1 of 3 bytes kept)",
        {"x_cut.txt": lambda: cut_utf8(good_bytes(16), 1)},
        {"x_cut.txt": "stored"},
        contains={"x_cut.txt": good_marker(16)},
        warn=("x_cut.txt",),
    ),
    folder_case(
        "d18_utf8_cut_last_char_2",
        "D18: UTF-8 cut inside its last character (2 of 3 bytes kept)",
        {"x_cut.txt": lambda: cut_utf8(good_bytes(17), 2)},
        {"x_cut.txt": "stored"},
        contains={"x_cut.txt": good_marker(17)},
        warn=("x_cut.txt",),
    ),
    folder_case(
        "d18_pathological_cut",
        "D18: tests/pathological.py utf8_cut_last_char, 50,000 characters",
        {"x_cut.txt": lambda: patho.utf8_cut_last_char(50_000)},
        {"x_cut.txt": "stored"},
        contains={"x_cut.txt": "关于整改情况的通报"},
        warn=("x_cut.txt",),
    ),
    folder_case(
        "utf8_broken_in_middle",
        "own: one invalid byte in the middle of UTF-8 text (must not turn into GBK mojibake)",
        {"x.txt": lambda: good_bytes(18).replace("整改情况".encode(), b"\xe6\x95", 1)},
        {"x.txt": "either"},
        contains={"x.txt": good_marker(18)},
    ),
    folder_case(
        "nul_bytes_sprinkled",
        "NUL bytes in otherwise good UTF-8 text",
        {"x.txt": lambda: good_bytes(19).replace("。".encode(), "。".encode() + b"\x00", 3)},
        {"x.txt": "either"},
        contains={"x.txt": good_marker(19)},
    ),
    folder_case(
        "control_chars",
        "own: form feeds, vertical tabs and ANSI escapes in the text",
        {"x.txt": lambda: ("\x1b[31m\f\v" + good_text(22) + "\x1b[0m\f\n").encode()},
        {"x.txt": "stored"},
        contains={"x.txt": good_marker(22)},
    ),
    # ---- not text at all ----------------------------------------------------------------
    folder_case(
        "binary_documents",
        "binary signatures in .txt: %PDF, PK (docx), OLE (doc)",
        {
            "x_pdf.txt": _sig(b"%PDF-1.7"),
            "x_zip.txt": _sig(b"PK\x03\x04"),
            "x_ole.md": _sig(b"\xd0\xcf\x11\xe0"),
        },
        {"x_pdf.txt": "failed", "x_zip.txt": "failed", "x_ole.md": "failed"},
    ),
    folder_case(
        "binary_images",
        "binary signatures in .txt/.html: PNG, JPEG, GIF",
        {
            "x_png.txt": _sig(b"\x89PNG\r\n\x1a\n"),
            "x_jpg.html": _sig(b"\xff\xd8\xff\xe0"),
            "x_gif.txt": _sig(b"GIF89a"),
        },
        {"x_png.txt": "failed", "x_jpg.html": "failed", "x_gif.txt": "failed"},
    ),
    folder_case(
        "binary_archives",
        "binary signatures in .txt: gzip, RAR, 7z",
        {
            "x_gz.txt": _sig(b"\x1f\x8b\x08"),
            "x_rar.txt": _sig(b"Rar!\x1a\x07"),
            "x_7z.txt": _sig(b"7z\xbc\xaf\x27\x1c"),
        },
        {"x_gz.txt": "failed", "x_rar.txt": "failed", "x_7z.txt": "failed"},
    ),
    folder_case(
        "binary_random",
        "own: random-looking bytes with NULs and no signature",
        {"x_rand.txt": lambda: bytes((i * 7919 + 13) % 256 for i in range(40_000))},
        {"x_rand.txt": "failed"},
    ),
    # ---- nothing in it ------------------------------------------------------------------
    folder_case(
        "empty_file", "empty file", {"x_empty.txt": lambda: b""}, {"x_empty.txt": "failed"}
    ),
    folder_case(
        "whitespace_only",
        "whitespace only (spaces, tabs, ideographic spaces, newlines)",
        {"x_ws.txt": lambda: " \t\n\u3000\u3000\r\n\n   \n"},
        {"x_ws.txt": "failed"},
    ),
    folder_case(
        "bom_only",
        "own: a UTF-8 BOM and nothing else",
        {"x_bom.txt": lambda: codecs.BOM_UTF8},
        {"x_bom.txt": "failed"},
    ),
    folder_case(
        "noise_only",
        "only web-page noise lines (nothing left after cleaning)",
        {
            "x_noise.txt": lambda: (
                "当前位置:首页 > 通知公告\n【字体:大 中 小】\n打印本页\n关闭窗口\n"
            )
        },
        {"x_noise.txt": "failed"},
    ),
    folder_case(
        "html_only_scripts",
        "own: HTML with only script and style (no article)",
        {"x.html": lambda: _html("<script>var a = 1;</script><style>p{}</style>")},
        {"x.html": "failed"},
    ),
    folder_case(
        "one_char", "own: a one-character notice", {"x.txt": lambda: "。"}, {"x.txt": "either"}
    ),
    # ---- sizes --------------------------------------------------------------------------
    folder_case(
        "size_exactly_limit",
        "a file of exactly 20 MB (the limit): accepted, in bounded time and memory",
        {"x_20mb.txt": lambda: padded_to(MAX_FILE_BYTES, 23)},
        {"x_20mb.txt": "stored"},
        n_goods=1,
        # the one case whose honest work is large (20 MB through every stage): a hang guard
        # with room for a loaded CI machine; its time target is the bench's 10 s
        timeout=180.0,
    ),
    # ---- documents (PDF, Word): a damaged one fails alone, with one line -------------------
    folder_case(
        "pdf_garbage_after_signature",
        "issue 13: %PDF followed by garbage: a damaged PDF, one line, the folder goes on",
        {"x_bad.pdf": lambda: b"%PDF-1.7\n" + bytes(range(256)) * 64},
        {"x_bad.pdf": "failed"},
    ),
    folder_case(
        "pdf_truncated",
        "issue 13: a PDF cut after its header and first object",
        {"x_cut.pdf": lambda: b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"},
        {"x_cut.pdf": "failed"},
    ),
    folder_case(
        "docx_good_beside_bad_files",
        "issue 13: a valid .docx is stored like a .txt (the reader is wired into ingest)",
        {"x_ok.docx": _docx_bytes, "x_bad.pdf": lambda: b"%PDF-1.7\n" + b"\x00" * 512},
        {"x_ok.docx": "stored", "x_bad.pdf": "failed"},
    ),
    folder_case(
        "docx_truncated",
        "issue 13: a .docx (zip) cut in half: one line, nothing else lost",
        {"x_cut.docx": lambda: _docx_bytes()[: len(_docx_bytes()) // 2]},
        {"x_cut.docx": "failed"},
    ),
    folder_case(
        "docx_without_document",
        "issue 13: a zip named .docx without word/document.xml (a renamed archive)",
        {"x_fake.docx": lambda: _zip_bytes({"readme.txt": b"not a Word file"})},
        {"x_fake.docx": "failed"},
    ),
    folder_case(
        "doc_garbage_after_ole_signature",
        "issue 13: a legacy .doc that is only an OLE signature and garbage",
        {"x_bad.doc": lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096},
        {"x_bad.doc": "failed"},
    ),
    folder_case(
        "size_limit_plus_one",
        "a file of 20 MB + 1 byte: refused as too large",
        {"x_big.txt": lambda: padded_to(MAX_FILE_BYTES + 1, 24)},
        {"x_big.txt": "failed"},
    ),
    special(
        "size_sparse_1gb",
        "own: a sparse 1 GB .txt (stat says huge, reads as NULs)",
        _big_sparse,
        "failed",
    ),
    # ---- names and paths ----------------------------------------------------------------
    Case(
        "name_gbk_bytes",
        "D3: a file name in GBK bytes (unzipped Windows archive)",
        _gbk_name_build,
        {"in/x_gbk_*.txt": "either", "in/good_*.txt": "stored"},
    ),
    Case(
        "name_gbk_folder",
        "D3: a folder name in GBK bytes holding a good notice",
        _gbk_folder_build,
        {"in/x_*/notice.txt": "either", "in/good_*.txt": "stored"},
    ),
    Case(
        "name_invalid_utf8",
        "own: a file name with bytes that are no encoding at all (ff fe 80)",
        _bad_utf8_name_build,
        {"in/x_*.txt": "either", "in/good_*.txt": "stored"},
    ),
    Case(
        "name_255_bytes",
        "a file name at NAME_MAX (253 bytes of Chinese)",
        _long_name_build,
        {"in/整*.txt": "stored", "in/good_*.txt": "stored"},
    ),
    Case(
        "path_near_path_max",
        "a path of about 4,000 bytes (PATH_MAX is 4,096; 10,000-char names are not allowed)",
        _long_path_build,
        {"in/p*/长*.txt": "stored", "in/good_*.txt": "stored"},
    ),
    Case(
        "deeply_nested",
        "a notice 120 folders deep",
        _deep_build,
        {"in/d0/*/x_deep.txt": "stored", "in/good_*.txt": "stored"},
    ),
    Case(
        "name_with_newline",
        "own: a file name containing a newline (one output line must still name it)",
        _newline_name_build,
        {"in/x_line\nbreak.txt": "stored", "in/good_*.txt": "stored"},
    ),
    Case(
        "hidden_docs_and_case",
        "hidden files, README, .xlsx skipped uncounted; .TXT/.HTM read",
        _hidden_and_docs_build,
        {"in/x_upper.TXT": "stored", "in/x_page.HTM": "stored", "in/good_*.txt": "stored"},
        counts=(4, 0, 0, 0),
    ),
    Case(
        "explicit_unsupported",
        "a broken .docx named on the command line: failed, the folder still ingested",
        _explicit_unsupported_build,
        {"x_notice.docx": "failed", "in/good_*.txt": "stored"},
    ),
    Case(
        "missing_paths",
        "paths that do not exist: counted as failed, the rest ingested",
        _missing_build,
        {"x_missing.txt": "failed", "x_missing_dir": "failed", "in/good_*.txt": "stored"},
    ),
    Case(
        "empty_folder_argument",
        "own: an empty folder beside a good one: reported or ignored, never stops the run",
        _empty_folder_build,
        {"x_empty_dir": "optional", "in/good_*.txt": "stored"},
    ),
    Case(
        "only_bad_files",
        "a folder of nothing but bad files: every one reported, exit 1",
        _only_bad_build,
        {"in/x_*": "failed"},
        counts=(0, 0, 0, 3),
    ),
    # ---- links and special files --------------------------------------------------------
    special(
        "symlink_loop",
        "D3: a symlink loop named .txt in a folder (its partner may be reported too)",
        make_loop,
        "failed",
        {"in/x_loop_b": "optional"},
    ),
    Case(
        "symlink_loop_explicit",
        "D3: a symlink to itself named on the command line",
        _explicit(lambda p: os.symlink(p, p)),
        {"x_special.txt": "failed", "in/good_*.txt": "stored"},
    ),
    special(
        "symlink_dangling",
        "a dangling symlink named .txt",
        symlink_to("/nonexistent/x.txt"),
        "failed",
    ),
    special(
        "symlink_dev_zero",
        "D3: a symlink to /dev/zero named .txt (endless zeros)",
        symlink_to("/dev/zero"),
        "failed",
    ),
    special(
        "symlink_dev_urandom",
        "own: a symlink to /dev/urandom named .txt",
        symlink_to("/dev/urandom"),
        "failed",
    ),
    special(
        "fifo_in_folder",
        "D4: a FIFO named .txt inside a folder (hung forever)",
        make_fifo,
        "failed",
    ),
    special(
        "device_in_folder",
        "D4: a character device named .txt inside a folder",
        make_device,
        "failed",
    ),
    special(
        "socket_in_folder", "own: a Unix socket named .txt inside a folder", make_socket, "failed"
    ),
    Case(
        "fifo_explicit",
        "D14: a FIFO named explicitly on the command line",
        _explicit(make_fifo),
        {"x_special.txt": "failed", "in/good_*.txt": "stored"},
    ),
    Case(
        "symlink_outside",
        "a symlink to a good notice outside the folder: stored under the link's path",
        _link_outside_build,
        {"in/x_link.txt": "stored", "in/good_*.txt": "stored"},
    ),
    Case(
        "symlink_folder_above",
        "symlinks to folders above (a walk loop): no hang, no double count, reported or not",
        _link_up_build,
        {"in/sub/x_up": "optional", "in/x_root": "optional", "in/good_*.txt": "stored"},
    ),
    # ---- permissions (root reads anyway: see the test) -----------------------------------
    Case(
        "unreadable_file",
        "an unreadable file (chmod 000) in a folder",
        _unreadable_file_in_folder,
        {"in/x_secret.txt": "failed", "in/good_*.txt": "stored"},
        permission=("in/x_secret.txt",),
    ),
    Case(
        "unreadable_subfolder",
        "D14: an unreadable subfolder was skipped without a word",
        _unreadable_subfolder,
        {"in/x_locked": "failed", "in/good_*.txt": "stored"},
        permission=("in/x_locked",),
    ),
    Case(
        "untraversable_subfolder",
        "own: a subfolder that can be listed but not entered (chmod 600)",
        _untraversable_subfolder,
        {"in/x_noexec": "failed", "in/good_*.txt": "stored"},
        permission=("in/x_noexec",),
    ),
    Case(
        "unreadable_folder_explicit",
        "D14: an unreadable folder named on the command line",
        _explicit(_unreadable_dir, "x_locked"),
        {"x_locked": "failed", "in/good_*.txt": "stored"},
        permission=("x_locked",),
    ),
    Case(
        "unreadable_file_explicit",
        "own: an unreadable file named on the command line",
        _explicit(_unreadable_file),
        {"x_special.txt": "failed", "in/good_*.txt": "stored"},
        permission=("x_special.txt",),
    ),
    # ---- D7: integers beyond 32 bits ----------------------------------------------------
    folder_case(
        "d7_group_number",
        "D7: 第99999999999巡察组 made the notice unstorable",
        {"x_d7.txt": lambda: d7_group_text(1)},
        {"x_d7.txt": "stored"},
        contains={"x_d7.txt": "99999999999"},
    ),
    folder_case(
        "d7_problem_count",
        "D7: 共反馈问题3000000000个 (completion counts ≥ 2^31)",
        {"x_d7.txt": lambda: d7_total_text(2)},
        {"x_d7.txt": "stored"},
        contains={"x_d7.txt": "3000000000"},
    ),
    folder_case(
        "d7_days_and_money",
        "D7 (own): 99999999999天 and 10^20 万元",
        {"x_d7.txt": lambda: d7_days_text(3)},
        {"x_d7.txt": "stored"},
        contains={"x_d7.txt": "99999999999天"},
    ),
    Case(
        "d1_single_unstorable",
        "D1: a batch of one file whose storing fails reported 1 new, 0 failed, stored nothing",
        _batch_build(1, (1,), d7_group_text),
        {"in/n001.txt": "stored"},
        counts=(1, 0, 0, 0),
    ),
    Case(
        "d1_batch_65th",
        "D1: the 65th file of a folder (a batch of one after 64) fails to store",
        _batch_build(65, (65,), d7_group_text),
        {"in/n*.txt": "stored"},
        counts=(65, 0, 0, 0),
    ),
    Case(
        "d1_batch_64th_and_129th",
        "D1: unstorable files inside a full batch (64th) and alone in the third (129th)",
        _batch_build(129, (64, 129), d7_total_text),
        {"in/n*.txt": "stored"},
        counts=(129, 0, 0, 0),
    ),
    # ---- D2: memory ---------------------------------------------------------------------
    folder_case(
        "d2_year_line",
        "D2: 600 KB one-line 2023年 × 100,000 reached 22 GB RSS",
        {"x_years.txt": d2_year_line},
        {"x_years.txt": "either"},
    ),
    folder_case(
        "d2_quantity_sentence",
        "D2: a 180 KB sentence holding 20,000 quantities reached 9.6 GB RSS",
        {"x_q.txt": d2_quantity_sentence},
        {"x_q.txt": "either"},
    ),
    # ---- D3/D5: pathological HTML and Markdown (tests/pathological.py) -------------------
    folder_case(
        "d3_html_cdata_malformed",
        "D3: HTML with a malformed <![",
        {"x.html": lambda: patho.html_cdata_malformed(2_000)},
        {"x.html": "either"},
    ),
    folder_case(
        "d5_style_without_braces",
        "D5: a 100 KB <style> without braces",
        {"x.html": lambda: patho.html_style_without_braces(100_000)},
        {"x.html": "either"},
    ),
    folder_case(
        "d5_markdown_brackets",
        "D5: 100,000 [ in Markdown",
        {"x.md": lambda: patho.markdown_brackets(100_000)},
        {"x.md": "either"},
    ),
    folder_case(
        "d5_many_open_tags",
        "D5: <a × 100,000",
        {"x.html": lambda: patho.html_many_open_tags(200_000)},
        {"x.html": "either"},
    ),
    folder_case(
        "d5_status_words",
        "D5: 1M characters of status words (完成/已完成/正在整改…)",
        {"x.txt": lambda: patho.parser_status_words(1_000_000)},
        {"x.txt": "either"},
    ),
    folder_case(
        "html_unclosed_comment",
        "own: an HTML comment never closed, 200,000 characters",
        {"x.html": lambda: patho.html_unclosed_comment(200_000)},
        {"x.html": "either"},
    ),
    folder_case(
        "html_deep_nesting",
        "own: 100,000 nested <div>",
        {"x.html": lambda: patho.html_deep_nesting(100_000)},
        {"x.html": "either"},
    ),
    folder_case(
        "html_huge_attribute",
        "own: a 1M-character attribute value",
        {"x.html": lambda: patho.html_huge_attribute(1_000_000)},
        {"x.html": "either"},
    ),
    folder_case(
        "html_lt_in_text",
        "own: text full of a<b (never a tag), 200,000 characters",
        {"x.html": lambda: patho.html_unclosed_tags_in_text(200_000)},
        {"x.html": "either"},
    ),
    folder_case(
        "markdown_unbalanced",
        "own: unbalanced ** ` __ and a 100 KB heading of #",
        {
            "x_stars.md": lambda: patho.markdown_stars(100_000),
            "x_ticks.md": lambda: patho.markdown_backticks(100_000),
            "x_under.md": lambda: patho.markdown_underscores(100_000),
            "x_hash.md": lambda: patho.markdown_hashes(100_000),
        },
        {"x_*.md": "either"},
    ),
    folder_case(
        "parser_markers",
        "own: 1M characters of numbering markers on one line",
        {"x.txt": lambda: patho.parser_markers(1_000_000)},
        {"x.txt": "either"},
    ),
    folder_case(
        "parser_team_words",
        "own: 1M characters of metadata trigger words",
        {"x.txt": lambda: patho.parser_team_words(1_000_000)},
        {"x.txt": "either"},
    ),
    folder_case(
        "parser_date_fragments",
        "own: 1M characters of date fragments that never complete",
        {"x.txt": lambda: patho.parser_day_year_words(1_000_000)},
        {"x.txt": "either"},
    ),
    folder_case(
        "one_huge_line",
        "own: one 1M-character line of prose, punctuation and spam-shaped pieces",
        {"x.txt": lambda: patho.one_huge_line(1_000_000)},
        {"x.txt": "either"},
    ),
    folder_case(
        "digits_only_line",
        "own: 1M digits on one line",
        {"x.txt": lambda: "1234567890" * 100_000},
        {"x.txt": "either"},
    ),
    folder_case(
        "many_short_lines",
        "own: 300,000 one-character lines",
        {"x.txt": lambda: "整。\n" * 300_000},
        {"x.txt": "either"},
    ),
    # ---- duplicates and re-runs ---------------------------------------------------------
    Case(
        "duplicate_content",
        "duplicate content under two names (and a third in GBK): one notice, three sources",
        _dup_build,
        {"in/x_*.txt": "stored", "in/good_*.txt": "stored"},
        counts=(2, 0, 2, 0),
    ),
    Case(
        "samples_again",
        "the seeded samples under new paths: unchanged, the store untouched",
        _samples_build,
        {"in/*": "stored"},
        counts=(1, 0, 4, 0),
    ),
    Case(
        "rerun_unchanged",
        "a second identical run changes nothing",
        _x_a_and_goods,
        {"in/*": "stored"},
        counts=(3, 0, 0, 0),
        between=_nothing,
        rerun_counts=(0, 0, 3, 0),
        rerun_keeps_store=True,
    ),
    Case(
        "changed_between_runs",
        "a file changed between two runs replaces its notice",
        _x_a_and_goods,
        {"in/*": "stored"},
        counts=(3, 0, 0, 0),
        between=_changed,
        rerun_counts=(0, 1, 2, 0),
    ),
    Case(
        "replaced_by_binary",
        "own: a stored file turned into a PDF: failed, its stored notice kept as it was",
        _x_a_and_goods,
        {"in/*": "stored"},
        counts=(3, 0, 0, 0),
        between=_replaced_by_binary,
        rerun_counts=(0, 0, 2, 1),
        rerun_keeps_store=True,
    ),
    Case(
        "replaced_by_fifo",
        "own: a stored file replaced by a FIFO: failed, no hang, store kept",
        _x_a_and_goods,
        {"in/*": "stored"},
        counts=(3, 0, 0, 0),
        between=_replaced_by_fifo,
        rerun_counts=(0, 0, 2, 1),
        rerun_keeps_store=True,
    ),
    # ---- the store itself ---------------------------------------------------------------
    Case(
        "d8_corrupt_header",
        "D8: ingest into a store whose header is garbage: refuse, exit 1, leave it",
        lambda root: goods(root / "in", 2) and [root / "in"],
        store=corrupt_header,
        refused=True,
    ),
    Case(
        "d8_corrupt_blocks",
        # In-place writes (extract/store/writer.py) no longer scan the whole store per ingest
        # (O(store)): a batch reads only the blocks it touches, each checksum-verified, so
        # damage elsewhere is neither met nor copied anywhere. Equally safe: no damaged byte
        # is rewritten or passed on, a batch that meets damage is rolled back and refused,
        # and `xuncha check` still reports it. Which happens depends on where the garbage
        # lands, so both outcomes are accepted, each fully checked.
        "D8: ingest into a store with garbage inside its blocks",
        lambda root: goods(root / "in", 2) and [root / "in"],
        store=corrupt_middle,
        refused_or_unspread=True,
    ),
    Case(
        "d8_truncated",
        "D8: ingest into a store cut in half",
        lambda root: goods(root / "in", 2) and [root / "in"],
        store=truncate_half,
        refused=True,
    ),
    Case(
        "d8_not_a_database",
        "D8 (own): a text file where the store should be",
        lambda root: goods(root / "in", 2) and [root / "in"],
        store=text_store,
        refused=True,
    ),
    Case(
        "d9_store_is_directory",
        "D9: the store path is a directory",
        lambda root: goods(root / "in", 2) and [root / "in"],
        store=store_is_dir,
        refused=True,
    ),
    Case(
        "d9_disk_full_ingest",
        # In-place writes (extract/store/writer.py) need room for the new rows only, not for a
        # copy of the store: the batch commits to the WAL, the checkpoint into the 1 MB-capped
        # file fails. The files are stored (readers replay the WAL, the next writer folds it
        # in) and each says so in a warning; nothing is lost and nothing is claimed falsely.
        "D9: disk full while ingesting (RLIMIT_FSIZE 1 MB, below the store's size)",
        lambda root: goods(root / "in", 2) and [root / "in"],
        {"in/good_*.txt": "stored"},
        fsize_limit=1024**2,
        warn=("good_00.txt", "good_01.txt"),
    ),
    Case(
        "d9_export_corrupt_store",
        "D9: export on a corrupt store",
        lambda root: [],
        store=corrupt_header,
        refused=True,
        command="export",
    ),
    Case(
        "d9_export_disk_full",
        "D9: disk full while exporting (RLIMIT_FSIZE 4 KB)",
        lambda root: [],
        fsize_limit=4096,
        refused=True,
        command="export",
    ),
    Case(
        "export_out_is_file",
        "own: export --out naming an existing file",
        lambda root: [write(root / "out", "not a folder")],
        refused=True,
        command="export",
    ),
    Case(
        "d11_stale_next",
        "D11: .<db>.<pid>.next copies of a killed ingest are removed, a live one's kept",
        lambda root: goods(root / "in", 2) and [root / "in"],
        {"in/good_*.txt": "stored"},
        store=stale_next,
        keep=(f".x.duckdb.{PID_TOKEN}.next",),
    ),
    Case(
        "stale_wal",
        "own: a garbage .wal beside the live store",
        lambda root: goods(root / "in", 2) and [root / "in"],
        {"in/good_*.txt": "either"},
        store=stale_wal,
    ),
]

BY_NAME = {c.name: c for c in CASES}
assert len(BY_NAME) == len(CASES), "case names must be unique"
