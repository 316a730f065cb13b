"""The case pages through the test client: who may open which page (roles × offices), the
whole vedtak lifecycle as caseworker and approver click through it, the legal refusals as the
user sees them (D1, A6, D2, totrinnskontroll), optimistic locking, and hostile POSTs.

Dates are chosen relative to clock.today(), so the tests hold on any day."""

from __future__ import annotations

import datetime

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caseworker.audit import AuditContext
from caseworker.models import AuditEvent, Role
from decisions import documents, rules, services
from decisions.models import (
    Application,
    ApplicationStatus,
    Decision,
    DecisionStatus,
    Programme,
)
from decisions.selectors import open_programme, programme_history
from tests.factories import ParticipantFactory, UserFactory

CONDITIONS = (
    "reduced_capacity",
    "no_or_limited_benefits",
    "work_capacity_assessed",
    "close_follow_up_needed",
)
ALL_FULFILLED = {c: (True, "Vurdert i samtale og dokumentert.") for c in CONDITIONS}
REASONING = "Deltakeren fyller vilkårene i § 29, se vurderingen. Hovedhensyn: arbeidsmålet."


# --- Helpers ----------------------------------------------------------------------------------


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def d(day: datetime.date) -> str:
    """A date as the user types it."""
    return day.strftime("%d.%m.%Y")


def add_years(day: datetime.date, years: int) -> datetime.date:
    return rules.add_years(day, years)


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def text_of(response) -> str:
    return " ".join(soup(response).get_text(" ").split())


def error_summary(response) -> str:
    summary = soup(response).select_one(".aksel-error-summary")
    return " ".join(summary.get_text(" ").split()) if summary else ""


def shown_messages(response) -> str:
    box = soup(response).select_one(".kvp-messages")
    return " ".join(box.get_text(" ").split()) if box else ""


def ctx(user) -> AuditContext:
    return AuditContext(actor=user, client_address="127.0.0.1")


def assessed_application(participant, user, *, received: datetime.date) -> Application:
    app = services.application_register(
        ctx=ctx(user),
        participant=participant,
        data={"received_on": received, "received_via": "digital"},
    )
    return services.application_assess(
        ctx=ctx(user),
        application=app,
        assessments=ALL_FULFILLED,
        data={
            "benefits_checked": ["aap", "uforetrygd", "overgangsstonad"],
            "entitled_benefits": [],
            "work_capacity_assessed_on": received,
            "work_capacity_reference": "AEV-1",
        },
        expected_version=app.version,
    )


def draft(user, kind, participant, *, application=None, programme=None, **data) -> Decision:
    data.setdefault("reasoning", REASONING)
    if programme is not None:
        # Fresh from the database: a programme from open_programme() carries a prefetch of
        # the decisions approved when it was loaded.
        programme = Programme.objects.get(pk=programme.pk)
    return services.decision_draft(
        ctx=ctx(user),
        kind=kind,
        participant=participant,
        application=application,
        programme=programme,
        data=data,
    )


def approve(decision: Decision, drafter, approver) -> Decision:
    decision = services.decision_send_for_approval(
        ctx=ctx(drafter), decision=decision, expected_version=decision.version
    )
    return services.decision_approve(
        ctx=ctx(approver), decision=decision, expected_version=decision.version
    )


def granted_programme(participant, caseworker, approver, *, start, end=None) -> Programme:
    application = assessed_application(participant, caseworker, received=start - days(30))
    grant = draft(
        caseworker,
        "grant",
        participant,
        application=application,
        period_start=start,
        period_end=end or add_years(start, 1) - days(1),
    )
    approve(grant, caseworker, approver)
    return Programme.objects.get(pk=open_programme(participant.pk).pk)


def url(name: str, *args) -> str:
    return reverse(f"decisions:{name}", args=args)


# --- Fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def programme(participant, caseworker, approver, today) -> Programme:
    """Per's programme: granted from 200 days ago for one year."""
    return granted_programme(participant, caseworker, approver, start=today - days(200))


@pytest.fixture
def dual_role(office_a):
    """Mona: veileder and beslutter at office A — she may draft and approve, but not both
    for the same decision."""
    return UserFactory(
        username="Z990006",
        first_name="Mona",
        last_name="Lund",
        roles=[Role.CASEWORKER, Role.APPROVER],
        office=office_a,
    )


@pytest.fixture
def other_approver(office_b):
    return UserFactory(
        username="Z990014",
        first_name="Bjørn",
        last_name="Strand",
        roles=[Role.APPROVER],
        office=office_b,
    )


# --- The lifecycle through the pages ----------------------------------------------------------


