"""Hooks other apps use to follow the case without decisions importing them (the appeals app
builds on decisions, never the other way)."""

from django.dispatch import Signal

# Sent by decision_approve inside its transaction, after the decision and its effects are
# stored, with `decision` (as approved) and `ctx` (the approver's AuditContext). A receiver
# that raises rolls the approval back: a receiver's write is part of the approval.
decision_approved = Signal()
