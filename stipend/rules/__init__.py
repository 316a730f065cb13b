"""Pure stipend rules (RULES.md section 5): dates and amounts in, amounts out. No Django."""
