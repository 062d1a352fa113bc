"""Plain helpers of the incidents tests: the clock, URLs, reports made through the service, page text.

The clock stands on Thursday 05/03/2026 09:00 in Hà Nội (`pytestmark = pytest.mark.frozen_at(NOW)`).
"""

import datetime

from django.urls import reverse

from incidents import services
from incidents.models import Incident
from tests.lifecycle import HANOI

NOW = datetime.datetime(2026, 3, 5, 9, 0, tzinfo=HANOI)
TODAY = NOW.date()
DESCRIPTION = "Ngày 02/3/2026, đồng chí Phó Giám đốc không ký văn bản giao nhiệm vụ, yêu cầu làm lại nhiều lần không có lý do."
REASON = "Đã xác minh, làm việc với các bên; hành vi chưa gây hậu quả nhưng vi phạm khoản 2 Điều 6."


def url(name, *args) -> str:
    return reverse(f"incidents:{name}", args=args)


def report(*, by, kind=Incident.Kind.OBSTRUCTION, **fields) -> Incident:
    """A report through the service (signed in when `by` is a person, the public form when None)."""
    incident, _receipt = services.incident_report(by=by, kind=kind, **{"description": DESCRIPTION, **fields})
    return incident


def public_report(**fields) -> tuple[Incident, str]:
    return services.incident_report(by=None, **{"kind": Incident.Kind.EVASION, "description": DESCRIPTION,
                                               "reported_text": "Cán bộ một cửa", **fields})


def handled(incident: Incident, handler) -> Incident:
    """Taken up by `handler`."""
    return services.incident_take_up(incident=incident, by=handler)


def closed(incident: Incident, handler, outcome=Incident.Outcome.REMINDER) -> Incident:
    services.incident_take_up(incident=incident, by=handler)
    return services.incident_close(incident=incident, by=handler, outcome=outcome, reason=REASON, outcome_on=TODAY)


def page(client, name, *args) -> str:
    response = client.get(url(name, *args))
    assert response.status_code == 200, response.status_code
    return response.content.decode()
