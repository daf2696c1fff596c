"""Read paper entries the way a person reads them, whatever the list's shape.

An entry is a list item (with its paragraphs and the sub-items that describe it), a
paragraph, a line of a paragraph, or a table row that carries a paper's identity: an
identifying link anywhere (arXiv, a DOI, the ACL Anthology, OpenReview, proceedings pages,
Semantic Scholar, dblp), an ``arXiv:ID`` written as text, or a search link that carries
the title. Roles come from what links point at, not from their labels or one list's header
words; labels only break ties.

Its title is the paper link's text when that reads as a title, else a bold span, else the
text before the first separator; never a label, a URL, an author or venue tail or ``[[…]]``.
Venue, year and date, authors as listed, short names, code links and citation badges come
from the rest. What cannot be read unambiguously is left out, with a finding on the line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from llm4rec_kg.readers import normalize
from llm4rec_kg.readers.markdown import Cell, Link

# Link texts that name what a link is, not which paper.
LABEL_WORDS = frozenset(
    [
        "paper",
        "papers",
        "pdf",
        "arxiv",
        "abs",
        "html",
        "link",
        "links",
        "code",
        "codes",
        "github",
        "gitlab",
        "project",
        "page",
        "website",
        "homepage",
        "home",
        "site",
        "demo",
        "slides",
        "slide",
        "video",
        "videos",
        "blog",
        "post",
        "dataset",
        "data",
        "model",
        "models",
        "here",
        "abstract",
        "openreview",
        "acm",
        "doi",
        "ieee",
        "springer",
        "elsevier",
        "note",
        "notes",
        "official",
        "repo",
        "repository",
        "poster",
        "talk",
        "bibtex",
        "bib",
        "cite",
        "citation",
        "huggingface",
        "hf",
        "checkpoint",
        "weights",
        "benchmark",
        "leaderboard",
        "supplementary",
        "supp",
        "appendix",
        "tutorial",
        "survey",
        "full",
        "text",
        "url",
        "read",
        "more",
        "preprint",
        "version",
        "publication",
        "proceedings",
        "download",
        "zhihu",
        "知乎",
        "论文",
        "代码",
        "链接",
    ]
)
_ATTRIBUTE_KEYS: Mapping[str, str] = {
    "link": "link",
    "links": "link",
    "paper": "link",
    "pdf": "link",
    "arxiv": "link",
    "url": "link",
    "code": "code",
    "github": "code",
    "repo": "code",
    "repository": "code",
    "opensource": "code",
    "open source": "code",
    "venue": "venue",
    "conference": "venue",
    "journal": "venue",
    "source": "venue",
    "published in": "venue",
    "publication": "publication",
    "year": "year",
    "date": "date",
    "time": "date",
    "published": "date",
    "authors": "authors",
    "author": "authors",
    "affiliation": "group",
    "affiliations": "group",
    "group": "group",
    "lab": "group",
    "organization": "group",
    "institution": "group",
}
_KEY_VALUE = re.compile(
    r"^\s*\**\s*(?P<key>[A-Za-z][A-Za-z ?]{0,24}?)\s*\**\s*[:：]\s*(?P<value>.*)$"
)
_URL_TEXT = re.compile(r"https?://[^\s)\]>\"'`]+")
_LOOKS_LIKE_URL = re.compile(r"^(?:https?://|www\.)|^[\w-]+(?:\.[\w-]+)+/\S*$", re.IGNORECASE)
_LEAD_MARKS = re.compile(r"^[^\w\"“'‘(\[]+")  # check marks, emoji, bullets before the text
_LEADING_NAME = re.compile(r"^\((?P<name>[^()]{1,40})\)\s*")
# Citations used as link text. APA: "Xi, Y., Liu, W., ... & Yu, Y. (2023). Title. Venue.";
# GB/T 7714: "Mysore S, McCallum A, Zamani H. Title[J]. arXiv preprint, 2023."
_CITATION = re.compile(
    r"^(?P<authors>[^()]{0,400}?[A-Z]\.[^()]{0,400}?)\((?P<year>(?:19|20)\d\d)[a-z]?\)\.\s*"
    r"(?P<title>[^.?!]{8,}[.?!]?)"
)
_CITATION_GB = re.compile(
    r"^(?P<authors>(?:[A-Z][\w'’-]+(?:\s[A-Z][\w'’-]+)*\s[A-Z]{1,3},\s*)*[A-Z][\w'’-]+"
    r"(?:\s[A-Z][\w'’-]+)*\s[A-Z]{1,3}(?:,\s*et al)?\.)\s*(?P<title>.{8,}?)\s*\[[A-Z]{1,2}\]"
)
_ET_AL = re.compile(r"\b[\w'’-]+(?:\s+[\w'’-]+)?\s+et\s+al\.?", re.IGNORECASE)
_SEPARATORS = re.compile(r"\s+[|｜]\s*|\s+[—–]\s+|\s+-\s+(?=\S)|\[\[|\s*\*\*\s*$")
_YEARISH = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)|['’]\d\d\b")
_VENUE_YY = re.compile(r"^[A-Za-z][\w&/.-]*\s*['’]?\d{2}$")  # "SIGIR 24", "NeurIPS'23"
_LABEL_PREFIX = re.compile(
    r"^\**\s*(?:survey|tutorial|paper|survey paper|position paper)\s*[:：]\s*", re.I
)
_RELATIVE = re.compile(r"^(?![a-z][\w+.-]*:)[^\s()<>\[\]\"']+$", re.I)
_ASIDES = re.compile(r"[(（][^()（）]*[)）]")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


@dataclass(frozen=True)
class Entry:
    """What one entry lists, by meaning, and what was wrong with it."""

    line: int
    listed: dict[str, str]
    issues: tuple[str, ...] = ()
    kind: str | None = None  # "survey" when the entry says so ("Survey paper: …")


@dataclass
class _Parts:
    """The pieces of one entry: its lead cell, the cells that describe it, and
    key: value attributes from its sub-items."""

    lead: Cell
    more: list[Cell] = field(default_factory=list)
    attributes: list[tuple[str, Cell]] = field(default_factory=list)

    def cells(self) -> list[Cell]:
        return [self.lead, *self.more, *(cell for _, cell in self.attributes)]


def link_role(link: Link) -> str:
    """What a link points at: paper, search, code, citation, badge, anchor, local, other."""
    href = link.href.strip()
    if href.startswith("#"):
        return "anchor"
    if not href:
        return "empty"
    if not re.match(r"^https?://", href, re.IGNORECASE):
        # A relative path is a file in the list's own repository (a note); anything else
        # (a scheme other than the web's, a wrapped target) is malformed.
        return "local" if _RELATIVE.match(href) else "malformed"
    found = normalize.identify(href)
    if found is not None:
        return "citation" if found.scheme == "s2" and not link.text.strip() else "paper"
    if normalize.search_title(href):
        return "search"
    if normalize.repository(href):
        return "code"
    if not link.text.strip():
        return "badge"
    return "other"


def label_of(text: str) -> str:
    return " ".join(re.sub(r"[\W_]+", " ", text.lower()).split())


def is_label(text: str) -> bool:
    """A link text that says what kind of link it is ("[PDF]", "paper link", "Code")."""
    words = label_of(text).split()
    return not words or all(w in LABEL_WORDS for w in words)


def clean_title(text: str) -> str:
    text = re.sub(r"\[\[.*$", "", text)
    text = text.replace("**", "").replace("__", "")
    text = " ".join(text.split())
    while True:
        stripped = text.strip(" \t.,;:|*_`'，")
        for opening, closing in ("()", "[]", "{}", '""', "“”"):
            if opening == closing:
                if stripped.count(opening) % 2 and opening in (stripped[:1], stripped[-1:]):
                    stripped = stripped.strip(opening)
                continue
            if stripped.endswith(closing) and stripped.count(opening) < stripped.count(closing):
                stripped = stripped[:-1]
            if stripped.startswith(opening) and stripped.count(opening) > stripped.count(closing):
                stripped = stripped[1:]
        if stripped == text:
            return text
        text = stripped


def title_debris(title: str) -> str | None:
    """Why a title is not only a title (a URL, a link residue, an author, venue or year
    tail), or None."""
    if _URL_TEXT.search(title) or "](" in title or "[[" in title:
        return "holds a URL or link residue"
    if re.search(r"\s[|｜]\s?|\s[|｜]$", title):
        return "holds a | separator"
    if _ET_AL.search(title):
        return "holds an author tail (et al.)"
    if re.search(r",\s*(?:arxiv|arvix|preprint|[A-Z]{3,}\w*)\s*'?\d{2,4}\s*$", title, re.I):
        return "ends with a venue and year"
    return None


def reads_as_title(text: str) -> bool:
    """Whether a text could be a paper's title: words (or CJK characters) enough, no
    label, URL, identifier, citation or separator debris."""
    text = clean_title(text)
    if not text or is_label(text) or _LOOKS_LIKE_URL.search(text):
        return False
    if normalize.arxiv_in_text(text) and len(text) < 30:
        return False
    if re.fullmatch(r"[\d.\svV/-]+", text) or citation_title(text):
        return False
    bare = _ASIDES.sub(" ", text)  # "EAGER（浙大 × 华为）" is a name with an aside
    words = bare.split()
    long_enough = len(words) >= 3 or len(_CJK.findall(bare)) >= 6
    return long_enough and len(text) <= 400 and title_debris(text) is None


def citation_title(text: str) -> str | None:
    """The title inside a citation used as link text (APA: after "(2023). "; GB/T 7714:
    before "[J]")."""
    text = " ".join(text.split())
    match = _CITATION.match(text) or _CITATION_GB.match(text)
    return clean_title(match.group("title")) if match else None


def attribute(cell: Cell) -> tuple[str, str] | None:
    """``Key: value`` sub-items (``Venue: RecSys 2026``, ``Link: [..](..)``): the meaning
    of a known key and the value's text."""
    match = _KEY_VALUE.match(cell.text)
    if match is None:
        return None
    meaning = _ATTRIBUTE_KEYS.get(" ".join(match.group("key").lower().replace("?", "").split()))
    return (meaning, match.group("value").strip()) if meaning else None


