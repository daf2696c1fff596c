"""Real server processes for tests: an Oxigraph server, ``llm4rec-kg serve``, and Debian's
Apache, nginx and Caddy serving the static site.

Both bind a free port on 127.0.0.1, are waited for until they answer, and are stopped by
the PID that was started, whatever the test did.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from conftest import require

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            stream.close()


@contextmanager
def oxigraph_server(location: Path) -> Iterator[str]:
    """Yields the base URL of a fresh Oxigraph server (the `oxigraph` PyPI package)."""
    binary = shutil.which("oxigraph")
    if binary is None:
        require("LLM4REC_REQUIRE_SERVER", "the oxigraph server (pip install oxigraph)")
        raise AssertionError("unreachable")
    port = free_port()
    process = subprocess.Popen(
        [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url + "/", process)
        yield url
    finally:
        _stop(process)


@contextmanager
def llm4rec_server(*args: str) -> Iterator[str]:
    """Yields the base URL of `llm4rec-kg serve` started on a free port with args."""
    with llm4rec_process(*args) as (url, _):
        yield url


@contextmanager
def llm4rec_process(*args: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Yields the base URL and the process of `llm4rec-kg serve` started with args."""
    process = subprocess.Popen(
        [sys.executable, "-m", "llm4rec_kg", "serve", "--port", "0", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline().decode()
        if not first.startswith("SPARQL endpoint: "):
            raise RuntimeError(f"serve said {first!r}: {process.stderr.read().decode()}")
        url = first.split()[2].removesuffix("/sparql")
        wait_until_up(url + "/sparql", process)
        yield url, process
    finally:
        _stop(process)


APACHE_MODULES = ("mpm_event", "authz_core", "unixd", "dir", "mime", "rewrite", "headers", "alias")


@contextmanager
def apache_server(root: Path, work: Path) -> Iterator[str]:
    """Yields the base URL of Debian's Apache 2.4 serving ``root`` with its .htaccess on,
    as a static host of the site would; every file it writes stays under ``work``."""
    binary = shutil.which("apache2") or "/usr/sbin/apache2"
    modules = Path("/usr/lib/apache2/modules")
    if not Path(binary).is_file() or not modules.is_dir():
        require("LLM4REC_REQUIRE_APACHE", "Apache (apt-get install apache2)")
        raise AssertionError("unreachable")
    port = free_port()
    work.mkdir(parents=True, exist_ok=True)
    loads = "\n".join(
        f"LoadModule {m}_module {modules}/mod_{m}.so"
        for m in APACHE_MODULES
        if (modules / f"mod_{m}.so").is_file()
    )
    config = work / "httpd.conf"
    config.write_text(
        f"""{loads}
ServerRoot "{work}"
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile "{work}/httpd.pid"
ErrorLog "{work}/error.log"
LogLevel warn
TypesConfig /etc/mime.types
DocumentRoot "{root}"
<Directory "{root}">
    AllowOverride All
    Require all granted
</Directory>
""",
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [binary, "-f", str(config), "-DFOREGROUND"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url + "/index.html", process)
        yield url
    finally:
        _stop(process)


@contextmanager
def nginx_server(root: Path, work: Path) -> Iterator[str]:
    """Yields the base URL of Debian's nginx serving the site at ``root`` with the site's
    own nginx/maps.conf and nginx/site.conf, as a host would include them; every file it
    writes stays under ``work``."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(binary).is_file():
        require("LLM4REC_REQUIRE_NGINX", "nginx (apt-get install nginx)")
        raise AssertionError("unreachable")
    port = free_port()
    work.mkdir(parents=True, exist_ok=True)
    temp = "\n".join(
        f"    {kind}_temp_path {work}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    config = work / "nginx.conf"
    config.write_text(
        f"""daemon off;
user root;
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
{temp}
    include {root}/nginx/maps.conf;
    server {{
        listen 127.0.0.1:{port};
        server_name 127.0.0.1;
        root {root};
        include {root}/nginx/site.conf;
    }}
}}
""",
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [binary, "-c", str(config), "-p", str(work)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url + "/index.html", process)
        yield url
    finally:
        _stop(process)


@contextmanager
def caddy_server(root: Path, work: Path) -> Iterator[str]:
    """Yields the base URL of Debian's Caddy 2 serving the site at ``root`` with the site's
    caddy/llm4rec.caddy imported, no admin endpoint and no HTTPS; its state stays under
    ``work``."""
    binary = shutil.which("caddy") or "/usr/bin/caddy"
    if not Path(binary).is_file():
        require("LLM4REC_REQUIRE_CADDY", "Caddy (apt-get install caddy)")
        raise AssertionError("unreachable")
    port = free_port()
    work.mkdir(parents=True, exist_ok=True)
    config = work / "Caddyfile"
    config.write_text(
        f"""{{
    admin off
    auto_https off
    storage file_system {work}/data
}}
http://127.0.0.1:{port} {{
    root * {root}
    import {root}/caddy/llm4rec.caddy
}}
""",
        encoding="utf-8",
    )
    environment = {"HOME": str(work), "XDG_DATA_HOME": str(work), "XDG_CONFIG_HOME": str(work)}
    process = subprocess.Popen(
        [binary, "run", "--config", str(config), "--adapter", "caddyfile"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={"PATH": "/usr/bin:/bin", **environment},
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url + "/index.html", process)
        yield url
    finally:
        _stop(process)
