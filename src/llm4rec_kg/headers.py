"""What every HTTP response of the graph says, whoever serves it: ``serve`` sets these
headers itself, the static site's ``.htaccess`` asks Apache to, and its pages repeat the
content security policy in a meta element for hosts that set no headers."""

from __future__ import annotations

CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Accept, Authorization",
}
# Entity and index pages run no script; the offline page runs only its own inline script
# and WebAssembly, and fetches nothing; data runs nothing.
DATA_CSP = "default-src 'none'; frame-ancestors 'none'"
PAGE_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
APP_CSP = (
    "default-src 'none'; script-src 'unsafe-inline' 'wasm-unsafe-eval'; "
    "style-src 'unsafe-inline'; img-src data: blob:; base-uri 'none'; frame-ancestors 'none'"
)
# A meta element cannot carry frame-ancestors (browsers ignore it there).
PAGE_CSP_META = PAGE_CSP.replace("; frame-ancestors 'none'", "")
SECURITY = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def default_headers(csp: str = DATA_CSP) -> list[tuple[str, str]]:
    """The headers of every response, an error from the HTTP layer included."""
    return [*CORS.items(), *SECURITY.items(), ("Content-Security-Policy", csp)]