def has_identity(cell: Cell) -> bool:
    return any(link_role(lk) in ("paper", "search") for lk in cell.links) or bool(
        normalize.arxiv_in_text(cell.outside)
    )


def reads_as_bare_title(text: str) -> bool:
    """A title strong enough to stand alone, with no link to vouch for it: four words or
    more, mostly in the Latin script the field publishes in (a heading-like phrase in a
    summary is not a paper)."""
    text = clean_title(text)
    letters = [c for c in text if c.isalpha()]
    latin = sum(1 for c in letters if c.isascii())
    return (
        reads_as_title(text)
        and sum(1 for w in _ASIDES.sub(" ", text).split() if re.search(r"[A-Za-z]", w)) >= 4
        and latin >= 0.8 * max(1, len(letters))
    )


def names_a_paper(cell: Cell) -> bool:
    """A paper's identity, or a link whose text is a title though its target is empty or
    a file (``[Title]()``)."""
    return has_identity(cell) or any(_titled_link(lk) for lk in cell.links)


def may_be_title_only(cell: Cell) -> bool:
    """Whether an item with no identifying link may still be an entry (by its title): not
    when it links out to something that is not the paper (a website, a repository of its
    own, a badge), which makes it a pointer to that thing instead. A link labelled as the
    paper, whatever its target, is the paper's."""
    labelled_paper = cell.broken or any(
        label_of(lk.text).split()[:1] in (["paper"], ["pdf"]) for lk in cell.links
    )
    for link in cell.links:
        role = link_role(link)
        if role in ("other", "badge", "citation", "code") and not (
            labelled_paper or _titled_link(link)
        ):
            return False
    return True


