"""Several web nodes (issue 14 §1): each answer names its node, and a production deployment that declares several
nodes without the Redis they must share fails the system check (tests/cluster/ runs two real nodes)."""

import pytest
from django.core.checks import Error
from django.test import Client

from core.checks import several_nodes_share_redis


@pytest.mark.django_db
def test_every_answer_names_the_node_that_gave_it(settings):
    settings.NODE_NAME = "web-2"

    page, missing = Client().get("/tai-khoan/dang-nhap/"), Client().get("/khong-co-trang-nay/")

    assert page.status_code == 200 and page.headers["X-Served-By"] == "web-2"
    assert missing.status_code == 404 and missing.headers["X-Served-By"] == "web-2"


@pytest.mark.django_db
def test_an_empty_node_name_sends_no_header(settings):
    settings.NODE_NAME = ""

    assert "X-Served-By" not in Client().get("/tai-khoan/dang-nhap/").headers


def test_several_production_nodes_without_redis_fail_the_system_check(settings):
    settings.DEBUG, settings.WEB_NODES, settings.REDIS_URL = False, 2, ""

    [error] = several_nodes_share_redis(None)

    assert isinstance(error, Error) and error.id == "core.E101" and "REDIS_URL" in error.msg


@pytest.mark.parametrize(("debug", "nodes", "redis_url"), [
    (False, 1, ""),  # one node: its own memory is the whole deployment's
    (False, 3, "redis://127.0.0.1:6379/0"),
    (True, 2, ""),  # a developer trying WEB_NODES on a laptop
])
def test_one_node_or_a_shared_redis_passes_the_system_check(settings, debug, nodes, redis_url):
    settings.DEBUG, settings.WEB_NODES, settings.REDIS_URL = debug, nodes, redis_url

    assert several_nodes_share_redis(None) == []
