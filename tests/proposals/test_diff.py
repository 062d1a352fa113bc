"""The version comparison stays bounded (issue 11 §5): a word diff while it is cheap, the two versions side by side
past the size cut-off or the time budget, and a plan form that refuses a field longer than PLAN_TEXT_MAX_LENGTH.

The page's speed for the largest plan the form accepts is measured by `make bench SECTIONS=diff`, not here.
"""

import html
import importlib
import itertools
import re
import time
import types

import pgtrigger
import pytest
from django.test import override_settings
from django.utils import timezone

from approvals import services as approvals
from proposals import diff, services
from proposals.diff import diff_words
from proposals.forms import PLAN_SECTIONS
from proposals.models import PlanContent, PlanVersion, Proposal
from tests.lifecycle import as_, complete_plan
from tests.proposals.helpers import NOW, form_data, url

pytestmark = pytest.mark.frozen_at(NOW)

# The library's module (its package exports the class under the same name): where its deadline reads the clock.
DIFF_MATCH_PATCH = importlib.import_module("diff_match_patch.diff_match_patch")

SIDE_BY_SIDE_NOTE = "Văn bản quá dài để so sánh từng từ; hiển thị hai phiên bản cạnh nhau."


def _words(count: int, word: str) -> str:
    return " ".join(f"{word}{n}" for n in range(count))


def visible(marked) -> str:
    """What a sighted reader sees of a marked text: no tags, no screen-reader labels."""
    return html.unescape(re.sub(r"<[^>]+>", "", re.sub(r'<span class="visually-hidden">[^<]*</span>', "", str(marked))))


def test_a_word_diff_marks_removed_words_in_the_old_text_and_added_words_in_the_new_escaping_both():
    before, after = map(str, diff_words("Thí điểm tại cấp xã, toàn tỉnh.", "Thí điểm tại cấp <b>huyện</b>, toàn tỉnh."))
    assert before == 'Thí điểm tại cấp <del><span class="visually-hidden"> đã bỏ: </span>xã</del>, toàn tỉnh.'
    assert after == (
        'Thí điểm tại cấp <ins><span class="visually-hidden"> đã thêm: </span>&lt;b&gt;huyện&lt;/b&gt;</ins>, toàn tỉnh.'
    )


def test_a_rewritten_field_reads_as_its_two_texts_with_their_own_spacing():
    old = "Thời gian: xử lý hồ sơ\ntrong  30 ngày làm việc."
    new = "Quý I: 30% hồ sơ giao\ntrong ngày, không quá 10 ngày."
    before, after = diff_words(old, new)
    assert visible(before) == old and visible(after) == new  # no "ThờiQuý gianI": each text keeps its words apart
    assert "<ins>" not in before and "<del>" not in after
    assert "<del>" in before and "<ins>" in after


def test_a_long_text_revised_in_places_is_still_compared_word_by_word():
    old = _words(5000, "từ")
    new = old.replace("từ100 ", "chữ100 ").replace("từ4000 ", "")
    before, after = map(str, diff_words(old, new))
    assert before.count("<del>") == 2 and after.count("<ins>") == 1
    assert "chữ100" in after and visible(before) == old and visible(after) == new


def _revised(proposer, head, proposal, **changes):
    approvals.proposal_return(proposal=proposal, by=head, reasons="Cần làm rõ phạm vi thực hiện và nguồn lực.",
                              incomplete_items=["scope", "resources"])
    services.proposal_revise(proposal=proposal, by=proposer)
    services.proposal_update_draft(proposal=proposal, by=proposer, data=changes)
    services.proposal_submit(proposal=proposal, by=proposer)