def test_register_assess_grant_send_approve_makes_the_programme_active(
    login, participant, caseworker, approver, today
):
    client = login(caseworker)
    page = client.get(reverse("participants:detail", args=[participant.pk]))
    assert "Søknader og program" in text_of(page)
    register_url = url("application_register", participant.pk)
    assert soup(page).select_one(f'a[href="{register_url}"]') is not None

    # Register: the application page opens, with the assessment form.
    response = client.post(
        register_url, {"received_on": d(today - days(10)), "received_via": "papir"}
    )
    application = Application.objects.get(participant=participant)
    assert response.status_code == 302
    assert response["Location"] == url("application_detail", application.pk)
    page = client.get(response["Location"])
    assert "Søknaden er registrert" in shown_messages(page)
    assert "Søknad mottatt " + d(today - days(10)) in text_of(page)
    assert "Papirsøknad" in text_of(page)
    # Not yet a month old: the due date is shown, no warning.
    due = rules.interim_reply_due(today - days(10))
    assert f"Frist for foreløpig svar {d(due)}" in text_of(page)
    assert "Send foreløpig svar" not in text_of(page)
    # No verdict yet: every condition is unassessed (V2), and no decision can be drafted.
    assert "(V2)" in text_of(page)
    assert "Lag utkast" not in text_of(page)
    assert "Vurder alle vilkårene før du lager et utkast" in text_of(page)

    # Assess: all four conditions met, with begrunnelse; benefits checked.
    data = {
        "version": application.version,
        "benefits_checked": ["aap", "uforetrygd", "overgangsstonad"],
        "work_capacity_assessed_on": d(today - days(40)),
        "work_capacity_reference": "AEV-123",
    }
    for condition in CONDITIONS:
        data[f"{condition}_verdict"] = "yes"
        data[f"{condition}_reasoning"] = "Vurdert i samtale."
    response = client.post(url("application_assess", application.pk), data)
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "Vilkårsvurderingen er lagret" in shown_messages(page)
    assert "Søknaden kan innvilges" in text_of(page)
    assert "AEV-123" in text_of(page)
    grant_url = url("application_decision_create", application.pk, "innvilgelse")
    assert soup(page).select_one(f'a[href="{grant_url}"]') is not None

    # Draft a grant: the legal basis is filled in for the kind.
    form_page = client.get(grant_url)
    assert (
        "Sosialtjenesteloven §§ 29, 30 og 35"
        in soup(form_page).select_one("#id_legal_basis").get_text()
    )
    response = client.post(
        grant_url,
        {
            "period_start": d(today),
            "period_end": d(add_years(today, 1) - days(1)),
            "reasoning": REASONING,
            "legal_basis": "Sosialtjenesteloven § 29.",
        },
    )
    grant = Decision.objects.get(application=application)
    assert response.status_code == 302
    assert response["Location"] == url("decision_detail", grant.pk)
    assert grant.status == DecisionStatus.DRAFT and grant.drafted_by == caseworker
    page = client.get(response["Location"])
    assert "Ingen regler stopper vedtaket" in text_of(page)

    # Send for approval.
    response = client.post(url("decision_send", grant.pk), {"version": grant.version})
    grant.refresh_from_db()
    assert grant.status == DecisionStatus.AWAITING_APPROVAL
    page = client.get(response["Location"])
    assert "sendt til godkjenning" in shown_messages(page)
    assert "Godkjenn vedtaket" not in text_of(page)  # a caseworker is no approver

    # The approver finds it in the queue, oldest first, and approves it.
    client = login(approver)
    queue = client.get(url("queue"))
    assert "Pettersen, Per" in text_of(queue)
    assert "Kari Nordmann" in text_of(queue)
    assert soup(queue).select_one(f'a[href="{url("decision_detail", grant.pk)}"]')
    page = client.get(url("decision_detail", grant.pk))
    assert "Godkjenn vedtaket" in text_of(page)
    response = client.post(url("decision_approve", grant.pk), {"version": grant.version})
    page = client.get(response["Location"])
    assert "er godkjent og gjelder nå" in shown_messages(page)
    grant.refresh_from_db()
    assert grant.status == DecisionStatus.APPROVED and grant.approved_by == approver
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DECIDED

    # The programme page: active, from today.
    programme = Programme.objects.get(participant=participant)
    page = client.get(url("programme_detail", programme.pk))
    assert page.status_code == 200
    assert "Aktiv" in soup(page).select_one(".kvp-page-header").get_text()
    assert f"Startdato {d(today)}" in text_of(page)
    assert soup(page).select_one("svg.kvp-timeline__svg") is not None
    # The queue is empty again.
    assert "Ingen vedtak venter på godkjenning" in text_of(client.get(url("queue")))

    # Until the letter is made, there is nothing to send.
    client = login(caseworker)
    response = client.post(
        url("decision_notice", grant.pk), {"notice_date": d(today), "version": grant.version}
    )
    assert "Vedtaksbrevet er ikke laget ennå" in text_of(response)
    # The letter job has run; the notice date is recorded (by the caseworker); the klagefrist
    # is 3 weeks later (F2).
    documents.letter_issue(decision_id=grant.pk)
    response = client.post(
        url("decision_notice", grant.pk), {"notice_date": d(today), "version": grant.version}
    )
    assert response.status_code == 302, error_summary(response)
    page = client.get(response["Location"])
    deadline = rules.appeal_deadline(today)
    assert f"Klagefristen er {d(deadline)}" in shown_messages(page)
    assert f"Klagefrist {d(deadline)}" in text_of(page)
    # The participant page shows the programme.
    page = client.get(reverse("participants:detail", args=[participant.pk]))
    assert "Kvalifiseringsprogram fra " + d(today) in text_of(page)


# --- Who may open which page ------------------------------------------------------------------


@pytest.fixture
def case(participant, caseworker, approver, today):
    """Per's case at office A: a programme granted 200 days ago (its grant approved), a draft
    interruption on it, and a second, open application."""
    programme = granted_programme(participant, caseworker, approver, start=today - days(200))
    interruption = draft(
        caseworker,
        "interruption",
        participant,
        programme=programme,
        effective_date=today,
        details={"interruption_reason": "Arbeidsutprøving"},
    )
    open_application = services.application_register(
        ctx=ctx(caseworker),
        participant=participant,
        data={"received_on": today, "received_via": "digital"},
    )
    grant = Decision.objects.filter(programme=programme).get(kind="grant")
    documents.letter_issue(decision_id=grant.pk)  # as the Celery job does after approval
    return {
        "participant": participant,
        "programme": programme,
        "grant": grant,
        "draft": interruption,
        "application": open_application,
    }


