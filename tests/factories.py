import datetime

import factory
from factory.django import DjangoModelFactory

from caseworker.models import Office, Role, User
from participants.models import Child, Participant
from participants.national_id import make_synthetic_national_id


class OfficeFactory(DjangoModelFactory):
    class Meta:
        model = Office
        django_get_or_create = ("unit_number",)

    name = factory.Sequence(lambda n: f"NAV Testkontor {n}")
    unit_number = factory.Sequence(lambda n: f"{9000 + n:04d}")
    municipality_number = "0301"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"Z{100000 + n}")
    first_name = factory.Faker("first_name", locale="no_NO")
    last_name = factory.Faker("last_name", locale="no_NO")
    roles = factory.LazyFunction(lambda: [Role.CASEWORKER])
    office = factory.SubFactory(OfficeFactory)
    password = factory.PostGenerationMethodCall("set_password", "passord-for-test")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def _national_id(n: int) -> str:
    birth = datetime.date(1970, 1, 1) + datetime.timedelta(days=(n * 397) % (30 * 365))
    serial = 100 + n
    while True:
        nid = make_synthetic_national_id(birth, serial % 500)
        if nid:
            return nid
        serial += 1


class ParticipantFactory(DjangoModelFactory):
    class Meta:
        model = Participant

    national_id = factory.Sequence(_national_id)
    birth_date = factory.LazyAttribute(
        lambda o: (
            __import__("participants.national_id", fromlist=["parse_national_id"])
            .parse_national_id(o.national_id, allow_synthetic=True)
            .birth_date
        )
    )
    first_name = factory.Faker("first_name", locale="no_NO")
    last_name = factory.Faker("last_name", locale="no_NO")
    street_address = "Storgata 1"
    postal_code = "0155"
    postal_area = "OSLO"
    office = factory.SubFactory(OfficeFactory)


class ChildFactory(DjangoModelFactory):
    class Meta:
        model = Child

    participant = factory.SubFactory(ParticipantFactory)
    name = factory.Faker("first_name", locale="no_NO")
    birth_date = datetime.date(2015, 6, 1)
