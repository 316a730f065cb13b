"""Load demo data: two offices, staff for every role, about 60 participants with synthetic
national ids, and their applications and programmes in every state. Idempotent: a second
run changes nothing and creates nothing new."""

from __future__ import annotations

import datetime
import random

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from caseworker.models import Office, Role, User
from decisions.deadlines import scan_deadlines
from decisions.demo import seed_cases, seed_documents
from kvp import clock
from participants.models import AddressProtection, Child, Participant
from participants.national_id import make_synthetic_national_id

DEMO_PASSWORD = "kvp-demo-2026"

OFFICES = [
    {
        "unit_number": "0315",
        "name": "NAV Grünerløkka",
        "municipality_number": "0301",
        "district_number": "02",
        "district_name": "Grünerløkka",
    },
    {
        "unit_number": "1203",
        "name": "NAV Bergenhus",
        "municipality_number": "4601",
        "district_number": "",
        "district_name": "",
    },
]

# username, first, last, roles, office unit, strictly confidential, shielded
STAFF = [
    ("Z990001", "Kari", "Nordmann", [Role.CASEWORKER], "0315", False, False),
    ("Z990002", "Ola", "Hansen", [Role.CASEWORKER], "0315", False, False),
    ("Z990003", "Ingrid", "Berg", [Role.APPROVER], "0315", False, False),
    ("Z990004", "Lise", "Dahl", [Role.LEADER], "0315", True, True),
    ("Z990005", "Anders", "Lie", [Role.CASEWORKER], "0315", True, True),
    ("Z990011", "Sofie", "Johansen", [Role.CASEWORKER], "1203", False, False),
    ("Z990012", "Magnus", "Olsen", [Role.APPROVER], "1203", False, False),
    ("Z990013", "Hilde", "Kristiansen", [Role.LEADER], "1203", False, False),
    ("Z990021", "Eva", "Moe", [Role.APPEALS_OFFICER], None, False, False),
    ("Z990031", "Tor", "Haugen", [Role.ADMIN], None, False, False),
]

FIRST_NAMES = [
    "Emma",
    "Nora",
    "Sara",
    "Ida",
    "Ingrid",
    "Thea",
    "Maja",
    "Sofie",
    "Linnea",
    "Hanne",
    "Amina",
    "Fatima",
    "Aleksandra",
    "Marta",
    "Hodan",
    "Jonas",
    "Lukas",
    "Emil",
    "Magnus",
    "Henrik",
    "Mats",
    "Kristian",
    "Sander",
    "Mohammed",
    "Ali",
    "Piotr",
    "Tomasz",
    "Yonas",
    "Bjørn",
    "Øyvind",
    "Terje",
    "Geir",
    "Randi",
    "Turid",
    "Åse",
    "Siv",
]
LAST_NAMES = [
    "Hansen",
    "Johansen",
    "Olsen",
    "Larsen",
    "Andersen",
    "Pedersen",
    "Nilsen",
    "Kristiansen",
    "Jensen",
    "Karlsen",
    "Johnsen",
    "Pettersen",
    "Eriksen",
    "Berg",
    "Haugen",
    "Hagen",
    "Johannessen",
    "Andreassen",
    "Jacobsen",
    "Dahl",
    "Jørgensen",
    "Halvorsen",
    "Henriksen",
    "Lund",
    "Sørensen",
    "Ahmed",
    "Hussain",
    "Nowak",
    "Kowalski",
    "Tesfaye",
    "Mohamud",
    "Bakke",
    "Strand",
    "Solberg",
    "Moen",
    "Aas",
]
STREETS = {
    "0315": [
        ("Thorvald Meyers gate", "0555", "OSLO"),
        ("Markveien", "0554", "OSLO"),
        ("Seilduksgata", "0553", "OSLO"),
        ("Toftes gate", "0556", "OSLO"),
        ("Københavngata", "0566", "OSLO"),
    ],
    "1203": [
        ("Nygårdsgaten", "5015", "BERGEN"),
        ("Kong Oscars gate", "5017", "BERGEN"),
        ("Sandviksveien", "5035", "BERGEN"),
        ("Øvre Ole Bulls plass", "5012", "BERGEN"),
    ],
}
LANGUAGES = ["norsk"] * 7 + ["somali", "arabisk", "polsk", "tigrinja"]
PARTICIPANTS_PER_OFFICE = 30


