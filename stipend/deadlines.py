"""S2 in the nightly deadline scan: from 1 June, a G-year without a registered G gives the
administrators a system task, which closes itself once an administrator registers G."""

from __future__ import annotations

import datetime

from decisions.deadlines import ExtraScan
from decisions.models import TaskKind
from stipend.rules import rates

_DESIRED = """
SELECT NULL::bigint AS participant_id, NULL::bigint AS office_id,
       NULL::bigint AS programme_id, NULL::bigint AS application_id,
       %(g_registered_by)s::date AS due_date, NULL::bigint AS assignee_id
WHERE %(today)s >= %(g_registered_by)s
  AND NOT EXISTS (
      SELECT 1 FROM stipend_baseamount b
      WHERE b.effective_from >= %(g_year_start)s AND b.effective_from <= %(today)s
  )"""


def _params(today: datetime.date) -> dict[str, object]:
    start = rates.g_year_start(today)
    month, day = rates.BASE_AMOUNT_REGISTERED_BY
    return {"g_year_start": start, "g_registered_by": datetime.date(start.year, month, day)}


scan_base_amount_missing = ExtraScan(
    kind=str(TaskKind.BASE_AMOUNT_MISSING), desired=_DESIRED, params=_params
)
