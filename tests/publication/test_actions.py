"""The head's actions on the proposal page (publication.actions, served by proposals.actions): each view for the
happy path, anonymous → login, outsider → 404, wrong role → 403, GET → 405, and every refusal shown in
Vietnamese next to its field (decree73.md Art. 4(4); spec README §1).
"""

import datetime

import pytest
from django.urls import reverse

from core.actions import Situation
from proposals.transitions import Status
from publication import selectors
from publication.models import Publication
from publication.selectors import proposal_panel
from tests.lifecycle import as_, complete_plan
from tests.publication.helpers import SUMMARY, advance, detail, url


def publish_data(**fields) -> dict:
    data = {"cong-khai-title": "Liên thông hồ sơ đất đai", "cong-khai-summary": SUMMARY, "cong-khai-confirmed": "on"}
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def section(page: str) -> str:
    return page.split('id="cong-khai"')[1].split("</section>")[0]


def test_the_head_publishes_from_the_proposal_page(approved, head):
    browser = as_(head)
    response = browser.post(url("publication_publish", approved.pk), publish_data())

    assert response.status_code == 302 and response["Location"] == detail(approved) + "#cong-khai"
    publication = Publication.objects.get()
    assert (publication.title, publication.summary) == ("Liên thông hồ sơ đất đai", SUMMARY)
    page = browser.get(detail(approved)).content.decode()
    assert "Đã công khai tóm tắt đề xuất trên trang công khai." in page
    assert "Đang công khai" in section(page) and f'href="{url("detail", approved.pk)}"' in section(page)


def test_without_the_confirmation_nothing_is_published_and_the_error_is_next_to_the_box(approved, head):
    response = as_(head).post(url("publication_publish", approved.pk), publish_data(**{"cong-khai-confirmed": None}))

    assert response.status_code == 200
    html = response.content.decode()
    field = html.split('id="id_cong-khai-confirmed"')[1].split("</div>")[0:3]
    assert "Cần xác nhận nội dung công khai không chứa thông tin thuộc bí mật nhà nước." in "".join(field)
    assert not Publication.objects.exists()


def test_an_outcome_sent_before_the_evaluation_is_ignored(approved, head):
    response = as_(head).post(url("publication_publish", approved.pk), publish_data(**{"cong-khai-outcome": "Hoàn thành"}))
    # Before the evaluation the form has no outcome field: the value is not read, the summary published without it.
    assert response.status_code == 302 and Publication.objects.get().outcome == ""


def test_a_service_refusal_is_shown_on_the_form_not_as_an_error_page(published, approved, head):
    response = as_(head).post(url("publication_update", approved.pk), {
        "cap-nhat-cong-khai-title": published.title, "cap-nhat-cong-khai-summary": published.summary,
        "cap-nhat-cong-khai-confirmed": "on"})
    assert response.status_code == 200
    assert "Nội dung không thay đổi." in response.content.decode()


def test_the_form_refuses_blank_text_next_to_its_field(published, approved, head):
    response = as_(head).post(url("publication_update", approved.pk), {
        "cap-nhat-cong-khai-title": "   ", "cap-nhat-cong-khai-summary": SUMMARY, "cap-nhat-cong-khai-confirmed": "on"})
    assert response.status_code == 200
    assert "Cần nhập tên đề xuất công khai." in response.content.decode().split('id="id_cap-nhat-cong-khai-title"')[1]


def test_anonymous_is_sent_to_login_outsider_gets_404_wrong_role_403_and_get_405(approved, outsider, deputy, proposer, head, client):
    target = url("publication_publish", approved.pk)
    response = client.post(target, publish_data())
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert as_(outsider).post(target, publish_data()).status_code == 404
    assert as_(deputy).post(target, publish_data()).status_code == 403
    assert as_(proposer).post(target, publish_data()).status_code == 403
    assert as_(head).get(target).status_code == 405
    assert not Publication.objects.exists()


def test_the_head_corrects_then_withdraws_with_a_reason(published, approved, head):
    evaluated = advance(approved, Status.EVALUATED, by=head)
    response = as_(head).post(url("publication_update", evaluated.pk), {
        "cap-nhat-cong-khai-title": published.title, "cap-nhat-cong-khai-summary": SUMMARY,
        "cap-nhat-cong-khai-outcome": "Hoàn thành", "cap-nhat-cong-khai-confirmed": "on"})
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.outcome == "Hoàn thành"

    refused = as_(head).post(url("publication_withdraw", evaluated.pk), {"go-cong-khai-reason": ""})
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "Cần nêu lý do gỡ nội dung công khai." in html.split('id="id_go-cong-khai-reason"')[1]
    assert Publication.objects.live().count() == 1

    response = as_(head).post(url("publication_withdraw", evaluated.pk), {"go-cong-khai-reason": "Cần rà soát lại."})
    assert response.status_code == 302 and not Publication.objects.live().exists()


