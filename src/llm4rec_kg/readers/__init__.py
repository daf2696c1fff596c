"""Stage 1: read source lists (markdown tables and bullet lists) into located rows."""
