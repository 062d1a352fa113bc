"""The view and URLs of every declared action (core.actions), and the offers a proposal page shows.

Each action is a POST on a proposal (or on a record of it) that calls one service and redirects back to the
stage's panel; a `ValidationError` is shown on the action's form next to its field, a `PermissionDenied` is
a 403. A proposal outside the user's scope, or a record of another proposal, is a 404. Who may act is
checked before the form is validated, as the services do before reading their input.
"""

import dataclasses
import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.permissions import HELD_POSITIONS
from core.actions import ActionSpec, Offer, Situation, offers
from core.documents import DocumentRenderError
from core.stages import Stage, stages

from .forms import add_service_errors
from .selectors import proposal_for_user

logger = logging.getLogger(__name__)


def panel_anchor(action: ActionSpec) -> str:
    return stages.get(action.stage).panel.anchor


# What a person is told when a service rolled back because its document could not be rendered (a server fault).
DOCUMENT_NOT_RENDERED = _("Hệ thống chưa tạo được văn bản PDF nên thao tác chưa được thực hiện. "
                          "Vui lòng báo quản trị hệ thống.")


def acting_situation(action: ActionSpec, *, proposal, user, target_id: int | None) -> Situation:
    """The situation `action` is taken in, once `who` allowed it: the record acted on (404 when it is not the
    proposal's), then PermissionDenied (403) for a person who may not act. The page and the API take this path."""
    target = action.target(proposal, target_id) if action.target is not None else None
    situation = Situation(proposal=proposal, user=user, target=target)
    action.who(situation)
    return situation


@login_required
@require_POST
def action_view(request: HttpRequest, pk: int, target_id: int | None = None, *, action: ActionSpec) -> HttpResponse:
    proposal = proposal_for_user(user=request.user, pk=pk)
    situation = acting_situation(action, proposal=proposal, user=request.user, target_id=target_id)
    form = action.form(situation, request.POST, request.FILES)
    status = 200
    if form.is_valid():
        try:
            message = action.perform(situation, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        except DocumentRenderError:
            # The service rolled back: nothing was issued without its document. A server fault, not the user's.
            logger.exception("Could not render the document of %s on proposal %s", request.path, proposal.pk)
            form.add_error(None, DOCUMENT_NOT_RENDERED)
            status = 503
        else:
            messages.success(request, message)
            return redirect(f"{reverse('proposals:detail', args=[proposal.pk])}#{panel_anchor(action)}")
    offer = Offer(action=action, situation=situation, form=form, url=action.url(situation))
    return render(request, "proposals/action.html", {"proposal": proposal, "offer": offer,
                                                       "back": panel_anchor(action)}, status=status)


def urlpatterns(actions) -> list:
    """One URL per action, named after it, under "<proposal id>/": include them in the stage's namespace."""
    return [
        path(f"<int:pk>/{action.route}", action_view, {"action": action}, name=action.name) for action in actions
    ]


@dataclasses.dataclass
class StageSection:
    """A stage's part of the proposal page: its panel's context, the actions offered now, the notes why not."""

    stage: Stage
    context: dict
    offers: list[Offer]
    notes: list[str]
    notice: Any = None  # core.stages.AuthorNotice, for the proposal's authors

    @property
    def panel(self):
        return self.stage.panel

    @property
    def placed(self) -> dict[str, list[Offer]]:
        """The offers by `place`: "main" in the stage's card of actions, the others where its template puts them."""
        placed: dict[str, list[Offer]] = {}
        for offer in self.offers:
            placed.setdefault(offer.action.place, []).append(offer)
        return placed


def page_situation(*, proposal, user, held: list) -> Situation:
    """The proposal page's situation, knowing the positions `user` holds today (`held`: the navigation bar reads
    them anyway), so that judging the stages' actions reads none of its own (accounts.permissions)."""
    situation = Situation(proposal=proposal, user=user)
    situation.facts[HELD_POSITIONS] = held
    return situation


def stage_sections(situation: Situation, only=None) -> list[StageSection]:
    """Every stage's section (or those of `only`) of the proposal page for the situation's person, in order.

    A stage's panel context is built first: it loads the records its predicates read (`situation.facts`).
    """
    sections = []
    for stage in stages if only is None else only:
        if stage.panel is None:
            continue
        context = stage.panel.context(situation)
        offered, notes = offers(stage.actions, situation)
        for offer in offered:
            offer.anchor = offer.action.anchor.format(target=offer.situation.target) or stage.panel.anchor
        sections.append(StageSection(stage=stage, context=context, offers=offered, notes=notes,
                                     notice=stage.panel.notice(situation)))
    return sections
