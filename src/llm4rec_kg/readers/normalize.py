"""Pure functions that read identifiers, repositories, model names and numbers out of cells.

Nothing here guesses: a link that is not recognisably an arXiv id, a DOI or a repository
gives None, and the caller keeps the link as listed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

_ARXIV_NEW = r"\d{4}\.\d{4,5}"
ARXIV_NEW = _ARXIV_NEW  # a new-style arXiv id, as a pattern
_ARXIV_OLD = r"[a-z][a-z.-]+/\d{7}"
_ARXIV_URL = re.compile(
    rf"^https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/(?P<id>{_ARXIV_NEW}|{_ARXIV_OLD})"
    r"(?P<version>v\d+)?(?:\.pdf)?/?$",
    re.IGNORECASE,
)
_DOI = re.compile(r"(10\.\d{4,9}/[^\s?#]+)")
_DOI_HOSTS = ("doi.org", "dx.doi.org", "dl.acm.org", "link.springer.com", "onlinelibrary.wiley.com")
_REPO_HOSTS = ("github.com", "gitlab.com", "gitee.com", "bitbucket.org")
TRACKING_PARAMS = re.compile(r"^(utm_.*|casa_token|fbclid|gclid|mc_[a-z]+|ref|ref_src|usp)$")


@dataclass(frozen=True)
class Repository:
    host: str
    owner: str
    name: str
    path: str | None

    @property
    def url(self) -> str:
        return f"https://{self.host}/{self.owner}/{self.name}"

    @property
    def key(self) -> str:
        return f"{self.host.split('.')[0]}/{self.owner}/{self.name}".lower()


@dataclass(frozen=True)
class Statistic:
    measure: str
    label: str
    value: int | Decimal
    approximate: bool


# The characters RFC 3987 keeps out of every IRI: the one rule the readers, the schema and
# the graph's last check before the writers (graph/iris.py) apply.
IRI_FORBIDDEN = re.compile(r'[\s<>"{}|\\^`\x00-\x1f\x7f]')
# Bidi controls and invisible characters: they make two different ids look the same.
DECEPTIVE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")


def valid_iri(url: str) -> bool:
    """An absolute http(s) IRI with a host and no character an IRI may not hold."""
    parts = urlsplit(url)
    return (
        parts.scheme in ("http", "https") and bool(parts.hostname) and not IRI_FORBIDDEN.search(url)
    )


def arxiv_id(url: str) -> str | None:
    """The arXiv identifier (without version) of an abs, pdf or mirror link."""
    match = _ARXIV_URL.match(url.strip())
    return match.group("id").lower() if match else None


def arxiv_version(url: str) -> str | None:
    match = _ARXIV_URL.match(url.strip())
    return match.group("version") if match else None


def arxiv_year(identifier: str) -> int | None:
    """The year an arXiv id was assigned (new-style ids are YYMM.NNNNN)."""
    match = re.match(r"^(\d{2})(\d{2})\.", identifier) or re.match(r"^[a-z.-]+/(\d{2})", identifier)
    if not match:
        return None
    yy = int(match.group(1))
    return 1900 + yy if yy >= 91 else 2000 + yy


def doi(url: str) -> str | None:
    """The DOI inside a doi.org or publisher link (ACM DL, Springer), lower-cased."""
    parts = urlsplit(url.strip())
    if parts.hostname not in _DOI_HOSTS:
        return None
    match = _DOI.search(unquote(parts.path))
    return _usable_doi(match.group(1)) if match else None


def _usable_doi(text: str) -> str | None:
    """A DOI whose doi.org address is an IRI (``10.1145/{x}`` is no DOI anyone can cite)."""
    value = text.rstrip("/.").lower()
    return value if valid_iri(f"https://doi.org/{value}") else None


def repository(url: str) -> Repository | None:
    """Host, owner and name of a code-hosting link to one repository (or a folder in it)."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").removeprefix("www.")
    if host not in _REPO_HOSTS:
        return None
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) < 2:
        return None
    owner, name = segments[0], segments[1].removesuffix(".git")
    rest = segments[2:]
    path = "/".join(rest[2:]) if rest[:1] in (["tree"], ["blob"]) and len(rest) > 2 else None
    return Repository(host, owner, name, path)


def tracking_params(url: str) -> list[str]:
    """Query parameters that track a click or carry a session, not the resource."""
    return [
        key
        for key, _ in parse_qsl(urlsplit(url).query)
        if TRACKING_PARAMS.match(key) or key.lower() in SESSION_PARAMS
    ]


def strip_tracking(url: str) -> str:
    parts = urlsplit(url)
    kept = [(k, v) for k, v in parse_qsl(parts.query) if not TRACKING_PARAMS.match(k)]
    return urlunsplit(parts._replace(query=urlencode(kept)))