PAGES = {
    "register": lambda c: url("application_register", c["participant"].pk),
    "application": lambda c: url("application_detail", c["application"].pk),
    "close": lambda c: url("application_close", c["application"].pk),
    "draft_grant": lambda c: url("application_decision_create", c["application"].pk, "avslag"),
    "programme": lambda c: url("programme_detail", c["programme"].pk),
    "draft_ext": lambda c: url("programme_decision_create", c["programme"].pk, "forlengelse"),
    "decision": lambda c: url("decision_detail", c["grant"].pk),
    "edit": lambda c: url("decision_edit", c["draft"].pk),
    "queue": lambda c: url("queue"),
}

# persona: expected status per page, in PAGES order. 404: another office's case looks like
# no case at all; 403: the role may never use the page.
MATRIX = {
    #                   reg  app  close dgrnt prog dext  dec  edit queue
    "caseworker": [200, 200, 200, 200, 200, 200, 200, 200, 403],
    "caseworker2": [200, 200, 200, 200, 200, 200, 200, 200, 403],
    "approver": [403, 200, 403, 403, 200, 403, 200, 403, 200],
    "leader": [200, 200, 200, 200, 200, 200, 200, 200, 403],
    "other_caseworker": [404, 404, 404, 404, 404, 404, 404, 404, 403],
    "other_approver": [403, 404, 403, 403, 404, 403, 404, 403, 200],
    "appeals_officer": [403, 403, 403, 403, 403, 403, 403, 403, 403],
    "admin_user": [403, 403, 403, 403, 403, 403, 403, 403, 403],
}


@pytest.mark.parametrize("persona", MATRIX)
def test_access_matrix(persona, request, client, case):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    for index, (page, make_url) in enumerate(PAGES.items()):
        target = make_url(case)
        response = client.get(target)
        expected = MATRIX[persona][index]
        assert response.status_code == expected, f"{persona} GET {page} {target}"
        if expected != 200:
            assert "Pettersen" not in response.content.decode(), f"{persona} {page}"


@pytest.mark.parametrize("page", list(PAGES))
def test_anonymous_is_sent_to_login(page, client, case):
    response = client.get(PAGES[page](case))
    assert response.status_code == 302
    assert response["Location"].startswith("/logg-inn/")


def test_other_office_gets_404_on_every_post_and_nothing_changes(
    login, case, other_caseworker, other_approver
):
    grant, draft_decision, application = case["grant"], case["draft"], case["application"]
    posts = [
        (other_caseworker, url("application_assess", application.pk)),
        (other_caseworker, url("application_close", application.pk)),
        (other_caseworker, url("decision_edit", draft_decision.pk)),
        (other_caseworker, url("decision_send", draft_decision.pk)),
        (other_caseworker, url("decision_delete", draft_decision.pk)),
        (other_caseworker, url("decision_notice", grant.pk)),
        (other_approver, url("decision_approve", draft_decision.pk)),
        (other_approver, url("decision_return", draft_decision.pk)),
    ]
    for user, target in posts:
        response = login(user).post(target, {"version": draft_decision.version})
        assert response.status_code == 404, target
    draft_decision.refresh_from_db()
    assert draft_decision.status == DecisionStatus.DRAFT
    # Each refusal is in the audit log (without the participant: it "does not exist").
    denied = AuditEvent.objects.filter(outcome="deny", actor__in=[other_caseworker, other_approver])
    assert denied.count() == len(posts)


def test_reads_are_audited(login, case, caseworker):
    client = login(caseworker)
    before = AuditEvent.objects.count()
    client.get(url("decision_detail", case["grant"].pk))
    client.get(url("programme_detail", case["programme"].pk))
    client.get(url("application_detail", case["application"].pk))
    rows = AuditEvent.objects.order_by("pk")[before:]
    assert [(r.object_type, r.action, r.participant_id) for r in rows] == [
        ("decision", "view", case["participant"].pk),
        ("programme", "view", case["participant"].pk),
        ("application", "view", case["participant"].pk),
    ]


def test_approver_nav_and_front_page_count(login, case, approver, caseworker):
    services.decision_send_for_approval(
        ctx=ctx(caseworker), decision=case["draft"], expected_version=case["draft"].version
    )
    home = login(approver).get(reverse("home"))
    nav = soup(home).select_one('nav[aria-label="Hovedmeny"]')
    assert nav.find("a", string="Til godkjenning")["href"] == url("queue")
    assert "1 vedtak venter på godkjenning" in text_of(home)
    home = login(caseworker).get(reverse("home"))
    assert "Til godkjenning" not in text_of(home)


def test_queue_hides_participants_the_approver_may_not_see(
    login, office_a, caseworker, approver, today
):
    hidden = ParticipantFactory(
        first_name="Skjult", last_name="Person", office=office_a, shielded=True
    )
    programme = granted_programme(hidden, caseworker, approver, start=today - days(10))
    decision = draft(
        caseworker,
        "interruption",
        hidden,
        programme=programme,
        effective_date=today,
        details={"interruption_reason": "Sykdom"},
    )
    services.decision_send_for_approval(
        ctx=ctx(caseworker), decision=decision, expected_version=decision.version
    )
    queue = login(approver).get(url("queue"))
    assert "Skjult" not in text_of(queue)
    assert "Ingen vedtak venter" in text_of(queue)


# --- The rules, as the user meets them ---------------------------------------------------------


