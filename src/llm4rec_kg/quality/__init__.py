"""Data-quality rules on lists and the catalog, and the published quality report."""
