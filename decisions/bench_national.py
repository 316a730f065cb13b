"""The national-scale synthetic dataset of `make bench` (issue 9): loaded with set-based SQL
into the dedicated benchmark database (devtools/bench.py drops and recreates that database
for every run, so nothing here ever touches a developer's data).

At scale 1: 20 000 participants in 22 offices — one Oslo-sized office (3 500 participants,
100 caseworkers), one small office (200 participants) to show that query counts do not grow
with data, and 20 ordinary ones — with five programmes each over ten years (100 000
programmes, about 450 000 decisions with their applications), approved leave, children, one
plan activity per latest programme, the last 20 weeks of attendance of each participant's
latest programme that lasted that long (2 000 000 attendance days, 400 000 attendance weeks,
80 000 absences), historical closed tasks, decisions awaiting approval and a stored
vedtaksbrev for the grant of every latest programme. Everything derives from the row ids and one fixed seed (setseed), so
two runs at the same scale load the same data.

National ids start with 7: no real fødselsnummer or D-number does (bench_deadlines uses 9,
bench_dashboard 8).
"""

from __future__ import annotations

import datetime
import hashlib
import time
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from decisions.bench import decision_guard_off
from kvp import clock

PARTICIPANTS = 20_000
PROGRAMMES_PER_PARTICIPANT = 5
ATTENDANCE_WEEKS = 20
BIG_SHARE = 0.175  # 3 500 of 20 000: Oslo-sized (K1 reports ~3 000+ a year for Oslo)
SMALL_SHARE = 0.01
OTHER_OFFICES = 20
# One caseworker per 35 participants of the office: half of them are in a programme now, so
# each caseworker follows about 17, inside the recommended caseload of 15–20.
PARTICIPANTS_PER_CASEWORKER = 35
BENCH_PASSWORD = "bench-only-password"  # the benchmark database only; printed nowhere else

FIRST_NAMES = [
    "Anne", "Inger", "Kari", "Marit", "Ingrid", "Liv", "Eva", "Berit", "Astrid", "Bjørg",
    "Jan", "Per", "Bjørn", "Ole", "Lars", "Kjell", "Knut", "Arne", "Svein", "Thomas",
    "Ahmed", "Fatima", "Mohammed", "Amina", "Piotr", "Anna", "Yusuf", "Sara", "Ali", "Nora",
]  # fmt: skip
LAST_NAMES = [
    "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen",
    "Jensen", "Karlsen", "Johnsen", "Pettersen", "Eriksen", "Berg", "Haugen", "Hagen",
    "Johannessen", "Andreassen", "Jacobsen", "Dahl", "Jørgensen", "Halvorsen", "Henriksen",
    "Lund", "Sørensen", "Jakobsen", "Moen", "Gundersen", "Iversen", "Strand", "Solberg",
    "Svendsen", "Eide", "Knutsen", "Martinsen", "Paulsen", "Bakken", "Kristoffersen",
    "Mathisen", "Lie", "Ali", "Ahmed", "Nowak", "Hussein", "Nguyen", "Mohamed",
]  # fmt: skip


@dataclass
class Dataset:
    """What was loaded, and the offices and users the benchmark measures with."""

    scale: float
    today: datetime.date
    participants: int
    big_office_id: int = 0
    small_office_id: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    load_seconds: float = 0.0

    def office_size(self, office_id: int) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COUNT(*) FROM participants_participant WHERE office_id = %s", [office_id]
            )
            return cursor.fetchone()[0]


def _sizes(scale: float) -> tuple[int, int, int]:
    n = max(60, round(PARTICIPANTS * scale))
    big = max(20, round(n * BIG_SHARE))
    small = max(10, round(n * SMALL_SHARE))
    return n, big, small


def _caseworkers(participants: int) -> int:
    return max(1, round(participants / PARTICIPANTS_PER_CASEWORKER))