def test_extension_past_two_years_is_refused_citing_D1(
    login, participant, caseworker, approver, today
):
    start = today - days(400)
    programme = granted_programme(participant, caseworker, approver, start=start)
    first_extension = draft(
        caseworker,
        "extension",
        participant,
        programme=programme,
        period_start=add_years(start, 1),
        period_end=add_years(start, 1) + days(199),
    )
    approve(first_extension, caseworker, approver)
    client = login(caseworker)
    page = client.get(url("programme_detail", programme.pk))
    extend_url = url("programme_decision_create", programme.pk, "forlengelse")
    assert soup(page).select_one(f'a[href="{extend_url}"]') is not None

    # The form suggests the day after the current vedtak period as the start.
    next_start = add_years(start, 1) + days(200)
    form = client.get(extend_url)
    assert soup(form).select_one("#id_period_start")["value"] == d(next_start)

    # A full year from there runs past the two years.
    response = client.post(
        extend_url,
        {
            "period_start": d(next_start),
            "period_end": d(add_years(next_start, 1) - days(1)),
            "reasoning": REASONING,
            "legal_basis": services.LEGAL_BASIS["extension"],
        },
    )
    assert response.status_code == 200
    summary = error_summary(response)
    two_years = add_years(start, 2) - days(1)
    assert "(D1)" in summary
    assert d(two_years) in summary and "særlige grunner" in summary
    # What was typed is kept, and nothing was saved.
    assert soup(response).select_one("#id_reasoning").get_text().strip() == REASONING
    assert Decision.objects.filter(programme=programme).count() == 2

    # Within the two years it is accepted as a draft.
    response = client.post(
        extend_url,
        {
            "period_start": d(next_start),
            "period_end": d(two_years),
            "reasoning": REASONING,
            "legal_basis": services.LEGAL_BASIS["extension"],
        },
    )
    assert response.status_code == 302, error_summary(response)


def test_special_extension_needs_the_D4_assessment_and_may_pass_two_years(
    login, participant, caseworker, approver, today
):
    start = today - days(400)
    programme = granted_programme(participant, caseworker, approver, start=start)
    approve(
        draft(
            caseworker,
            "extension",
            participant,
            programme=programme,
            period_start=add_years(start, 1),
            period_end=add_years(start, 1) + days(199),
        ),
        caseworker,
        approver,
    )
    client = login(caseworker)
    special_url = url("programme_decision_create", programme.pk, "forlengelse-saerlige-grunner")
    page = client.get(url("programme_detail", programme.pk))
    assert soup(page).select_one(f'a[href="{special_url}"]') is not None
    next_start = add_years(start, 1) + days(200)
    data = {
        "period_start": d(next_start),
        "period_end": d(add_years(next_start, 1) - days(1)),
        "reasoning": REASONING,
        "legal_basis": services.LEGAL_BASIS["special_extension"],
    }
    # Without the five D4 assessments: each is asked for.
    response = client.post(special_url, data)
    assert response.status_code == 200
    for field in ("necessity", "progression", "motivation", "work_likelihood", "labour_market"):
        assert soup(response).select_one(f'.aksel-error-summary a[href="#id_{field}"]'), field
    # With them, a period past two years is accepted.
    data.update(
        necessity="Nødvendig for å fullføre fagbrevet.",
        progression="God progresjon siste halvår.",
        motivation="Høy.",
        work_likelihood="Lærebedriften vil ansette.",
        labour_market="Stor etterspørsel etter fagarbeidere.",
    )
    response = client.post(special_url, data)
    assert response.status_code == 302, error_summary(response)
    decision = Decision.objects.get(programme=programme, kind="special_extension")
    assert decision.details["d4_assessment"]["work_likelihood"] == "Lærebedriften vil ansette."
    page = client.get(url("decision_detail", decision.pk))
    assert "Sannsynligheten for arbeid når programmet er slutt Lærebedriften vil ansette." in (
        text_of(page)
    )
    assert "Ingen regler stopper vedtaket" in text_of(page)


def test_interruption_and_resumption_move_the_latest_end_date_by_the_paused_days(
    login, programme, caseworker, approver, today
):
    start = programme.start_date
    two_years = add_years(start, 2) - days(1)
    client = login(caseworker)
    page = client.get(url("programme_detail", programme.pk))
    assert f"Seneste sluttdato {d(two_years)} (2 år)" in text_of(page)
    resume_url = url("programme_decision_create", programme.pk, "gjenopptak")
    interrupt_url = url("programme_decision_create", programme.pk, "avbrudd")
    assert soup(page).select_one(f'a[href="{interrupt_url}"]') is not None
    assert soup(page).select_one(f'a[href="{resume_url}"]') is None

    # Interrupted from 30 days ago.
    response = client.post(
        interrupt_url,
        {
            "effective_date": d(today - days(30)),
            "interruption_reason": "Arbeidsutprøving i tre uker.",
            "reasoning": REASONING,
            "legal_basis": services.LEGAL_BASIS["interruption"],
        },
    )
    assert response.status_code == 302, error_summary(response)
    interruption = Decision.objects.filter(programme=programme).get(kind="interruption")
    page = client.get(url("decision_detail", interruption.pk))
    assert "(A2)" in text_of(page)  # no stipend while interrupted: a warning, not a stop
    approve(interruption, caseworker, approver)

    page = client.get(url("programme_detail", programme.pk))
    assert "Midlertidig avbrutt" in soup(page).select_one(".kvp-page-header").get_text()
    assert soup(page).select_one(f'a[href="{resume_url}"]') is not None
    assert soup(page).select_one(f'a[href="{interrupt_url}"]') is None

    # Resumed 10 days ago: days 30..11 ago were paused, 20 days.
    response = client.post(
        resume_url,
        {
            "effective_date": d(today - days(10)),
            "a3_assessment": "Vilkårene er fortsatt oppfylt, og målet kan nås i tiden som er igjen.",
            "reasoning": REASONING,
            "legal_basis": services.LEGAL_BASIS["resumption"],
        },
    )
    assert response.status_code == 302, error_summary(response)
    approve(
        Decision.objects.filter(programme=programme).get(kind="resumption"), caseworker, approver
    )

    page = client.get(url("programme_detail", programme.pk))
    moved = two_years + days(20)
    assert "Aktiv" in soup(page).select_one(".kvp-page-header").get_text()
    assert f"Seneste sluttdato {d(moved)} (2 år, forlenget med 20 dager" in text_of(page)
    history = programme_history(Programme.objects.get(pk=programme.pk))
    assert rules.latest_end_date(history, today, special=False) == moved
    # The timeline and its table show the interruption.
    table = soup(page).select_one("details table").get_text(" ")
    assert "Midlertidig avbrudd" in table
    assert d(today - days(30)) in table and d(today - days(11)) in table


