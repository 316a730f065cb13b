"""Who can get a programme (sotjl § 29): the eligibility verdict from the assessments (V2),
the subsidiarity check (V3) and the exception for rejecting an eligible person (V4)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from . import policy
from .findings import Check, Finding, Severity, error, warning
from .labels import BENEFIT_LABELS, CONDITION_LABELS

CONDITIONS: tuple[str, ...] = tuple(CONDITION_LABELS)


def _in_sentence(label: str) -> str:
    """A label inside a sentence: "Uføretrygd" → "uføretrygd", acronyms kept ("AAP")."""
    return label[:1].lower() + label[1:]


def _enumerate(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} og {items[-1]}"


@dataclass(frozen=True)
class EligibilityVerdict:
    eligible: bool
    """All four conditions are assessed as met (V2) and no excluding benefit (V3)."""
    findings: tuple[Finding, ...]
    """Why a grant is refused (errors), and what the caseworker should know (warnings)."""
    unmet_conditions: tuple[str, ...]
    """The conditions assessed as not met, for the rejection letter (V2)."""
    unassessed_conditions: tuple[str, ...]
    excluding_benefits: tuple[str, ...]
    """Benefits the person is entitled to that put them outside the target group (V3)."""
    v4_exception: bool
    v4_reason: str

    @property
    def check(self) -> Check:
        return Check(self.findings)

    def grant_check(self) -> Check:
        """Whether a grant (innvilgelse) may be made: every condition met, no excluding benefit,
        and no V4 exception chosen."""
        findings = list(self.findings)
        if self.v4_exception:
            findings.append(
                error(
                    "V4",
                    "Det er valgt avslag fordi det vil være uforholdsmessig byrdefullt å tilby "
                    "program. Fjern unntaket for å innvilge.",
                )
            )
        return Check.of(findings)

    def rejection_check(self) -> Check:
        """Whether a rejection (avslag) has a ground: an unmet condition (V2), an excluding
        benefit (V3), or the V4 exception with its own begrunnelse."""
        findings = [f for f in self.findings if f.severity is Severity.WARNING]
        findings += [f for f in self.findings if f.rule == "V4"]
        has_ground = bool(self.unmet_conditions or self.excluding_benefits) or (
            self.v4_exception and bool(self.v4_reason.strip())
        )
        if not has_ground and not self.v4_exception:
            if self.unassessed_conditions:
                findings += [f for f in self.findings if f.rule == "V2"]
            else:
                findings.append(
                    error(
                        "V4",
                        "Alle vilkårene er vurdert som oppfylt. Avslag kan da bare gis når det "
                        "vil være uforholdsmessig byrdefullt for kommunen å tilby program på "
                        "grunn av søkerens forhold (sotjl. § 29 tredje ledd), med en egen "
                        "begrunnelse.",
                    )
                )
        return Check.of(findings)


def eligibility_verdict(
    assessments: Mapping[str, bool | None],
    *,
    conflicting_benefits: Collection[str] = (),
    v4_exception: bool = False,
    v4_reason: str = "",
    benefits_checked: Collection[str] | None = None,
) -> EligibilityVerdict:
    """The § 29 verdict. `assessments` maps each condition ("reduced_capacity",
    "no_or_limited_benefits", "work_capacity_assessed", "close_follow_up_needed") to True (met),
    False (not met) or None (not assessed); a missing condition is not assessed.
    `conflicting_benefits` are the benefits the person is entitled to; "aap", "uforetrygd" and
    "overgangsstonad" exclude (V3). `benefits_checked`, when given, are the benefits that were
    looked into; a warning names excluding benefits not among them (V3)."""
    unknown = set(assessments) - set(CONDITIONS)
    if unknown:
        raise ValueError(f"Ukjente vilkår: {', '.join(sorted(unknown))}.")
    findings: list[Finding] = []
    unassessed = tuple(c for c in CONDITIONS if assessments.get(c) is None)
    unmet = tuple(c for c in CONDITIONS if assessments.get(c) is False)
    for condition in unassessed:
        findings.append(
            error(
                "V2",
                f"Vilkåret «{CONDITION_LABELS[condition]}» er ikke vurdert. Alle vilkårene må "
                f"vurderes som oppfylt eller ikke oppfylt før vedtak.",
            )
        )
    for condition in unmet:
        findings.append(
            error("V2", f"Vilkåret «{CONDITION_LABELS[condition]}» er vurdert som ikke oppfylt.")
        )
    excluding = tuple(
        b for b in BENEFIT_LABELS if b in policy.V3_EXCLUDING_BENEFITS and b in conflicting_benefits
    )
    for benefit in excluding:
        findings.append(
            error(
                "V3",
                f"Søkeren har rett til {_in_sentence(BENEFIT_LABELS[benefit])} og er derfor utenfor "
                f"målgruppen for kvalifiseringsprogrammet, som kommer etter andre ytelser.",
            )
        )
    if benefits_checked is not None:
        not_checked = [
            b
            for b in BENEFIT_LABELS
            if b in policy.V3_EXCLUDING_BENEFITS and b not in benefits_checked
        ]
        if not_checked:
            names = _enumerate([_in_sentence(BENEFIT_LABELS[b]) for b in not_checked])
            findings.append(
                warning("V3", f"Det er ikke registrert at retten til {names} er undersøkt.")
            )
    if v4_exception and not v4_reason.strip():
        findings.append(
            error(
                "V4",
                "Avslag fordi det vil være uforholdsmessig byrdefullt for kommunen å tilby "
                "program, er et unntak som krever en egen begrunnelse om søkerens forhold.",
            )
        )
    return EligibilityVerdict(
        eligible=not unassessed and not unmet and not excluding,
        findings=tuple(findings),
        unmet_conditions=unmet,
        unassessed_conditions=unassessed,
        excluding_benefits=excluding,
        v4_exception=v4_exception,
        v4_reason=v4_reason,
    )
