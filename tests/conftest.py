"""Fixtures shared by every test: personas, a submitted proposal, the clock and the media folder.

Where things live:
- here, tests/conftest.py: the fixtures more than one app's tests use: the personas (a province with a
  department, its leaders, staff and an outsider), `leaders`, `submitted`, `friday`, `private_media`, and the
  `frozen_at` marker that stops the clock for a module or a test;
- tests/lifecycle.py: plain helpers: a complete plan, proposals and meetings driven through the services,
  clients logged in as a persona (`as_`), PDF text, `fresh`;
- tests/factories.py: factory_boy factories and `staff_with` (a staff member holding some permissions);
- tests/<app>/conftest.py and tests/<app>/helpers.py: what only that app's tests share (its URLs, its clock,
  its fixtures); tests/e2e/conftest.py: the browser.
"""

import datetime
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from accounts.models import OrgUnit, Position
from proposals.models import LegalProfile, Proposal
from proposals.selectors import DEFAULT_PROFILE_CODE
from tests.factories import FAST_PASSWORD_HASHERS, VIETNAMESE_NAMES, OrgUnitFactory, PositionFactory, UserFactory
from tests.lifecycle import at_friday_before_tet, blank_pdf, submitted_proposal

# The slowest tests (`make test` prints them), in the order they start: pytest-xdist deals tests out in collection
# order, and one of them collected late (test_hostile_input.py sorts after most of tests/) could end up alone on one
# worker while the other has finished. Started first, they run while the thousands of short tests fill in around them.
HEAVY_FIRST = (
    "tests/test_run_dev.py", "tests/test_hostile_input.py", "tests/e2e/", "tests/demo/", "tests/api/test_openapi.py",
)


def _heaviness(item) -> int:
    path = Path(str(item.path)).relative_to(Path(__file__).parent.parent).as_posix()
    return next((rank for rank, prefix in enumerate(HEAVY_FIRST) if path.startswith(prefix)), len(HEAVY_FIRST))


def pytest_collection_modifyitems(config, items):
    """`@pytest.mark.postgres` runs only on PostgreSQL, `@pytest.mark.redis` only when REDIS_URL is set; the heavy
    tests first (HEAVY_FIRST), the others in their usual order."""
    skip_postgres = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://...")
    skip_redis = pytest.mark.skip(reason="needs a Redis broker: set REDIS_URL=redis://...")
    for item in items:
        if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
            item.add_marker(skip_postgres)
        if item.get_closest_marker("redis") and not settings.REDIS_URL:
            item.add_marker(skip_redis)
    items.sort(key=_heaviness)  # stable: the same order in every xdist worker, as xdist requires


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings, request):
    """pytest-django's (the worker's `_gw0` suffix); then, on PostgreSQL under pytest-xdist, the worker's database is
    copied from one template the first worker migrates (tests/databases.py) instead of migrated by every worker."""
    run_id = getattr(request.config, "workerinput", {}).get("testrunuid")
    if not run_id or connection.vendor != "postgresql":
        yield
        return
    from tests import databases

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(connection.creation, "_create_test_db", databases.create_from_template(connection.creation, run_id))
        yield


def pytest_sessionfinish(session):
    """The controller of a pytest-xdist run drops the template its workers copied their databases from."""
    if hasattr(session.config, "workerinput") or not session.config.getoption("numprocesses", None):
        return
    if connection.vendor == "postgresql":
        from pytest_django.plugin import blocking_manager_key

        from tests import databases

        with session.config.stash[blocking_manager_key].unblock():
            databases.drop_template(connection)


@pytest.fixture(scope="session")
def _flushed_by_delete(django_db_setup, django_db_blocker):
    """On PostgreSQL, with a superuser, a `transaction=True` test's closing flush DELETEs instead of TRUNCATE
    (tests/databases.py: the same empty tables, without a new file for each)."""
    if connection.vendor != "postgresql":
        yield
        return
    from tests import databases

    with django_db_blocker.unblock():
        superuser = databases.is_superuser(connection)
    if not superuser:
        yield
        return
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(connection.ops, "sql_flush", databases.delete_flush(connection.ops))
        yield


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path) -> Path:
    """Uploaded files and issued PDFs go to a per-test folder (the value), never into the developer's var/."""
    settings.MEDIA_ROOT = tmp_path / "private"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _documents_laid_out_blank(request, monkeypatch):
    """The plan (at every submission, review D-9), minutes, decisions, reports and conclusions are issued as PDFs at
    nearly every step; WeasyPrint's layout is most of a step's time, and most tests never read the document. The
    issuing stages' templates are still rendered
    (a broken one still fails) and a blank page is stored, hashed and audited like the real one. Tests that read
    what they issue (`@pytest.mark.real_pdf`, or `plan_pdf` for the plan) get the real layout, and so do the
    dossier and the report exports, which read their own layout back; `pdf_text` refuses the blank page, so a test
    that forgot the marker says so."""
    if request.node.get_closest_marker("real_pdf") or request.node.get_closest_marker("plan_pdf"):
        return
    import importlib

    from django.template.loader import render_to_string
    from django.utils import translation

    blank = blank_pdf()

    def laid_out_blank(template_name: str, context: dict) -> bytes:
        with translation.override("vi"):
            render_to_string(template_name, context)
        return blank

    for stage in ("approvals", "directions", "implementation", "evaluation", "proposals"):
        monkeypatch.setattr(importlib.import_module(f"{stage}.documents"), "render_pdf", laid_out_blank)