class Command(BaseCommand):
    help = "Laster demodata (to kontorer, ansatte i alle roller, ca. 60 deltakere)."

    def handle(self, *args, **options):
        if not settings.KVP_ALLOW_SYNTHETIC_IDS:
            raise CommandError(
                "Demodata bruker syntetiske fødselsnumre. Sett KVP_ALLOW_SYNTHETIC_IDS=1 "
                "(aldri i produksjon)."
            )
        with transaction.atomic():
            offices = self._offices()
            staff = self._staff(offices)
            created = self._participants(offices, staff)
            cases = seed_cases()
            # Apps that build on the case (plans, …) add their demo data through a
            # `seed_demo()` on their AppConfig, so this command imports none of them.
            seeded = [c.seed_demo() for c in apps.get_app_configs() if hasattr(c, "seed_demo")]
        self.stdout.write(f"Demosaker: {cases} nye søknader og program.")
        for line in seeded:
            self.stdout.write(line)
        with transaction.atomic():
            letters, certificates = seed_documents()
        self.stdout.write(
            f"Dokumenter: {letters} nye vedtaksbrev, {certificates} nye deltakerbevis."
        )
        # The worklist should show today's deadlines at once, not after the nightly scan.
        scan = scan_deadlines(clock.today())
        self.stdout.write(f"Fristskanning: {sum(scan.created.values())} nye oppgaver.")
        self.stdout.write(
            f"Demodata klar: {created} nye deltakere ({Participant.objects.count()} i alt)."
        )
        self.stdout.write(f"Demobrukere (passord for alle: {DEMO_PASSWORD}):")
        for username, first, last, roles, unit, kode6, _ in STAFF:
            office = next((o["name"] for o in OFFICES if o["unit_number"] == unit), "–")
            role_text = ", ".join(Role(r).label for r in roles)
            extra = " (særskilt autorisasjon)" if kode6 else ""
            name = f"{first} {last}"
            self.stdout.write(f"  {username}  {name:<20} {role_text:<15} {office}{extra}")

    def _offices(self) -> dict[str, Office]:
        result = {}
        for data in OFFICES:
            office, _ = Office.objects.get_or_create(unit_number=data["unit_number"], defaults=data)
            result[office.unit_number] = office
        return result

    def _staff(self, offices: dict[str, Office]) -> dict[str, list[User]]:
        by_office: dict[str, list[User]] = {unit: [] for unit in offices}
        for username, first, last, roles, unit, kode6, shielded in STAFF:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(
                    username=username,
                    first_name=first,
                    last_name=last,
                    email=f"{first}.{last}@nav.example".lower(),
                    roles=list(roles),
                    office=offices[unit] if unit else None,
                    may_see_strictly_confidential=kode6,
                    may_see_shielded=shielded,
                    is_staff=Role.ADMIN in roles,
                )
                user.set_password(DEMO_PASSWORD)
                user.save()
            if unit and Role.CASEWORKER in user.roles:
                by_office[unit].append(user)
        return by_office

    def _participants(self, offices: dict[str, Office], staff: dict[str, list[User]]) -> int:
        rng = random.Random(2026)  # fixed seed: the same people on every run
        today = datetime.date(2026, 1, 1)
        created = 0
        serial = 100
        for unit, office in offices.items():
            caseworkers = staff[unit]
            for i in range(PARTICIPANTS_PER_OFFICE):
                age_days = rng.randint(18 * 365 + 30, 64 * 365)
                birth_date = today - datetime.timedelta(days=age_days)
                national_id = None
                while national_id is None:
                    serial += 1
                    national_id = make_synthetic_national_id(birth_date, serial % 500)
                first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
                street, postal_code, postal_area = rng.choice(STREETS[unit])
                protection = AddressProtection.NONE
                if i in (3, 17):
                    protection = AddressProtection.CONFIDENTIAL
                elif i == 9:
                    protection = AddressProtection.STRICTLY_CONFIDENTIAL
                language = rng.choice(LANGUAGES)
                values = {
                    "birth_date": birth_date,
                    "first_name": first,
                    "last_name": last,
                    "street_address": "" if protection else f"{street} {rng.randint(1, 80)}",
                    "postal_code": "" if protection else postal_code,
                    "postal_area": "" if protection else postal_area,
                    "phone": f"9{rng.randint(1000000, 9999999)}",
                    "email": f"{first}.{last}{i}@example.com".lower()
                    .replace("ø", "o")
                    .replace("å", "a")
                    .replace("æ", "ae"),
                    "language": language,
                    "needs_interpreter": language != "norsk" and rng.random() < 0.6,
                    "address_protection": protection,
                    "shielded": i == 12,
                    "office": office,
                    # A few wait for a caseworker; the rest are spread over the office's.
                    "caseworker": None if i % 10 == 7 else caseworkers[i % len(caseworkers)],
                }
                if values["needs_interpreter"]:
                    values["interpreter_language"] = language
                # Draw everything before looking in the database, so that a re-run walks
                # the same random sequence and finds the same people.
                children = [
                    Child(
                        name=f"{rng.choice(FIRST_NAMES)} {last}",
                        birth_date=today - datetime.timedelta(days=rng.randint(200, 19 * 365)),
                        supported=rng.random() < 0.85,
                    )
                    for _ in range(rng.randint(1, 3) if rng.random() < 0.35 else 0)
                ]
                participant, was_created = Participant.objects.get_or_create(
                    national_id=national_id, defaults=values
                )
                if not was_created:
                    continue
                created += 1
                for child in children:
                    child.participant = participant
                Child.objects.bulk_create(children)
        return created
