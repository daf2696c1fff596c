"""The shape corpus: one small list per common shape of awesome list, each with malformed
variants, read to the rows a person reads in it. The fixtures were written for these tests;
none is a registered list. A shape nobody can read fails, and says what it saw."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from llm4rec_kg.errors import InvalidDataError
from llm4rec_kg.readers import read_snapshot

SHAPES = Path(__file__).parent / "fixtures" / "shapes"

# Per shape: each row's kind and the listed cells a reader must give (other cells may be
# there too), in file order; then (line, text) findings the reading must report.
Expected = tuple[list[tuple[str, Mapping[str, str | None]]], list[tuple[int, str]]]
CASES: dict[str, Expected] = {
    "01-table-classic": (
        [
            (
                "paper",
                {
                    "name": "KnowRec",
                    "title": "Knowledge Augmented Ranking with Large Models",
                    "link": "https://arxiv.org/abs/2401.10001v2",
                    "venue": "WWW",
                    "year": "2024",
                    "code": "https://github.com/org/knowrec",
                },
            ),
            (
                "paper",
                {"name": "TuneRec", "link": "https://dl.acm.org/doi/10.1145/3600000.3600001"},
            ),
            # A nested link: its text is no title and its target never used; the one paper
            # address the row writes out is.
            (
                "paper",
                {"name": "Broken", "title": None, "link": "https://arxiv.org/abs/2401.10003"},
            ),
        ],
        [(9, "nested or broken link"), (9, "recovered https://arxiv.org/abs/2401.10003")],
    ),
    "02-table-source-time-title": (
        [
            (
                "paper",
                {
                    "title": "Ranking Items with Large Language Models in Context",
                    "link": "https://arxiv.org/abs/2309.10002",
                    "venue": "SIGIR",
                    "date": "202309",
                    "group": "Zhang Lab",
                    "citation": "https://www.semanticscholar.org/paper/"
                    "0123456789abcdef0123456789abcdef01234567",
                },
            ),
            ("paper", {"venue": "arXiv", "date": "202401", "citation": None}),
            ("paper", {"link": "https://openreview.net/forum?id=AbC123xyz", "venue": "KDD"}),
        ],
        [],
    ),
    "03-table-headers-by-content": (
        [
            ("paper", {"name": "OneX", "title": None, "link": "https://arxiv.org/abs/2502.10005"}),
            ("paper", {"name": "OneY", "date": "2025.06"}),
            ("paper", {"name": "OneZ", "link": "https://arxiv.org/abs/2506.10007"}),
        ],
        [],
    ),
    "04-table-br-and-blockquote": (
        [
            (
                "paper",
                {
                    "title": "Explainable Recommendation with Language Model Rationales",
                    "authors": "Chen et al",
                    "publication": "CIKM 2024",
                    "venue": None,
                },
            ),
            ("paper", {"link": "https://arxiv.org/abs/2404.10009"}),
        ],
        [(6, "malformed link: recovered https://arxiv.org/abs/2404.10009")],
    ),
    "05-plus-bullets": (
        [
            ("paper", {"publication": "SIGIR 24"}),
            (
                "paper",
                {
                    "title": "Text-like Encoding of Collaborative Signals",
                    "publication": "arxiv 2024",
                    "code": "https://github.com/org/tlec",
                },
            ),
            # The paper link's target is a title: the row is kept, title-only, for matching.
            (
                "paper",
                {
                    "title": "A Language Model Recommender for Long-tail Users",
                    "link": None,
                    "publication": "arxiv 2024",
                },
            ),
            # A full-width comma, and a target wrapped in brackets.
            (
                "paper",
                {
                    "title": "User Simulation with Language Model Agents",
                    "link": "http://arxiv.org/pdf/2406.10013",
                },
            ),
        ],
        [(6, "no paper link: a title-only entry"), (7, "malformed link target")],
    ),
    "06-dash-title-link-tail": (
        [
            (
                "paper",
                {
                    "name": "LRank",
                    "title": "Large Language Models Are Zero-Shot Item Rankers",
                    "authors": "Hou et al",
                    "venue": "ECIR",
                    "year": "2024",
                },
            ),
            # A search link carries the title; it is kept apart, never the paper's identity.
            (
                "paper",
                {
                    "title": "Conversational Recommendation with Language Model Planning",
                    "link": None,
                    "search": "https://scholar.google.com/scholar?q=Conversational+"
                    "Recommendation+with+Language+Model+Planning",
                },
            ),
            ("paper", {"link": "https://aclanthology.org/2024.findings-acl.10015.pdf"}),
        ],
        [],
    ),
    "07-star-bold-authors": (
        [
            (
                "paper",
                {
                    "name": "LRank",
                    "title": "Large language models are zero-shot rankers for recommender systems",
                    "publication": "ECIR 2024",
                    "authors": "Yupeng Hou, Junjie Zhang, Zihan Lin",
                    "code": "https://github.com/org/lrank",
                },
            ),
            ("paper", {"publication": "NACCL 2024 (Findings)", "authors": "Ann Lee, Bo Chen"}),
            # Two different addresses nested in one link: ambiguous, neither is used.
            ("paper", {"title": "Diffusion for Collaborative Generative Models", "link": None}),
        ],
        [(11, "no paper link")],
    ),
    "08-backtick-venue": (
        [
            ("survey", {"publication": "Arxiv(2025)"}),
            (
                "paper",
                {
                    "title": "ActionTok: Tokenizing Action Sequences for Recommendation",
                    "publication": "ICML(Spotlight)(2025)",
                },
            ),
            ("paper", {"publication": "LREC/COLING(2024)"}),
        ],
        [],
    ),
    "09-numbered-key-value": (
        [
            (
                "paper",
                {
                    "title": "RecFit: Prior-Fitted Networks for In-Context Recommendations",
                    "link": "https://arxiv.org/abs/2608.10020",
                    "publication": "SIGIR 2026",
                    "group": "SAP",
                    "code": "https://github.com/org/recfit",
                },
            ),
            ("paper", {"publication": "arXiv preprint, 2026", "group": "Xiaohongshu"}),
        ],
        [],
    ),
    "10-nested-name-subitems": (
        [
            (
                "paper",
                {"name": "TIGERX", "title": None, "link": "https://arxiv.org/pdf/2305.10022"},
            ),
            (
                "paper",
                {"name": "LLM4RX", "year": "2023", "code": "https://github.com/org/llm4rx"},
            ),
        ],
        # A name and its description, with no paper: said, not read as a paper.
        [(10, "list item not read as an entry")],
    ),
    "11-numbered-multiline": (
        [
            ("paper", {"title": "Enhancing Recommenders with Language Model Reasoning"}),
            (
                "paper",
                {
                    "title": "Linear Attention for Long-term Sequential Recommender Systems",
                    "code": "https://github.com/org/linrec",
                },
            ),
            ("paper", {"title": "Fair Sequential Recommendation without User Demographics"}),
            ("paper", {"title": "Intent Contrastive Learning for Sequential Recommendation"}),
        ],
        [(10, "title-only entry")],
    ),
    "12-paragraph-entries": (
        [
            (
                "survey",
                {
                    "title": "Pre-train, Prompt and Recommendation: A Comprehensive Survey of "
                    "Paradigms",
                    "publication": "arxiv 2023",
                },
            ),
            ("paper", {"title": "Retrieval Augmented Recommendation with Language Models"}),
            ("paper", {"title": "Scaling Laws for Generative Recommenders in Industry"}),
        ],
        [],
    ),
    "13-em-dash-source": (
        [
            (
                "paper",
                {
                    "title": "Agentic Recommenders with Tool Use",
                    "venue": "arXiv",
                    "date": "2025-10-31",
                },
            ),
            ("paper", {"link": "https://doi.org/10.1145/3711896.3710031", "venue": "KDD"}),
        ],
        [],
    ),
    "14-arxiv-text-and-venue-parens": (
        [
            (
                "paper",
                {
                    "title": "Learning to Rank with Language Model Judges",
                    "link": "https://arxiv.org/abs/2504.10032",
                },
            ),
            ("paper", {"name": None, "publication": "NeurIPS'23"}),
            ("paper", {"publication": "ICML 2023"}),
            ("paper", {"publication": "AAAI 2024"}),
        ],
        [(3, "link read from the text arXiv:2504.10032")],
    ),
    "15-details-and-prose": (
        [
            (
                "paper",
                {
                    "title": "Listwise Reranking with Large Language Models",
                    "publication": "WSDM 2024",
                    "code": "https://github.com/org/lwr",
                },
            ),
            ("paper", {"publication": "arXiv 2023"}),
        ],
        [(13, "neither a table row nor a list item")],
    ),
    "16-citation-link-text": (
        [
            (
                "paper",
                {
                    "title": "Recommendation as language processing: A unified pretrain, "
                    "personalized prompt and predict paradigm"
                },
            ),
            ("paper", {"title": "Personalized prompt learning for explainable recommendation"}),
        ],
        [(5, "citation")],
    ),
    # The header says "Publication"; the cells are titles, with empty links for some.
    "18-publication-column-of-titles": (
        [
            (
                "paper",
                {
                    "title": "Representation Learning with Large Language Models for "
                    "Recommendation",
                    "link": None,
                    "group": "HKU, Baidu",
                    "year": "2024.02",  # as listed; read as 2024
                },
            ),
            ("paper", {"link": "https://arxiv.org/abs/2311.09049", "publication": None}),
            ("paper", {"title": "RecGPT: A Foundation Model for Sequential Recommendation"}),
        ],
        [(5, "empty link")],
    ),
}


def test_the_corpus_covers_fifteen_shapes_or_more() -> None:
    readable = sorted(p.stem for p in SHAPES.glob("*.md") if p.stem != "17-unknown-shape")
    assert readable == sorted(CASES)
    assert len(CASES) >= 15


@pytest.mark.parametrize("shape", sorted(CASES))
def test_each_shape_reads_to_the_rows_a_person_sees(shape: str) -> None:
    rows_expected, findings_expected = CASES[shape]
    reading = read_snapshot(SHAPES / f"{shape}.md")
    assert len(reading.rows) == len(rows_expected), [r.listed for r in reading.rows]
    for row, (kind, cells) in zip(reading.rows, rows_expected, strict=True):
        assert row.kind == kind, row
        for column, value in cells.items():
            assert row.listed.get(column) == value, (row.line, column, row.listed)
    for line, text in findings_expected:
        assert any(f.line == line and text in f.message for f in reading.findings), (
            line,
            text,
            reading.findings,
        )


@pytest.mark.parametrize("shape", sorted(CASES))
def test_no_title_carries_debris_and_no_row_invents_a_link(shape: str) -> None:
    from llm4rec_kg.readers import entries

    text = (SHAPES / f"{shape}.md").read_text()
    for row in read_snapshot(SHAPES / f"{shape}.md").rows:
        assert entries.title_debris(row.listed.get("title", "")) is None, row.listed
        link = row.listed.get("link")
        # Every link is in the file, as written or as the arXiv id the text gives.
        assert link is None or link in text or link.rsplit("/", 1)[-1] in text


def test_an_unknown_shape_fails_and_says_what_it_saw() -> None:
    with pytest.raises(InvalidDataError) as caught:
        read_snapshot(SHAPES / "17-unknown-shape.md")
    text = "\n".join(map(str, caught.value.problems))
    assert "nothing could be read" in text
    assert "17-unknown-shape.md:" in text and "skipped" in text


def test_a_declared_mapping_reads_what_the_heuristics_cannot() -> None:
    from llm4rec_kg.readers import Declared

    path = Path(__file__).parent / "fixtures" / "declared" / "odd-columns.md"
    with pytest.raises(InvalidDataError, match="read"):
        read_snapshot(path)  # no column says title, no link names a paper
    declared = Declared(
        {"Which": "title", "Where": "link", "When": "year", "Who presented": "ignore"},
        ("Snacks",),
    )
    reading = read_snapshot(path, mapping=declared)
    assert [(r.listed["title"], r.listed["link"], r.listed["year"]) for r in reading.rows] == [
        ("Ranking Items with Language Models", "https://example.org/papers/ranking.pdf", "2024"),
        ("Conversational Recommenders That Plan", "https://example.org/papers/plan.pdf", "2023"),
    ]
    assert any("'Snacks', skipped as declared" in seen for seen in reading.seen)


def test_a_lone_author_written_last_first_is_an_author_not_a_venue() -> None:
    """Seen in a dry run of an unregistered list (WANGBohaO-jpg's trustworthy LLM4Rec
    papers): "**RevAug**: Kusano, Genki | RecSys | 2024"."""
    from llm4rec_kg.readers import markdown, shapes

    text = (
        "## Bias\n\n"
        "- [Data Augmentation using Reverse Prompt for Cost-Efficient Cold-Start "
        "Recommendation](https://arxiv.org/abs/2401.00001) **RevAug**: Kusano, Genki | "
        "RecSys | 2024\n"
        "- [Stealthy attack on large language model based recommendation]"
        "(https://arxiv.org/abs/2402.14836) **RecTextAttack**: Zhang et al. | Sci. Rep | 2024\n"
    )
    rows = shapes.read(markdown.parse_document(text)).rows
    assert [
        (r.listed.get("authors"), r.listed.get("venue"), r.listed.get("year")) for r in rows
    ] == [
        ("Kusano, Genki", "RecSys", "2024"),
        ("Zhang et al", "Sci. Rep", "2024"),  # as the reader keeps authors: the tail dot cut
    ]


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("Sci. Rep", False),
        ("ACM Trans. Inf. Syst.", False),
        ("J. ACM", False),
        ("Recommendation. We propose", True),
        ("Kusano, Genki", True),
    ],
)
def test_abbreviated_journal_names_are_no_sentence_fragments(name: str, fragment: bool) -> None:
    from llm4rec_kg.quality import gate

    assert (gate.fragment(name) is not None) is fragment
