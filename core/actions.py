"""One declaration per action: the single place that says what an action is, who may take it and how.

An `ActionSpec` names the action, its labels and confirmation, `who` (the predicate its service checks: it
returns the acting position or raises PermissionDenied), `when` (whether the record's state offers it now),
its form and `perform`, the call of its service. The view and its URL (`proposals.actions`), the button in
the stage's panel, the confirmation dialog and the "Việc của bạn" entry on the proposal page are all derived
from it: adding an action is one declaration, one service and their tests.
"""

import dataclasses
import datetime
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.urls import reverse
from django.utils import timezone


class RuleRefusal(PermissionDenied):
    """The person holds the position that acts, but a rule forbids the action now (the legal profile, say).

    A 403 like any refusal; where it is offered, the panel shows its message to that person instead of hiding
    the action without a word.
    """


@dataclasses.dataclass
class Situation:
    """Who acts, on which proposal (and `target`, a record of it such as a meeting), on which day.

    `facts` holds what the page has loaded already and what the predicates computed (`memo`), so that a panel
    judging ten actions reads the user's positions once; a service judges on a fresh Situation built from the
    rows it has locked.
    """

    proposal: Any
    user: Any
    target: Any = None
    today: datetime.date = dataclasses.field(default_factory=timezone.localdate)
    facts: dict = dataclasses.field(default_factory=dict)

    def memo(self, key, compute: Callable[[], Any]):
        if key not in self.facts:
            self.facts[key] = compute()
        return self.facts[key]

    def on(self, target) -> "Situation":
        """The same person, proposal, day and facts, acting on `target`."""
        return dataclasses.replace(self, target=target)


def allow_always(situation: Situation) -> bool:
    return True


@dataclasses.dataclass
class ActionSpec:
    name: str  # the key of the action and the name of its URL in the stage's namespace
    route: str  # after "<int:pk>/"; holds "<int:target_id>/" when the action is on a record of the proposal
    label: Any  # the heading of its form in the panel and of the page that shows its errors
    submit: Any  # the button
    task: Any  # the line of "Việc của bạn" at the top of the proposal page
    who: Callable[[Situation], Any]
    form: Callable[..., Form]  # form(situation, data=None, files=None): unbound and pre-filled when data is None
    perform: Callable[[Situation, dict], str]  # calls the service; returns the success message
    when: Callable[[Situation], bool | str] = allow_always  # a str: not now, and this is why (shown to `who`)
    confirm: Any = ""  # asked before sending, for what cannot be undone (static/js/confirm.js)
    help: Any = ""  # under the button
    # `target(proposal, target_id)`: the record acted on, Http404 when it is not the proposal's; `offered_on(s)`:
    # the record the panel offers the action on (None: not offered).
    target: Callable[[Any, int], Any] | None = None
    offered_on: Callable[[Situation], Any] | None = None
    anchor: str = ""  # where the page shows it, "{target.pk}" filled in ("cuoc-hop-{target.pk}"); default: the panel
    place: str = "main"  # "main": the stage's card of actions; any other value: where the stage's template puts it
    display: str = "details"  # "details" (folded form), "open" (unfolded), "inline" (form in a box), "button"
    style: str = "primary"
    stage: str = ""  # set when the stage is registered

    def bind(self, stage: str) -> None:
        """Make the action its stage's: a stage with actions has a panel, where they are offered."""
        if self.stage and self.stage != stage:
            raise ValueError(f"Action {self.name!r} belongs to stage {self.stage!r} already.")
        if ("<int:target_id>" in self.route) != (self.target is not None):
            raise ValueError(f"Action {self.name!r}: a route with <int:target_id> needs `target`, and only then.")
        self.stage = stage

    def url(self, situation: Situation) -> str:
        args = [situation.proposal.pk] + ([situation.target.pk] if self.target is not None else [])
        return reverse(f"{self.stage}:{self.name}", args=args)


@dataclasses.dataclass
class Offer:
    """An action the person may take now, with its form ready to show."""

    action: ActionSpec
    situation: Situation
    form: Form
    url: str
    anchor: str = ""  # where on the page it sits: the action's `anchor`, else its stage's panel


def judge(action: ActionSpec, situation: Situation) -> tuple[bool, str]:
    """Whether the situation's person may take `action` now and, when not, a reason worth showing them.

    The state is read first (no query); `who` is asked only then. Someone who does not hold the position never
    sees a reason: only a `RuleRefusal` or a `when` that explains itself, to a person `who` admits.
    """
    state = action.when(situation)
    if state is False:
        return False, ""
    try:
        action.who(situation)
    except RuleRefusal as refusal:
        return False, str(refusal.args[0]) if refusal.args else ""
    except PermissionDenied:
        return False, ""
    if isinstance(state, str):
        return False, state
    return True, ""


def offers(actions, situation: Situation) -> tuple[list[Offer], list[str]]:
    """The offers of `actions` to the situation's person, in declaration order, and the reasons worth showing."""
    offered, notes = [], []
    for action in actions:
        acting = situation
        if action.offered_on is not None:
            target = action.offered_on(situation)
            if target is None:
                continue
            acting = situation.on(target)
        allowed, note = judge(action, acting)
        if allowed:
            offered.append(Offer(action=action, situation=acting, form=action.form(acting), url=action.url(acting)))
        elif note and note not in notes:
            notes.append(note)
    return offered, notes
