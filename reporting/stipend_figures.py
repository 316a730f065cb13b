"""Every stipend-derived number the reports use (K2; KOSTRA 11CF STMND_1..12 and KVP_STONAD),
behind one module so the rest of the reporting code does not know how they are computed.

Today they are computed from the case: a month *with stipend* is a month in which the
programme had at least one active day — inside an approved vedtak period, on or before the
last day of the programme, not interrupted and not on approved leave — because the stipend
is paid for every such day (RULES.md S6, S10, D2). The amount paid is the yearly rate from
the G register (stipend.models.BaseAmount, S2) and stipend/rules/rates.py (S1, S3: 2/3
under 25) divided by 260 per working day (S5), for each active working day.

The lead will switch both functions to the approved payment bases (the stipend app's
periods with approved lines) when that branch lands; the signatures stay. Each function is
one query whatever the number of participants (plus SET LOCAL jit = off, see _execute).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction

from stipend.rules import rates

# Each programme's active days as a multirange: approved vedtak periods, cut to the
# programme's start and last day, minus interruptions (from the interruption's date up to
# the day before the resumption; open-ended while not resumed) and approved leave.
_ACTIVE_DAYS = """
WITH prog AS (
    SELECT p.id, p.participant_id,
           RANGE_AGG(DATERANGE(d.period_start, d.period_end, '[]'))
             * DATEMULTIRANGE(DATERANGE(p.start_date, p.ended_on, '[]')) AS granted
    FROM decisions_programme p
    JOIN decisions_decision d
      ON d.programme_id = p.id AND d.status = 'approved'
     AND d.kind IN ('grant', 'extension', 'special_extension')
    WHERE p.participant_id IN (SELECT UNNEST(%(ids)s::bigint[]))
      AND p.start_date <= %(last)s AND (p.ended_on IS NULL OR p.ended_on >= %(first)s)
    GROUP BY p.id
), pauses AS (
    SELECT i.programme_id, DATERANGE(i.effective_date, r.effective_date, '[)') AS span
    FROM decisions_decision i
    LEFT JOIN LATERAL (
        SELECT MIN(r.effective_date) AS effective_date FROM decisions_decision r
        WHERE r.programme_id = i.programme_id AND r.status = 'approved'
          AND r.kind = 'resumption' AND r.effective_date > i.effective_date
    ) r ON TRUE
    WHERE i.programme_id IN (SELECT id FROM prog)
      AND i.status = 'approved' AND i.kind = 'interruption'
    UNION ALL
    SELECT l.programme_id, DATERANGE(l.start, l."end", '[]')
    FROM decisions_approvedleave l WHERE l.programme_id IN (SELECT id FROM prog)
), active AS (
    SELECT prog.participant_id,
           (prog.granted - COALESCE(RANGE_AGG(pauses.span), '{}'::datemultirange))
             * DATEMULTIRANGE(DATERANGE(%(first)s, %(last)s, '[]')) AS days
    FROM prog LEFT JOIN pauses ON pauses.programme_id = prog.id
    GROUP BY prog.id, prog.participant_id, prog.granted
)
"""

_MONTHS = (
    _ACTIVE_DAYS  # noqa: S608 (constant SQL, no input)
    + """
SELECT a.participant_id, EXTRACT(YEAR FROM m)::int, EXTRACT(MONTH FROM m)::int
FROM active a
CROSS JOIN GENERATE_SERIES(
    DATE_TRUNC('month', %(first)s::date), %(last)s::date, INTERVAL '1 month') AS m
WHERE a.days && DATERANGE(m::date, (m + INTERVAL '1 month')::date, '[)')
"""
)

# Active working days (Monday–Friday, S5) per participant, G in force (S2), rate before or
# from 01.07.2024 (S1) and under or over 25 (S3): the active days are cut into pieces at each
# of those boundaries as ranges, and only then are working days counted.
_PAID_DAYS = (
    _ACTIVE_DAYS  # noqa: S608 (constant SQL, no input)
    + """
, gp AS (
    SELECT b.amount, DATERANGE(b.effective_from,
                               LEAD(b.effective_from) OVER (ORDER BY b.effective_from)) AS span
    FROM stipend_baseamount b
), pieces AS (
    SELECT a.participant_id, gp.amount, f.rate_2041, y.under_25,
           a.days * DATEMULTIRANGE(gp.span) * DATEMULTIRANGE(f.span)
             * DATEMULTIRANGE(y.span) AS days
    FROM active a
    JOIN participants_participant pp ON pp.id = a.participant_id
    JOIN gp ON gp.span && DATERANGE(%(first)s, %(last)s, '[]')
    CROSS JOIN (VALUES (FALSE, DATERANGE(NULL, %(rate_2041_from)s)),
                       (TRUE, DATERANGE(%(rate_2041_from)s, NULL))) AS f(rate_2041, span)
    CROSS JOIN LATERAL (VALUES
        (TRUE, DATERANGE(NULL, (pp.birth_date + INTERVAL '25 years')::date)),
        (FALSE, DATERANGE((pp.birth_date + INTERVAL '25 years')::date, NULL))
    ) AS y(under_25, span)
)
SELECT p.participant_id, p.amount, p.rate_2041, p.under_25,
       (SELECT COUNT(*) FROM UNNEST(p.days) AS r
        CROSS JOIN LATERAL GENERATE_SERIES(LOWER(r), UPPER(r) - 1, INTERVAL '1 day') AS d
        WHERE EXTRACT(ISODOW FROM d) < 6)
FROM pieces p
WHERE NOT ISEMPTY(p.days)
"""
)


def _execute(sql: str, params: dict) -> list[tuple]:
    """Run one statement without PostgreSQL's JIT: the range arithmetic makes the planner's
    cost estimate huge, and compiling would take seconds for a query that runs in tens of
    milliseconds."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, params)
        return cursor.fetchall()


def _params(participant_ids: Iterable[int], first: datetime.date, last: datetime.date) -> dict:
    return {"ids": list(participant_ids), "first": first, "last": last}


def months_active(
    participant_ids: Iterable[int], first: datetime.date, last: datetime.date
) -> dict[int, set[tuple[int, int]]]:
    """(year, month) pairs from `first` to `last` in which each participant had stipend (K2)."""
    result: dict[int, set[tuple[int, int]]] = defaultdict(set)
    for pid, year, month in _execute(_MONTHS, _params(participant_ids, first, last)):
        result[pid].add((year, month))
    return dict(result)


def months_with_stipend(participant_ids: Iterable[int], year: int) -> dict[int, set[int]]:
    """KOSTRA 11CF STMND_1..12: the months of `year` in which each participant had stipend.
    Participants with none are absent from the answer."""
    found = months_active(participant_ids, datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    return {pid: {month for _, month in months} for pid, months in found.items()}


def stipend_paid(participant_ids: Iterable[int], year: int) -> dict[int, int]:
    """KOSTRA 11CF KVP_STONAD: stipend for `year` in whole kroner per participant (without
    barnetillegg, which SSB does not ask for). Days before the first registered G count
    nothing."""
    params = _params(participant_ids, datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    params["rate_2041_from"] = rates.RATE_2041_FROM
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for pid, base_amount, rate_2041, under_25, days in _execute(_PAID_DAYS, params):
        day = rates.RATE_2041_FROM if rate_2041 else datetime.date(2000, 1, 1)
        yearly = rates.yearly_rate(base_amount=base_amount, day=day, under_25=under_25)
        totals[pid] += Decimal(yearly) * days / rates.WORKING_DAYS_PER_YEAR
    return {
        pid: int(total.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        for pid, total in totals.items()
    }
