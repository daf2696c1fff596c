"""Base models' availability: curated with a source for each, stated in the graph as a
concept and its source, and what open-models-fine-tuned answers from it."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml

from llm4rec_kg.catalog import load_catalog
from llm4rec_kg.errors import InvalidDataError
from llm4rec_kg.sparql import queries

ROOT = Path(__file__).resolve().parent.parent
AVAILABILITY = "https://w3id.org/llm4rec/concept/availability/"
PREFIXES = (
    "PREFIX l4r: <https://w3id.org/llm4rec/ontology#> "
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
)


@pytest.fixture(scope="module")
def turtle() -> ox.Store:
    store = ox.Store()
    store.load(path=str(ROOT / "exports" / "llm4rec.ttl"), format=ox.RdfFormat.TURTLE)
    return store


def _curated() -> dict[str, dict[str, str]]:
    models = yaml.safe_load((ROOT / "catalog" / "models.yaml").read_text(encoding="utf-8"))
    return {key: m["availability"] for key, m in models.items() if m.get("availability")}


def test_every_stated_availability_has_its_source(turtle: ox.Store) -> None:
    """In the Turtle export: one availability and one source IRI for each model that has
    one; each curated entry is stated as curated; the others come from the single-GPU table,
    which links the model's own repository."""
    stated = {
        r["m"].value.rsplit("/", 1)[1]: (r["a"].value, r["s"])
        for r in turtle.query(
            PREFIXES + "SELECT ?m ?a ?s WHERE { ?m l4r:availability ?a "
            "OPTIONAL { ?m l4r:availabilitySource ?s } }"
        )
    }
    curated = _curated()
    assert len(curated) >= 50 and set(curated) <= set(stated)
    for key, (concept, source) in stated.items():
        assert isinstance(source, ox.NamedNode), key
        if key in curated:
            assert (concept, source.value) == (
                AVAILABILITY + curated[key]["weights"],
                curated[key]["source"],
            ), key
        else:
            listed = turtle.query(
                PREFIXES + "ASK { ?m l4r:openSource true ; <https://schema.org/url> ?s }",
                substitutions={
                    ox.Variable("m"): ox.NamedNode(f"https://w3id.org/llm4rec/model/{key}"),
                    ox.Variable("s"): source,
                },
            )
            assert concept == AVAILABILITY + "open" and bool(listed), key
    # the closed models the papers use most are not called open
    for key in ("chatgpt", "gpt-4", "text-davinci-003"):
        assert stated[key][0] == AVAILABILITY + "api-only"


def test_open_models_fine_tuned_answers_from_the_curated_availability(turtle: ox.Store) -> None:
    """Each answer is a model with open or on-request weights that a paper fine-tuned,
    counted independently over the export; LLaMA, Llama 2 and T5 are among them now."""
    answer = list(turtle.query(queries.find("open-models-fine-tuned").text))
    expected = {
        (r["label"].value, r["p"].value)
        for r in turtle.query(
            PREFIXES + "SELECT ?label ?p WHERE { ?m rdfs:label ?label ; l4r:availability ?a . "
            f"FILTER (?a != <{AVAILABILITY}api-only>) "
            "?p l4r:modelUse ?u . ?u l4r:model ?m ; "
            "l4r:role <https://w3id.org/llm4rec/concept/role/fine-tuned> }"
        )
    }
    titled = {(model, p) for model, p in expected if _titled(turtle, p)}
    assert len(answer) == len(titled) > 50
    models = {r["model"].value for r in answer}
    assert {"LLaMA", "Llama 2", "T5"} <= models
    assert not models & {"ChatGPT", "GPT-4"}


def _titled(store: ox.Store, paper: str) -> bool:
    return bool(
        store.query(
            "ASK { ?p <http://purl.org/dc/terms/title> ?t }",
            substitutions={ox.Variable("p"): ox.NamedNode(paper)},
        )
    )


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "    weights: on-request\n    source: https://ai.meta.com/",
            "    weights: on-request\n    sorce: https://ai.meta.com/",
            "llama.availability.source: is required",
        ),
        (
            "    weights: on-request\n    source: https://ai.meta.com/",
            "    weights: on request\n    source: https://ai.meta.com/",
            "llama.availability.weights: 'on request' is not one of",
        ),
    ],
)
def test_an_availability_without_its_source_is_a_located_error(
    real_catalog: Path, old: str, new: str, expected: str
) -> None:
    path = real_catalog / "models.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InvalidDataError) as err:
        load_catalog(real_catalog)
    problems = [str(p) for p in err.value.problems]
    assert any(p.startswith(f"{path}:") and expected in p for p in problems), problems