def is_description(cell: Cell) -> bool:
    """A sub-item that describes its parent rather than being an entry of its own: a
    ``key: value`` line, links with only labels (``[Paper](..) | [Code](..)``), or text
    with no paper identity."""
    if attribute(cell) is not None or not has_identity(cell):
        return True
    own = [lk for lk in cell.links if link_role(lk) == "paper"]
    titled = any(reads_as_title(lk.text) for lk in own) or any(
        reads_as_title(s) for s in cell.strong
    )
    return not titled and not reads_as_title(_lead_text(cell))


def _lead_text(cell: Cell) -> str:
    """The cell's own text, outside links, code spans and images, without list markers."""
    text = cell.outside
    for span in cell.code:
        text = text.replace(span, " ", 1)
    text = _LEAD_MARKS.sub("", text, count=1)
    text = re.sub(r"\[\s*\]|\(\s*\)|\[\s*,?\s*\]", " ", text)  # what links leave behind
    return " ".join(text.split())


def named_in_text(found: dict[str | None, str], text: str) -> dict[str | None, str]:
    """Of several papers' addresses, the one the text names by its arXiv id, when it names
    exactly one of them; else all of them (ambiguous)."""
    if len(found) <= 1:
        return found
    cited = {
        f"arxiv-{i}" for i in re.findall(rf"arxiv\s*[:：]\s*({normalize.ARXIV_NEW})", text, re.I)
    }
    chosen: dict[str | None, str] = {k: v for k, v in found.items() if k in cited}
    return chosen if len(chosen) == 1 else found


