"""Issue 11 §6: hostile input through every page of the project, the admin's included, never ends in a 500.

Every URL pattern (django.urls' resolver, walked) and, in the admin, every registered model's list, add and
change pages (on real objects: a proposal driven to approval by the services) get NUL bytes, bytes that are not
UTF-8, ids that are not numbers ("²", "١", "abc", "-1", past bigint), 100,000-character strings, impossible
dates, huge formset counts and duplicated keys: in the query string (the parameters the page's forms and filter
links name, and the generic ones) and in the posted form (the names the page's forms carry). The non-admin pages
are tried as a head and a staff cadre. Each part of the sweep prints how many requests it made and how many
ended in a 500 (the closing note of issue 11 needs both).

Run it alone: `pytest -m hostile -s`. On SQLite (no NUL refusal there) it runs the admin and one persona.
"""

import logging
import sys
import time
from html.parser import HTMLParser
from urllib.parse import parse_qsl

import pytest
from django.contrib import admin
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from proposals.models import Status
from tests.factories import UserFactory
from tests.lifecycle import drive_to

pytestmark = [pytest.mark.hostile, pytest.mark.django_db]

LONG = "đ" * 100_000
# The values a parameter may get; a list is the key repeated (duplicate keys).
VALUES = ("a\x00b", "²", "١", "abc", "-1", "99999999999999999999", "1e3", LONG, "31/02/2026", "01/01/99999",
          "99999999", ["1", "²", "abc"])
# Raw bytes that are not UTF-8 (WSGI carries them as ISO-8859-1 characters), percent-encoded and not.
BAD_UTF8_QUERY = "q=%ff%fe&id=%c0%af&\xff=\xfe"
BAD_UTF8_BODY = b"id=%ff%fe&q=%c0%af&\xff=\xfe"
GENERIC = ("page", "trang", "q", "sort", "muc", "cursor", "truoc", "sau", "id", "nam", "don_vi", "o", "e", "p",
           "_changelist_filters", "_to_field", "_popup", "action", "_selected_action", "index", "next")
# With shift k, name i gets the value (i + k) modulo their number: neighbouring names get different values and
# every request carries all of them. The query string and the posted form are shifted half the values apart, and
# the second persona a quarter further (Fuzzer.shift): a name meets four different values on the site's pages.
HALF = len(VALUES) // 2
PATH_VALUES = {"int": "99999999999999999999", "slug": "x", "str": "x", "path": "x"}
FAILURES_SHOWN = 20


class FieldNames(HTMLParser):
    """The names of the inputs, selects and textareas of a page, and the query keys its links carry (the admin's
    filters, the lists' sorting and paging)."""

    def __init__(self):
        super().__init__()
        self.names: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("input", "select", "textarea", "button") and attrs.get("name"):
            self.names.add(attrs["name"])
        elif tag == "a" and (attrs.get("href") or "").startswith("?"):
            self.names.update(key for key, _value in parse_qsl(attrs["href"][1:], keep_blank_values=True))


def names_in(response) -> set[str]:
    if "html" not in response.get("Content-Type", ""):
        return set()
    parser = FieldNames()
    parser.feed(response.content.decode(errors="replace"))
    return parser.names - {"csrfmiddlewaretoken"}


class Fuzzer:
    def __init__(self, values=VALUES):
        self.values = values
        self.shift = 0
        self.requests = 0
        self.failures: list[str] = []

    def send(self, client: Client, method: str, path: str, **kwargs):
        response = getattr(client, method)(path, **kwargs)
        self.requests += 1
        if response.status_code >= 500:
            error = getattr(response, "exc_info", None)
            cause = f"{error[0].__name__}: {str(error[1])[:120]}" if error else ""
            self.failures.append(f"{response.status_code} {method.upper()} {path[:100]} {cause}")
            print(self.failures[-1], file=sys.stderr, flush=True)
        return response

    def page(self, client: Client, path: str, *, extra_names=()):
        """The page read, then hostile values in its query string and in its posted form, and bytes that are not
        UTF-8 in both."""
        response = self.send(client, "get", path)
        names = sorted(names_in(response) | set(GENERIC) | set(extra_names))

        def values(shift: int) -> dict:
            return {name: self.values[(index + shift) % len(self.values)] for index, name in enumerate(names)}

        if response.status_code != 405:
            self.send(client, "get", path, data=values(self.shift))
            self.send(client, "get", path, QUERY_STRING=BAD_UTF8_QUERY)
        self.send(client, "post", path, data=values(self.shift + HALF))
        self.send(client, "post", path, data=BAD_UTF8_BODY, content_type="application/x-www-form-urlencoded")


def routes(resolver=None, prefix=""):
    """(route with converters, converter kinds) of every URL pattern outside the admin."""
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if getattr(pattern, "app_name", None) != "admin":
                yield from routes(pattern, route)
        elif isinstance(pattern, URLPattern):
            yield route


def filled(route: str, ids: dict[str, str]) -> str:
    """The route with its converters replaced: `ids[kind]` for each."""
    parts = route.replace(">", "<").split("<")
    for index in range(1, len(parts), 2):
        parts[index] = ids[parts[index].split(":")[0] if ":" in parts[index] else "str"]
    return "/" + "".join(parts)


