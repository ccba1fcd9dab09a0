"""Turn a MIME part's bytes into text whatever its declared charset says, and say when it lied."""

from __future__ import annotations

import codecs

# Declared names that mean a superset in practice: mail clients write "iso-8859-1" and send windows-1252,
# "shift_jis" and send Microsoft's cp932, "gb2312" and send gb18030.
SUPERSETS = {
    "iso-8859-1": "windows-1252",
    "latin-1": "windows-1252",
    "shift_jis": "cp932",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "iso-8859-9": "windows-1254",
}
# What we try when the declared charset is unknown or wrong: UTF-8 is strict enough to rarely misfire.
FALLBACKS = ("utf-8", "windows-1252")
# Single-byte codecs decode any bytes, so a wrong declaration never fails; UTF-8 text declared as one of
# these is caught by checking for valid multi-byte UTF-8 first (random 8-bit text is almost never valid).
SINGLE_BYTE = {"cp1252", "latin-1", "iso8859-1", "iso8859-2", "iso8859-15", "cp1250", "cp1254", "koi8-r", "cp1251"}


def _is_utf8(data: bytes) -> bool:
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def lookup(name: str) -> str | None:
    """The Python codec for a declared charset, or None when nobody knows it."""
    name = (name or "").strip().strip('"').lower()
    if not name:
        return None
    name = SUPERSETS.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode(data: bytes, declared: str | None) -> tuple[str, str | None]:
    """Decode `data`; the second value describes a charset problem, or is None when the declaration held."""
    declared = (declared or "").strip().strip('"').lower()
    codec = lookup(declared)
    if codec and (codec not in SINGLE_BYTE or not _is_utf8(data)):
        try:
            return data.decode(codec), None
        except UnicodeDecodeError:
            pass
    elif not declared:
        try:
            return data.decode("ascii"), None
        except UnicodeDecodeError:
            pass
    for fallback in FALLBACKS:
        if fallback == codec:
            continue
        try:
            text = data.decode(fallback)
        except UnicodeDecodeError:
            continue
        return text, _problem(declared, codec, fallback)
    return data.decode("utf-8", errors="replace"), _problem(declared, codec, "utf-8 with replacement characters")


def _problem(declared: str, codec: str | None, used: str) -> str:
    if not declared:
        return f"no charset declared for 8-bit text; read as {used}"
    if codec is None:
        return f"unknown charset {declared!r}; read as {used}"
    return f"text does not match its declared charset {declared}; read as {used}"


def repair_header(value: str) -> tuple[str, str | None]:
    """Headers with raw 8-bit bytes arrive as surrogate escapes; decode them as UTF-8, else windows-1252."""
    if not any("\udc80" <= char <= "\udcff" for char in value):
        return value, None
    data = value.encode("utf-8", errors="surrogateescape")
    text, problem = decode(data, "utf-8")
    return text, (f"header: {problem}" if problem else None)
