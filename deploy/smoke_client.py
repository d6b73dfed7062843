"""HTTP client of deploy/smoke.sh: talks to the app through nginx only, with the standard library.

(PyPI `requests` is shadowed by the project's `requests` app, hence urllib.) Every call has a timeout and every
unexpected answer stops the run with the status, the URL and the start of the body.

    smoke_client.py flow BASE TOKEN                    one assist request from registration to archive (API)
    smoke_client.py login BASE JAR USER PASSWORD       staff login (session in the cookie file JAR)
    smoke_client.py ledger BASE JAR FROM TO            ask for a ledger PDF; prints the export's id
    smoke_client.py report BASE JAR MONTH              ask for a monthly report (YYYY-MM); prints the HTTP status
    smoke_client.py get BASE JAR PATH [STATUS]         GET a page, expect STATUS (200); prints the byte count

HTTPS with the run's self-signed certificate (not verified).
"""

import http.cookies
import json
import re
import ssl
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

TIMEOUT = 30


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


# The smoke run's certificate is a throwaway self-signed one.
OPENER = urllib.request.build_opener(NoRedirect, urllib.request.HTTPSHandler(context=ssl._create_unverified_context()))


def fail(message: str) -> None:
    print(f"smoke: FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def call(method: str, url: str, *, headers=None, body: bytes | None = None):
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with OPENER.open(request, timeout=TIMEOUT) as response:
            return response.status, dict(response.headers), response.read(), response.headers.get_all("Set-Cookie")
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read(), exc.headers.get_all("Set-Cookie")
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        fail(f"{method} {url}: {exc}")


# --- API ---------------------------------------------------------------------------------------------------------


def api(base: str, token: str, method: str, path: str, data=None, expect=(200,)):
    body = json.dumps(data).encode() if data is not None else None
    headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    status, _, content, _ = call(method, base + path, headers=headers, body=body)
    if status not in expect:
        fail(f"{method} {path} answered {status}: {content[:400].decode(errors='replace')}")
    return json.loads(content) if content else None


def signature_png(width: int = 600, height: int = 200) -> str:
    """What the tablet's signature pad sends: a PNG data URL with a stroke of ink (standard library only)."""
    import base64
    import struct
    import zlib

    rows = []
    for y in range(height):
        row = bytearray(b"\x00" + b"\xff\xff\xff\x00" * width)  # filter byte, then transparent pixels
        for x in range(40, width - 40):
            if abs(y - (height // 2 + (x % 60) - 30)) < 3:  # a zigzag stroke across the pad
                row[1 + 4 * x : 5 + 4 * x] = b"\x00\x00\x00\xff"
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )
    return "data:image/png;base64," + base64.b64encode(png).decode()


def flow(base: str, token: str) -> None:
    matters = api(base, token, "GET", "/api/v1/matters/?page_size=50")
    results = matters["results"] if isinstance(matters, dict) else matters
    if not results:
        fail("no matter in the catalogue")
    matter = api(base, token, "GET", f"/api/v1/matters/{results[0]['id']}/")
    registration = {
        "matter_id": matter["id"],
        "kind": "assist",
        "channel": "hall",
        "category": "special_care",
        "applicant_type": "person",
        "applicant_name": "冒烟测试",
        "applicant_id_number": "11010519491231002X",
        "applicant_phone": "13812345678",
        "applicant_address": "新华区建设路 1 号",
        "provided_material_ids": [m["id"] for m in matter.get("materials", [])],
    }
    created = api(base, token, "POST", "/api/v1/requests/", registration, expect=(201,))
    rid = created["id"]
    print(f"smoke:   registered {created['number']} (status {created['status']})")
    steps = [
        ("accept", {}),
        ("start", {}),
        ("log_work", {"text": "陪同递交"}),
        ("complete", {"result": "不动产权证书"}),
        ("deliver", {"method": "in_person", "signer": "冒烟测试"}),
        ("evaluate", {"rating": 5, "comment": "满意"}),
        ("write_summary", {"text": "冒烟测试办结"}),
        ("archive", {}),
    ]
    for action, data in steps:
        if action == "deliver":
            # The applicant signs the printed completion form on taking the result: it is printed first.
            path = f"/api/v1/requests/{rid}/documents/completion_form/"
            document = api(base, token, "POST", path, {}, expect=(201,))
            print(f"smoke:   completion form -> {document['code']}")
            # ... and signs it on the desk's tablet: the signed copy is kept before the hand-over (issue 18).
            signed = {"kind": "completion_form", "signature": signature_png()}
            kept = api(base, token, "POST", f"/api/v1/requests/{rid}/signatures/sign/", signed, expect=(201,))
            print(f"smoke:   signed completion form -> version {kept['version']}")
        body = api(base, token, "POST", f"/api/v1/requests/{rid}/{action}/", data)
        print(f"smoke:   {action} -> {body['status']}")
    if body["status"] != "archived":
        fail(f"request {rid} ended in {body['status']}, not archived")
    final = api(base, token, "GET", f"/api/v1/requests/{rid}/")
    if final["status"] != "archived":
        fail(f"request {rid} reads back as {final['status']}")


# --- Session (staff pages) --------------------------------------------------------------------------------------


def load_jar(jar: str) -> dict:
    path = Path(jar)
    return json.loads(path.read_text()) if path.exists() else {}


def save_jar(jar: str, cookies: dict, set_cookies) -> dict:
    for header in set_cookies or []:
        parsed = http.cookies.SimpleCookie()
        parsed.load(header)
        for name, morsel in parsed.items():
            cookies[name] = morsel.value
    Path(jar).write_text(json.dumps(cookies))
    return cookies


def page(base: str, jar: str, method: str, path: str, form: dict | None = None):
    cookies = load_jar(jar)
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    body = None
    if form is not None:
        form = {"csrfmiddlewaretoken": cookies.get("csrftoken", ""), **form}
        body = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["X-CSRFToken"] = cookies.get("csrftoken", "")
        headers["Origin"] = base  # over HTTPS Django checks the origin (CSRF_TRUSTED_ORIGINS)
        headers["Referer"] = base + path
    status, response_headers, content, set_cookies = call(method, base + path, headers=headers, body=body)
    save_jar(jar, cookies, set_cookies)
    return status, response_headers, content


def login(base: str, jar: str, username: str, password: str) -> None:
    Path(jar).unlink(missing_ok=True)
    status, _, _ = page(base, jar, "GET", "/accounts/login/")
    if status != 200:
        fail(f"GET /accounts/login/ answered {status}")
    status, headers, content = page(
        base, jar, "POST", "/accounts/login/", {"username": username, "password": password}
    )
    if status != 302:
        fail(f"login as {username} answered {status}: {content[:300].decode(errors='replace')}")


def centre_choice(content: bytes) -> str:
    select = re.search(rb'<select name="centre".*?</select>', content, re.S)
    options = re.findall(rb'<option value="(\d+)"', select.group(0)) if select else []
    if not options:
        fail("no centre to choose on the form")
    return options[0].decode()


def ledger(base: str, jar: str, date_from: str, date_to: str) -> None:
    status, _, content = page(base, jar, "GET", "/requests/ledger/pdf/")
    if status != 200:
        fail(f"GET /requests/ledger/pdf/ answered {status}")
    form = {"centre": centre_choice(content), "date_from": date_from, "date_to": date_to}
    status, headers, content = page(base, jar, "POST", "/requests/ledger/pdf/", form)
    match = re.search(r"/requests/ledger/pdf/(\d+)/", headers.get("Location", ""))
    if status != 302 or not match:
        fail(f"ledger PDF request answered {status}: {content[:300].decode(errors='replace')}")
    print(match.group(1))


def report(base: str, jar: str, month: str) -> None:
    status, _, content = page(base, jar, "GET", "/supervision/reports/")
    if status != 200:
        fail(f"GET /supervision/reports/ answered {status}")
    status, _, content = page(
        base, jar, "POST", "/supervision/reports/", {"centre": centre_choice(content), "month": month}
    )
    print(status)


def get(base: str, jar: str, path: str, expect: str = "200") -> None:
    status, _, content = page(base, jar, "GET", path)
    if status != int(expect):
        fail(f"GET {path} answered {status}, expected {expect}")
    print(len(content))


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    {"flow": flow, "login": login, "ledger": ledger, "report": report, "get": get}[command](*args)