@pytest.fixture
def cache_of_its_own(settings):
    """The test counts in the cache (rate limits) under a key prefix of its own, so it starts from zero without
    flushing a Redis database that the parallel test processes share (cache.clear() is FLUSHDB there)."""
    import uuid

    settings.CACHES = {"default": settings.CACHES["default"] | {"KEY_PREFIX": f"test-{uuid.uuid4().hex}:"}}


@pytest.fixture
def celery_eager():
    """Tasks run in the test's own process when enqueued (after the commit, as in production)."""
    from config.celery import app

    previous = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous


@pytest.fixture(autouse=True)
def _frozen_clock(request):
    """`@pytest.mark.frozen_at(moment)` on a test, or `pytestmark` on a module: the clock stands at `moment`."""
    marker = request.node.get_closest_marker("frozen_at")
    if marker is not None:
        request.getfixturevalue("time_machine").move_to(marker.args[0], tick=False)


@pytest.fixture(autouse=True)
def _names_unique_within_the_test():
    VIETNAMESE_NAMES.clear()


@pytest.fixture(autouse=True)
def _sessions_in_the_database(settings):
    """With Redis, sessions are cached (config.settings.cache_and_sessions) and reading one costs no query: the
    pinned query counts hold the worst case, the same whether or not the run has Redis."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """tests.factories.FAST_PASSWORD_HASHERS: the tests check permissions, not hashing strength."""
    settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS


@pytest.fixture(autouse=True)
def _sign_in_throttling_off(settings):
    """django-axes needs the request in `authenticate()`, which `client.login()` does not give; and tests that sign
    in wrongly on purpose must not lock each other out. tests/accounts/test_sign_in_throttling.py turns it on."""
    settings.AXES_ENABLED = False


@pytest.fixture(autouse=True)
def _default_legal_profile_in_flushed_database(request):
    """Version 1 of the legal profile, which the data migration created, in every test that uses the database.

    A `transaction=True` test flushes the database when it ends, rows of data migrations included, so a test run
    after it in the same process (in any order: `make test` spreads the files over several processes) would find
    no profile to submit under; the application never creates one on demand.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if transactional:
        request.getfixturevalue("_flushed_by_delete")
        request.getfixturevalue("transactional_db")
    elif marker is not None or "db" in request.fixturenames:
        request.getfixturevalue("db")
    else:
        return
    LegalProfile.objects.get_or_create(code=DEFAULT_PROFILE_CODE, version=1)


@pytest.fixture
def province(db):
    return OrgUnitFactory(code="UBND-QN", name="Ủy ban nhân dân tỉnh Quảng Ninh", abbreviation="UBND")


@pytest.fixture
def department(province):
    return OrgUnitFactory(code="SNV-QN", name="Sở Nội vụ tỉnh Quảng Ninh", abbreviation="SNV", parent=province)


@pytest.fixture
def other_unit(province):
    return OrgUnitFactory(code="STC-QN", name="Sở Tài chính tỉnh Quảng Ninh", abbreviation="STC", parent=province)


def _person_in(unit, role, username, title=""):
    person = UserFactory(username=username)
    PositionFactory(person=person, unit=unit, role=role, title=title, start_date=datetime.date(2024, 1, 1))
    return person


@pytest.fixture
def head(department):
    return _person_in(department, Position.Role.HEAD, "giamdoc", "Giám đốc")


@pytest.fixture
def deputy(department):
    return _person_in(department, Position.Role.DEPUTY, "phogiamdoc1", "Phó Giám đốc")


@pytest.fixture
def deputy2(department):
    return _person_in(department, Position.Role.DEPUTY, "phogiamdoc2", "Phó Giám đốc")


@pytest.fixture
def deputy3(department):
    return _person_in(department, Position.Role.DEPUTY, "phogiamdoc3", "Phó Giám đốc")


@pytest.fixture
def proposer(department):
    return _person_in(department, Position.Role.STAFF, "truongphong", "Trưởng phòng")


@pytest.fixture
def secretariat(department):
    return _person_in(department, Position.Role.SECRETARIAT, "tochuccanbo", "Chuyên viên tổ chức cán bộ")


@pytest.fixture
def inspector(province):
    return _person_in(province, Position.Role.INSPECTOR, "thanhtra", "Thanh tra viên")


@pytest.fixture
def superior_head(province):
    return _person_in(province, Position.Role.HEAD, "chutich", "Chủ tịch")


