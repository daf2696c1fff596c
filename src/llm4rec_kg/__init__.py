"""llm4rec-kg: a knowledge graph of research on LLMs for recommendation.

The pipeline runs in stages, one package each:
``readers`` (read source lists into rows) -> ``catalog`` (sync rows, load and check the
YAML, resolve entities from claims) -> ``graph`` (records to triples, SHACL, the IRI
ledger) -> ``publish`` (exports, page, endpoint, push), with ``sparql`` for queries and
``quality`` for lint and the quality report.
"""

__version__ = "0.2.0"
# The day this version was released: the dataset's dcterms:issued (a build never reads the
# clock, so that it writes the same bytes every time).
RELEASED = "2026-12-02"

# Entity IRIs are minted under this base unless --base says otherwise.
DEFAULT_BASE = "https://w3id.org/llm4rec/"
