"""Stage 3: catalog records to RDF, the vocabulary, and SHACL validation."""