def recovered_links(cell: Cell) -> list[str]:
    """Web addresses written in a cell's text outside any link (a malformed ``[[Link(url)``
    or an unclosed bracket)."""
    text = cell.outside
    return [url.rstrip(".,;") for url in _URL_TEXT.findall(text)]


class EntryReader:
    """Reads one entry out of its parts; the caller says where it sits."""

    def __init__(self, parts: _Parts, line: int) -> None:
        self.parts = parts
        self.line = line
        self.issues: list[str] = []
        self.listed: dict[str, str] = {}
        self.rest = ""  # the lead's text after the title: venue, year, authors
        self.kind_hint: str | None = None

    def read(self) -> Entry | None:
        links = self._links()
        paper = self._paper_link(links)
        self._code_and_citation(links)
        self._title(paper)
        if "title" not in self.listed and "link" not in self.listed and "search" not in self.listed:
            return None
        self._tail()
        self._attributes()
        self._authors()
        return Entry(self.line, self.listed, tuple(dict.fromkeys(self.issues)), self.kind_hint)

    def _links(self) -> list[Link]:
        links: list[Link] = []
        for cell in self.parts.cells():
            if cell.broken:
                links += self._unambiguous(cell)
                continue
            for link in cell.links:
                if not link.href.strip():
                    self.issues.append(f"empty link labelled {link.text!r}")
                links.append(_unwrapped(link, self.issues))
            for url in recovered_links(cell):
                if normalize.valid_iri(url):
                    self.issues.append(f"malformed link: recovered {url} from the text")
                    links.append(Link("", url))
        return links

    def _unambiguous(self, cell: Cell) -> list[Link]:
        """From a cell with a nested or broken link: its code links, and its paper links
        when they all name one paper (or the text names one of them: "arXiv:2307.14225");
        what is ambiguous is not used."""
        papers = [lk for lk in cell.links if link_role(lk) == "paper"]
        named = set(
            named_in_text({normalize.entity_key(lk.href): lk.href for lk in papers}, cell.text)
        )
        papers = [lk for lk in papers if normalize.entity_key(lk.href) in named]
        kept = [lk for lk in cell.links if link_role(lk) == "code"]
        if len(named) == 1:
            kept.insert(0, papers[0])
            self.issues.append(f"nested or broken link: recovered {papers[0].href}")
        else:
            self.issues.append("nested or broken link; its paper links are not used")
        return kept

    def _paper_link(self, links: Sequence[Link]) -> Link | None:
        papers = [lk for lk in links if link_role(lk) == "paper" or _hosted_pdf(lk)]
        labelled = [lk for lk in papers if not lk.text or is_label(lk.text)]
        chosen: Link | None = (labelled or papers)[0] if papers else None
        if chosen is None:
            chosen = next(
                (
                    lk
                    for lk in links
                    if link_role(lk) == "other"
                    and lk.text
                    and is_label(lk.text)
                    and label_of(lk.text).split()[0] in ("paper", "pdf", "arxiv", "link")
                ),
                None,
            )
        if chosen is not None:
            self.listed["link"] = chosen.href.strip()
            return chosen
        if search := next((lk for lk in links if link_role(lk) == "search"), None):
            self.listed["search"] = search.href.strip()
            return search
        for cell in self.parts.cells():
            if found := normalize.arxiv_in_text(cell.outside):
                self.listed["link"] = f"https://arxiv.org/abs/{found}"
                self.issues.append(f"link read from the text arXiv:{found}")
                return None
        return None

    def _code_and_citation(self, links: Sequence[Link]) -> None:
        code = [lk for lk in links if link_role(lk) == "code" and not _hosted_pdf(lk)]
        if code:
            self.listed["code"] = code[0].href.strip()
            if code[0].text:
                self.listed["code_label"] = code[0].text
        if badge := next((lk for lk in links if link_role(lk) == "citation"), None):
            self.listed["citation"] = badge.href.strip()

    def _title(self, paper: Link | None) -> None:
        lead = self.parts.lead
        text = _lead_text(lead)
        name = _LEADING_NAME.match(text)
        if name and text[name.end() :].strip() and not _YEARISH.search(name.group("name")):
            self._name(name.group("name"))  # "(LLMRank) Title…"; "(NeurIPS'23)" is a venue
            text = text[name.end() :]
        if label := _LABEL_PREFIX.match(text):
            text = text[label.end() :]
            self.kind_hint = "survey" if "survey" in label.group(0).lower() else None
        text, described = self._named_lead(lead, text, paper)
        candidates: list[str] = []
        if paper is not None and paper.text:
            if reads_as_title(paper.text):
                candidates.append(paper.text)
            elif found := citation_title(paper.text):
                self.issues.append("the paper link's text is a citation; its title is read")
                candidates.append(found)
        for span in lead.strong:
            holds_link = any(lk.text and lk.text in span for lk in lead.links)
            if reads_as_title(span) and not holds_link and span != self.listed.get("name"):
                candidates.append(span)
        head = _before_separator(text)
        if head and not candidates and not described and reads_as_title(head):
            candidates.append(head)
        if not candidates:
            candidates += [lk.text for lk in lead.links if _titled_link(lk)][:1]
        if not candidates and "search" in self.listed:
            found = normalize.search_title(self.listed["search"])
            if found and reads_as_title(found):
                candidates.append(found)
        self.rest = text
        if candidates:
            self.listed["title"] = _without_note(clean_title(candidates[0]))
        elif head and not described and not is_label(head) and len(head) > 2:
            self.issues.append(f"no title could be read from {head[:60]!r}")

    def _named_lead(self, lead: Cell, text: str, paper: Link | None) -> tuple[str, bool]:
        """``**Name**: …`` or a lead that is only a bold short name: the name, and what
        follows it. With no paper link, what follows a name is its description, not a
        title (``**Caser**：引入 CNN …``)."""
        for span in lead.strong:
            if not _short_name(span) or reads_as_title(span) or "name" in self.listed:
                continue
            match = re.match(rf"^{re.escape(span)}\s*(?:[:：]\s*|$)", text)
            if match is None:
                if not any(reads_as_title(s) for s in lead.strong):
                    self._name(span)  # a bold name beside the title: (LLMRank) style
                continue
            self._name(span)
            rest = text[match.end() :]
            return rest, bool(rest) and paper is None
        return text, False

    def _name(self, name: str) -> None:
        """A short name as listed; a year in parentheses after it is the year."""
        name = clean_title(name)
        if found := _NAME_YEAR.match(name):
            name = found.group("name")
            self.listed.setdefault("year", found.group("year"))
        if name:
            self.listed["name"] = name

    def _tail(self) -> None:
        """Venue, year, date and authors from what follows the title in the lead and its
        code spans (``Arxiv(2025)``, ``ECIR 2024.``, ``| SIGIR | 2024``, ``(NeurIPS'23)``,
        ``Source: arXiv | Published: 2025-10-31``)."""
        title = self.listed.get("title")
        rest = re.split(r"\[\[|\]\(", self.rest, maxsplit=1)[0]  # not a broken link's text
        if not title:
            rest = ""  # without a title, nothing says where the title ends and a venue begins
        if title and clean_title(rest).lower().startswith(title.lower()[:20]):
            cut = rest.lower().find(title.lower()[-10:])
            rest = rest[cut + 10 :] if cut >= 0 else rest[len(title) :]
        elif title:
            rest = rest.replace(title, " ", 1)
        fields = [_unwrap(f.strip(" .,;，")) for f in re.split(r"\s*[|｜—–]\s*|\s+-\s+", rest)]
        for span in self.parts.lead.code:
            if _YEARISH.search(span) or len(span.split()) <= 3:
                fields.insert(0, span)
        for part in filter(None, fields):
            self._field(part)

    def _field(self, part: str) -> None:
        if (pair := attribute(Cell(part))) is not None:
            self._put(*pair)
            return
        if _ET_AL.search(part) or _names_list(part) or _LAST_FIRST.fullmatch(part):
            self.listed.setdefault("authors", part)
            return
        part = re.sub(r"^\((.*)\)$", r"\1", part.strip())
        arxiv = normalize.arxiv_in_text(part)
        if arxiv:
            self.listed.setdefault("venue", "arXiv")
            return
        if re.fullmatch(r"(?:19|20)\d\d(?:[./-]\d{1,2}){0,2}|(?:19|20)\d{4}", part):
            self._put("date" if len(part) > 4 else "year", part)
            return
        if (
            (_YEARISH.search(part) or _VENUE_YY.match(part))
            and len(part.split()) <= 8
            and len(part) <= 60
        ):
            self.listed.setdefault("publication", _first_clause(part))
            return
        bare_venue = (
            len(part.split()) <= 3 and re.match(r"^[A-Z][\w&/.'-]*", part) and "," not in part
        )
        if bare_venue and len(part) <= 30 and "title" in self.listed:
            self.listed.setdefault("venue", part)

    def _put(self, meaning: str, value: str) -> None:
        value = value.strip(" .,;")
        if not value:
            return
        if meaning == "date" and re.fullmatch(r"(?:19|20)\d\d", value):
            meaning = "year"
        if meaning in ("venue", "publication"):
            value = _venue_words(value)
        if meaning == "venue" and _YEARISH.search(value) and "publication" not in self.listed:
            meaning = "publication"
            value = _first_clause(value)
        if meaning in ("link", "code"):
            return  # links are read from the links themselves
        self.listed.setdefault(meaning, value)

    def _attributes(self) -> None:
        for meaning, cell in self.parts.attributes:
            if meaning and (pair := attribute(cell)) is not None:
                self._put(pair[0], pair[1])

    def _authors(self) -> None:
        if "authors" in self.listed:
            return
        for cell in self.parts.more:
            for span in cell.em:
                if _names_list(span) or _ET_AL.search(span):
                    self.listed["authors"] = span.strip(" .")
                    return


