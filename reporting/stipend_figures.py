"""Every stipend-derived number the reports use (K2; KOSTRA 11CF STMND_1..12 and KVP_STONAD),
behind one module so the rest of the reporting code does not know where they come from.

They come from what was paid: the approved payment bases (stipend.models.PaymentBasis), each
with its approved total and any back pay (etterbetaling) added later by a G regulation.

- A month *with stipend* (K2, STMND): a month that an approved basis paying more than 0 kr
  covers at least in part. A participant interrupted or on leave for the whole month gets
  no basis that pays, so is not counted (K2: "neither on leave nor interrupted").
- Stipend *paid in the year* (KVP_STONAD): the approved bases whose period ends in the year,
  everything they pay (stipend, barnetillegg and back pay, less deductions), in whole kroner
  rounded half up. A basis for December is paid in January but belongs to the year it is for.

A month the office has not (yet) settled through a payment basis has no stipend here; the
KOSTRA check then warns about missing months, which is the truth of the data. Each function
is one query whatever the number of participants.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection

from stipend.models import BasisStatus
from stipend.rules.calculation import LineKind

# Approved bases of the participants that overlap [first, last], with what each pays in all.
_PAID_BASES = """
WITH basis AS (
    SELECT b.id, b.participant_id, b.period_start, b.period_end,
           b.computed_total_ore + COALESCE((
               SELECT SUM(l.amount_ore) FROM stipend_paymentline l
               WHERE l.basis_id = b.id AND l.kind = %(back_pay)s
           ), 0) AS total_ore
    FROM stipend_paymentbasis b
    JOIN UNNEST(%(ids)s::bigint[]) AS wanted(id) ON wanted.id = b.participant_id
    WHERE b.status = %(approved)s
      AND b.period_start <= %(last)s AND b.period_end >= %(first)s
)
"""

_MONTHS = (
    _PAID_BASES  # noqa: S608 (constant SQL, no input)
    + """
SELECT DISTINCT b.participant_id, EXTRACT(YEAR FROM m)::int, EXTRACT(MONTH FROM m)::int
FROM basis b
CROSS JOIN LATERAL GENERATE_SERIES(
    DATE_TRUNC('month', GREATEST(b.period_start, %(first)s::date)),
    LEAST(b.period_end, %(last)s::date), INTERVAL '1 month') AS m
WHERE b.total_ore > 0
"""
)

_PAID = (
    _PAID_BASES  # noqa: S608 (constant SQL, no input)
    + """
SELECT participant_id, SUM(total_ore)
FROM basis
WHERE period_end BETWEEN %(first)s AND %(last)s
GROUP BY participant_id
"""
)


def _rows(sql: str, participant_ids: Iterable[int], first, last) -> list[tuple]:
    params = {
        "ids": list(participant_ids),
        "first": first,
        "last": last,
        "approved": BasisStatus.APPROVED,
        "back_pay": LineKind.BACK_PAY,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def months_active(
    participant_ids: Iterable[int], first: datetime.date, last: datetime.date
) -> dict[int, set[tuple[int, int]]]:
    """(year, month) pairs from `first` to `last` in which each participant had stipend (K2)."""
    result: dict[int, set[tuple[int, int]]] = defaultdict(set)
    for pid, year, month in _rows(_MONTHS, participant_ids, first, last):
        result[pid].add((year, month))
    return dict(result)


def months_with_stipend(participant_ids: Iterable[int], year: int) -> dict[int, set[int]]:
    """KOSTRA 11CF STMND_1..12: the months of `year` in which each participant had stipend.
    Participants with none are absent from the answer."""
    found = months_active(participant_ids, datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    return {pid: {month for _, month in months} for pid, months in found.items()}


def stipend_paid(participant_ids: Iterable[int], year: int) -> dict[int, int]:
    """KOSTRA 11CF KVP_STONAD: what the approved bases for periods ending in `year` paid each
    participant, in whole kroner (half up). Participants paid nothing are absent."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return {
        pid: (int(total) + 50) // 100
        for pid, total in _rows(_PAID, participant_ids, first, last)
        if total
    }
