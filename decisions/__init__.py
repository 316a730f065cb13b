"""The case: applications, programmes, the vedtak lifecycle, documents and deadlines.

Its models arrive with the legal core (issue 3); `decisions/rules/` holds the pure legal
rules, which import nothing from Django."""
