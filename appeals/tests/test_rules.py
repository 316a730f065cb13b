"""The formal checks of an appeal (F2, F4, fvl §§ 28, 31, 32): pure, at the boundary days."""

import datetime

import pytest

from appeals import rules
from decisions.rules.procedure import appeal_deadline

NOTICE = datetime.date(2026, 3, 2)  # a Monday: the klagefrist is Monday 23.03.2026
DEADLINE = appeal_deadline(NOTICE)


def facts(**changes):
    base = {
        "received_on": DEADLINE,
        "notice_date": NOTICE,
        "decided_on": NOTICE,
        "by_representative": False,
        "representative_name": "",
        "power_of_attorney": False,
        "signed": True,
        "subject": "Avslaget",
        "grounds": "Jeg fyller vilkårene.",
        "late_reason": "",
    }
    return rules.AppealFacts(**{**base, **changes})


def ids(check):
    return sorted((f.rule, f.is_error) for f in check.findings)


def test_the_deadline_is_the_rules_core_klagefrist():
    assert DEADLINE == datetime.date(2026, 3, 23)


@pytest.mark.parametrize(
    ("received", "late"),
    [
        (DEADLINE - datetime.timedelta(days=1), False),
        (DEADLINE, False),
        (DEADLINE + datetime.timedelta(days=1), True),
    ],
)
def test_late_from_the_day_after_the_klagefrist(received, late):
    check = rules.formal_check(facts(received_on=received))
    assert rules.is_late(facts(received_on=received)) is late
    assert ids(check) == ([("FVL31", True)] if late else [])


def test_a_weekend_deadline_moves_to_monday():
    # Notice Saturday 07.03.2026 → three weeks is Saturday 28.03 → Monday 30.03.
    notice = datetime.date(2026, 3, 7)
    assert not rules.is_late(facts(notice_date=notice, received_on=datetime.date(2026, 3, 30)))
    assert rules.is_late(facts(notice_date=notice, received_on=datetime.date(2026, 3, 31)))


def test_a_late_appeal_with_a_recorded_reason_is_a_warning_only():
    check = rules.formal_check(
        facts(received_on=DEADLINE + datetime.timedelta(days=5), late_reason="Var innlagt.")
    )
    assert check.allowed
    assert ids(check) == [("FVL31", False)]
    assert "etter klagefristen 23.03.2026" in check.findings[0].message


def test_no_notice_date_says_the_deadline_cannot_be_computed():
    check = rules.formal_check(facts(notice_date=None))
    assert rules.is_late(facts(notice_date=None)) is None
    assert ids(check) == [("F2", True)]
    assert "underretningsdatoen" in check.errors[0].message


def test_a_representative_needs_a_power_of_attorney():
    without = rules.formal_check(facts(by_representative=True, representative_name="Advokat Ås"))
    assert ids(without) == [("FVL28", True)]
    with_poa = rules.formal_check(
        facts(by_representative=True, representative_name="Advokat Ås", power_of_attorney=True)
    )
    assert with_poa.allowed and not with_poa.findings


def test_unsigned_or_unspecific_appeals_are_errors():
    assert ids(rules.formal_check(facts(signed=False))) == [("FVL32", True)]
    assert ids(rules.formal_check(facts(subject=" ", grounds=""))) == [
        ("FVL32", True),
        ("FVL32", True),
    ]


def test_received_before_the_decision_is_refused():
    check = rules.formal_check(facts(received_on=NOTICE - datetime.timedelta(days=1)))
    assert ("FVL28", True) in ids(check)


def test_forwarding_needs_the_office_review():
    assert ids(rules.forward_check(facts(), review_note=" ")) == [("F4", True)]
    assert rules.forward_check(facts(), review_note="Vedtaket er riktig.").allowed


def test_task_due_dates_are_policy_values():
    day = datetime.date(2026, 5, 4)
    assert rules.review_due(day) == datetime.date(2026, 5, 25)
    assert rules.follow_up_due(day) == datetime.date(2026, 5, 18)


def test_the_rules_module_imports_no_django():
    import ast
    import pathlib

    tree = ast.parse(pathlib.Path(rules.__file__).read_text())
    imported = {
        (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert not any(name.startswith("django") for name in imported)