def test_termination_for_birth_related_absence_in_first_year_is_refused_citing_A6(
    login, programme, caseworker, today
):
    client = login(caseworker)
    end_url = url("programme_decision_create", programme.pk, "avslutning")
    data = {
        "effective_date": d(today),
        "termination_reason": "no_longer_eligible",
        "situation_after": "16",
        "absence_cause": "birth",
        "absence_started": d(today - days(100)),
        "reasoning": REASONING,
        "legal_basis": services.LEGAL_BASIS["termination"],
    }
    response = client.post(end_url, data)
    assert response.status_code == 200
    summary = error_summary(response)
    assert "(A6)" in summary and "fødsel" in summary
    assert d(today - days(100) + days(365)) in summary or "tidligst" in summary
    assert not Decision.objects.filter(programme=programme).filter(kind="termination").exists()

    # Without the absence it may be drafted.
    data.update(absence_cause="", absence_started="")
    response = client.post(end_url, data)
    assert response.status_code == 302, error_summary(response)
    termination = Decision.objects.filter(programme=programme).get(kind="termination")
    page = client.get(url("decision_detail", termination.pk))
    assert "Sosialhjelp uten slik avklaring (kode 16)" in text_of(page)


def test_programme_actions_are_exactly_the_allowed_actions(login, programme, caseworker, today):
    page = login(caseworker).get(url("programme_detail", programme.pk))
    offered = {
        a["href"].rstrip("/").rsplit("/", 1)[-1] for a in soup(page).select(".kvp-action-list a")
    }
    allowed = rules.allowed_actions(programme_history(programme), today)
    from decisions.overview import SLUG_OF_KIND

    assert offered == {SLUG_OF_KIND[kind] for kind in allowed}
    # A kind the rules do not allow today cannot be opened by typing the address.
    response = login(caseworker).get(
        url("programme_decision_create", programme.pk, "gjenopptak"), follow=True
    )
    assert "kan ikke fattes for programmet nå" in shown_messages(response)


def test_application_older_than_a_month_warns_about_the_interim_reply_F3(
    login, participant, caseworker, today
):
    received = today - days(40)
    application = services.application_register(
        ctx=ctx(caseworker),
        participant=participant,
        data={"received_on": received, "received_via": "digital"},
    )
    page = login(caseworker).get(url("application_detail", application.pk))
    alert = soup(page).select_one(".aksel-alert--warning").get_text(" ")
    assert "Send foreløpig svar" in alert
    assert d(rules.interim_reply_due(received)) in alert


def test_rejection_prefills_the_unmet_conditions(login, participant, caseworker, today):
    application = services.application_register(
        ctx=ctx(caseworker),
        participant=participant,
        data={"received_on": today, "received_via": "digital"},
    )
    assessments = dict(ALL_FULFILLED, reduced_capacity=(False, "Har arbeidsevne."))
    services.application_assess(
        ctx=ctx(caseworker),
        application=application,
        assessments=assessments,
        data={},
        expected_version=application.version,
    )
    client = login(caseworker)
    reject_url = url("application_decision_create", application.pk, "avslag")
    form = client.get(reject_url)
    checked = [i["value"] for i in soup(form).select("input[name=unmet_conditions][checked]")]
    assert checked == ["reduced_capacity"]
    response = client.post(
        reject_url,
        {
            "unmet_conditions": ["reduced_capacity"],
            "reasoning": REASONING,
            "legal_basis": services.LEGAL_BASIS["rejection"],
        },
    )
    assert response.status_code == 302, error_summary(response)
    rejection = Decision.objects.get(application=application)
    assert rejection.details == {"unmet_conditions": ["reduced_capacity"]}
    page = client.get(url("decision_detail", rejection.pk))
    assert "Vesentlig nedsatt arbeids- og inntektsevne" in text_of(page)


def test_close_application_as_withdrawn(login, participant, caseworker, today):
    application = services.application_register(
        ctx=ctx(caseworker),
        participant=participant,
        data={"received_on": today, "received_via": "digital"},
    )
    client = login(caseworker)
    response = client.post(
        url("application_close", application.pk),
        {"status": "trukket", "reason": "Søkeren trakk søknaden i telefon.", "version": 1},
    )
    assert response.status_code == 302, error_summary(response)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    page = client.get(url("application_detail", application.pk))
    assert "Søknaden er trukket" in shown_messages(page)
    assert "Lag utkast" not in text_of(page)


# --- Two-person approval and concurrency ------------------------------------------------------


@pytest.fixture
def awaiting(programme, caseworker, today):
    """An interruption Kari has drafted and sent for approval."""
    decision = draft(
        caseworker,
        "interruption",
        programme.participant,
        programme=programme,
        effective_date=today,
        details={"interruption_reason": "Lengre sykdom."},
    )
    return services.decision_send_for_approval(
        ctx=ctx(caseworker), decision=decision, expected_version=decision.version
    )


