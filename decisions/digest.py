"""The daily task digest (issue 4, step 4): one e-mail per caseworker each weekday morning with
the open tasks that are new since their last digest and those that are overdue.

E-mail is not a safe channel for taushetsbelagte opplysninger, so the digest says only how many
tasks of each kind there are, their due dates and where the worklist is: never a participant's
name, national id or anything else about the case.

Once per user and day: the `DigestSent` row is inserted (ON CONFLICT DO NOTHING) in the same
transaction as the e-mail is sent. A doubled job waits on the unique index and then finds the row;
a failed send rolls the row back, so a retry sends. (A crash between the SMTP hand-over and the
commit can still send twice; mail has no two-phase commit.)"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from kvp import clock

from .models import DigestSent, Task, TaskKind, TaskStatus

NEW_WINDOW = datetime.timedelta(hours=24)
"""A user's first digest counts as new what came in during the last 24 hours."""


@dataclass
class DigestLine:
    label: str
    count: int
    due_dates: list[datetime.date]


@dataclass
class Digest:
    day: datetime.date
    new: list[DigestLine] = field(default_factory=list)
    overdue: list[DigestLine] = field(default_factory=list)

    @property
    def new_count(self) -> int:
        return sum(line.count for line in self.new)

    @property
    def overdue_count(self) -> int:
        return sum(line.count for line in self.overdue)

    @property
    def is_empty(self) -> bool:
        return not self.new and not self.overdue


def worklist_url() -> str:
    return settings.KVP_BASE_URL.rstrip("/") + reverse("decisions:worklist")


def _lines(rows: list[tuple[str, datetime.date]]) -> list[DigestLine]:
    """Tasks grouped by kind, in the order of TaskKind; due dates sorted, each listed once."""
    by_kind: dict[str, list[datetime.date]] = defaultdict(list)
    for kind, due_date in rows:
        by_kind[kind].append(due_date)
    return [
        DigestLine(label=label, count=len(by_kind[kind]), due_dates=sorted(set(by_kind[kind])))
        for kind, label in TaskKind.choices
        if by_kind.get(kind)
    ]


def digest_for(*, user_id: int, day: datetime.date) -> Digest:
    """What `user_id`'s digest on `day` holds. Reads only kind and due date of the tasks."""
    last_sent = (
        DigestSent.objects.filter(user_id=user_id, day__lt=day)
        .order_by("-day")
        .values_list("sent_at", flat=True)
        .first()
    )
    since = last_sent or (clock.now() - NEW_WINDOW)
    tasks = Task.objects.filter(assignee_id=user_id, status=TaskStatus.OPEN)
    new = list(tasks.filter(created_at__gt=since).values_list("kind", "due_date"))
    overdue = list(tasks.filter(due_date__lt=day).values_list("kind", "due_date"))
    return Digest(day=day, new=_lines(new), overdue=_lines(overdue))


def _render(digest: Digest) -> tuple[str, str, str]:
    context = {"digest": digest, "worklist_url": worklist_url()}
    subject = (
        f"KVP-sak: oppgaver {digest.day:%d.%m.%Y} – "
        f"{digest.new_count} nye, {digest.overdue_count} forfalte"
    )
    return (
        subject,
        render_to_string("email/digest.txt", context),
        render_to_string("email/digest.html", context),
    )


def task_digest_send(*, user_id: int, day: datetime.date) -> bool:
    """Send `user_id` their digest for `day` unless it was sent already or would be empty.
    True when an e-mail went out."""
    user = get_user_model().objects.get(pk=user_id)
    if not user.is_active or not user.email:
        return False
    with transaction.atomic():
        digest = digest_for(user_id=user_id, day=day)
        if digest.is_empty:
            return False
        with connection.cursor() as cursor:
            cursor.execute(
                """INSERT INTO decisions_digestsent
                        (user_id, day, sent_at, new_count, overdue_count)
                    VALUES (%s, %s, %s, %s, %s)
                    ON CONFLICT (user_id, day) DO NOTHING RETURNING id""",
                [user_id, day, clock.now(), digest.new_count, digest.overdue_count],
            )
            if cursor.fetchone() is None:
                return False  # already sent today, or being sent by a doubled job
        subject, text, html = _render(digest)
        message = EmailMultiAlternatives(subject=subject, body=text, to=[user.email])
        message.attach_alternative(html, "text/html")
        message.send()
    return True


def digest_recipient_ids() -> list[int]:
    """Active users with an e-mail address and at least one open task assigned."""
    return list(
        get_user_model()
        .objects.filter(is_active=True, tasks__status=TaskStatus.OPEN)
        .exclude(email="")
        .values_list("pk", flat=True)
        .distinct()
        .order_by("pk")
    )


def send_task_digests(day: datetime.date) -> int:
    """Every recipient's digest for `day`, each in its own transaction, so a failure part-way
    leaves the sent ones recorded and a retry sends only the rest. Returns how many went out."""
    return sum(task_digest_send(user_id=user_id, day=day) for user_id in digest_recipient_ids())
