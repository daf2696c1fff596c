"""Named queries on the real catalog, the query command, and parameter binding."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from llm4rec_kg.cli import main
from llm4rec_kg.errors import UsageError
from llm4rec_kg.graph.vocab import L4R, PROV
from llm4rec_kg.pipeline import BuildResult, Validated
from llm4rec_kg.sparql import engines, queries
from llm4rec_kg.sparql.results import Result, Term

ROOT = Path(__file__).resolve().parent.parent
NAMED = queries.load_all()


@pytest.fixture(scope="module")
def papers(real_validated: Validated) -> dict:
    """The papers as the graph states them: resolved from the rows, corrections applied."""
    return real_validated.catalog.get("papers")


@pytest.fixture(scope="module")
def models(real_validated: Validated) -> dict:
    return real_validated.catalog.get("models")


@pytest.fixture(scope="module")
def engine(real_build: BuildResult) -> engines.EmbeddedEngine:
    return engines.EmbeddedEngine(engines.store_from_graph(real_build.graph))


def run(engine: engines.EmbeddedEngine, name: str, **params: str) -> Result:
    named = NAMED[name]
    return engine.run(named.text, named.bindings(params))


def test_there_are_at_least_15_documented_named_queries() -> None:
    assert len(NAMED) >= 15
    for named in NAMED.values():
        assert named.title and named.description, named.name
        for param in named.params:
            assert param.default and param.description, (named.name, param.name)


@pytest.mark.parametrize("name", sorted(NAMED))
def test_every_named_query_returns_rows_on_the_real_catalog(
    engine: engines.EmbeddedEngine, name: str
) -> None:
    result = run(engine, name)
    assert result.rows or result.triples, name


def test_papers_per_llm_matches_the_catalog(
    engine: engines.EmbeddedEngine, papers: dict, models: dict
) -> None:
    expected = Counter(
        models[m]["label"]
        for p in papers.values()
        if p["type"] == "paper"
        for m in p.get("models", [])
    )
    result = run(engine, "papers-per-llm")
    assert {r["label"].value: int(r["papers"].value) for r in result.rows} == expected


def test_source_rows_are_every_row_the_paper_was_derived_from(
    engine: engines.EmbeddedEngine, real_build: BuildResult
) -> None:
    graph = real_build.graph
    [paper] = [
        s for s in graph.subjects(L4R.shortName) if str(graph.value(s, L4R.shortName)) == "LLMRec"
    ]
    expected = sorted(
        (str(graph.value(r, L4R.section)), int(str(graph.value(r, L4R.rowIndex))))
        for r in graph.objects(paper, PROV.wasDerivedFrom)
    )
    rows = run(engine, "source-rows", paper="llmrec").rows  # any case
    assert len(expected) > 1  # listed more than once: the join is not trivially one row
    assert sorted((r["section"].value, int(r["row"].value)) for r in rows) == expected


def test_papers_using_llm_accepts_any_alias(engine: engines.EmbeddedEngine, papers: dict) -> None:
    by_label = run(engine, "papers-using-llm", llm="LLaMA")
    assert by_label.column("paper") == run(engine, "papers-using-llm", llm="llama-7b").column(
        "paper"
    )
    # One row per code repository: ONCE has two.
    assert "TALLRec" in by_label.column("paper") and len(set(by_label.column("p"))) == sum(
        "llama" in p.get("models", []) for p in papers.values()
    )


def test_fine_tuned_llama2_with_code(engine: engines.EmbeddedEngine, papers: dict) -> None:
    expected = sorted(
        p.get("short_name") or p["title"]
        for p in papers.values()
        if "llama-2" in p.get("models", [])
        and p.get("code")
        and p.get("paradigm") == "supervised-fine-tuning"
    )
    assert run(engine, "fine-tuned-with-code").column("paper") == expected


def test_same_base_model_as_tallrec(engine: engines.EmbeddedEngine) -> None:
    rows = run(engine, "same-base-model", paper="tallrec")
    assert set(rows.column("model")) == {"LLaMA"}
    assert "TALLRec" not in rows.column("other") and "PALR" in rows.column("other")


def test_paper_details_finds_by_arxiv_id(engine: engines.EmbeddedEngine) -> None:
    rows = run(engine, "paper-details", paper="2305.00447")
    assert "https://arxiv.org/abs/2305.00447" in rows.column("value")


def test_papers_since_year_binds_an_integer(engine: engines.EmbeddedEngine) -> None:
    since_2023 = run(engine, "papers-since-year", since="2023").column("year")
    assert since_2023 and all(int(y) >= 2023 for y in since_2023)
    assert len(run(engine, "papers-since-year", since="2022").rows) > len(since_2023)


def test_unresolved_conflicts_lists_open_ones_only(
    engine: engines.EmbeddedEngine, real_validated: Validated
) -> None:
    conflicts = real_validated.catalog.get("conflicts")
    assert any(c["status"] == "open" for c in conflicts.values())
    open_ids = {k for k, c in conflicts.items() if c["status"] == "open"}
    assert set(run(engine, "unresolved-conflicts").column("conflict")) == open_ids


def test_open_models_fine_tuned_are_open_by_their_recorded_availability(
    engine: engines.EmbeddedEngine, models: dict
) -> None:
    found = set(run(engine, "open-models-fine-tuned").column("model"))
    weights = {m["label"]: (m.get("availability") or {}).get("weights") for m in models.values()}
    assert found and all(weights[label] in ("open", "on-request") for label in found)


def test_paper_graph_is_a_construct(engine: engines.EmbeddedEngine) -> None:
    result = run(engine, "paper-graph")
    assert result.kind == "graph"
    subjects = {s.value for s, _, _ in result.triples}
    assert "https://w3id.org/llm4rec/paper/arxiv-2305.00447" in subjects
    assert "https://w3id.org/llm4rec/model/llama" in subjects


INJECTION = 'x" } ; DROP ALL ; # {\n?s ?p ?o . FILTER("1"="1'


def test_injection_attempt_is_just_a_string_that_matches_nothing(
    engine: engines.EmbeddedEngine,
) -> None:
    assert run(engine, "papers-using-llm", llm=INJECTION).rows == []
    assert run(engine, "same-base-model", paper=INJECTION).rows == []


def test_remote_binding_escapes_the_value() -> None:
    text = queries.with_values(NAMED["papers-using-llm"].text, {"llm": Term("literal", INJECTION)})
    store = engines.store_from_file(str(ROOT / "exports" / "llm4rec.nt"))
    assert list(store.query(text)) == []  # parses, and the value stays one literal


def test_bad_parameter_values_and_names() -> None:
    with pytest.raises(UsageError, match="needs a whole number"):
        NAMED["papers-since-year"].bindings({"since": "2023; DROP"})
    with pytest.raises(UsageError, match="has no parameter 'lm' \\(did you mean 'llm'\\?\\)"):
        NAMED["papers-using-llm"].bindings({"lm": "x"})


def _cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["query", *args])
    return result.exit_code, result.stdout, result.stderr


def test_cli_list_shows_titles() -> None:
    code, out, _ = _cli("--list")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == len(NAMED)
    assert any(
        line.startswith("papers-using-llm")
        and "Papers using a given LLM" in line
        and "[llm=LLaMA]" in line
        for line in lines
    )


def test_cli_table_shortens_iris() -> None:
    code, out, _ = _cli("papers-per-llm")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["model", "label", "papers"]
    assert lines[2].split()[0] == "model:chatgpt"
    assert lines[-1] == f"({len(lines) - 3} rows)"


def test_cli_csv_with_a_parameter(papers: dict) -> None:
    code, out, _ = _cli("papers-using-llm", "--param", "llm=Llama-2", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    expected = {p.get("short_name") or "" for p in papers.values() if "llama-2" in p["models"]}
    assert {r["paper"] for r in rows} == expected and {"LLaRA", "E4SRec", "LlamaRec"} <= expected
    assert all(r["llm"] == "Llama-2" for r in rows)


def test_cli_json_is_sparql_results_json() -> None:
    code, out, _ = _cli("--sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?c }", "-f", "json")
    assert code == 0
    data = json.loads(out)
    assert data["head"]["vars"] == ["n"]
    assert data["results"]["bindings"][0]["n"]["datatype"].endswith("#integer")


def test_cli_file_and_turtle(tmp_path: Path) -> None:
    query = tmp_path / "q.rq"
    query.write_text(
        "PREFIX l4r: <https://w3id.org/llm4rec/ontology#>\n"
        "CONSTRUCT { ?m a l4r:LanguageModel } WHERE { ?m a l4r:LanguageModel }"
    )
    code, out, _ = _cli(
        "--file", str(query), "-f", "turtle", "--data", str(ROOT / "exports" / "llm4rec.ttl")
    )
    assert code == 0
    assert "model:llama\n    a l4r:LanguageModel ;\n.\n" in out


def test_cli_syntax_error_shows_line_and_column() -> None:
    code, out, err = _cli("--sparql", "SELECT * WHERE {\n  ?s ?p \n}")
    assert code == 2 and out == ""
    assert err.startswith("error: SPARQL syntax error at 3:")


def test_cli_unknown_name_suggests() -> None:
    code, _, err = _cli("papers-usng-llm")
    assert code == 2
    assert err == (
        "error: no named query 'papers-usng-llm' (did you mean papers-using-llm, "
        "papers-per-llm, papers-since-year?); 'query --list' shows them all\n"
    )


def test_cli_needs_exactly_one_query() -> None:
    code, _, err = _cli()
    assert code == 2 and "give exactly one of a query NAME, --sparql or --file" in err


def test_cli_graph_result_cannot_be_csv() -> None:
    code, _, err = _cli("paper-graph", "-f", "csv")
    assert code == 2 and "a graph result cannot be written as csv" in err


def test_the_prefixes_the_tool_prints_work_undeclared() -> None:
    code, out, err = _cli(
        "--data",
        str(ROOT / "exports" / "llm4rec.nt"),
        "--sparql",
        "SELECT ?p WHERE { ?p a l4r:Paper ; l4r:usesModel model:llama ; l4r:shortName 'TALLRec' }",
    )
    assert code == 0, err
    assert "paper:arxiv-2305.00447" in out


def test_a_parse_error_is_one_line_with_its_position() -> None:
    code, _, err = _cli("--sparql", "SELECT ?p WHERE { ?p a foo:Paper }")
    assert code == 2
    assert err == (
        "error: SPARQL syntax error at 1:33: prefix 'foo' is not declared: add PREFIX foo: <...>\n"
    )
    code, _, err = _cli("--sparql", "SELECT ?p WHERE { ?p ?q ?o . FILTER( }")
    assert code == 2 and err.count("\n") == 1 and "at 1:" in err and "\\u{" not in err


def test_an_empty_answer_to_a_parameter_that_names_nothing_says_so() -> None:
    code, out, err = _cli("same-base-model", "-p", "paper=TALRec")
    assert code == 0 and out.endswith("(0 rows)\n")
    assert err == (
        "hint: no entity is named 'TALRec', the value of paper "
        "(did you mean 'TALLRec', 'DEALRec', 'LoRec'?)\n"
    )
    code, _, err = _cli("same-base-model", "-p", "paper=TALLRec")
    assert code == 0 and err == ""


def test_a_table_fits_a_width_by_cutting_its_widest_cells() -> None:
    from llm4rec_kg.namespaces import display_prefixes
    from llm4rec_kg.sparql import results

    store = engines.store_from_file(str(ROOT / "exports" / "llm4rec.nt"))
    result = engines.EmbeddedEngine(store).run(
        NAMED["papers-using-llm"].text, NAMED["papers-using-llm"].bindings({})
    )
    whole = results.to_table(result, display_prefixes()).splitlines()
    fitted = results.to_table(result, display_prefixes(), width=100).splitlines()
    assert max(len(line) for line in whole) > 100
    assert max(len(line) for line in fitted) <= 100 and len(fitted) == len(whole)
    assert any("…" in line for line in fitted) and fitted[-1] == whole[-1]


def test_a_paper_without_a_short_name_is_not_named_twice() -> None:
    code, out, _ = _cli("papers-using-llm", "-p", "llm=PaLM", "--wide")
    assert code == 0
    title_only = [line for line in out.splitlines() if "Large Language Models as Data" in line]
    assert title_only and all(line.count("Large Language Models") == 1 for line in title_only)
    assert any(line.startswith("PaLM  LLM4KGC") for line in out.splitlines())  # named ones


def test_a_terminal_table_shows_control_characters_as_escapes() -> None:
    from llm4rec_kg.sparql.results import Result, Term, to_table

    result = Result(
        kind="select",
        variables=["t"],
        rows=[{"t": Term("literal", "red \x1b[31m bell \x07")}],
    )
    table = to_table(result, {})
    assert "\x1b" not in table and "\x07" not in table
    assert "red \\x1b[31m bell \\x07" in table


def test_search_finds_entities_by_words_in_their_labels_papers_first() -> None:
    from llm4rec_kg import pipeline

    result = pipeline.query(pipeline.QueryRequest(name="search", params={"words": "LLaMA"}))
    entities = result.column("entity")
    assert "https://w3id.org/llm4rec/model/llama" in entities
    classes = result.column("class")
    first_other = next(i for i, c in enumerate(classes) if not c.endswith("#Paper"))
    assert first_other > 0 and all(not c.endswith("#Paper") for c in classes[first_other:])
    labels = result.column("label")
    assert all("llama" in label.lower() for label in labels)


def test_a_paper_value_that_names_several_papers_is_an_error_listing_them() -> None:
    from click.testing import CliRunner

    from llm4rec_kg.cli import main

    result = CliRunner().invoke(main, ["query", "paper-details", "-p", "paper=TransRec"])
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert "-p paper=TransRec names 3 papers" in result.stderr
    for arxiv in ("2206.06190", "2305.15036", "2310.06491"):
        assert f"paper:arxiv-{arxiv} (" in result.stderr
    one = CliRunner().invoke(
        main, ["query", "paper-details", "-p", "paper=2206.06190", "-f", "csv"]
    )
    assert one.exit_code == 0 and "arxiv-2206.06190" in one.output
    assert "arxiv-2305.15036" not in one.output


def _turtle_store() -> Any:
    import pyoxigraph as ox

    store = ox.Store()
    store.load(path=str(ROOT / "exports" / "llm4rec.ttl"), format=ox.RdfFormat.TURTLE)
    return store


L4R_PREFIXES = (
    "PREFIX l4r: <https://w3id.org/llm4rec/ontology#> "
    "PREFIX dcterms: <http://purl.org/dc/terms/> "
    "PREFIX prov: <http://www.w3.org/ns/prov#> "
    "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> "
)


def test_where_the_lists_disagree_answers_claim_by_claim_from_the_turtle_export() -> None:
    """Checked with pyoxigraph over the Turtle export: every value disagreement answers,
    claim by claim; a venue or year conflict shows two different claimed values; each claim
    is its row's, as the row states it; the value used is a claimed one unless a correction
    or the curator decided it."""
    from llm4rec_kg.sparql import queries

    store = _turtle_store()
    rows = list(store.query(queries.find("where-lists-disagree").text))
    groups: dict[tuple[str, str], list[Any]] = {}
    for row in rows:
        groups.setdefault((row["field"].value, row["paper"].value), []).append(row)
    conflicts = {
        (r["f"].value, r["p"].value)
        for r in store.query(
            L4R_PREFIXES + "SELECT ?f ?p WHERE { ?c l4r:conflictKind 'value-disagreement' ; "
            "l4r:field ?f ; l4r:involves ?p }"
        )
    }
    assert len(groups) > 100 and set(groups) == conflicts
    assert {field for field, _ in groups} >= {"venue", "year", "models", "short_name"}
    venues = yaml.safe_load((ROOT / "catalog" / "venues.yaml").read_text(encoding="utf-8"))
    publishers = {key for key, venue in venues.items() if venue.get("kind") == "publisher"}
    for (field, paper), found in groups.items():
        claimed = {r["claimed"].value for r in found}
        if field in ("venue", "year"):
            # a publisher where a venue belongs (WLiK's "ACM") counts as a claim of its own
            by_publisher = any(
                c.endswith(tuple(f"/venue/{p}" for p in publishers)) for c in claimed
            )
            assert len(claimed) >= 2 or by_publisher, (field, paper, claimed)
        assert all(r["list"].value.startswith("https://w3id.org/llm4rec/source/") for r in found)
        decided, used = found[0]["decided_by"], found[0]["used"]
        ruled = decided is not None and decided.value not in ("correction", "curator")
        if field != "models" and used is not None and ruled:
            assert used.value in claimed, (field, paper, used.value, claimed)
    # each claim is named under its row, which the paper is derived from, and says what the
    # row claims when read on its own (l4r:claimsVenue, l4r:claimsYear)
    strays = list(
        store.query(
            L4R_PREFIXES + "SELECT ?claim WHERE { ?c l4r:comparesClaim ?claim ; l4r:involves ?p . "
            "?claim prov:wasDerivedFrom ?row . "
            "FILTER (!STRSTARTS(STR(?claim), CONCAT(STR(?row), '/')) "
            "|| NOT EXISTS { ?p prov:wasDerivedFrom ?row }) }"
        )
    )
    assert strays == []
    differ = list(
        store.query(
            L4R_PREFIXES + "SELECT ?claim WHERE { ?claim prov:wasDerivedFrom ?row ; rdf:value ?v . "
            "{ ?claim l4r:field 'venue' . ?row l4r:claimsVenue ?r } UNION "
            "{ ?claim l4r:field 'year' . ?row l4r:claimsYear ?r } FILTER (?v != ?r) }"
        )
    )
    assert differ == []


def test_every_upheld_claim_is_the_value_the_graph_holds() -> None:
    """Over the Turtle export: a conflict's winning claims state the paper's value (for a
    union of models, models the paper uses), and every venue or year conflict upholds one."""
    store = _turtle_store()
    disagree = list(
        store.query(
            L4R_PREFIXES + "SELECT ?claim ?claimed ?held WHERE { "
            "VALUES (?field ?property) { ('venue' l4r:publishedIn) ('year' dcterms:issued) "
            "  ('short_name' l4r:shortName) ('paradigm' l4r:paradigm) } "
            "?c l4r:upheldClaim ?claim ; l4r:involves ?p . "
            "?claim l4r:field ?field ; rdf:value ?claimed . "
            "OPTIONAL { ?p ?property ?held } FILTER (!BOUND(?held) || ?claimed != ?held) }"
        )
    )
    assert disagree == []
    models = list(
        store.query(
            L4R_PREFIXES + "SELECT ?claim ?m WHERE { ?c l4r:upheldClaim ?claim ; l4r:involves ?p . "
            "?claim l4r:field 'models' ; rdf:value ?m FILTER NOT EXISTS { ?p l4r:usesModel ?m } }"
        )
    )
    assert models == []
    without = list(
        store.query(
            L4R_PREFIXES + "SELECT ?c WHERE { ?c a l4r:DataConflict ; l4r:field ?f "
            "FILTER (?f IN ('venue', 'year')) FILTER NOT EXISTS { ?c l4r:upheldClaim ?r } }"
        )
    )
    upheld = list(store.query(L4R_PREFIXES + "SELECT ?c WHERE { ?c l4r:upheldClaim ?r }"))
    assert without == [] and len(upheld) > 100


def test_a_parse_error_is_placed_in_the_lines_as_written_when_prefixes_were_added() -> None:
    # l4r: is declared for the person, in lines of its own before the query
    code, _, err = _cli("--sparql", "SELECT ?v WHERE { ?p l4r:publishedIn ?v . FILTER( }")
    assert code == 2 and err.startswith("error: SPARQL syntax error at 1:52:"), err
    code, _, err = _cli("--sparql", "SELECT ?v WHERE {\n  ?p l4r:publishedIn ?v .\n  FILTER( }")
    assert code == 2 and err.startswith("error: SPARQL syntax error at 3:12:"), err
