"""Content negotiation by the Accept header."""

from __future__ import annotations


def negotiate(accept: str, offered: list[str]) -> str | None:
    """The offered media type the Accept header prefers (q-values honoured), or None."""
    if not accept.strip():
        return offered[0]
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        quality = 1.0
        for piece in pieces[1:]:
            if piece.startswith("q="):
                try:
                    quality = float(piece[2:])
                except ValueError:
                    quality = 0.0
        ranked.append((quality, -index, pieces[0].lower()))
    for quality, _, media in sorted(ranked, reverse=True):
        if quality <= 0:
            continue
        if media in offered:
            return media
        if media in ("*/*", "text/*", "application/*"):
            prefix = media.split("/")[0]
            return next((o for o in offered if prefix == "*" or o.startswith(prefix)), None)
    return None