def _hosted_pdf(link: Link) -> bool:
    """A PDF in a code repository, labelled as the paper: the paper link, not code."""
    return (
        link_role(link) == "code"
        and link.href.lower().split("?")[0].endswith(".pdf")
        and bool(link.text)
        and label_of(link.text).split()[:1] in (["paper"], ["pdf"])
    )


def _unwrapped(link: Link, issues: list[str]) -> Link:
    """A link whose target is wrapped in brackets or quotes (``[[paper]]((http://…))``)
    is recovered when what is inside is a web address."""
    href = link.href.strip()
    inner = href.strip("()[]<>\"' ")
    if inner != href and normalize.valid_iri(inner):
        issues.append(f"malformed link target {href[:60]!r}: recovered {inner}")
        return Link(link.text, inner)
    return link


_NAME_YEAR = re.compile(r"^(?P<name>.+?)\s*[(（](?P<year>(?:19|20)\d\d)[)）]$")
_NOTE = re.compile(r"^(?P<title>.*[A-Za-z].*?)\s+(?P<note>[\u3400-\u9fff][^A-Za-z]*)$")


def _without_note(title: str) -> str:
    """An English title followed by a note in another script ("… Recommendation 对比学习"):
    the title alone."""
    match = _NOTE.match(title)
    return match.group("title") if match and reads_as_title(match.group("title")) else title