@override_settings(PLAN_DIFF_MAX_WORDS=100)
def test_the_comparison_shows_a_field_too_long_to_diff_as_its_two_versions_unmarked(proposer, head, submitted):
    long_scope = _words(150, "phường") + " <script>x</script>"
    _revised(proposer, head, submitted, scope=long_scope, title="Tên mới của đề xuất")

    response = as_(head).get(url("compare", submitted.pk))

    assert response.status_code == 200
    rows = {row.name: row for row in response.context["rows"]}
    assert rows["scope"].changed and not rows["scope"].marked
    assert rows["title"].marked and "<ins>" in rows["title"].after  # the short field keeps its marks
    body = response.content.decode()
    assert body.count(SIDE_BY_SIDE_NOTE) == 1
    assert complete_plan()["scope"] in body and "phường149 &lt;script&gt;x&lt;/script&gt;" in body
    assert "<script>x</script>" not in body


def test_the_comparison_shows_each_changed_field_as_two_versions_and_folds_the_unchanged(proposer, head, submitted):
    _revised(proposer, head, submitted, scope="Hai xã thí điểm.", resources="Kinh phí 300 triệu đồng.")

    response = as_(head).get(url("compare", submitted.pk))

    body = response.content.decode()
    assert [row.name for row in response.context["changed"]] == ["scope", "resources"]
    unchanged = response.context["unchanged"]
    assert len(unchanged) == len(response.context["rows"]) - 2 and not any(row.changed for row in unchanged)
    sections = re.findall(r'<section class="plan-diff-field.*?</section>', body, re.S)
    assert len(sections) == 2
    assert [re.findall(r"<h3[^>]*>(.*?)</h3>", section) for section in sections] == [["Phiên bản 1", "Phiên bản 2"]] * 2
    folded = re.search(r'<details class="plan-diff-unchanged">.*?</details>', body, re.S).group(0)
    assert f"{len(unchanged)} mục không thay đổi" in folded and complete_plan()["necessity"] in folded
    assert complete_plan()["scope"] not in folded


def test_two_versions_alike_say_so(proposer, head, submitted):
    _revised(proposer, head, submitted)
    body = as_(head).get(url("compare", submitted.pk)).content.decode()
    assert "Hai phiên bản có nội dung giống nhau." in body and "<section" not in body


def test_the_largest_plan_the_form_accepts_falls_back_to_unmarked_versions_when_the_diff_runs_out_of_time(
    proposer, head, submitted, settings, monkeypatch
):
    """Every text field at PLAN_TEXT_MAX_LENGTH characters, rewritten, on a machine so slow that each reading of the
    clock is a second later: diff-match-patch gives up at its deadline and each field is shown as its two versions
    in full, rather than the page running on."""
    limit = settings.PLAN_TEXT_MAX_LENGTH
    texts = [name for name in PlanContent.CONTENT_FIELDS
             if Proposal._meta.get_field(name).get_internal_type() == "TextField"]
    old = {name: _of_length(limit, f"cũ{i}_") for i, name in enumerate(texts)}
    new = {name: _of_length(limit, f"mới{i}_") for i, name in enumerate(texts)}
    with pgtrigger.ignore("proposals.PlanVersion:planversion_frozen"):  # arranging version 1, not editing it
        PlanVersion.objects.filter(proposal=submitted, number=1).update(**old)
    frozen = {name: getattr(submitted.versions.get(number=1), name) for name in PlanContent.CONTENT_FIELDS}
    PlanVersion.objects.create(proposal=submitted, number=2, submitted_at=timezone.now(), submitted_by=proposer,
                               **{**frozen, **new})
    clock = itertools.count(time.time())
    slow = types.SimpleNamespace(time=lambda: float(next(clock)))
    monkeypatch.setattr(diff, "time", slow)
    monkeypatch.setattr(DIFF_MATCH_PATCH, "time", slow)

    response = as_(head).get(url("compare", submitted.pk))

    assert response.status_code == 200
    changed = response.context["changed"]
    assert [row.name for row in changed] == [name for _key, _title, names in PLAN_SECTIONS for name in names
                                             if name in texts]
    assert not any(row.marked for row in changed)
    body = response.content.decode()
    assert body.count(SIDE_BY_SIDE_NOTE) == len(texts)
    assert all(old[name] in body and new[name] in body for name in texts)


def _of_length(characters: int, word: str) -> str:
    text = " ".join(f"{word}{n}" for n in range(characters // len(word)))
    return text[:characters]


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
