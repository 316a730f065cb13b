"""Content-Security-Policy: every page a user can reach carries the header, and no page has
inline script, inline style or event-handler attributes that the policy would block.

"Every page": the demo data is loaded and the site is crawled by following its own links
(same origin, GET) as a caseworker, an approver, a leader, an appeals officer and an
administrator, plus the pages one sees logged out.
"""

from __future__ import annotations

from collections import deque
from urllib.parse import urldefrag, urlparse

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from caseworker.models import User

MAX_PAGES_PER_USER = 120
SKIP_PREFIXES = ("/logg-ut/", "/static/", "/oidc/", "/admin/")


def policy(response) -> dict[str, str]:
    header = response.headers.get("Content-Security-Policy", "")
    return {
        part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2]
        for part in header.split(";")
        if part.strip()
    }


def inline_problems(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    problems = []
    for script in soup.find_all("script"):
        if not script.get("src") or script.get_text(strip=True):
            problems.append(f"inline <script>: {str(script)[:80]}")
    problems += [f"<style> element: {str(s)[:80]}" for s in soup.find_all("style")]
    for tag in soup.find_all(True):
        for attr in tag.attrs:
            if attr == "style" or attr.lower().startswith("on"):
                problems.append(f"{attr}= on <{tag.name}>: {str(tag)[:80]}")
        href = tag.get("href") or ""
        if isinstance(href, str) and href.strip().lower().startswith("javascript:"):
            problems.append(f"javascript: link: {str(tag)[:80]}")
    return problems


def assert_strict_policy(response, url: str) -> None:
    directives = policy(response)
    assert directives.get("default-src") == "'self'", f"{url}: {directives}"
    assert directives.get("script-src") == "'self'", f"{url}: {directives}"
    assert directives.get("style-src") == "'self'", f"{url}: {directives}"
    assert "unsafe" not in response.headers["Content-Security-Policy"], url
    assert directives.get("frame-ancestors") == "'none'", url


def crawl(client: Client, start: str) -> dict[str, int]:
    seen: dict[str, int] = {}
    queue = deque([start])
    while queue and len(seen) < MAX_PAGES_PER_USER:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response.status_code
        assert response.status_code < 500, f"{url} answered {response.status_code}"
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        assert_strict_policy(response, url)
        if response.status_code != 200:
            continue
        html = response.content.decode()
        problems = inline_problems(html)
        assert not problems, f"{url}:\n" + "\n".join(problems)
        for link in BeautifulSoup(html, "html.parser").find_all("a", href=True):
            href = urldefrag(link["href"])[0]
            parsed = urlparse(href)
            if parsed.scheme or parsed.netloc or not href.startswith("/"):
                continue
            if href.startswith(SKIP_PREFIXES) or href in seen:
                continue
            queue.append(href)
    return seen


@pytest.fixture
def demo(db, settings):
    settings.KVP_ALLOW_SYNTHETIC_IDS = True
    call_command("demo_data", verbosity=0)


# Demo persona -> fewest pages the crawl must reach (Statsforvalteren and the administrator
# have a home page only; Django's own admin pages are not crawled).
PERSONAS = {"Z990001": 40, "Z990003": 10, "Z990004": 40, "Z990021": 1, "Z990031": 1}


@pytest.mark.parametrize("username", list(PERSONAS), ids=str)
def test_every_page_has_a_strict_policy_and_no_inline_script(demo, username):
    client = Client()
    client.force_login(User.objects.get(username=username))
    seen = crawl(client, reverse("home"))
    reached = [url for url, code in seen.items() if code == 200]
    assert len(reached) >= PERSONAS[username], seen


def test_logged_out_pages_and_error_pages_have_the_policy(client, db):
    for url in [reverse("login"), "/finnes-ikke/"]:
        response = client.get(url)
        assert_strict_policy(response, url)
        assert not inline_problems(response.content.decode()), url


def test_font_origin_is_the_only_foreign_one(client, db):
    directives = policy(client.get(reverse("login")))
    foreign = {
        source
        for value in directives.values()
        for source in value.split()
        if source.startswith(("http:", "https:"))
    }
    assert foreign == {"https://cdn.nav.no"}
    assert directives["font-src"] == "'self' https://cdn.nav.no"