def _titled_link(link: Link) -> bool:
    """A link whose text is a title though its target names no paper: an empty target, a
    file in the list's repository, a PDF somewhere."""
    role = link_role(link)
    pdf = role == "other" and link.href.lower().split("?")[0].endswith(".pdf")
    return (role in ("empty", "local") or pdf) and reads_as_title(link.text)


# One author as "Last, First" (or "Last, First M."), the form a lone author takes in some
# lists' tails ("Kusano, Genki | RecSys | 2024"): a person, never a venue.
_LAST_FIRST = re.compile(r"[A-Z][\w'’-]+,\s+[A-Z][\w'’-]+(?:\s+[A-Z]\.?)*")


def authors_like(text: str) -> bool:
    """Authors as lists write them: ``Zhang et al.`` or a list of personal names."""
    return bool(_ET_AL.search(text)) or _names_list(text)


def _short_name(span: str) -> bool:
    text = clean_title(span)
    return 0 < len(text) <= 40 and len(text.split()) <= 3 and not is_label(text)


def _before_separator(text: str) -> str:
    """The text before the first separator (`` | ``, a dash, ``[[``), and before a tail of
    comma-separated parts that holds a year (``, SIGIR 2024``)."""
    head = _SEPARATORS.split(text, maxsplit=1)[0].rstrip(" .,;，")
    head = re.split(r"\s+\((?=[^()]*(?:19|20)?\d\d[^()]*\)\s*$)", head, maxsplit=1)[0]
    parts = [p.strip() for p in re.split(r"[,，]\s*", head)]  # ，: a full-width comma
    for cut in range(len(parts) - 1, 0, -1):
        tail = ", ".join(parts[cut:])
        if (_YEARISH.search(tail) or _VENUE_YY.match(tail)) and len(tail) < 60:
            head = ", ".join(parts[:cut])
            break
    head = re.split(r"\.\s+(?=(?:[A-Z][\w-]*\s+)?(?:19|20)\d\d\b|arXiv\s*:)", head)[0]
    return clean_title(head)


