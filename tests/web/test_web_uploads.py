"""The shell's upload rules over HTTP (size 413, path-like names 400, binary junk 415, generated names for the rest)
and identifiers from the Knowledge base's URLs that never reach a file; every refusal is one line of JSON."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

LIMIT_BYTES = 2 * 1024 * 1024  # the `client` fixture's upload limit
PNG_HEAD = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"


def _files(root: Path) -> set[Path]:
    return set(root.rglob("*"))


def _assert_one_line_error(response, status: int) -> str:
    assert response.status_code == status, response.text
    assert "\n" not in response.text and "Traceback" not in response.text
    message = response.json()["error"]
    assert message and "\n" not in message
    return message


@pytest.fixture
def impedance_csv(external_dir) -> Path:
    """Plain CSV of f, Z', Z'' (impedance.py's exampleData.csv, see its PROVENANCE.md)."""
    return external_dir / "impedance.py" / "exampleData.csv"


@pytest.mark.parametrize("size_bytes", [LIMIT_BYTES + 1, LIMIT_BYTES + 512 * 1024])
def test_oversize_upload_is_413_and_stores_nothing(client, tmp_path, size_bytes):
    before = _files(tmp_path)
    data = (b"1.0,2.0,3.0\n" * (size_bytes // 12 + 1))[:size_bytes]
    response = client.post("/api/upload", files={"file": ("big.csv", data, "text/csv")})
    assert "above" in _assert_one_line_error(response, 413)
    assert _files(tmp_path) == before


def test_oversize_chunked_upload_without_a_length_is_413(client, tmp_path):
    boundary = "nassb-boundary"
    head = f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n\r\n'.encode()

    def body():
        yield head
        for _ in range(LIMIT_BYTES // 4096 + 1):
            yield b"1,2\n" * 1024
        yield f"\r\n--{boundary}--\r\n".encode()

    before = _files(tmp_path)
    response = client.post(
        "/api/upload", content=body(), headers={"content-type": f"multipart/form-data; boundary={boundary}"}
    )
    assert response.request.headers.get("transfer-encoding") == "chunked"
    _assert_one_line_error(response, 413)
    assert _files(tmp_path) == before


@pytest.mark.parametrize(
    "name", ["../../etc/passwd", "a/b.csv", "/etc/passwd", "..\\..\\windows\\win.ini", "..", "....//x.csv"]
)
def test_path_in_the_file_name_is_400_and_touches_nothing(client, tmp_path, name):
    before = _files(tmp_path)
    response = client.post("/api/upload", files={"file": (name, b"1.0,2.0,3.0\n", "text/csv")})
    assert "a file name, not a path" in _assert_one_line_error(response, 400)
    assert _files(tmp_path) == before
    assert client.get("/api/uploads").json() == []


@pytest.mark.parametrize(
    ("name", "data"),
    [("image.png", PNG_HEAD + bytes(200)), ("data.csv", bytes(range(256)) * 8), ("noise.txt", os.urandom(999) + b"\0")],
)
def test_binary_junk_is_415(client, tmp_path, name, data):
    before = _files(tmp_path)
    response = client.post("/api/upload", files={"file": (name, data, "application/octet-stream")})
    assert "binary content" in _assert_one_line_error(response, 415)
    assert _files(tmp_path) == before


def test_impedance_csv_is_stored_under_a_generated_name_and_listed(client, impedance_csv):
    data = impedance_csv.read_bytes()
    response = client.post("/api/upload", files={"file": (impedance_csv.name, data, "text/csv")})
    assert response.status_code == 200, response.text
    stored = response.json()
    assert re.fullmatch(r"[0-9a-f]{32}", stored["id"])
    assert stored["name"] == impedance_csv.name and stored["size_bytes"] == len(data)
    uploads = client.app.state.workspace.uploads
    assert sorted(path.name for path in uploads.iterdir()) == [f"{stored['id']}.csv", f"{stored['id']}.json"]
    assert (uploads / f"{stored['id']}.csv").read_bytes() == data
    listed = client.get("/api/uploads").json()
    assert [(item["id"], item["original_name"]) for item in listed] == [(stored["id"], impedance_csv.name)]


def test_missing_file_field_is_one_line(client):
    assert "file" in _assert_one_line_error(client.post("/api/upload", data={"other": "1"}), 400)


@pytest.mark.parametrize(
    "url",
    [
        "/api/kb/records/..%2F..%2Fetc%2Fpasswd",
        "/api/kb/records/%2E%2E",
        "/api/kb/records/000-0001%00",
        "/api/kb/selection.json?family=../../etc/passwd",
        "/api/kb/selection.csv?text=../../etc/passwd&property=..%2F..%2Fetc%2Fpasswd",
        "/api/kb/selection.json?tmin_K=../../etc/passwd",
    ],
)
def test_traversal_in_knowledge_base_urls_is_refused_in_one_line(client, url):
    response = client.get(url)
    assert response.status_code in (400, 404), url
    _assert_one_line_error(response, response.status_code)
    assert "root:" not in response.text


def test_traversal_record_page_is_404_without_traceback(client):
    response = client.get("/kb/records/..%2F..%2Fetc%2Fpasswd")
    assert response.status_code == 404
    assert "Traceback" not in response.text and "root:" not in response.text


def test_every_instrument_file_the_readers_take_is_accepted(client, external_dir):
    """Each real file in ../shared/external whose extension a reader takes uploads (the sniffing follows the
    readers' own format tables), under the client's 2 MiB limit."""
    from nassb.web.workspace import BINARY_MAGIC, _measurement_text_extensions

    extensions = _measurement_text_extensions() | set(BINARY_MAGIC)
    files = [
        path
        for path in sorted(external_dir.rglob("*"))
        if path.is_file() and path.suffix.lower() in extensions and path.stat().st_size <= 2 * 1024 * 1024
    ]
    assert len(files) > 20
    refused = []
    for path in files:
        response = client.post("/api/upload", files={"file": (path.name, path.read_bytes())})
        if response.status_code != 200:
            refused.append(f"{path.relative_to(external_dir)}: {response.json()['error']}")
    assert refused == []