def test_the_drafter_cannot_approve_their_own_decision(login, programme, dual_role, today):
    decision = draft(
        dual_role,
        "interruption",
        programme.participant,
        programme=programme,
        effective_date=today,
        details={"interruption_reason": "Lengre sykdom."},
    )
    client = login(dual_role)
    client.post(url("decision_send", decision.pk), {"version": decision.version})
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.AWAITING_APPROVAL

    # Shown in Mona's queue, marked as hers; her decision page offers no approval.
    queue = client.get(url("queue"))
    assert "Skrevet av deg" in text_of(queue)
    page = client.get(url("decision_detail", decision.pk))
    assert "Godkjenn vedtaket" not in text_of(page)
    assert "kan ikke godkjenne det" in text_of(page)

    # A POST anyway is refused with the totrinnskontroll message, and nothing changes.
    response = client.post(url("decision_approve", decision.pk), {"version": decision.version})
    page = client.get(response["Location"])
    assert "vedtak du har skrevet selv" in shown_messages(page)
    response = client.post(
        url("decision_return", decision.pk),
        {"reason": "other", "comment": "Selv", "version": decision.version},
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.AWAITING_APPROVAL
    assert decision.approved_by is None


def test_returned_decision_can_be_edited_and_resent(login, awaiting, caseworker, approver):
    decision = awaiting
    client = login(approver)
    response = client.post(
        url("decision_return", decision.pk),
        {
            "reason": "reasoning",
            "comment": "Skriv hvilke tiltak som stanses.",
            "version": decision.version,
        },
    )
    assert response.status_code == 302 and response["Location"] == url("queue")
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.RETURNED

    client = login(caseworker)
    page = client.get(url("decision_detail", decision.pk))
    assert "Begrunnelsen er mangelfull: Skriv hvilke tiltak som stanses." in text_of(page)
    edit = client.get(url("decision_edit", decision.pk))
    assert "Returnert av beslutter" in text_of(edit)
    assert soup(edit).select_one("#id_version")["value"] == str(decision.version)
    response = client.post(
        url("decision_edit", decision.pk),
        {
            "effective_date": d(decision.effective_date),
            "interruption_reason": "Lengre sykdom; tiltakene stanses.",
            "reasoning": REASONING + " Tiltakene stanses.",
            "legal_basis": decision.legal_basis,
            "version": decision.version,
        },
    )
    assert response.status_code == 302, error_summary(response)
    decision.refresh_from_db()
    assert decision.details["interruption_reason"] == "Lengre sykdom; tiltakene stanses."
    client.post(url("decision_send", decision.pk), {"version": decision.version})
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.AWAITING_APPROVAL
    assert decision.return_reason == ""


def test_stale_version_gives_the_conflict_message_and_changes_nothing(
    login, programme, caseworker, caseworker2, today
):
    decision = draft(
        caseworker,
        "interruption",
        programme.participant,
        programme=programme,
        effective_date=today,
        details={"interruption_reason": "Lengre sykdom."},
    )
    stale_version = decision.version
    # Ola saves a change first.
    services.decision_update(
        ctx=ctx(caseworker2),
        decision=decision,
        data={"reasoning": "Olas begrunnelse."},
        expected_version=stale_version,
    )
    # Kari submits the form she opened before that.
    mine = "Karis begrunnelse, som ikke må gå tapt."
    response = login(caseworker).post(
        url("decision_edit", decision.pk),
        {
            "effective_date": d(today),
            "interruption_reason": "Lengre sykdom.",
            "reasoning": mine,
            "legal_basis": decision.legal_basis,
            "version": stale_version,
        },
    )
    assert response.status_code == 200
    assert "endret av noen andre" in error_summary(response)
    assert soup(response).select_one("#id_reasoning").get_text().strip() == mine
    decision.refresh_from_db()
    assert decision.reasoning == "Olas begrunnelse."
    assert decision.version == stale_version + 1


def test_double_approval_takes_effect_once(login, awaiting, approver):
    client = login(approver)
    version = awaiting.version
    first = client.post(url("decision_approve", awaiting.pk), {"version": version})
    second = client.post(url("decision_approve", awaiting.pk), {"version": version})
    assert first.status_code == second.status_code == 302
    page = client.get(second["Location"])
    assert "allerede godkjent" in shown_messages(page)
    awaiting.refresh_from_db()
    assert awaiting.status == DecisionStatus.APPROVED
    assert awaiting.version == version + 1
    approvals = AuditEvent.objects.filter(
        object_type="decision",
        object_id=str(awaiting.pk),
        action="change",
        detail__status="approved",
    )
    assert approvals.count() == 1


def test_sending_is_blocked_by_rule_errors(login, programme, caseworker, approver, today):
    # An interruption drafted while valid, then the programme is interrupted by another
    # approved decision: the draft now breaks A1, and the page offers no sending.
    first = draft(
        caseworker,
        "interruption",
        programme.participant,
        programme=programme,
        effective_date=today - days(5),
        details={"interruption_reason": "Soning."},
    )
    approve(first, caseworker, approver)
    resume = draft(
        caseworker,
        "resumption",
        programme.participant,
        programme=programme,
        effective_date=today,
        details={"a3_assessment": "Vurdert."},
    )
    Decision.objects.filter(pk=resume.pk).update(details={})  # as if the A3 text was removed
    page = login(caseworker).get(url("decision_detail", resume.pk))
    assert "(A3)" in text_of(page)
    assert "Send til godkjenning" not in text_of(page)
    response = login(caseworker).post(url("decision_send", resume.pk), {"version": resume.version})
    assert "(A3)" in shown_messages(login(caseworker).get(response["Location"]))
    resume.refresh_from_db()
    assert resume.status == DecisionStatus.DRAFT


def test_delete_draft(login, programme, caseworker, today):
    decision = draft(
        caseworker,
        "interruption",
        programme.participant,
        programme=programme,
        effective_date=today,
        details={"interruption_reason": "Sykdom."},
    )
    response = login(caseworker).post(
        url("decision_delete", decision.pk), {"version": decision.version}
    )
    assert response["Location"] == url("programme_detail", programme.pk)
    assert not Decision.objects.filter(pk=decision.pk).exists()


# --- Hostile POSTs ----------------------------------------------------------------------------

NUL = "Tekst med \x00 nullbyte"
LONG = "Å" * 6000


def _base(kind_or_form: str, c: dict, today: datetime.date) -> dict:
    legal = "Sosialtjenesteloven § 29."
    bases = {
        "register": {"received_on": d(today), "received_via": "digital"},
        "assess": {
            "version": c["application"].version,
            **{f"{x}_verdict": "yes" for x in CONDITIONS},
            **{f"{x}_reasoning": "Vurdert." for x in CONDITIONS},
        },
        "close": {"status": "henlagt", "reason": "Henlagt.", "version": c["application"].version},
        "grant": {
            "period_start": d(today),
            "period_end": d(today + days(100)),
            "reasoning": REASONING,
            "legal_basis": legal,
        },
        "extension": {
            "period_start": d(today + days(200)),
            "period_end": d(today + days(300)),
            "reasoning": REASONING,
            "legal_basis": legal,
        },
        "special": {
            "period_start": d(today + days(200)),
            "period_end": d(today + days(300)),
            "necessity": "x",
            "progression": "x",
            "motivation": "x",
            "work_likelihood": "x",
            "labour_market": "x",
            "reasoning": REASONING,
            "legal_basis": legal,
        },
        "termination": {
            "effective_date": d(today),
            "termination_reason": "work",
            "situation_after": "01",
            "reasoning": REASONING,
            "legal_basis": legal,
        },
        "edit": {
            "effective_date": d(today),
            "interruption_reason": "Sykdom.",
            "reasoning": REASONING,
            "legal_basis": legal,
            "version": c["draft"].version,
        },
        "return": {"reason": "facts", "comment": "Mangler.", "version": c["draft"].version},
        "notice": {"notice_date": d(today), "version": c["grant"].version},
    }
    return bases[kind_or_form]


FORM_URLS = {
    "register": lambda c: url("application_register", c["participant"].pk),
    "assess": lambda c: url("application_assess", c["application"].pk),
    "close": lambda c: url("application_close", c["application"].pk),
    "grant": lambda c: url("application_decision_create", c["application"].pk, "innvilgelse"),
    "extension": lambda c: url("programme_decision_create", c["programme"].pk, "forlengelse"),
    "special": lambda c: url(
        "programme_decision_create", c["programme"].pk, "forlengelse-saerlige-grunner"
    ),
    "termination": lambda c: url("programme_decision_create", c["programme"].pk, "avslutning"),
    "edit": lambda c: url("decision_edit", c["draft"].pk),
    "return": lambda c: url("decision_return", c["draft"].pk),
    "notice": lambda c: url("decision_notice", c["grant"].pk),
}

# (form, field, bad value); None as value means the field is left out.
HOSTILE = [
    ("register", "received_on", "31.02.2026"),
    ("register", "received_on", "01.01.0001"),
    ("register", "received_on", "99999999999999999999"),
    ("register", "received_on", "FUTURE"),
    ("register", "received_via", "hacker"),
    ("register", "received_via", None),
    ("assess", "reduced_capacity_verdict", "kanskje"),
    ("assess", "reduced_capacity_reasoning", NUL),
    ("assess", "reduced_capacity_reasoning", LONG),
    ("assess", "reduced_capacity_reasoning", "   "),
    ("assess", "benefits_checked", ["aap", "'; DROP TABLE x; --"]),
    ("assess", "work_capacity_assessed_on", "32.13.2020"),
    ("assess", "work_capacity_reference", "R" * 101),
    ("assess", "version", "abc"),
    ("assess", "version", "9" * 30),
    ("assess", "version", None),
    ("close", "status", "avgjort"),
    ("close", "reason", ""),
    ("close", "version", "-1"),
    ("grant", "period_start", "<script>alert(1)</script>"),
    ("grant", "period_end", "01.01.1800"),
    ("grant", "reasoning", ""),
    ("grant", "reasoning", NUL),
    ("grant", "legal_basis", "H" * 1001),
    ("extension", "period_start", None),
    ("extension", "period_end", "29.02.2027"),
    ("termination", "termination_reason", "hacker"),
    ("termination", "situation_after", "99"),
    ("termination", "absence_cause", "illness"),
    ("termination", "absence_started", "i fjor"),
    ("edit", "version", "abc"),
    ("edit", "version", None),
    ("edit", "effective_date", ""),
    ("return", "reason", "hacker"),
    ("return", "comment", ""),
    ("return", "version", None),
    ("notice", "notice_date", "FUTURE"),
    ("notice", "notice_date", "abc"),
    ("notice", "version", ["1", "x"]),
]


def _snapshot() -> tuple:
    return (
        sorted(Application.objects.values_list("pk", "version", "status")),
        sorted(Decision.objects.values_list("pk", "version", "status", "reasoning")),
        AuditEvent.objects.filter(action__in=["create", "change"]).count(),
    )


@pytest.mark.parametrize(("form", "field", "value"), HOSTILE, ids=lambda v: str(v)[:30])
def test_hostile_posts_give_form_errors_and_change_nothing(
    form, field, value, request, client, case, today
):
    caseworker, approver = (request.getfixturevalue(n) for n in ("caseworker", "approver"))
    user = caseworker
    if form in ("extension", "special", "termination"):
        # The programme may have only one decision under work.
        services.decision_delete_draft(
            ctx=ctx(caseworker), decision=case["draft"], expected_version=case["draft"].version
        )
    elif form in ("return", "edit"):
        case["draft"] = services.decision_send_for_approval(
            ctx=ctx(caseworker), decision=case["draft"], expected_version=case["draft"].version
        )
        if form == "return":
            user = approver
        else:  # back to an editable state: Ingrid returns it
            case["draft"] = services.decision_return(
                ctx=ctx(approver),
                decision=case["draft"],
                reason="other",
                comment="Se over.",
                expected_version=case["draft"].version,
            )
    data = _base(form, case, today)
    if value is None:
        data.pop(field, None)
    else:
        data[field] = d(today + days(3)) if value == "FUTURE" else value
    client.force_login(user)
    client.raise_request_exception = False
    before = _snapshot()
    response = client.post(FORM_URLS[form](case), data)
    assert response.status_code == 200, f"{form} {field}={value!r}: {response.status_code}"
    summary = error_summary(response)
    assert summary, f"no error summary for {form} {field}={value!r}"
    for english in ("This field", "Enter a valid", "Select a valid", "Ensure this"):
        assert english not in summary, summary
    assert "<script>alert" not in response.content.decode()  # typed text comes back escaped
    assert _snapshot() == before


@pytest.mark.parametrize("endpoint", ["decision_send", "decision_delete", "decision_approve"])
@pytest.mark.parametrize("version", ["abc", "", "9" * 40, None])
def test_hostile_button_posts_give_a_message_never_500(
    endpoint, version, login, case, caseworker, approver
):
    user = approver if endpoint == "decision_approve" else caseworker
    if endpoint == "decision_approve":
        services.decision_send_for_approval(
            ctx=ctx(caseworker), decision=case["draft"], expected_version=case["draft"].version
        )
    client = login(user)
    client.raise_request_exception = False
    before = _snapshot()
    data = {} if version is None else {"version": version}
    response = client.post(url(endpoint, case["draft"].pk), data)
    assert response.status_code == 302
    assert "ufullstendig" in shown_messages(client.get(response["Location"]))
    assert _snapshot() == before


def test_unknown_kind_is_404(login, case, caseworker):
    client = login(caseworker)
    assert (
        client.get(
            url("programme_decision_create", case["programme"].pk, "innvilgelse")
        ).status_code
        == 404
    )
    assert (
        client.get(
            url("application_decision_create", case["application"].pk, "avbrudd")
        ).status_code
        == 404
    )
    assert (
        client.get(
            url("application_decision_create", case["application"].pk, "x" * 300)
        ).status_code
        == 404
    )


def test_get_is_refused_on_action_urls(login, case, caseworker):
    client = login(caseworker)
    for name in ("decision_send", "decision_delete", "decision_approve", "decision_return"):
        assert client.get(url(name, case["draft"].pk)).status_code == 405


# --- Queries do not grow with rows ------------------------------------------------------------


def _queries(client, target: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(target).status_code == 200
    return len(captured)


def test_programme_page_queries_do_not_grow_with_decisions(
    login, programme, caseworker, approver, today
):
    client = login(caseworker)
    target = url("programme_detail", programme.pk)
    one = _queries(client, target)
    for offset in (60, 40):
        interruption = draft(
            caseworker,
            "interruption",
            programme.participant,
            programme=programme,
            effective_date=today - days(offset),
            details={"interruption_reason": "Sykdom."},
        )
        approve(interruption, caseworker, approver)
        resumption = draft(
            caseworker,
            "resumption",
            programme.participant,
            programme=programme,
            effective_date=today - days(offset - 10),
            details={"a3_assessment": "Vurdert."},
        )
        approve(resumption, caseworker, approver)
    assert _queries(client, target) == one
    assert _queries(client, reverse("participants:detail", args=[programme.participant_id])) <= (
        one + 12
    )


def test_queue_queries_do_not_grow_with_rows(login, office_a, caseworker, approver, today):
    def send_one():
        person = ParticipantFactory(office=office_a, caseworker=caseworker)
        programme = granted_programme(person, caseworker, approver, start=today - days(20))
        decision = draft(
            caseworker,
            "interruption",
            person,
            programme=programme,
            effective_date=today,
            details={"interruption_reason": "Sykdom."},
        )
        services.decision_send_for_approval(
            ctx=ctx(caseworker), decision=decision, expected_version=decision.version
        )

    send_one()
    client = login(approver)
    one = _queries(client, url("queue"))
    for _ in range(4):
        send_one()
    assert _queries(client, url("queue")) == one
    assert text_of(client.get(url("queue"))).count("Midlertidig avbrudd") == 5


# --- Programmes in other states ---------------------------------------------------------------


def test_planned_programme(login, participant, caseworker, approver, today):
    programme = granted_programme(participant, caseworker, approver, start=today + days(14))
    page = login(caseworker).get(url("programme_detail", programme.pk))
    assert "Planlagt" in soup(page).select_one(".kvp-page-header").get_text()
    assert "Programtid brukt 0 dager" in text_of(page)


def test_ended_programme_offers_nothing_and_is_listed_as_ended(
    login, programme, caseworker, approver, today
):
    termination = draft(
        caseworker,
        "termination",
        programme.participant,
        programme=programme,
        effective_date=today - days(1),
        details={"termination_reason": "work", "situation_after": "01"},
    )
    approve(termination, caseworker, approver)
    client = login(caseworker)
    page = client.get(url("programme_detail", programme.pk))
    assert "Avsluttet" in soup(page).select_one(".kvp-page-header").get_text()
    assert "Reglene tillater ingen nye vedtak" in text_of(page)
    assert not soup(page).select(".kvp-action-list a")
    assert f"Siste dag i programmet {d(today - days(1))}" in text_of(page)
    participant_page = client.get(reverse("participants:detail", args=[programme.participant_id]))
    ended = soup(participant_page).select_one('section[aria-labelledby="h-sak-tidligere"]')
    assert ended is not None and d(programme.start_date) in ended.get_text()
    # A new application may be registered and granted after the programme ended (V5).
    assert soup(participant_page).select_one(
        f'a[href="{url("application_register", programme.participant_id)}"]'
    )