@pytest.mark.parametrize("name", ["publication_update", "publication_withdraw"])
def test_correcting_and_withdrawing_answer_like_any_action(published, approved, name, outsider, deputy, head, client):
    target = url(name, approved.pk)
    assert client.post(target, {}).status_code == 302
    assert as_(outsider).post(target, {}).status_code == 404
    assert as_(deputy).post(target, {}).status_code == 403
    assert as_(head).get(target).status_code == 405
    assert Publication.objects.live().count() == 1


def test_the_head_is_offered_a_summary_prefilled_from_the_approved_plan(approved, head):
    page = as_(head).get(detail(approved)).content.decode()
    box = section(page)
    assert f'action="{url("publication_publish", approved.pk)}"' in box
    plan = complete_plan()
    assert plan["content_solutions"] in box and "Hiệu quả dự kiến: " + plan["expected_results"] in box
    assert "Nội dung công khai không chứa thông tin thuộc bí mật nhà nước" in box
    your_turn = page.split('aria-labelledby="viec-cua-ban-heading"')[1].split("</aside>")[0]
    assert "Công khai tóm tắt đề xuất trên trang công khai (Điều 4 khoản 4)" in your_turn


@pytest.mark.parametrize("persona", ["proposer", "deputy", "secretariat", "inspector"])
def test_others_see_the_section_without_the_actions(approved, persona, request):
    box = section(as_(request.getfixturevalue(persona)).get(detail(approved)).content.decode())
    assert "Chưa công khai." in box
    assert "<form" not in box


def test_before_the_decision_nothing_is_offered(submitted, head):
    box = section(as_(head).get(detail(submitted)).content.decode())
    assert "Chỉ công khai đề xuất đã có quyết định cho triển khai thực hiện." in box and "<form" not in box


def test_once_published_the_head_is_offered_to_correct_or_withdraw_not_to_publish_again(published, approved, head):
    box = section(as_(head).get(detail(approved)).content.decode())
    assert f'action="{url("publication_update", approved.pk)}"' in box
    assert f'action="{url("publication_withdraw", approved.pk)}"' in box
    assert f'action="{url("publication_publish", approved.pk)}"' not in box


def test_once_evaluated_the_head_is_reminded_to_add_the_outcome(published, approved, head):
    evaluated = advance(approved, Status.EVALUATED, by=head)
    box = section(as_(head).get(detail(evaluated)).content.decode())
    assert "cập nhật kết quả đánh giá vào nội dung công khai" in box
    assert 'name="cap-nhat-cong-khai-outcome"' in box


def test_the_panel_reads_one_query_whatever_the_history(published, approved, head, django_assert_num_queries):
    from publication import services

    services.publication_withdraw(proposal=approved, by=head, reason="Gỡ lần một.")
    services.publication_publish(proposal=approved, by=head, title="Tên", summary=SUMMARY, confirmed=True)
    situation = Situation(proposal=approved, user=head)
    with django_assert_num_queries(1):  # the proposal's publications with who published and withdrew them
        context = proposal_panel(situation)
    assert context["live"] is not None and len(context["withdrawn"]) == 1
    assert situation.facts["live_publication"] == context["live"]


class _Conclusion:
    """What the evaluation stage's conclusion offers the register: its outcome, number and date."""

    number = "1/KL-SNV"
    issued_on = datetime.date(2026, 3, 10)

    def get_outcome_display(self):
        return "Hoàn thành"


class _Conclusions:
    class objects:  # noqa: N801 - a stand-in for the model's manager
        @staticmethod
        def filter(**kwargs):
            return type("Rows", (), {"first": staticmethod(lambda: _Conclusion())})


def test_the_outcome_is_prefilled_from_the_evaluation_conclusion(published, approved, head, monkeypatch):
    monkeypatch.setattr(selectors, "conclusion_model", lambda: _Conclusions)
    evaluated = advance(approved, Status.EVALUATED, by=head)

    box = section(as_(head).get(detail(evaluated)).content.decode())

    assert "Hoàn thành (Kết luận đánh giá số 1/KL-SNV ngày 10/03/2026)" in box


def test_without_the_evaluation_stage_or_its_conclusion_nothing_is_prefilled(approved, monkeypatch):
    assert selectors.evaluation_outcome(approved) == ""  # no conclusion (or no evaluation stage) here
    monkeypatch.setattr(selectors, "conclusion_model", lambda: None)
    assert selectors.evaluation_outcome(approved) == ""


def test_the_admin_shows_summaries_read_only_to_superusers(published, admin_user, head):
    changelist = reverse("admin:publication_publication_changelist")
    browser = as_(admin_user)
    assert browser.get(changelist).status_code == 200
    assert browser.get(reverse("admin:publication_publication_add")).status_code == 403
    page = browser.get(reverse("admin:publication_publication_change", args=[published.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
