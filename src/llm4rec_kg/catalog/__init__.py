"""Stage 2: the curated catalog: YAML loading, schema, source rows, corrections, sync."""

from llm4rec_kg.catalog.load import Catalog, Location, file_name, load_catalog

__all__ = ["Catalog", "Location", "file_name", "load_catalog"]
