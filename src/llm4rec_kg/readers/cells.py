"""Read values out of listed cells: venue and year, base LLMs with their sizes, tuning
strategies. Nothing here guesses: a cell that does not parse gives None, and the caller
keeps the cell as listed and reports it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from llm4rec_kg.readers.markdown import PLACEHOLDERS, slugify

# A year, and the month or day a list may write after it: "2024", "WSDM 2018/08", "arxiv
# 202311" (year and month run together), "2023.11", "2024-08-25".
_YEAR = re.compile(
    r"(?<!\d)((?:19|20)\d\d)"
    r"(?:(?:0[1-9]|1[0-2])(?:[0-3]\d)?|[.-](?:0?[1-9]|1[0-2])(?:[.-][0-3]?\d)?|/\d{1,2})?(?!\d)"
)
_BRACKETED_YEAR = re.compile(r"\s*\(((?:19|20)\d\d)\)")
# "SIGIR 24", "NeurIPS'23": a venue and a two-digit year (this century's).
_SHORT_YEAR = re.compile(r"^(?P<venue>[A-Za-z][\w&/. -]*?)\s*['’]?(?P<yy>\d{2})$")
_ASIDE = re.compile(r"\s*\(([^()]+)\)\s*$")
_TRACK_WORDS = re.compile(r"\b(workshop|doctoral symposium|demo|findings)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Publication:
    venue: str | None
    year: int | None
    track: str | None  # "Short Paper", "LBR": what the cell adds after the year


def value(text: str | None) -> str | None:
    """None for blank and placeholder cells (N/A, -, none)."""
    if text is None or text.strip().lower() in PLACEHOLDERS:
        return None
    return text.strip()


_DATE = re.compile(r"((?:19|20)\d\d)(?:[./-]?(?:0?[1-9]|1[0-2])(?:[./-]?\d{1,2})?)?")


def year(text: str | None) -> int | None:
    """ "2024" -> 2024; a date or month as lists write them ("2025.02", "202309",
    "2025-10-31") -> its year; two years ("2025/2026") say none for sure -> None."""
    text = value(text)
    if text is None:
        return None
    match = _DATE.fullmatch(text)
    return int(match.group(1)) if match else None


def publication(text: str | None) -> Publication:
    """ "WWW 2024" -> WWW, 2024; "RecSys 2023 Short Paper" -> RecSys, 2023, Short Paper;
    "SIGIR 2023 workshop" -> "SIGIR workshop", 2023; "Preprint" -> Preprint, no year."""
    text = value(text)
    if text is None:
        return Publication(None, None, None)
    text = _BRACKETED_YEAR.sub(r" \1", text)  # "Arxiv(2025)", "KDD (2024)"
    match = _YEAR.search(text)
    if match is None and (short := _SHORT_YEAR.match(text)):
        return Publication(short.group("venue").strip(" ,") or None, 2000 + int(short["yy"]), None)
    if match is None:
        return Publication(text.strip(" ,"), None, None)
    venue = text[: match.start()].strip(" ,")
    rest = text[match.end() :].strip(" ,.()")
    if aside := _ASIDE.search(venue):  # "ICML(Spotlight)": a track, not the venue's name
        venue, rest = venue[: aside.start()].strip(" ,"), f"{aside.group(1)} {rest}".strip()
    track = rest or None
    if rest and _TRACK_WORDS.search(rest) and not _TRACK_WORDS.search(venue):
        venue, track = f"{venue} {rest}".strip(), None
    return Publication(venue or None, int(match.group(1)), track)


@dataclass(frozen=True)
class ModelMention:
    name: str
    parameters: int | None  # a size the cell states, as a parameter count
    qualifier: str | None  # what a parenthesis says when it is not a size


# "/" splits names, except before a bare number ("CLIP-B/32" is one name).
_MODEL_SPLIT = re.compile(
    r"\s*(?:,|\uff0c|/(?!\d+\b)|\+|&|;|\band\b)\s*"
)  # \uff0c: a full-width comma
_PAREN = re.compile(r"\s*\(([^)]*)\)\s*")
_SIZE = re.compile(r"^(\d+(?:\.\d+)?)\s*([kmbt])$", re.IGNORECASE)
_SUFFIX_SIZE = re.compile(r"[-_ ](\d+(?:\.\d+)?)\s*([mbt])$", re.IGNORECASE)
_SCALE = {"k": 10**3, "m": 10**6, "b": 10**9, "t": 10**12}


def parameters(text: str) -> int | None:
    """ "7B" -> 7000000000; "7.1B" -> 7100000000; "110M" -> 110000000."""
    match = _SIZE.match(text.strip())
    if match is None:
        return None
    return int(Decimal(match.group(1)) * _SCALE[match.group(2).lower()])


def split_models(cell: str) -> list[ModelMention]:
    """The model names in an LLM cell, with a size where the cell gives one.

    "PaLM (540B)/ ChatGPT" -> PaLM 540e9, ChatGPT; "llama-7B & Qwen2-1.5" -> llama-7B
    (7e9), Qwen2-1.5; "LaMDA(video)" -> LaMDA, qualifier video.
    """
    mentions: list[ModelMention] = []
    for token in _MODEL_SPLIT.split(cell.strip()):
        paren = _PAREN.search(token)
        name = _PAREN.sub(" ", token).strip()
        if not name or name.lower() in PLACEHOLDERS:
            continue
        size = parameters(paren.group(1)) if paren else None
        qualifier = paren.group(1).strip() if paren and size is None else None
        if size is None and (suffix := _SUFFIX_SIZE.search(name)):
            size = int(Decimal(suffix.group(1)) * _SCALE[suffix.group(2).lower()])
        mentions.append(ModelMention(name, size, qualifier))
    return mentions


def tuning_strategies(cell: str | None) -> dict[str, str]:
    """Tuning strategies as concept keys with their labels as listed: "Full Finetuning/
    Prompt Tuning" -> full-finetuning, prompt-tuning. concepts.yaml says what each means."""
    text = value(cell)
    if text is None:
        return {}
    parts = [part for part in re.split(r"\s*(?:/|&|,)\s*", text) if value(part)]
    return {slugify(part): part.strip() for part in parts}