SESSION_PARAMS = frozenset({"md5", "pid", "casa_token", "token", "sid", "sessionid"})


def canonical_link(url: str) -> str:
    """The canonical form of a paper link: arXiv abs page, doi.org, an article page for
    ScienceDirect download links, or the link without tracking parameters."""
    if identifier := arxiv_id(url):
        return f"https://arxiv.org/abs/{identifier}"
    if identifier := doi(url):
        return f"https://doi.org/{identifier}"
    if "sciencedirect.com" in url and (match := _PII.search(url)):
        return f"https://www.sciencedirect.com/science/article/pii/{match.group(1)}"
    return strip_tracking(url.strip())


def title_key(title: str) -> str:
    """Titles compared case- and punctuation-blind, to tell one paper from another."""
    return re.sub(r"[^a-z0-9]+", " ", title.lower()).strip()


_MODEL_SPLIT = re.compile(r"\s*(?:,|/|\+|\band\b)\s*")
_QUALIFIER = re.compile(r"\s*\(([^)]*)\)\s*")


def split_models(cell: str) -> list[tuple[str, str | None]]:
    """The model names in an LLM cell, each with a parenthesised qualifier if it had one.

    "GPT-2/ DialoGPT /BART" -> GPT-2, DialoGPT, BART; "LaMDA(video)" -> LaMDA (video).
    """
    names: list[tuple[str, str | None]] = []
    for token in _MODEL_SPLIT.split(cell.strip()):
        qualifier = _QUALIFIER.search(token)
        name = _QUALIFIER.sub(" ", token).strip()
        if name:
            names.append((name, qualifier.group(1).strip() if qualifier else None))
    return names


_SCALES = {
    "k": Decimal(1_000),
    "thousand": Decimal(1_000),
    "million": Decimal(1_000_000),
    "billion": Decimal(1_000_000_000),
}
_NUMBER = r"(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<scale>k\b|thousand|million|billion)?"
_QUALIFIERS = r"(?P<qual>(?i:about|approximately|around|more than|over|nearly|almost))\s+"
_LABELLED = re.compile(rf"(?P<label>[A-Z][A-Za-z ]{{1,30}}?):\s*{_NUMBER}")
_COUNTED = re.compile(
    rf"(?:{_QUALIFIERS})?(?<![\w.,]){_NUMBER}\s+"
    r"(?P<label>(?:(?!by\b|like\b|and\b|generated\b|from\b|of\b|k\b|thousand\b|million\b|billion\b)[A-Za-z][\w-]*\s?){1,4})"
)


def _number(num: str, scale: str | None) -> int | Decimal:
    value = Decimal(num.replace(",", "")) * _SCALES.get((scale or "").lower(), Decimal(1))
    return int(value) if value == value.to_integral_value() else value


def statistics(text: str) -> list[Statistic]:
    """Counts stated in a dataset description, as numbers.

    Reads "Ratings: 82.83 million" and "3,606,249 train sessions"; a qualifier such as
    "about" or "more than" marks the figure approximate. Years and ranges are not counts.
    """
    found: dict[str, Statistic] = {}
    for match in _LABELLED.finditer(text):
        label = match.group("label").strip()
        found.setdefault(
            _measure(label),
            Statistic(_measure(label), label, _number(match["num"], match["scale"]), False),
        )
    for match in _COUNTED.finditer(text):
        label = match.group("label").strip()
        if re.fullmatch(r"(19|20)\d\d", match["num"]) or _measure(label) in found:
            continue
        stat = Statistic(
            _measure(label), label, _number(match["num"], match["scale"]), match["qual"] is not None
        )
        found[stat.measure] = stat
    return list(found.values())


