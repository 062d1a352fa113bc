"""The head's actions on the public register, one declaration each (core.actions): publish, correct, withdraw.

Spec: decree73.md Art. 4(4) (công khai, minh bạch); README §1 (the public reads the register of approved and
completed proposals that a head chose to publish). Who may act is `rules.publisher`, which the services check
too; what each action does is its service.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.actions import ActionSpec, Situation

from . import forms, rules, selectors, services


def _live(situation: Situation):
    """The live summary, as the panel loaded it (or read once here when judged elsewhere)."""
    return situation.memo("live_publication", lambda: selectors.live_publication(situation.proposal))


def _may_publish(situation: Situation) -> bool:
    return rules.publishable(situation.proposal.status) and _live(situation) is None


def _published(situation: Situation) -> bool:
    return _live(situation) is not None


def _evaluated(situation: Situation) -> bool:
    return rules.evaluated(situation.proposal.status)


def _outcome(situation: Situation) -> str:
    """The evaluation outcome in words, from the conclusion the evaluation panel left in the facts when it did."""
    conclusion = getattr(situation.facts.get("evaluation"), "conclusion", None)
    return selectors.evaluation_outcome(situation.proposal, conclusion)


def _publish_form(situation: Situation, data=None, files=None) -> forms.SummaryForm:
    evaluated = _evaluated(situation)
    if data is not None:
        return forms.SummaryForm(data, evaluated=evaluated)
    initial = selectors.summary_initial(situation.proposal)
    if evaluated:
        initial["outcome"] = _outcome(situation)
    return forms.SummaryForm(initial=initial, evaluated=evaluated)


def _update_form(situation: Situation, data=None, files=None) -> forms.UpdateForm:
    evaluated = _evaluated(situation)
    if data is not None:
        return forms.UpdateForm(data, evaluated=evaluated)
    live = _live(situation)
    initial = {"title": live.title, "summary": live.summary, "outcome": live.outcome}
    if evaluated and not live.outcome:
        initial["outcome"] = _outcome(situation)
    return forms.UpdateForm(initial=initial, evaluated=evaluated)


def _content(data: dict) -> dict:
    return {"title": data["title"], "summary": data["summary"], "outcome": data.get("outcome") or "",
            "confirmed": data["confirmed"]}


def _publish(s: Situation, data: dict) -> str:
    services.publication_publish(proposal=s.proposal, by=s.user, **_content(data))
    return _("Đã công khai tóm tắt đề xuất trên trang công khai.")


def _update(s: Situation, data: dict) -> str:
    services.publication_update(proposal=s.proposal, by=s.user, **_content(data))
    return _("Đã cập nhật nội dung công khai.")


def _withdraw(s: Situation, data: dict) -> str:
    services.publication_withdraw(proposal=s.proposal, by=s.user, reason=data["reason"])
    return _("Đã gỡ nội dung công khai; trang công khai không còn hiển thị tóm tắt này.")


ACTIONS = (
    ActionSpec(
        name="publication_publish", route="cong-bo/", label=gettext_lazy("Công khai tóm tắt đề xuất"),
        submit=gettext_lazy("Công khai"),
        task=gettext_lazy("Công khai tóm tắt đề xuất trên trang công khai (Điều 4 khoản 4)"),
        confirm=gettext_lazy("Công khai tóm tắt này? Mọi người, kể cả người không đăng nhập, đều đọc được nội dung."),
        help=gettext_lazy("Trang công khai hiển thị tên, cơ quan, lĩnh vực, nội dung tóm tắt và số, ngày quyết định cho "
                          "triển khai thực hiện; không hiển thị kế hoạch, tệp đính kèm hay tên cán bộ."),
        who=rules.publisher, when=_may_publish, form=_publish_form, perform=_publish,
    ),
    ActionSpec(
        name="publication_update", route="cap-nhat/", label=gettext_lazy("Cập nhật nội dung công khai"),
        submit=gettext_lazy("Cập nhật"), task="",  # a correction, or the outcome once evaluated: the panel says so
        confirm=gettext_lazy("Cập nhật nội dung trên trang công khai?"),
        who=rules.publisher, when=_published, form=_update_form, perform=_update, style="outline-primary",
    ),
    ActionSpec(
        name="publication_withdraw", route="go/", label=gettext_lazy("Gỡ nội dung công khai"),
        submit=gettext_lazy("Gỡ khỏi trang công khai"), task="",
        confirm=gettext_lazy("Gỡ nội dung công khai? Trang công khai sẽ không còn hiển thị tóm tắt này."),
        who=rules.publisher, when=_published, form=lambda s, data=None, files=None: forms.WithdrawForm(data),
        perform=_withdraw, style="outline-danger",
    ),
)