# %(n)s participants; %(big)s in office 0, %(small)s in office 1, the rest over the others.
# Parameters: office ids (array, index 1 = big), %(today)s, %(now)s, %(seed)s.
_LOAD = [
    "SELECT SETSEED(%(seed)s)",
    # Staff: caseworkers, two approvers and a leader per office. One password hash for all:
    # the load test logs in as 50 distinct caseworkers.
    """INSERT INTO caseworker_user
        (password, is_superuser, username, first_name, last_name, email, is_staff, is_active,
         date_joined, roles, may_see_strictly_confidential, may_see_shielded, office_id)
    SELECT %(password)s, FALSE, s.username, s.first_name, s.last_name, '', FALSE, TRUE,
           %(now)s, ARRAY[s.role]::varchar[], FALSE, FALSE, s.office_id
    FROM (
        SELECT 'Z7' || LPAD(o.i::text, 2, '0') || LPAD(k::text, 3, '0') AS username,
               'Veileder' AS first_name, o.i || '-' || k AS last_name, 'veileder' AS role,
               o.id AS office_id
        FROM UNNEST(%(offices)s::bigint[]) WITH ORDINALITY AS o(id, i)
        CROSS JOIN LATERAL GENERATE_SERIES(1, CASE o.i WHEN 1 THEN %(big_cw)s
                                                       WHEN 2 THEN %(small_cw)s
                                                       ELSE %(other_cw)s END) k
        UNION ALL
        SELECT 'Z7' || LPAD(o.i::text, 2, '0') || r.code, r.first_name, o.i::text, r.role, o.id
        FROM UNNEST(%(offices)s::bigint[]) WITH ORDINALITY AS o(id, i)
        CROSS JOIN (VALUES ('B01', 'Beslutter', 'beslutter'), ('B02', 'Beslutter', 'beslutter'),
                           ('L01', 'Leder', 'leder')) AS r(code, first_name, role)
    ) s""",
    """INSERT INTO participants_participant
        (national_id, birth_date, first_name, last_name, street_address, postal_code,
         postal_area, phone, email, language, needs_interpreter, interpreter_language,
         address_protection, shielded, created_at, updated_at, version, caseworker_id,
         office_id, sex, civil_status, journal_number)
    SELECT '7' || LPAD(g::text, 10, '0'), DATE '1958-06-01' + (g * 397) %% 16500,
           (%(first_names)s::text[])[1 + FLOOR(RANDOM() * %(first_count)s)::int],
           (%(last_names)s::text[])[1 + FLOOR(RANDOM() * %(last_count)s)::int],
           'Benchmarkveien ' || g, '0150', 'OSLO', '', '', 'norsk', FALSE, '', '', FALSE,
           %(now)s, %(now)s, 1, NULL,
           (%(offices)s::bigint[])[CASE WHEN g <= %(big)s THEN 1
                                        WHEN g <= %(big)s + %(small)s THEN 2
                                        ELSE 3 + g %% %(other_offices)s END],
           (1 + g %% 2)::text, (1 + g %% 5)::text, ''
    FROM GENERATE_SERIES(1, %(n)s) g""",
    # Each participant's caseworker: the office's caseworkers in turn.
    """UPDATE participants_participant p SET caseworker_id = c.id
    FROM (SELECT id, office_id, ROW_NUMBER() OVER (PARTITION BY office_id ORDER BY id) - 1 AS k,
                 COUNT(*) OVER (PARTITION BY office_id) AS cnt
          FROM caseworker_user WHERE roles = ARRAY['veileder']::varchar[]) c
    WHERE c.office_id = p.office_id AND c.k = (p.id / 2) %% c.cnt""",
    """INSERT INTO participants_child (name, birth_date, supported, participant_id)
    SELECT 'Barn', %(today)s - (2 * 365 + id %% 5000)::int, TRUE, id
    FROM participants_participant WHERE id %% 4 = 0""",
    # Five programmes per participant in slots 0–4: four two years apart, and the latest started
    # in the last two years (a steady flow of new programmes); the application came in a month
    # before. The slot travels in work_capacity_reference until the programme is made.
    """INSERT INTO decisions_application
        (version, created_at, updated_at, received_on, received_via, status, benefits_checked,
         entitled_benefits, work_capacity_reference, closed_reason, created_by_id, office_id,
         participant_id, benefits_before, previous_kvp_municipality)
    SELECT 1, %(now)s, %(now)s,
           CASE WHEN k < %(slots)s - 1 THEN %(today)s - (5 - k) * 730 + ((p.id * 37) %% 200)::int
                ELSE %(today)s - ((p.id * 37) %% 730)::int END - 30, 'digital',
           'avgjort', '{}'::varchar[], '{}'::varchar[], 'bench:' || k, '', p.caseworker_id,
           p.office_id, p.id, '{2}'::varchar[], ''
    FROM participants_participant p CROSS JOIN GENERATE_SERIES(0, %(slots)s - 1) k""",
    # Slots 0–3 ended 250–649 days after the start; the latest is current for every other
    # participant and for the rest ended 200–499 days after its start, if that day has come.
    """INSERT INTO decisions_programme
        (participant_id, office_id, application_id, start_date, ended_on, created_at,
         received_assistance, assistance_during)
    SELECT participant_id, office_id, id, received_on + 30,
           CASE WHEN work_capacity_reference <> 'bench:' || (%(slots)s - 1)
                THEN received_on + 30 + 250 + (((id + participant_id) * 53) %% 400)::int
                WHEN participant_id %% 2 = 1
                     AND received_on + 30 + 200 + ((participant_id * 53) %% 300)::int <= %(today)s
                THEN received_on + 30 + 200 + ((participant_id * 53) %% 300)::int END,
           %(now)s, FALSE, '{}'
    FROM decisions_application""",
    """INSERT INTO decisions_decision
        (version, created_at, updated_at, kind, status, period_start, period_end,
         effective_date, reasoning, legal_basis, details, drafted_by_id, sent_for_approval_at,
         approved_by_id, approved_at, return_reason, return_comment, participant_id, office_id,
         application_id, programme_id)
    SELECT 1, %(now)s, %(now)s, d.kind, 'approved', d.period_start, d.period_end,
           d.effective_date, 'Vilkårene i sosialtjenesteloven § 29 er oppfylt.',
           'sosialtjenesteloven §§ 29–35', d.details, a.created_by_id, %(now)s, b.id,
           (p.start_date - 5)::timestamp AT TIME ZONE 'Europe/Oslo', '', '',
           p.participant_id, p.office_id,
           CASE WHEN d.kind = 'grant' THEN p.application_id END, p.id
    FROM decisions_programme p
    JOIN decisions_application a ON a.id = p.application_id
    JOIN caseworker_user b ON b.office_id = p.office_id AND b.username LIKE 'Z7%%B01'
    CROSS JOIN LATERAL (VALUES
        ('grant', p.start_date, (p.start_date + INTERVAL '1 year')::date - 1, NULL::date,
         '{}'::jsonb),
        ('extension', (p.start_date + INTERVAL '1 year')::date,
         (p.start_date + INTERVAL '2 years')::date - 1, NULL, '{}'),
        ('interruption', NULL, NULL, p.start_date + 60 + (p.id %% 40)::int, '{}'),
        ('resumption', NULL, NULL, p.start_date + 80 + (p.id %% 40)::int, '{}'),
        ('termination', NULL, NULL, p.ended_on,
         JSONB_BUILD_OBJECT(
            'termination_reason', (ARRAY['completed', 'work', 'education', 'moved',
                                         'interruption_limit'])[1 + p.id %% 5],
            'situation_after', (ARRAY['01', '11', '03', '04', '13', '14', '15', '16', '10',
                                      '17'])[1 + p.id %% 10]))
    ) AS d(kind, period_start, period_end, effective_date, details)
    WHERE NOT (d.kind = 'termination' AND p.ended_on IS NULL)
      -- The extension is decided two months before the grant runs out; nothing in the future.
      AND NOT (d.kind = 'extension' AND COALESCE(p.ended_on, %(today)s + 60)
                                        < (p.start_date + INTERVAL '1 year')::date)
      AND NOT (d.kind IN ('interruption', 'resumption')
               AND d.effective_date > COALESCE(p.ended_on, %(today)s))""",
    # Awaiting approval: an extension drafted for the current programme of every tenth
    # participant (ids are consecutive per office, so every office has some).
    """INSERT INTO decisions_decision
        (version, created_at, updated_at, kind, status, period_start, period_end,
         effective_date, reasoning, legal_basis, details, drafted_by_id, sent_for_approval_at,
         return_reason, return_comment, participant_id, office_id, programme_id)
    SELECT 1, %(now)s, %(now)s, 'extension', 'awaiting_approval', e.period_end + 1,
           (e.period_end + 1 + INTERVAL '1 year')::date - 1,
           NULL, 'Særlige grunner: deltakeren er nær ordinært arbeid.', '', '{}',
           pp.caseworker_id, %(now)s - (p.id %% 20) * INTERVAL '1 day', '', '',
           p.participant_id, p.office_id, p.id
    FROM decisions_programme p JOIN participants_participant pp ON pp.id = p.participant_id
    JOIN LATERAL (SELECT MAX(period_end) AS period_end FROM decisions_decision
                  WHERE programme_id = p.id AND status = 'approved') e ON TRUE
    WHERE p.ended_on IS NULL AND p.participant_id %% 10 = 0""",
    """INSERT INTO decisions_approvedleave
        (programme_id, participant_id, start, "end", reason, note, registered_by_id, created_at)
    SELECT p.id, p.participant_id, p.start_date + 150, p.start_date + 179, 'other', '',
           pp.caseworker_id, %(now)s
    FROM decisions_programme p JOIN participants_participant pp ON pp.id = p.participant_id
    WHERE p.id %% 10 = 0 AND p.start_date + 179 <= COALESCE(p.ended_on, %(today)s)""",
    # History of the worklist: the D3 task of every programme's grant, closed when the
    # extension or termination came. Open tasks come from the real deadline scan afterwards.
    """INSERT INTO decisions_task
        (kind, participant_id, office_id, programme_id, due_date, assignee_id, status,
         created_at, closed_at, closed_reason)
    SELECT 'decision_period_ending', p.participant_id, p.office_id, p.id,
           (p.start_date + INTERVAL '1 year')::date - 31, pp.caseworker_id, 'closed',
           %(now)s, %(now)s, 'resolved'
    FROM decisions_programme p JOIN participants_participant pp ON pp.id = p.participant_id
    WHERE p.ended_on IS NOT NULL""",
    """INSERT INTO plans_planactivity
        (version, created_at, updated_at, activity_type, name, start, "end", weekdays,
         hours_per_week, created_by_id, updated_by_id, participant_id, programme_id)
    SELECT 1, %(now)s, %(now)s, 'arbeidssoking', 'Jobbklubb', p.start_date,
           COALESCE(p.ended_on, (p.start_date + INTERVAL '2 years')::date - 1),
           '{0,1,2,3,4}', 37.5, pp.caseworker_id, pp.caseworker_id, p.participant_id, p.id
    FROM decisions_programme p JOIN participants_participant pp ON pp.id = p.participant_id
    JOIN decisions_application a ON a.id = p.application_id
    WHERE a.work_capacity_reference = 'bench:' || (%(slots)s - 1)""",
    # Attendance: the last 20 whole weeks of each participant's latest programme that has
    # lasted that long, one absence in five weeks.
    """INSERT INTO stipend_attendanceweek (week_start, version, updated_at, participant_id,
                                          updated_by_id)
    SELECT w.week_start, 1, %(now)s, p.participant_id, pp.caseworker_id
    FROM (SELECT DISTINCT ON (participant_id) * FROM decisions_programme
          WHERE LEAST(ended_on, %(today)s) - start_date >= 7 * (%(weeks)s + 1)
          ORDER BY participant_id, start_date DESC) p
    JOIN participants_participant pp ON pp.id = p.participant_id
    CROSS JOIN LATERAL (
        SELECT DATE_TRUNC('week', LEAST(p.ended_on, %(today)s))::date - 7 * k AS week_start
        FROM GENERATE_SERIES(1, %(weeks)s) k) w""",
    """INSERT INTO stipend_absence
        (day, kind, override_reason, registered_at, participant_id, programme_id,
         registered_by_id)
    SELECT w.week_start + (w.participant_id %% 5)::int,
           (ARRAY['egenmelding', 'legeerklaering', 'barns_sykdom', 'ferie',
                  'velferdspermisjon'])[1 + (w.id / 5) %% 5],
           '', %(now)s, w.participant_id, p.id, w.updated_by_id
    FROM stipend_attendanceweek w
    JOIN decisions_programme p ON p.participant_id = w.participant_id
         AND p.start_date <= w.week_start
         AND (p.ended_on IS NULL OR p.ended_on >= w.week_start + 4)
    WHERE w.id %% 5 = 0""",
    # The vedtaksbrev of every latest programme's grant, as issued (the same synthetic PDF).
    """INSERT INTO decisions_document
        (kind, title, pdf, sha256, data, template_version, created_at, decision_id,
         issued_by_id, office_id, participant_id, programme_id)
    SELECT 'vedtaksbrev', 'Vedtak om kvalifiseringsprogram', %(pdf)s, %(sha256)s,
           JSONB_BUILD_OBJECT('decision', d.id), 'bench', %(now)s, d.id, d.approved_by_id,
           d.office_id, d.participant_id, NULL
    FROM decisions_decision d JOIN decisions_programme p ON p.id = d.programme_id
    JOIN decisions_application a ON a.id = p.application_id
    WHERE d.kind = 'grant' AND a.work_capacity_reference = 'bench:' || (%(slots)s - 1)""",
    """UPDATE decisions_application SET work_capacity_reference = ''
    WHERE work_capacity_reference LIKE 'bench:%%'""",
]

