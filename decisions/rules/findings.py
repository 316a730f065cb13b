"""Verdicts: what a rule says about a proposed decision, with its rule id from RULES.md."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass


class Severity(enum.Enum):
    ERROR = "error"
    """The decision may not be made."""
    WARNING = "warning"
    """The decision may be made; the caseworker should know this first."""


@dataclass(frozen=True)
class Finding:
    rule: str
    """The rule id from RULES.md ("D1", "A6", …); shown beside the message, not inside it."""
    message: str
    """Norwegian bokmål for the caseworker, with concrete dates as dd.mm.åååå."""
    severity: Severity

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def __str__(self) -> str:
        return f"{self.message} ({self.rule})"


def error(rule: str, message: str) -> Finding:
    return Finding(rule, message, Severity.ERROR)


def warning(rule: str, message: str) -> Finding:
    return Finding(rule, message, Severity.WARNING)


@dataclass(frozen=True)
class Check:
    """The findings of one or more rules on one proposed decision."""

    findings: tuple[Finding, ...] = ()

    @property
    def allowed(self) -> bool:
        """True when no rule refuses; warnings do not block."""
        return not self.errors

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.WARNING)

    @property
    def rules(self) -> frozenset[str]:
        """The ids of every rule that spoke."""
        return frozenset(f.rule for f in self.findings)

    def __add__(self, other: Check) -> Check:
        return Check(self.findings + other.findings)

    @classmethod
    def combine(cls, checks: Iterable[Check]) -> Check:
        return cls(tuple(f for check in checks for f in check.findings))

    @classmethod
    def of(cls, findings: Iterable[Finding]) -> Check:
        return cls(tuple(findings))
