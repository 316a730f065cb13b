"""The codes the rules speak in and their one Norwegian wording, for the UI and the letters.

Each dict's keys are the valid codes; its insertion order is the order to show them in."""

from typing import Final

DECISION_KIND_LABELS: Final[dict[str, str]] = {
    "grant": "Innvilgelse",
    "rejection": "Avslag",
    "extension": "Forlengelse",
    "special_extension": "Forlengelse ved særlige grunner",
    "interruption": "Midlertidig avbrudd",
    "resumption": "Gjenopptak",
    "termination": "Avslutning",
}

PERIOD_KINDS: Final = frozenset({"grant", "extension", "special_extension"})
"""Kinds that decide a vedtak period (D3)."""

APPEALABLE_KINDS: Final = frozenset(DECISION_KIND_LABELS)
"""A7/F2: every decision kind is an enkeltvedtak and can be appealed to Statsforvalteren;
A7 names interruption and termination explicitly."""

STATE_LABELS: Final[dict[str, str]] = {
    "planned": "Planlagt",
    "active": "Aktiv",
    "interrupted": "Midlertidig avbrutt",
    "ended": "Avsluttet",
}

PAUSE_KIND_LABELS: Final[dict[str, str]] = {
    "interruption": "Midlertidig avbrudd",
    "leave": "Godkjent permisjon",
}

CONDITION_LABELS: Final[dict[str, str]] = {
    "reduced_capacity": "Vesentlig nedsatt arbeids- og inntektsevne",
    "no_or_limited_benefits": (
        "Ingen eller svært begrensede ytelser til livsopphold etter folketrygdloven eller "
        "arbeidsmarkedsloven"
    ),
    "work_capacity_assessed": "Arbeidsevnevurdering er gjennomført",
    "close_follow_up_needed": "Tett og koordinert bistand er hensiktsmessig og nødvendig",
}
"""V2: the four § 29 conditions, all required for a grant."""

BENEFIT_LABELS: Final[dict[str, str]] = {
    "aap": "Arbeidsavklaringspenger (AAP)",
    "uforetrygd": "Uføretrygd",
    "overgangsstonad": "Overgangsstønad",
    "dagpenger": "Dagpenger",
    "sykepenger": "Sykepenger",
    "sosialhjelp": "Økonomisk sosialhjelp",
}
"""V3: the benefits checked before KVP (the first three exclude it)."""

TERMINATION_REASON_LABELS: Final[dict[str, str]] = {
    "completed": "Programmet er gjennomført",
    "work": "Har fått arbeid",
    "education": "Har begynt på utdanning",
    "disability_benefit": "Har fått uføretrygd",
    "aap": "Har fått arbeidsavklaringspenger",
    "moved": "Har flyttet fra kommunen",
    "repeated_interruptions": "Gjentatte avbrudd",
    "interruption_limit": "Avbrutt i ett år (sotjl. § 34 tredje ledd)",
    "no_longer_eligible": "Fyller ikke lenger vilkårene",
    "other": "Annet",
}
"""A5: why a programme ends."""

ABSENCE_CAUSE_LABELS: Final[dict[str, str]] = {
    "work": "Ordinært arbeid",
    "birth": "Fødsel",
    "adoption": "Adopsjon",
    "illness": "Sykdom",
    "other": "Annet",
}
"""A6: what an absence that leads to termination is related to (the first three protect)."""
