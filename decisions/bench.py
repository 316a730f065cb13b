"""What the benchmark commands (decisions' bench_deadlines and bench_letters, reporting's
bench_dashboard and bench_national) share: loading synthetic approved decisions past the guard
trigger, removing a benchmark office with everything hanging off it, the plain query the
deadline scan is compared with, and one vedtaksbrev from the database to PDF."""

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


# The same rows the deadline scan starts from: each open programme's current vedtak period end.
DEADLINE_PLAIN_QUERY = """
SELECT COUNT(*) FROM (
    SELECT d.programme_id, MAX(d.period_end)
    FROM decisions_decision d
    JOIN decisions_programme p ON p.id = d.programme_id
    WHERE p.ended_on IS NULL AND d.status = 'approved'
    GROUP BY d.programme_id
) x"""


def letter_render(decision_id: int) -> tuple[str, str]:
    """One vedtaksbrev as the Celery task makes it (load the decision, gather the data, fill
    the template, html_to_pdf), storing nothing; returns the HTML and title for a comparison
    with WeasyPrint alone."""
    from decisions import documents
    from kvp.pdf import html_to_pdf

    decision = documents._letter_decisions().get(pk=decision_id)
    data = documents.letter_data(decision)
    html = documents.letter_html(data)
    html_to_pdf(html, title=data["title"])
    return html, data["title"]
