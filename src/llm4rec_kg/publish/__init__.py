"""Stage 5: exports, the offline page, the endpoint and the push to a store."""
