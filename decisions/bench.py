"""What the benchmark commands (decisions' bench_deadlines, reporting's bench_dashboard) share:
loading synthetic approved decisions past the guard trigger, and removing a benchmark office
with everything hanging off it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def decision_guard_off(cursor) -> Iterator[None]:
    """The guard trigger refuses inserting or deleting approved decisions (they must go through
    two-person approval). Synthetic benchmark rows have no such history, so it is off inside
    the caller's transaction only; ALTER TABLE is transactional and holds an exclusive lock
    until commit, so no other session ever sees the table unguarded."""
    cursor.execute("ALTER TABLE decisions_decision DISABLE TRIGGER decisions_decision_guard")
    yield
    # Django's foreign keys are deferred; their checks must run before ALTER TABLE.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("ALTER TABLE decisions_decision ENABLE TRIGGER decisions_decision_guard")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


_DELETE_OFFICE = (
    "DELETE FROM decisions_task WHERE office_id = %(o)s",
    "DELETE FROM decisions_decision WHERE office_id = %(o)s",
    """DELETE FROM decisions_approvedleave l USING decisions_programme p
       WHERE p.id = l.programme_id AND p.office_id = %(o)s""",
    "DELETE FROM decisions_programme WHERE office_id = %(o)s",
    "DELETE FROM decisions_application WHERE office_id = %(o)s",
    """DELETE FROM participants_child c USING participants_participant p
       WHERE p.id = c.participant_id AND p.office_id = %(o)s""",
    "DELETE FROM participants_participant WHERE office_id = %(o)s",
    "DELETE FROM caseworker_user WHERE office_id = %(o)s",
    "DELETE FROM caseworker_office WHERE id = %(o)s",
)


def bench_office_delete(office_id: int) -> None:
    """Remove a benchmark office and every row the benchmark loaded for it."""
    with transaction.atomic(), connection.cursor() as cursor, decision_guard_off(cursor):
        for statement in _DELETE_OFFICE:
            cursor.execute(statement, {"o": office_id})