@pytest.fixture
def outsider(other_unit):
    return _person_in(other_unit, Position.Role.STAFF, "nguoingoai", "Chuyên viên")


@pytest.fixture
def commune_under_ended_district(province) -> tuple[OrgUnit, OrgUnit]:
    """(district, commune): a commune still filed under its district, which ended on 30/06/2025 and handed
    over to the province (route B must reach the unit active on the day of submission)."""
    district = OrgUnitFactory(
        code="H-QY", name="Ủy ban nhân dân thị xã Quảng Yên", level=OrgUnit.Level.DISTRICT, parent=province,
        valid_to=datetime.date(2025, 6, 30), successor=province,
    )
    commune = OrgUnitFactory(code="X-PC", name="Ủy ban nhân dân xã Phong Cốc", level=OrgUnit.Level.COMMUNE, parent=district)
    return district, commune


@pytest.fixture
def admin_user(db):
    return UserFactory(username="quantri", is_staff=True, is_superuser=True)


@pytest.fixture
def units(province, department, other_unit) -> dict[str, OrgUnit]:
    return {"province": province, "department": department, "other": other_unit}


@pytest.fixture
def leaders(head, deputy, deputy2, secretariat):
    """The department's head and two deputies (who vote), with its secretariat in place too."""
    return head, deputy, deputy2


@pytest.fixture
def submitted(proposer, leaders) -> Proposal:
    """The proposer's complete plan (tests.lifecycle.complete_plan), submitted to the department: route A.

    Submitted at whatever time the test stopped the clock at (`frozen_at`, `friday`), or today."""
    return submitted_proposal(proposer=proposer)


@pytest.fixture
def friday(db, time_machine) -> datetime.date:
    """Fri 13 Feb 2026 09:00 in Hà Nội, the last working day before Tết, with the 2026 holidays seeded."""
    return at_friday_before_tet(time_machine)


@pytest.fixture
def nodes_for(tmp_path):
    """`nodes_for(**env)`: real Celery worker and beat processes on this test's database and a Redis key prefix of
    their own (tests.celery_nodes.Nodes); every process is stopped and every key deleted when the test ends."""
    from tests.celery_nodes import Nodes

    made = []

    def make(**env) -> Nodes:
        made.append(Nodes(tmp_path / f"nodes-{len(made)}", **env))
        return made[-1]

    yield make
    for nodes in made:
        nodes.stop()
# --- The document store (issue 14 §2): the same tests on a directory and on S3 ----------------------------------


@pytest.fixture(scope="session")
def s3_endpoint() -> str:
    """A real S3-compatible server (moto in server mode) on loopback, one per xdist worker (port 0: the system
    picks a free port), started when a test first asks for it. Its address, e.g. http://127.0.0.1:41234."""
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(scope="session")
def _s3_session():
    """One boto3 session for the whole run: each new one parses the S3 service model again (~0.7 s a test)."""
    import boto3

    return boto3.Session(aws_access_key_id="test", aws_secret_access_key="test-secret")


@pytest.fixture
def s3_store(settings, s3_endpoint, _s3_session, monkeypatch) -> str:
    """DOCUMENT_STORE=s3 for the test, configured through the same parsing as production (config/storages.py),
    on a fresh bucket of its own. Returns the bucket's name."""
    import uuid

    import environ
    from django.core.files.storage import storages

    from config.storages import document_storages
    from core.document_store_s3 import PrivateS3Storage

    bucket = f"test-{uuid.uuid4().hex[:16]}"
    for name, value in {
        "DOCUMENT_STORE": "s3", "DOCUMENT_S3_BUCKET": bucket, "DOCUMENT_S3_ENDPOINT_URL": s3_endpoint,
        "DOCUMENT_S3_ACCESS_KEY_ID": "test", "DOCUMENT_S3_SECRET_ACCESS_KEY": "test-secret",
        "DOCUMENT_S3_CONNECT_TIMEOUT": "2", "DOCUMENT_S3_READ_TIMEOUT": "5", "DOCUMENT_S3_MAX_ATTEMPTS": "1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(PrivateS3Storage, "_create_session", lambda storage: _s3_session)
    settings.DOCUMENT_STORE, entries = document_storages(environ.Env())
    settings.STORAGES = {**settings.STORAGES, **entries}
    storages["default"].connection.meta.client.create_bucket(Bucket=bucket)
    return bucket


@pytest.fixture(autouse=True)
def _whole_suite_on_s3(request):
    """TEST_DOCUMENT_STORE=s3 runs every test on S3 (tests that look into MEDIA_ROOT themselves fail then): a check
    that no code path reads a document by its path. Unset, as in CI: nothing."""
    if os.environ.get("TEST_DOCUMENT_STORE") == "s3" and "document_store" not in request.fixturenames:
        request.getfixturevalue("s3_store")


@pytest.fixture(params=["filesystem", "s3"])
def document_store(request) -> str:
    """Runs the test once on each store (DOCUMENT_STORE); the value is the store's name."""
    if request.param == "s3":
        request.getfixturevalue("s3_store")
    return request.param