def share(items, part: int, parts: int) -> list:
    """Every `parts`-th of `items` from `part` on: the parts together hold each item exactly once."""
    return list(items)[part::parts]


def fuzz_site_pages(fuzzer: Fuzzer, client: Client, user, proposal, part: int = 0, parts: int = 1):
    for route in share(routes(), part, parts):
        client.force_login(user)  # a page may sign out (logout) or change the session
        fuzzer.page(client, filled(route, {"int": str(proposal.pk), "slug": "don-vi", "str": "x", "path": "x"}))
        if "<" in route:
            fuzzer.send(client, "get", filled(route, PATH_VALUES))


def fuzz_admin(fuzzer: Fuzzer, client: Client, superuser, part: int = 0, parts: int = 1):
    for model in share(admin.site._registry, part, parts):
        client.force_login(superuser)
        opts = model._meta
        name = f"admin:{opts.app_label}_{opts.model_name}"
        fuzzer.page(client, reverse(f"{name}_changelist"), extra_names=["_selected_action", "action", "select_across"])
        fuzzer.page(client, reverse(f"{name}_add"))
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            fuzzer.page(client, reverse(f"{name}_change", args=[obj.pk]))
            fuzzer.send(client, "get", reverse(f"{name}_history", args=[obj.pk]), data={"p": "²"})
        for hostile_id in ("²", "abc", "99999999999999999999"):
            fuzzer.send(client, "get", reverse(f"{name}_change", args=[hostile_id]))
    if part == 0:
        fuzzer.send(client, "get", reverse("admin:autocomplete"), data={"term": "a\x00", "app_label": "accounts",
                                                                       "model_name": "position", "field_name": "unit"})


@pytest.fixture
def quiet():
    """Thousands of refused requests would each log a warning (and a traceback for SuspiciousOperation): the
    sweep records the 500s itself."""
    logging.disable(logging.CRITICAL)
    yield
    logging.disable(logging.NOTSET)


# The sweep takes two minutes in one process: cut into parts, which pytest-xdist spreads over its workers (it
# distributes tests, not the work inside one). Each part builds the same objects and sweeps its share of the admin's
# models or of one persona's routes; together they send every request the single sweep sent.
ADMIN_PARTS = 3
SITE_PARTS = 2
# The administrator's pages outside the admin are the head's with more rows: the two personas who differ most.
PERSONAS = ("head", "proposer")
SWEEP = [("admin", 0, part, ADMIN_PARTS) for part in range(ADMIN_PARTS)] + [
    (persona, number, part, SITE_PARTS) for number, persona in enumerate(PERSONAS) for part in range(SITE_PARTS)
]


@pytest.mark.parametrize(("pages", "number", "part", "parts"), SWEEP,
                         ids=[f"{pages}-{part + 1}-of-{parts}" for pages, _number, part, parts in SWEEP])
def test_no_hostile_input_ends_in_a_500(quiet, request, pages, number, part, parts, proposer, head, deputy, secretariat):
    if number and connection.vendor != "postgresql":
        pytest.skip("on SQLite (no NUL refusal there) the sweep runs the admin and one persona")
    superuser = UserFactory(username="quantri", is_staff=True, is_superuser=True)
    proposal = drive_to(Status.APPROVED, proposer=proposer, head=head, deputy=deputy)
    fuzzer = Fuzzer()
    client = Client(raise_request_exception=False)
    started = time.monotonic()

    if pages == "admin":
        fuzz_admin(fuzzer, client, superuser, part, parts)
    else:
        fuzzer.shift = number * HALF // 2
        fuzz_site_pages(fuzzer, client, request.getfixturevalue(pages), proposal, part, parts)

    print(f"\nHostile input (issue 11 §6), {pages} {part + 1}/{parts}: {fuzzer.requests} requests, "
          f"{len(fuzzer.failures)} answered 500, {time.monotonic() - started:.1f} s.")
    assert not fuzzer.failures, "\n".join(fuzzer.failures[:FAILURES_SHOWN])


def test_the_sweep_parts_share_out_every_admin_model_and_route_once():
    """The parts cut the sweep without leaving a page out or trying one twice."""
    for items, parts in ((list(admin.site._registry), ADMIN_PARTS), (list(routes()), SITE_PARTS)):
        shared = [item for part in range(parts) for item in share(items, part, parts)]
        assert sorted(map(str, shared)) == sorted(map(str, items))


def test_admins_of_the_project_use_the_safe_base_classes():
    """core.admin_base fixes the pickers and caps the inlines: an admin of ours that skipped it would not be."""
    from core.admin_base import ModelAdmin, TabularInline

    ours = {name for name in ("core", "accounts", "proposals", "approvals", "implementation", "directions",
                              "evaluation", "incidents", "dossier", "publication", "reminders", "reports", "webhooks")}
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in ours:
            assert isinstance(model_admin, ModelAdmin), model
            for inline in model_admin.inlines:
                assert issubclass(inline, TabularInline), inline
