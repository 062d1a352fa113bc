"""The version comparison stays bounded (issue 11 §5): a word diff while it is cheap, the two versions side by side
past the size cut-off or the time budget, and a plan form that refuses a field longer than PLAN_TEXT_MAX_LENGTH.

The page's speed for the largest plan the form accepts is measured by `make bench SECTIONS=diff`, not here.
"""

import time

import pytest
from django.test import override_settings

from approvals import services as approvals
from proposals import services
from proposals.diff import diff_words
from tests.lifecycle import as_, complete_plan
from tests.proposals.helpers import NOW, form_data, url

pytestmark = pytest.mark.frozen_at(NOW)

SIDE_BY_SIDE_NOTE = "Văn bản quá dài để so sánh từng từ; hiển thị hai phiên bản cạnh nhau."


def _words(count: int, word: str) -> str:
    return " ".join(f"{word}{n}" for n in range(count))


def test_a_word_diff_marks_what_was_removed_and_added_and_escapes_the_text():
    html = str(diff_words("Thí điểm tại cấp xã, toàn tỉnh.", "Thí điểm tại cấp <b>huyện</b>, toàn tỉnh."))
    assert html.startswith("Thí điểm tại cấp<del>")
    assert '<del><span class="visually-hidden">đã bỏ: </span> xã</del>' in html
    assert '<ins><span class="visually-hidden">đã thêm: </span> &lt;b&gt;huyện&lt;/b&gt;</ins>' in html
    assert html.endswith(", toàn tỉnh.") and "<b>" not in html


def test_a_long_text_revised_in_places_is_still_compared_word_by_word():
    old = _words(5000, "từ")
    new = old.replace("từ100 ", "chữ100 ").replace("từ4000 ", "")
    html = str(diff_words(old, new))
    assert html.count("<del>") == 2 and html.count("<ins>") == 1
    assert "chữ100" in html


@override_settings(PLAN_DIFF_MAX_WORDS=100)
def test_past_the_word_limit_or_the_time_budget_there_is_no_word_diff():
    assert diff_words(_words(100, "a"), _words(100, "b")) is not None
    assert diff_words(_words(101, "a"), _words(100, "b")) is None
    # Texts whose diff needs the bisection, given a deadline already passed: the diff gives up.
    assert diff_words(_words(50, "a") + " x", "x " + _words(50, "b"), deadline=time.time() - 1) is None


def _revised(proposer, head, proposal, **changes):
    approvals.proposal_return(proposal=proposal, by=head, reasons="Cần làm rõ phạm vi thực hiện và nguồn lực.",
                              incomplete_items=["scope", "resources"])
    services.proposal_revise(proposal=proposal, by=proposer)
    services.proposal_update_draft(proposal=proposal, by=proposer, data=changes)
    services.proposal_submit(proposal=proposal, by=proposer)


@override_settings(PLAN_DIFF_MAX_WORDS=100)
def test_the_comparison_shows_a_field_too_long_to_diff_as_its_two_versions_side_by_side(proposer, head, submitted):
    long_scope = _words(150, "phường") + " <script>x</script>"
    _revised(proposer, head, submitted, scope=long_scope, title="Tên mới của đề xuất")

    response = as_(head).get(url("compare", submitted.pk))

    assert response.status_code == 200
    rows = {row.name: row for row in response.context["rows"]}
    assert rows["scope"].side_by_side and rows["scope"].changed
    assert not rows["title"].side_by_side and "<ins>" in str(rows["title"].html)  # the short field keeps its diff
    body = response.content.decode()
    assert body.count(SIDE_BY_SIDE_NOTE) == 1
    assert complete_plan()["scope"] in body and "phường149 &lt;script&gt;x&lt;/script&gt;" in body
    assert "<script>x</script>" not in body
    assert "Phiên bản 1" in body and "Phiên bản 2" in body


def test_the_plan_form_refuses_a_field_longer_than_the_limit_next_to_it(proposer, draft, settings):
    limit = settings.PLAN_TEXT_MAX_LENGTH
    assert limit == 30_000  # the production default: the largest plan of the comparison benchmark
    client = as_(proposer)

    response = client.post(url("edit", draft.pk), form_data(complete_plan(scope="x" * (limit + 1))))

    assert response.status_code == 200
    assert response.context["form"].errors["scope"] == [
        f"Nội dung dài {limit + 1} ký tự, vượt quá giới hạn {limit} ký tự của một mục."
    ]
    response = client.post(url("edit", draft.pk), form_data(complete_plan(scope="x" * limit)))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert len(draft.scope) == limit
