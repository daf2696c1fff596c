"""Stage 5: exports, the offline page, the endpoint and the push to a store."""

# The files a build writes besides the page, in the order it writes them.
EXPORT_NAMES = (
    "llm4rec.ttl",
    "llm4rec.nt",
    "llm4rec.jsonld",
    "quality.json",
    "quality.ttl",
    "papers.csv",
    "papers.csl.json",
    "papers.md",
    "void.ttl",
)
