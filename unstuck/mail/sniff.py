"""What an attachment really is, from its first bytes, whatever the sender's mail client claimed."""

from __future__ import annotations

# (offset, magic bytes, content type). Office documents are ZIP or OLE containers, so those two families
# count as matching any declared type of the family (see `same_family`).
SIGNATURES: tuple[tuple[int, bytes, str], ...] = (
    (0, b"%PDF-", "application/pdf"),
    (0, b"\x89PNG\r\n\x1a\n", "image/png"),
    (0, b"\xff\xd8\xff", "image/jpeg"),
    (0, b"GIF87a", "image/gif"),
    (0, b"GIF89a", "image/gif"),
    (0, b"BM", "image/bmp"),
    (0, b"II*\x00", "image/tiff"),
    (0, b"MM\x00*", "image/tiff"),
    (0, b"PK\x03\x04", "application/zip"),
    (0, b"\x1f\x8b", "application/gzip"),
    (0, b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (0, b"Rar!\x1a\x07", "application/vnd.rar"),
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),
    (0, b"MZ", "application/x-msdownload"),
    (0, b"\x7fELF", "application/x-executable"),
    (0, b"OggS", "audio/ogg"),
    (0, b"ID3", "audio/mpeg"),
    (0, b"{\\rtf", "application/rtf"),
    (4, b"ftyp", "video/mp4"),
)
FAMILIES = {
    "application/zip": ("application/vnd.openxmlformats", "application/vnd.oasis", "application/epub", "-zip"),
    "application/x-ole-storage": ("application/msword", "application/vnd.ms-", "application/x-msi"),
    "image/tiff": ("image/tiff",),
    "video/mp4": ("video/", "audio/mp4", "image/heic", "image/heif", "image/avif"),
}
GENERIC = {"application/octet-stream", "binary/octet-stream", "application/unknown", ""}


def sniff(data: bytes) -> str | None:
    """The content type the magic bytes show, or None when they match nothing we know."""
    for offset, magic, content_type in SIGNATURES:
        if data[offset : offset + len(magic)] == magic:
            # "BM" alone is too common a start of text; a real bitmap has four zero reserved bytes after the size.
            if content_type == "image/bmp" and data[6:10] != b"\x00\x00\x00\x00":
                continue
            return content_type
    return None


def same_family(sniffed: str, declared: str) -> bool:
    declared = declared.lower()
    if sniffed == declared:
        return True
    return any(prefix in declared for prefix in FAMILIES.get(sniffed, ()))


def effective_type(data: bytes, declared: str) -> tuple[str, bool]:
    """The type to store and whether it contradicts the declared one (a renamed .exe, a mislabelled PDF)."""
    declared = (declared or "").lower()
    sniffed = sniff(data)
    if sniffed is None:
        return declared or "application/octet-stream", False
    if declared in GENERIC or same_family(sniffed, declared):
        return (declared if declared not in GENERIC else sniffed), False
    return sniffed, True
