"""The formal checks of an appeal (klage), as pure functions over plain data: dates and facts
in, findings with a rule id and a Norwegian message out. No Django imports.

Rule ids: F2 (the klagefrist, computed by the decisions rules core — not recomputed here),
F4 (the office reviews first, then forwards), and the forvaltningsloven sections the checks
come from: FVL28 (who may appeal), FVL31 (a late appeal), FVL32 (signed and specific).

Registering an appeal is always allowed — the office must record what it received — but the
findings tell the caseworker what is missing; forwarding to Statsforvalteren is refused while
any error remains (`forward_check`)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from decisions.rules.findings import Check, Finding, error, warning
from decisions.rules.procedure import appeal_deadline

# [I] How long the office has to review an appeal (fvl § 33: "uten ugrunnet opphold"): a
# policy value a legal review can change in one place. The review task falls due then.
OFFICE_REVIEW_WEEKS = 3
# [I] How long the office has to act on Statsforvalteren's outcome (follow-up task).
OUTCOME_FOLLOW_UP_DAYS = 14


def _d(day: datetime.date) -> str:
    return day.strftime("%d.%m.%Y")


@dataclass(frozen=True)
class AppealFacts:
    received_on: datetime.date
    notice_date: datetime.date | None
    """When the appealed decision reached the participant (None: not recorded)."""
    decided_on: datetime.date
    """The day the appealed decision was approved."""
    by_representative: bool
    representative_name: str
    power_of_attorney: bool
    signed: bool
    subject: str
    grounds: str
    late_reason: str


def review_due(received_on: datetime.date) -> datetime.date:
    """F4: the day the office should have reviewed the appeal by."""
    return received_on + datetime.timedelta(weeks=OFFICE_REVIEW_WEEKS)


def follow_up_due(outcome_on: datetime.date) -> datetime.date:
    return outcome_on + datetime.timedelta(days=OUTCOME_FOLLOW_UP_DAYS)


def is_late(facts: AppealFacts) -> bool | None:
    """F2: None when the notice date is unknown, so the deadline cannot be computed."""
    if facts.notice_date is None:
        return None
    return facts.received_on > appeal_deadline(facts.notice_date)


def formal_findings(facts: AppealFacts) -> list[Finding]:
    """Every formal requirement the appeal does not (yet) meet. Errors block forwarding."""
    found: list[Finding] = []
    if facts.received_on < facts.decided_on:
        found.append(
            error(
                "FVL28",
                f"Klagen er datert {_d(facts.received_on)}, før vedtaket ble fattet "
                f"{_d(facts.decided_on)}. Kontroller mottaksdatoen.",
            )
        )
    if facts.by_representative:
        if not facts.representative_name.strip():
            found.append(error("FVL28", "Skriv navnet på fullmektigen som har klaget."))
        if not facts.power_of_attorney:
            found.append(
                error(
                    "FVL28",
                    "Klagen er fra en fullmektig uten registrert skriftlig fullmakt. Bare en "
                    "part eller en fullmektig for parten kan klage (fvl. §§ 12 og 28). Be om "
                    "fullmakt før klagen sendes videre.",
                )
            )
    if facts.notice_date is None:
        found.append(
            error(
                "F2",
                "Datoen vedtaket ble sendt til deltakeren er ikke registrert, så klagefristen kan "
                "ikke beregnes. Registrer underretningsdatoen på vedtaket.",
            )
        )
    else:
        deadline = appeal_deadline(facts.notice_date)
        if facts.received_on > deadline:
            if facts.late_reason.strip():
                found.append(
                    warning(
                        "FVL31",
                        f"Klagen kom {_d(facts.received_on)}, etter klagefristen "
                        f"{_d(deadline)}. Kontoret har begrunnet hvorfor den likevel "
                        "behandles (fvl. § 31).",
                    )
                )
            else:
                found.append(
                    error(
                        "FVL31",
                        f"Klagen kom {_d(facts.received_on)}, etter klagefristen "
                        f"{_d(deadline)}. Den kan bare behandles når kontoret har skrevet "
                        "hvorfor fristen likevel ikke skal hindre behandling (fvl. § 31).",
                    )
                )
    if not facts.signed:
        found.append(
            error(
                "FVL32",
                "Klagen er ikke underskrevet. Be klageren skrive under og gi en frist til å "
                "rette det (fvl. § 32 første og tredje ledd).",
            )
        )
    if not facts.subject.strip():
        found.append(error("FVL32", "Skriv hva klagen gjelder – hvilken endring klageren ønsker."))
    if not facts.grounds.strip():
        found.append(error("FVL32", "Skriv begrunnelsen klageren har gitt for klagen."))
    return found


def formal_check(facts: AppealFacts) -> Check:
    return Check.of(formal_findings(facts))


def forward_check(facts: AppealFacts, *, review_note: str) -> Check:
    """F4: the office may forward only a formally complete appeal, with its own review."""
    found = formal_findings(facts)
    if not review_note.strip():
        found.append(
            error(
                "F4",
                "Skriv kontorets vurdering av klagen: hvorfor vedtaket opprettholdes "
                "(fvl. § 33 annet ledd).",
            )
        )
    return Check.of(found)
