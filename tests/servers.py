"""Real server processes for tests: the Oxigraph server and Debian's Virtuoso 7 as triple
stores, ``llm4rec-kg serve``, and Debian's Apache, nginx and Caddy serving the static site.

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
from dataclasses import dataclass
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
    with _static_host([binary, "-f", str(config), "-DFOREGROUND"], port) as url:
        yield url


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
    with _static_host([binary, "-c", str(config), "-p", str(work)], port) as url:
        yield url


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
    command = [binary, "run", "--config", str(config), "--adapter", "caddyfile"]
    with _static_host(command, port, {"PATH": "/usr/bin:/bin", **environment}) as url:
        yield url


@dataclass(frozen=True)
class Store:
    """A triple store's SPARQL 1.1 endpoints: Graph Store Protocol, query and update."""

    name: str
    gsp: str
    query: str
    update: str
    isql: str = ""  # Virtuoso's SQL port, for its own bulk loader
    work: Path | None = None  # a folder the store may read files from


@contextmanager
def virtuoso_server(work: Path) -> Iterator[Store]:
    """Yields the endpoints of Debian's Virtuoso 7 with a fresh database under ``work``,
    listening on 127.0.0.1 only, whose anonymous SPARQL user may update (as a store a push
    writes to is set up; its public endpoint would be read-only)."""
    binary = shutil.which("virtuoso-t") or "/usr/bin/virtuoso-t"
    isql = shutil.which("isql-vt") or "/usr/bin/isql-vt"
    if not Path(binary).is_file() or not Path(isql).is_file():
        require("LLM4REC_REQUIRE_VIRTUOSO", "Virtuoso (apt-get install virtuoso-opensource)")
        raise AssertionError("unreachable")
    work.mkdir(parents=True, exist_ok=True)
    sql, http = free_port(), free_port()
    config = work / "virtuoso.ini"
    config.write_text(
        f"""[Database]
DatabaseFile = {work}/virtuoso.db
ErrorLogFile = {work}/virtuoso.log
LockFile = {work}/virtuoso.lck
TransactionFile = {work}/virtuoso.trx
xa_persistent_file = {work}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {work}/virtuoso-temp.db
TransactionFile = {work}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
MaxClientConnections = 10
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., {work}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
MaxQueryMem = 500M
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
MaxClientConnections = 10
ServerThreads = 10
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
""",
        encoding="utf-8",
    )
    process = subprocess.Popen(
        [binary, "-f", "-c", str(config)],
        cwd=work,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{http}"
        wait_until_up(url + "/sparql?query=ASK%7B%7D", process, seconds=60)
        grant = (
            "GRANT SPARQL_UPDATE TO \"SPARQL\"; DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);"
        )
        subprocess.run(
            [isql, f"127.0.0.1:{sql}", "dba", "dba", f"exec={grant}"],
            check=True,
            capture_output=True,
            timeout=60,
        )
        sparql = f"{url}/sparql"
        yield Store(
            "virtuoso", f"{url}/sparql-graph-crud", sparql, sparql, f"127.0.0.1:{sql}", work
        )
    finally:
        _stop(process)


@contextmanager
def _static_host(command: list[str], port: int, env: dict[str, str] | None = None) -> Iterator[str]:
    """Run a web server serving the static site on 127.0.0.1:port until the block ends."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url + "/index.html", process)
        yield url
    finally:
        _stop(process)
