"""The public register: a list and a page per summary, open to anyone, signed in or not (Art. 4(4)).

Only live summaries, as their head wrote them: never a proposal, its plan, its files or a person's name.
Everything else about a proposal (drafts, plans under review, withdrawn or never published summaries) is a
404, the same for anonymous readers and signed-in officials. The head's actions are declared in `actions`
and served by `proposals.actions`.
"""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.forms import parsed_id

from . import selectors
from .forms import PublicFilterForm


@require_GET
def public_list(request: HttpRequest) -> HttpResponse:
    """Three queries whatever the number of rows: units, years (the filter's choices), one page of summaries."""
    form = PublicFilterForm(request.GET, units=selectors.public_units(), years=selectors.public_years())
    filters = form.filters()
    before = parsed_id(request.GET.get("truoc"))
    rows, cursor = selectors.public_list(**filters, before=before, page_size=selectors.PAGE_SIZE)
    named = (("q", filters["q"]), ("don_vi", filters["unit_id"]), ("nam", filters["year"]))
    kept = {key: value for key, value in named if value}
    return render(request, "publication/list.html", {
        "form": form,
        "rows": rows,
        "filtered": any(kept.values()),
        "next_query": urlencode({**kept, "truoc": cursor}) if cursor else "",
        "paged": before is not None,
        "first_query": urlencode(kept),
    })


@require_GET
def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The live summary of proposal `pk`: one query; 404 for anything else."""
    return render(request, "publication/detail.html", {"publication": selectors.public_summary(proposal_id=pk)})
