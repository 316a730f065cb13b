"""`make bench`, part two: 50 caseworkers of the Oslo-sized benchmark office at work against
gunicorn on loopback (devtools/bench.py starts both). Each simulated user logs in with the
NAV-ident and password form as a different caseworker (so django-axes sees 50 successful logins
from 50 users, nothing to lock out), then browses as a caseworker does: their own participants,
their worklist, one of their participants' pages, and a name search.

The users come from the JSON file bench_national --users-file writes; its path is in
KVP_BENCH_USERS.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re

from locust import HttpUser, between, task

with open(os.environ["KVP_BENCH_USERS"], encoding="utf-8") as _file:
    _CONFIG = json.load(_file)
_NEXT_USER = itertools.count()
_LOGGED_IN = itertools.count(1)
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Caseworker(HttpUser):
    # A caseworker reads a page before opening the next: 2–8 s (5 s on average) is a brisk
    # pace for case work, so 50 of them ask for about 10 pages a second.
    wait_time = between(2.0, 8.0)

    def on_start(self) -> None:
        users = _CONFIG["users"]
        me = users[next(_NEXT_USER) % len(users)]
        self.participants = me["participants"]
        self.random = random.Random(me["username"])  # the same walk on every run
        page = self.client.get("/logg-inn/", name="login page")
        token = _CSRF.search(page.text)
        with self.client.post(
            "/logg-inn/",
            data={
                "username": me["username"],
                "password": _CONFIG["password"],
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": f"{self.host}/logg-inn/"},
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login as {me['username']} answered {response.status_code}")
        # The logins (PBKDF2 with Django's production cost) keep both cores busy while the
        # users arrive. The figures are for the caseworkers at work: they start when the last
        # one has logged in. A failed login shows later as redirects, which count as errors.
        if next(_LOGGED_IN) == self.environment.runner.target_user_count:
            self.environment.stats.reset_all()

    def page(self, path: str, name: str) -> None:
        """A page counts only as itself: a redirect (to the login page, say) is an error."""
        with self.client.get(
            path, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{path} answered {response.status_code}")

    @task(3)
    def my_participants(self) -> None:
        self.page("/deltakere/?mine=on", "/deltakere/?mine=on")

    @task(3)
    def worklist(self) -> None:
        self.page("/sak/oppgaver/", "/sak/oppgaver/")

    @task(4)
    def participant_page(self) -> None:
        if self.participants:
            pk = self.random.choice(self.participants)
            self.page(f"/deltakere/{pk}/", "/deltakere/<id>/")

    @task(2)
    def search(self) -> None:
        self.page(f"/deltakere/?q={_CONFIG['search']}", "/deltakere/?q=…")