def _measure(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")


_PII = re.compile(r"/pii/(S?[0-9X]+)", re.IGNORECASE)
_OPENREVIEW = re.compile(r"openreview\.net/(?:pdf|forum)\?id=([\w-]+)")


def entity_key(url: str) -> str | None:
    """A stable catalog key from the identifier in a paper link, or None when it has none."""
    found = identify(url)
    return found.key if found else None


def name_key(text: str) -> str:
    """How names are matched against aliases: case, spacing and hyphenation folded."""
    return re.sub(r"[\s_-]+", "", text.casefold())


# The identifier schemes a paper link can carry (``identify``), as keys begin with them.
SCHEMES = (
    "arxiv",
    "doi",
    "pii",
    "openreview",
    "acl",
    "pmlr",
    "neurips",
    "aaai",
    "ieee",
    "ijcai",
    "s2",
    "dblp",
)


@dataclass(frozen=True)
class Identifier:
    """A paper's identifier read out of a link: its scheme and its value, normalised."""

    scheme: str  # one of SCHEMES
    value: str

    @property
    def key(self) -> str:
        """The catalog key it mints: scheme and value as one plain path segment."""
        if self.scheme == "doi":
            return "doi-" + re.sub(r"[^a-z0-9.]+", "-", self.value).strip("-")
        return f"{self.scheme}-" + re.sub(r"[^a-z0-9.]+", "-", self.value.lower()).strip("-")


_ARXIV_TEXT = re.compile(rf"\barxiv\s*[:：]?\s*(?P<id>{_ARXIV_NEW})(?:v\d+)?\b", re.IGNORECASE)
_HF_PAPER = re.compile(rf"^https?://(?:www\.)?huggingface\.co/papers/(?P<id>{_ARXIV_NEW})\b")
_ANY_DOI_PATH = re.compile(r"/doi/(?:abs/|full/|pdf/|epdf/|book/)?(10\.\d{4,9}/[^\s?#]+)")
_ACL = re.compile(r"^https?://(?:www\.)?aclanthology\.org/(?P<id>[\w.-]+?)(?:\.pdf)?/?$")
_PMLR = re.compile(r"^https?://proceedings\.mlr\.press/(?P<id>v\d+/[\w-]+?)(?:\.html|\.pdf)?$")
_NEURIPS = re.compile(
    r"^https?://(?:papers\.nips\.cc|proceedings\.neurips\.cc)/paper(?:_files/paper)?/"
    r"(?P<year>\d{4})/(?:hash|file)/(?P<id>[0-9a-f]{32})"
)
_AAAI = re.compile(r"^https?://ojs\.aaai\.org/index\.php/\w+/article/(?:view|download)/(?P<id>\d+)")
_IJCAI = re.compile(r"^https?://(?:www\.)?ijcai\.org/proceedings/(?P<id>\d{4}/\d+)(?:\.pdf)?/?$")
_IEEE = re.compile(r"^https?://ieeexplore\.ieee\.org/(?:abstract/)?document/(?P<id>\d+)")
_S2 = re.compile(
    r"^https?://(?:www\.|api\.)?semanticscholar\.org/(?:graph/v1/)?paper/(?:[^/?#]+/)?"
    r"(?P<id>[0-9a-f]{40})\b"
)
_DBLP = re.compile(r"^https?://dblp\.(?:org|uni-trier\.de)/rec/(?P<id>[\w/.-]+?)(?:\.html)?$")
_SEARCH_HOSTS = re.compile(r"^(?:scholar\.google\.[a-z.]+|(?:www\.)?semanticscholar\.org)$")


def identify(url: str) -> Identifier | None:
    """The paper identifier a link carries, from the address alone: arXiv (abs, pdf, html,
    a Hugging Face paper page), a DOI (doi.org or a publisher path that embeds one), the
    ACL Anthology, OpenReview, PMLR, NeurIPS, AAAI, IJCAI and IEEE proceedings, Semantic Scholar
    and dblp records. None for anything else (a search, a repository, a home page)."""
    url = url.strip()
    if found := arxiv_id(url):
        return Identifier("arxiv", found)
    if match := _HF_PAPER.match(url):
        return Identifier("arxiv", match.group("id"))
    if found := doi(url):
        return Identifier("doi", found)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    if (match := _ANY_DOI_PATH.search(unquote(parts.path))) and (
        found := _usable_doi(match.group(1))
    ):
        return Identifier("doi", found)
    if match := _PII.search(url):
        return Identifier("pii", match.group(1).lower())
    if match := _OPENREVIEW.search(url):
        return Identifier("openreview", match.group(1).lower())
    for scheme, pattern in (
        ("acl", _ACL),
        ("pmlr", _PMLR),
        ("aaai", _AAAI),
        ("ieee", _IEEE),
        ("ijcai", _IJCAI),
        ("s2", _S2),
        ("dblp", _DBLP),
    ):
        if match := pattern.match(url):
            return Identifier(scheme, match.group("id").lower())
    if match := _NEURIPS.match(url):
        return Identifier("neurips", f"{match.group('year')}-{match.group('id')}")
    return None


def arxiv_in_text(text: str) -> str | None:
    """An arXiv id written as text: ``arXiv:2504.11182``, ``arXiv 2504.11182v2``."""
    match = _ARXIV_TEXT.search(text)
    return match.group("id") if match else None


def search_title(url: str) -> str | None:
    """The title a search link carries (``scholar.google.com/scholar?q=Title``)."""
    parts = urlsplit(url.strip())
    if not _SEARCH_HOSTS.match(parts.hostname or ""):
        return None
    query = dict(parse_qsl(parts.query))
    title = query.get("q") or query.get("query")
    return " ".join(title.split()) if title else None


def is_repository(url: str) -> bool:
    return repository(url) is not None
