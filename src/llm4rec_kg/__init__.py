"""llm4rec-kg: a knowledge graph of research on LLMs for recommendation.

The pipeline runs in stages, one module each:
``markdown`` (read the awesome list) -> ``importer`` (write the catalog) ->
``catalog`` (load and check the YAML) -> ``builder`` (records to triples) ->
``shacl`` (validate the graph) -> ``exports`` (write the files).
"""

__version__ = "0.1.0"

# Entity IRIs are minted under this base unless --base says otherwise.
DEFAULT_BASE = "https://w3id.org/llm4rec/"
