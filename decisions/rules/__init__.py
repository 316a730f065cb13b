"""Pure legal core (no Django imports): dates and programme history in, verdicts with rule
ids from ../shared/domain/RULES.md out."""
