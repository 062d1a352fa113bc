from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .models import Proposal


@require_GET
@login_required
def proposal_detail(request, pk: int):
    proposal = get_object_or_404(Proposal.objects.visible_to(request.user), pk=pk)
    return render(request, "proposals/detail.html", {"proposal": proposal})