_MONTHS = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?(?=\s|,|$)", re.I
)


def _venue_words(text: str) -> str:
    """A venue as a list writes it in prose ("arXiv preprint, August 2026 (deployed at X)")
    without its asides and months: "arXiv preprint, 2026"."""
    text = re.sub(r"\s*\((?![^()]*\b(?:19|20)\d\d\)$)[^()]*\)?", " ", text)
    text = _MONTHS.sub(" ", text)
    text = re.sub(r"\s*,\s*(?=,|$)", "", " ".join(text.split()))
    return text.strip(" ,;")


def _unwrap(text: str) -> str:
    """ "(NeurIPS'23)" -> "NeurIPS'23"; a bracket that only closes is dropped."""
    if text.startswith("(") and text.endswith(")") and text.count("(") == 1:
        return text[1:-1].strip()
    return clean_title(text) if text.count("(") != text.count(")") else text


def _first_clause(text: str) -> str:
    return re.split(r"[.;]\s", text, maxsplit=1)[0].strip(" .,")


def _names_list(text: str) -> bool:
    """A comma-separated list of two or more personal names (``A. Zhang, Bo Li.``)."""
    names = [n.strip(" .*") for n in re.split(r",\s*|\s+and\s+", text.strip(" .*")) if n.strip()]
    if len(names) < 2:
        return False
    person = re.compile(r"^(?:[A-Z][\w'’.-]*\s+){1,3}[A-Z][\w'’-]*$|^[A-Z]\.\s*[A-Z][\w'’-]+$")
    return sum(1 for n in names if person.match(n)) >= max(2, int(len(names) * 0.8))


def _parts(
    lead: Cell, more: Iterable[Cell], children: Iterable[tuple[Cell, Sequence[Cell]]]
) -> _Parts:
    parts = _Parts(lead, list(more))
    for cell, below in children:
        found = attribute(cell)
        parts.attributes.append((found[0] if found else "", cell))
        parts.more.extend(below)
    return parts


def read_entry(
    lead: Cell,
    line: int,
    more: Iterable[Cell] = (),
    children: Iterable[tuple[Cell, Sequence[Cell]]] = (),
) -> Entry | None:
    """One entry from a lead cell, the paragraphs after it and its descriptive sub-items
    (each with the cells below it); None when it lists no paper."""
    return EntryReader(_parts(lead, more, children), line).read()
