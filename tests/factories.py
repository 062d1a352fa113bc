"""factory_boy factories for the organisation (Faker in Vietnamese), and staff members with given permissions."""

import datetime

import factory
from django.contrib.auth.models import Permission
from factory.django import DjangoModelFactory
from faker import Faker

from accounts.models import OrgUnit, Position, User

DEMO_PASSWORD = "Matkhau@2026"
# PBKDF2 costs ~0.25 s a user; the tests check permissions, not hashing strength (tests/conftest.py).
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Names are unique within a test (tests/conftest.py clears them before each: a whole run would exhaust Faker's
# Vietnamese names): pages, minutes and browser walks find people by name (two "Duyên Lê" in one collective made a
# walk's checkbox ambiguous).
VIETNAMESE_NAMES = Faker("vi_VN").unique


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"canbo{n}")
    full_name = factory.LazyFunction(VIETNAMESE_NAMES.name)
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.gov.vn")
    password = factory.django.Password(DEMO_PASSWORD)


class OrgUnitFactory(DjangoModelFactory):
    class Meta:
        model = OrgUnit

    code = factory.Sequence(lambda n: f"DV{n:04d}")
    name = factory.Sequence(lambda n: f"Sở thử nghiệm số {n}")
    abbreviation = "STN"
    place_name = "Hạ Long"
    level = OrgUnit.Level.PROVINCE
    kind = OrgUnit.Kind.STATE_AGENCY
    valid_from = datetime.date(2020, 1, 1)


class PositionFactory(DjangoModelFactory):
    class Meta:
        model = Position

    person = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(OrgUnitFactory)
    role = Position.Role.STAFF
    title = ""
    category = Position.Category.STATE_LEADER
    start_date = datetime.date(2024, 1, 1)


def staff_with(username: str, *permissions: str) -> User:
    """A staff member (not a superuser) holding `permissions` ("app_label.codename"), read back without any
    permission cache."""
    user = UserFactory(username=username, is_staff=True)
    for name in permissions:
        app_label, codename = name.split(".", 1)
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return User.objects.get(pk=user.pk)
