# Replace ?target with the contents of ?staging and empty ?staging, in one update request
# (one transaction in SPARQL 1.1 stores). Both graphs are bound by the caller.
DELETE { GRAPH ?target { ?s ?p ?o } } WHERE { GRAPH ?target { ?s ?p ?o } } ;
INSERT { GRAPH ?target { ?s ?p ?o } } WHERE { GRAPH ?staging { ?s ?p ?o } } ;
DELETE { GRAPH ?staging { ?s ?p ?o } } WHERE { GRAPH ?staging { ?s ?p ?o } }
