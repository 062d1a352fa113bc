"""The directions in the admin: read-only, for superusers only (approvals.admin.SuperuserOnlyAdmin)."""

import pytest
from django.urls import reverse

from tests.directions.helpers import NOW, suspend
from tests.factories import staff_with
from tests.lifecycle import as_

pytestmark = pytest.mark.frozen_at(NOW)


def test_a_superuser_reads_directions_but_cannot_add_change_or_delete(proposal, head, admin_user):
    direction = suspend(proposal, head)
    client = as_(admin_user)

    listing = client.get(reverse("admin:directions_direction_changelist"))
    assert listing.status_code == 200 and direction.number in listing.content.decode()
    page = client.get(reverse("admin:directions_direction_change", args=[direction.pk]))
    assert page.status_code == 200 and direction.pdf_sha256 in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    assert client.get(reverse("admin:directions_direction_add")).status_code == 403
    assert client.get(reverse("admin:directions_direction_delete", args=[direction.pk])).status_code == 403


def test_staff_with_the_view_permission_still_cannot_read_them(proposal, head):
    suspend(proposal, head)
    staff = staff_with("xemchidao", "directions.view_direction")
    assert as_(staff).get(reverse("admin:directions_direction_changelist")).status_code == 403