_COUNTED = {
    "participants": "participants_participant",
    "programmes": "decisions_programme",
    "decisions": "decisions_decision",
    "attendance weeks": "stipend_attendanceweek",
    "absences": "stipend_absence",
    "tasks": "decisions_task",
    "documents": "decisions_document",
}


def _letter_pdf() -> bytes:
    from kvp.pdf import html_to_pdf

    return html_to_pdf(
        "<h1>Vedtak om kvalifiseringsprogram</h1><p>Du får kvalifiseringsprogram.</p>",
        title="Vedtak om kvalifiseringsprogram",
    )


def national_dataset_load(*, scale: float = 1.0, seed: float = 0.42) -> Dataset:
    """Load the dataset into the (empty, freshly migrated) benchmark database, VACUUM
    ANALYZE it and return what was loaded. Attendance days = attendance weeks × 5."""
    from caseworker.models import Office

    n, big, small = _sizes(scale)
    today = clock.today()
    started = time.perf_counter()
    pdf = _letter_pdf()
    with transaction.atomic():
        offices = [
            Office.objects.create(
                name="NAV Benchmark Oslo", unit_number="B001", municipality_number="0301"
            ),
            Office.objects.create(
                name="NAV Benchmark Lite", unit_number="B002", municipality_number="5001"
            ),
            *(
                Office.objects.create(
                    name=f"NAV Benchmark {i:02d}", unit_number=f"B{i:03d}", municipality_number=""
                )
                for i in range(3, 3 + OTHER_OFFICES)
            ),
        ]
        params = {
            "seed": seed,
            "offices": [o.pk for o in offices],
            "other_offices": OTHER_OFFICES,
            "big_cw": _caseworkers(big),
            "small_cw": _caseworkers(small),
            "other_cw": _caseworkers((n - big - small) / OTHER_OFFICES),
            "password": make_password(BENCH_PASSWORD),
            "first_names": FIRST_NAMES,
            "first_count": len(FIRST_NAMES),
            "last_names": LAST_NAMES,
            "last_count": len(LAST_NAMES),
            "n": n,
            "big": big,
            "small": small,
            "slots": PROGRAMMES_PER_PARTICIPANT,
            "weeks": ATTENDANCE_WEEKS,
            "today": today,
            "now": clock.now(),
            "pdf": pdf,
            "sha256": hashlib.sha256(pdf).hexdigest(),
        }
        with connection.cursor() as cursor, decision_guard_off(cursor):
            for statement in _LOAD:
                cursor.execute(statement, params)
    with connection.cursor() as cursor:
        # Honest figures: no dead rows from the UPDATEs, fresh statistics everywhere.
        cursor.execute("VACUUM ANALYZE")
        counts = {}
        for label, table in _COUNTED.items():
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - fixed names
            counts[label] = cursor.fetchone()[0]
    counts["attendance days"] = counts["attendance weeks"] * 5
    return Dataset(
        scale=scale,
        today=today,
        participants=n,
        big_office_id=offices[0].pk,
        small_office_id=offices[1].pk,
        counts=counts,
        load_seconds=time.perf_counter() - started,
    )
