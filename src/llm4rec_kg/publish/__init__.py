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
DESCRIBED = EXPORT_NAMES[:-1]  # what void.ttl lists, with sizes and checksums: all before it
PAGE = "llm4rec.html"  # the offline explorer
BUILT = (*EXPORT_NAMES, PAGE)
RDF_DUMPS = EXPORT_NAMES[:3]  # the graph itself, in three syntaxes

# Each export's media type and the specification it conforms to: what the VoID says of it,
# and what the endpoint and the static site serve it as.
MEDIA_TYPES: dict[str, tuple[str, str]] = {
    "llm4rec.ttl": ("text/turtle", "https://www.w3.org/TR/turtle/"),
    "llm4rec.nt": ("application/n-triples", "https://www.w3.org/TR/n-triples/"),
    "llm4rec.jsonld": ("application/ld+json", "https://www.w3.org/TR/json-ld11/"),
    "quality.json": ("application/json", "https://www.rfc-editor.org/rfc/rfc8259"),
    "quality.ttl": ("text/turtle", "https://www.w3.org/TR/shacl/"),
    "papers.csv": ("text/csv", "https://www.rfc-editor.org/rfc/rfc4180"),
    "papers.csl.json": (
        "application/vnd.citationstyles.csl+json",
        "https://resource.citationstyles.org/schema/v1.0/input/json/csl-data.json",
    ),
    "papers.md": ("text/markdown", "https://github.github.com/gfm/"),
    "void.ttl": ("text/turtle", "https://www.w3.org/TR/void/"),
}
