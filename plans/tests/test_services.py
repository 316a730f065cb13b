"""The plan's services: validation with Norwegian messages that change nothing, optimistic
locking, the audit trail, and the catalogue's org.nr check."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from caseworker.audit import AuditContext
from caseworker.models import AuditEvent
from plans import selectors, services
from plans.models import Evaluation, PlanActivity

D = datetime.timedelta(days=1)


def data(span, **overrides):
    values = {
        "activity_type": "arbeidspraksis",
        "name": "Praksis på lager",
        "measure": None,
        "provider": None,
        "start": span.start,
        "end": span.end,
        "weekdays": [0, 1, 2, 3, 4],
        "hours_per_week": Decimal("37.5"),
    }
    return {**values, **overrides}


def test_activity_add_stores_it_and_writes_an_audit_row(programme, span, as_caseworker):
    activity = services.activity_add(ctx=as_caseworker, programme=programme, data=data(span))
    assert activity.version == 1 and activity.participant_id == programme.participant_id
    event = AuditEvent.objects.filter(object_type="planactivity").get()
    assert event.action == "create" and event.participant_id == programme.participant_id


def test_activity_from_the_catalogue_takes_type_and_provider(
    programme, span, as_caseworker, measure
):
    activity = services.activity_add(
        ctx=as_caseworker,
        programme=programme,
        data=data(span, activity_type="", name="", measure=measure),
    )
    assert activity.activity_type == "arbeidspraksis"
    assert activity.provider == measure.provider
    assert activity.title == "Arbeidspraksis i butikk"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"start": "before"}, "start", "kan ikke starte før programmet starter"),
        ({"end": "after"}, "end", "kan ikke vare lenger enn programmet"),
        ({"weekdays": []}, "weekdays", "Velg minst én ukedag."),
        ({"hours_per_week": Decimal(0)}, "hours_per_week", "må være mer enn 0"),
        ({"hours_per_week": Decimal("60.25")}, "hours_per_week", "mer enn 60 timer"),
        ({"activity_type": "", "name": ""}, "activity_type", "Velg aktivitetstype"),
        ({"name": ""}, "name", "Skriv hva aktiviteten er"),
    ],
)
def test_activity_add_refuses_bad_input_and_changes_nothing(
    programme, span, as_caseworker, overrides, field, message
):
    if overrides.get("start") == "before":
        overrides["start"] = span.start - D
    if overrides.get("end") == "after":
        overrides["end"] = span.end + D
    with pytest.raises(ValidationError) as error:
        services.activity_add(ctx=as_caseworker, programme=programme, data=data(span, **overrides))
    assert message in " ".join(error.value.message_dict[field])
    assert not PlanActivity.objects.exists()
    assert not AuditEvent.objects.filter(object_type="planactivity").exists()


def test_measure_of_another_office_or_inactive_is_refused(
    programme, span, as_caseworker, measure, office_b
):
    measure.active = False
    measure.save()
    with pytest.raises(ValidationError, match="ikke lenger aktivt"):
        services.activity_add(
            ctx=as_caseworker, programme=programme, data=data(span, measure=measure)
        )
    measure.office = office_b
    measure.active = True
    measure.save()
    with pytest.raises(ValidationError, match="hører ikke til kontorets katalog"):
        services.activity_add(
            ctx=as_caseworker, programme=programme, data=data(span, measure=measure)
        )


def test_a_second_caseworker_cannot_overwrite_a_change_unseen(
    programme, span, as_caseworker, caseworker2
):
    activity = services.activity_add(ctx=as_caseworker, programme=programme, data=data(span))
    opened_version = activity.version
    services.activity_change(
        ctx=as_caseworker,
        activity=activity,
        data=data(span, hours_per_week=Decimal("30")),
        expected_version=opened_version,
    )
    stale = PlanActivity.objects.select_related("programme").get(pk=activity.pk)
    with pytest.raises(ValidationError) as error:
        services.activity_change(
            ctx=AuditContext(actor=caseworker2),
            activity=stale,
            data=data(span, hours_per_week=Decimal("20")),
            expected_version=opened_version,
        )
    assert "endret eller fjernet av noen andre" in error.value.messages[0]
    stale.refresh_from_db()
    assert stale.hours_per_week == Decimal("30") and stale.version == 2
    with pytest.raises(ValidationError, match="noen andre"):
        services.activity_remove(
            ctx=AuditContext(actor=caseworker2), activity=stale, expected_version=opened_version
        )
    assert PlanActivity.objects.filter(pk=activity.pk).exists()
    changes = AuditEvent.objects.filter(object_type="planactivity", action="change")
    assert [e.detail["fields"] for e in changes] == [["hours_per_week"]]


def test_activity_remove_with_the_current_version(programme, span, as_caseworker):
    activity = services.activity_add(ctx=as_caseworker, programme=programme, data=data(span))
    services.activity_remove(ctx=as_caseworker, activity=activity, expected_version=1)
    assert not PlanActivity.objects.exists()
    assert AuditEvent.objects.filter(object_type="planactivity", detail__deleted=True).exists()


def test_an_ended_programme_plan_cannot_change(programme, span, as_caseworker):
    type(programme).objects.filter(pk=programme.pk).update(ended_on=span.start + 10 * D)
    with pytest.raises(ValidationError, match="Programmet er avsluttet"):
        services.activity_add(ctx=as_caseworker, programme=programme, data=data(span))


def test_evaluation_dates_within_the_programme_one_per_day(programme, span, as_caseworker):
    services.evaluation_add(
        ctx=as_caseworker, programme=programme, data={"date": span.end, "note": "Sluttevaluering"}
    )
    with pytest.raises(ValidationError) as error:
        services.evaluation_add(ctx=as_caseworker, programme=programme, data={"date": span.end})
    assert error.value.message_dict["date"] == ["Planen har allerede en evaluering denne dagen."]
    with pytest.raises(ValidationError, match="innenfor programmet"):
        services.evaluation_add(ctx=as_caseworker, programme=programme, data={"date": span.end + D})
    assert Evaluation.objects.count() == 1
    evaluation = Evaluation.objects.get()
    services.evaluation_change(
        ctx=as_caseworker,
        evaluation=evaluation,
        data={"date": span.start, "note": ""},
        expected_version=1,
    )
    with pytest.raises(ValidationError, match="noen andre"):
        services.evaluation_remove(ctx=as_caseworker, evaluation=evaluation, expected_version=1)
    services.evaluation_remove(ctx=as_caseworker, evaluation=evaluation, expected_version=2)
    assert not Evaluation.objects.exists()


def test_provider_org_number_is_checked_with_its_control_digit(office_a, leader):
    ctx = AuditContext(actor=leader)
    with pytest.raises(ValidationError) as error:
        services.provider_create(
            ctx=ctx, office=office_a, data={"name": "Feil AS", "org_number": "974760674"}
        )
    assert "ikke gyldig" in error.value.message_dict["org_number"][0]
    provider = services.provider_create(
        ctx=ctx, office=office_a, data={"name": "Riktig AS", "org_number": "974 760 673"}
    )
    assert provider.org_number == "974760673"
    with pytest.raises(ValidationError, match="allerede en leverandør"):
        services.provider_create(ctx=ctx, office=office_a, data={"name": "Riktig AS"})


def test_measure_needs_a_provider_of_its_own_office(office_a, office_b, leader):
    ctx = AuditContext(actor=leader)
    foreign = services.provider_create(ctx=ctx, office=office_b, data={"name": "Bergen AS"})
    with pytest.raises(ValidationError, match="hører ikke til kontorets katalog"):
        services.measure_create(
            ctx=ctx,
            office=office_a,
            data={"name": "Jobbklubb", "activity_type": "arbeidssoking", "provider": foreign},
        )
    measure = services.measure_create(
        ctx=ctx, office=office_a, data={"name": "Jobbklubb", "activity_type": "arbeidssoking"}
    )
    services.measure_change(
        ctx=ctx,
        measure=measure,
        data={"name": "Jobbklubb", "activity_type": "arbeidssoking", "active": False},
        expected_version=1,
    )
    measure.refresh_from_db()
    assert not measure.active and measure.version == 2


# --- The selector the attendance and stipend side uses ----------------------------------------


def test_planned_weekdays_spreads_hours_over_weekdays_in_one_query(
    programme, span, as_caseworker, django_assert_num_queries
):
    monday = span.start + datetime.timedelta(days=(7 - span.start.weekday()) % 7)
    services.activity_add(
        ctx=as_caseworker,
        programme=programme,
        data=data(span, start=monday, end=monday + 13 * D, hours_per_week=Decimal("30")),
    )
    services.activity_add(
        ctx=as_caseworker,
        programme=programme,
        data=data(
            span, start=monday, end=monday + 6 * D, weekdays=[2], hours_per_week=Decimal("7.5")
        ),
    )
    with django_assert_num_queries(1):
        result = selectors.planned_weekdays([programme.pk, 999999], monday, monday + 6 * D)
    assert list(result) == [programme.pk]
    days = result[programme.pk]
    assert sorted(days) == [monday + i * D for i in range(5)]
    assert days[monday] == Decimal("6.00")
    assert days[monday + 2 * D] == Decimal("13.50")  # 6 + 7.5 on Wednesday
    assert selectors.planned_weekdays([programme.pk], monday + 5 * D, monday + 6 * D) == {}
    assert selectors.planned_weekdays([], monday, monday) == {}
