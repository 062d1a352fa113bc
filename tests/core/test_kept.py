"""The page shell's parts rendered once per process (core.templatetags.kept): reused only where what they show is the
same — the values the block names, the language, the URLs."""

import pytest
from django.template import Context, Template, engines
from django.urls import get_script_prefix, reverse, set_script_prefix
from django.utils import translation
from django.utils.functional import SimpleLazyObject

from tests.lifecycle import as_, submitted_proposal

KEPT = "{% load i18n kept %}{% kept a %}{{ a }}-{{ b }} {% translate 'Trang chủ' %} {% url 'core:home' %}{% endkept %}"


def render(template: Template, **values) -> str:
    return template.render(Context(values))


def test_a_block_is_rendered_once_for_each_combination_of_the_values_it_names():
    template = Template(KEPT)
    assert render(template, a=1, b=1) == "1-1 Trang chủ /"
    assert render(template, a=1, b=2) == "1-1 Trang chủ /"  # b is not named: the first rendering stands
    assert render(template, a=2, b=2) == "2-2 Trang chủ /"


def test_a_block_is_rendered_again_in_another_language_and_under_another_script_prefix():
    template = Template(KEPT)
    assert render(template, a=1, b=1) == "1-1 Trang chủ /"
    with translation.override("en"):
        assert render(template, a=1, b=2) == "1-2 Home /"
    before = get_script_prefix()
    set_script_prefix("/sang-kien/")
    try:
        assert render(template, a=1, b=3) == "1-3 Trang chủ /sang-kien/"
    finally:
        set_script_prefix(before)


def test_a_lazy_value_is_keyed_by_what_it_wraps_so_that_no_request_is_kept():
    template = Template(KEPT)
    assert render(template, a=SimpleLazyObject(lambda: 7), b=1) == "7-1 Trang chủ /"
    assert render(template, a=7, b=2) == "7-1 Trang chủ /"
    kept = template.nodelist.get_nodes_by_type(type(template.nodelist[-1]))[0]
    assert not any(isinstance(part, SimpleLazyObject) for key in kept.rendered for part in key)


@pytest.fixture
def templates_loaded_afresh():
    """The cached loader forgets its templates, and with them what their kept blocks rendered in earlier tests."""
    for loader in engines["django"].engine.template_loaders:
        loader.reset()


@pytest.fixture
def reversed_names(monkeypatch, templates_loaded_afresh) -> list:
    """The URL names `{% url %}` reverses (it imports `reverse` when it renders), in order."""
    import django.urls

    names = []
    reverse_ = django.urls.reverse

    def spy(name, *args, **kwargs):
        names.append(name)
        return reverse_(name, *args, **kwargs)

    monkeypatch.setattr(django.urls, "reverse", spy)
    return names


def test_the_second_page_reuses_the_navigation_and_the_footer_of_the_first(client, head, reversed_names):
    client.force_login(head)
    client.get(reverse("core:notifications"))
    assert {"accounts:two_factor", "core:notification_preferences", "set_language"} <= set(reversed_names)
    reversed_names.clear()
    page = client.get(reverse("core:notifications")).content.decode()
    assert not {"accounts:two_factor", "core:notification_preferences", "set_language", "proposals:list"} & set(
        reversed_names)
    assert f'href="{reverse("accounts:two_factor")}"' in page


def test_the_navigation_follows_the_page_the_person_and_the_counts(head, proposer, reversed_names):
    inbox, listing, create = (reverse(f"proposals:{name}") for name in ("inbox", "list", "create"))
    client = as_(head)
    page = client.get(listing).content.decode()
    assert f'<a class="nav-link active" aria-current="page" href="{listing}">' in page
    assert 'nav-count">' not in page
    page = client.get(inbox).content.decode()
    assert f'<a class="nav-link active" aria-current="page" href="{inbox}">' in page
    assert f'<a class="nav-link" href="{listing}">' in page
    submitted_proposal(proposer=proposer)
    assert 'nav-count">1<' in client.get(listing).content.decode()  # the head's proposal to decide on
    # The proposer may propose; the head's entries were rendered first, without the proposer's count.
    page = as_(proposer).get(listing).content.decode()
    assert f'<a class="nav-link" href="{create}">' in page
    assert 'nav-count">' not in page
