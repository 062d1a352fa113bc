"""Demo proposals in every status of the lifecycle, one incident and one published proposal (`manage.py seed_demo`).

Each demo proposal is brought to its status through the services, the way a real one gets there (on PostgreSQL
the status trigger would refuse any shortcut anyway): drafted and submitted by its proposer, voted by the
leadership, decided, implemented, reported, evaluated, closed. Everything happens today, so that every date and
deadline is consistent with the clock of the person looking at the demo.

Proposals are keyed by their title: a title already present is left alone, so a second run creates nothing.
Each proposal is built in its own transaction: a failure leaves no half-built proposal behind.
"""

import dataclasses
import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import OrgUnit, Position, User
from approvals.models import Vote
from approvals.services import (
    consultation_record,
    decision_approve,
    decision_refer,
    decision_reject,
    meeting_close,
    meeting_open,
    proposal_return,
    vote_cast,
)
from core.workdays import seed_year
from directions.services import direction_continue, direction_stop, direction_suspend
from evaluation import services as evaluation
from evaluation.models import EncouragementForm, Measure, Outcome
from evaluation.selectors import parties
from implementation import services as implementation
from implementation.models import PLAN_ORDER, Assignment, CompletionReport, Resource, Target
from incidents.models import Incident
from incidents.services import incident_report, incident_step_record, incident_take_up
from proposals.models import FieldOfWork, Proposal
from proposals.services import proposal_create_draft, proposal_submit
from proposals.transitions import Status
from publication.services import publication_publish
from reports.periods import previous_quarter
from reports.services import produce_quarterly_reports

FOR, AGAINST = Vote.Choice.FOR, Vote.Choice.AGAINST
STARTS_AT = datetime.time(8, 30)
LOCATION = "Phòng họp tầng 3"


@dataclasses.dataclass(frozen=True)
class DemoProposal:
    """One demo proposal: the status it is brought to, its unit (username suffix) and its plan."""

    status: str
    slug: str
    title: str
    field: str
    necessity: str
    content: str
    results: str
    proposer: str = "tp"
    lead: str = "tp2"


# One proposal per status the lifecycle reaches, spread over the departments and communes of the demo province.
PROPOSALS: tuple[DemoProposal, ...] = (
    DemoProposal(
        Status.DRAFT, "snv", "Số hóa hồ sơ cán bộ, công chức cấp xã sau sắp xếp", FieldOfWork.DIGITAL,
        "Hồ sơ giấy của cán bộ, công chức các xã cũ đang phân tán, khó tra cứu sau khi sắp xếp đơn vị hành chính.",
        "Số hóa toàn bộ hồ sơ, cập nhật vào cơ sở dữ liệu cán bộ, công chức của tỉnh.",
        "100 % hồ sơ cán bộ cấp xã được số hóa, tra cứu trực tuyến.",
    ),
    DemoProposal(
        Status.SUBMITTED, "stc", "Thanh toán không dùng tiền mặt cho học phí và viện phí công lập", FieldOfWork.FINANCE,
        "Các trường, bệnh viện công lập còn thu tiền mặt, người dân phải xếp hàng, khó đối soát.",
        "Mã QR thanh toán trên hóa đơn điện tử, tự động đối soát với Kho bạc Nhà nước.",
        "80 % khoản thu học phí, viện phí được thanh toán không dùng tiền mặt.",
    ),
    DemoProposal(
        Status.RETURNED, "sxd", "Cấp phép xây dựng nhà ở riêng lẻ trong 05 ngày làm việc", FieldOfWork.LAND,
        "Thời gian cấp giấy phép xây dựng nhà ở riêng lẻ bình quân 15 ngày, nhiều hồ sơ phải bổ sung nhiều lần.",
        "Bộ mẫu thiết kế điển hình; hồ sơ điện tử một lần; kiểm tra sau cấp phép.",
        "Thời gian cấp phép bình quân không quá 05 ngày làm việc.",
    ),
    DemoProposal(
        Status.IN_REVIEW, "skhcn", "Sàn giao dịch công nghệ tỉnh Quảng Ninh", FieldOfWork.SCIENCE,
        "Doanh nghiệp nhỏ khó tiếp cận kết quả nghiên cứu của các viện, trường.",
        "Sàn giao dịch trực tuyến, cơ chế hỗ trợ 30 % chi phí chuyển giao công nghệ.",
        "50 hợp đồng chuyển giao công nghệ được ký qua sàn trong năm đầu.",
    ),
    DemoProposal(
        Status.COLLECTIVE_PASSED, "syt", "Khám chữa bệnh từ xa cho trạm y tế đặc khu Vân Đồn", FieldOfWork.SOCIAL,
        "Người dân các đảo phải vào đất liền để được bác sĩ chuyên khoa khám, chi phí cao.",
        "Hệ thống hội chẩn từ xa nối trạm y tế với Bệnh viện Đa khoa tỉnh.",
        "1.000 lượt khám từ xa mỗi năm; giảm 30 % ca chuyển tuyến không cần thiết.",
    ),
    DemoProposal(
        Status.COLLECTIVE_FAILED, "stc", "Khoán chi hành chính theo kết quả đầu ra cho đơn vị sự nghiệp", FieldOfWork.FINANCE,
        "Cơ chế cấp kinh phí theo biên chế chưa gắn với kết quả cung cấp dịch vụ.",
        "Khoán chi theo số lượng, chất lượng dịch vụ đặt hàng; giữ lại phần tiết kiệm.",
        "Tiết kiệm 10 % chi thường xuyên; chất lượng dịch vụ không giảm.",
        proposer="tp2", lead="tp3",
    ),
    DemoProposal(
        Status.APPROVED, "phl", "Một cửa số cấp phường tại phường Hạ Long", FieldOfWork.ADMIN_REFORM,
        "Người dân phải đến nhiều bộ phận để giải quyết thủ tục hộ tịch, đất đai sau sắp xếp.",
        "Bộ phận một cửa số, trợ lý ảo hướng dẫn thủ tục, trả kết quả tại nhà.",
        "95 % hồ sơ được giải quyết đúng hạn; mức hài lòng trên 90 %.",
    ),
    DemoProposal(
        Status.REJECTED, "sxd", "Miễn thẩm định thiết kế cơ sở cho công trình cấp IV", FieldOfWork.LAND,
        "Thủ tục thẩm định kéo dài thời gian chuẩn bị đầu tư các công trình nhỏ.",
        "Chủ đầu tư tự chịu trách nhiệm về thiết kế; cơ quan chuyên môn hậu kiểm.",
        "Rút ngắn 20 ngày chuẩn bị đầu tư mỗi công trình.",
        proposer="tp2", lead="tp3",
    ),
    DemoProposal(
        # Art. 4(2) (review D-5): fees are the provincial council's to set, so the ward reports the proposal upward.
        Status.REFERRED, "pcp", "Miễn phí trông giữ xe tại các bãi đỗ xe công cộng của phường Cẩm Phả", FieldOfWork.FINANCE,
        "Người dân, du khách ngại gửi xe tại bãi công cộng vì phí cao, xe đỗ tràn lòng đường khu trung tâm.",
        "Miễn phí trông giữ xe máy tại 05 bãi đỗ công cộng; ngân sách phường bù phần thu.",
        "Giảm 70 % xe đỗ dưới lòng đường khu trung tâm phường.",
    ),
    DemoProposal(
        Status.IN_IMPLEMENTATION, "snv", "Thi tuyển cạnh tranh chức danh trưởng phòng cấp sở", FieldOfWork.ORGANISATION,
        "Việc bổ nhiệm trưởng phòng chủ yếu theo quy hoạch, chưa thu hút được người có năng lực nổi trội.",
        "Thi tuyển công khai đề án công tác, hội đồng có chuyên gia độc lập.",
        "Tổ chức thi tuyển 05 chức danh trưởng phòng trong năm.",
    ),
    DemoProposal(
        Status.SUSPENDED, "skhcn", "Thí điểm chữ ký số cho người dân xã Tiên Yên", FieldOfWork.DIGITAL,
        "Người dân nộp hồ sơ trực tuyến vẫn phải đến ký giấy vì chưa có chữ ký số cá nhân.",
        "Cấp miễn phí chữ ký số từ xa cho người dân; tích hợp với cổng dịch vụ công.",
        "5.000 người dân có chữ ký số; 60 % hồ sơ trực tuyến toàn trình.",
        proposer="tp2", lead="tp",
    ),
    DemoProposal(
        Status.STOPPED, "syt", "Hợp tác công tư vận hành khoa khám bệnh theo yêu cầu", FieldOfWork.SOCIAL,
        "Khoa khám bệnh quá tải, người bệnh chờ lâu vào giờ cao điểm.",
        "Liên kết với doanh nghiệp đầu tư trang thiết bị, chia sẻ doanh thu.",
        "Thời gian chờ khám giảm một nửa.",
        proposer="tp2", lead="tp",
    ),
    DemoProposal(
        Status.COMPLETED, "stc", "Công khai ngân sách xã trên bản đồ số", FieldOfWork.FINANCE,
        "Người dân khó theo dõi việc sử dụng ngân sách xã sau sắp xếp.",
        "Bản đồ số công khai dự toán, quyết toán, công trình của từng xã.",
        "100 % xã công khai ngân sách trên bản đồ số.",
        proposer="tp3", lead="tp",
    ),
    DemoProposal(
        Status.REPORTED, "sxd", "Cấp phép xây dựng trực tuyến có bản vẽ điện tử", FieldOfWork.LAND,
        "Hồ sơ giấy dày, khó kiểm tra bản vẽ; người dân đi lại nhiều lần.",
        "Nộp bản vẽ điện tử, kiểm tra tự động chỉ giới xây dựng trên bản đồ quy hoạch.",
        "70 % giấy phép xây dựng được cấp trực tuyến.",
        proposer="tp3", lead="tp",
    ),
    DemoProposal(
        Status.EVALUATION_MEETING, "snv", "Đánh giá cán bộ theo kết quả công việc hằng tháng", FieldOfWork.ORGANISATION,
        "Đánh giá, xếp loại cuối năm chưa phản ánh đúng kết quả công việc.",
        "Phần mềm giao việc và chấm điểm kết quả hằng tháng, công khai trong cơ quan.",
        "100 % công chức của Sở được đánh giá hằng tháng trên phần mềm.",
        proposer="tp2", lead="tp3",
    ),
    DemoProposal(
        Status.EVALUATION_HELD, "skhcn", "Trung tâm dữ liệu dùng chung của tỉnh trên nền tảng đám mây", FieldOfWork.DIGITAL,
        "Mỗi sở tự đầu tư máy chủ, lãng phí và khó bảo đảm an toàn thông tin.",
        "Thuê dịch vụ đám mây dùng chung, chuyển dần các hệ thống lên.",
        "Tiết kiệm 30 % chi phí hạ tầng; 20 hệ thống được chuyển lên đám mây.",
        proposer="tp2", lead="tp",
    ),
    DemoProposal(
        Status.EVALUATED, "syt", "Hồ sơ sức khỏe điện tử cho người cao tuổi", FieldOfWork.SOCIAL,
        "Người cao tuổi khám nhiều nơi, thông tin bệnh sử không được liên thông.",
        "Lập hồ sơ sức khỏe điện tử, liên thông trạm y tế và bệnh viện.",
        "90 % người cao tuổi có hồ sơ sức khỏe điện tử.",
        proposer="tp", lead="tp2",
    ),
    DemoProposal(
        Status.CLOSED, "snv", "Liên thông điện tử thủ tục đăng ký khai sinh, thường trú, bảo hiểm y tế", FieldOfWork.ADMIN_REFORM,
        "Cha mẹ phải đến ba cơ quan để đăng ký khai sinh, thường trú và cấp thẻ bảo hiểm y tế cho trẻ.",
        "Một hồ sơ điện tử duy nhất, chuyển tự động giữa tư pháp, công an và bảo hiểm xã hội.",
        "Thời gian giải quyết từ 20 ngày xuống 03 ngày; 90 % hồ sơ trực tuyến.",
    ),
)

PUBLISHED_TITLE = PROPOSALS[-1].title
INCIDENT_DESCRIPTION = (
    "Ông Trưởng phòng Hành chính nhiều lần không cung cấp số liệu cho tổ triển khai đề xuất liên thông thủ tục, "
    "yêu cầu nộp thêm giấy tờ không có trong quy định để kéo dài thời gian."
)


# --- Helpers --------------------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Cast:
    """The people of one unit the demo needs."""

    unit: OrgUnit
    head: User
    deputies: list[User]
    secretariat: User
    staff: dict[str, User]

    @property
    def leaders(self) -> list[User]:
        return [self.head, *self.deputies]


def _cast(slug: str, today: datetime.date) -> Cast:
    users = {u.username: u for u in User.objects.filter(username__endswith=f".{slug}")}
    positions = Position.objects.held_on(today).filter(person__in=users.values()).select_related("unit", "person")
    heads = [p for p in positions if p.role == Position.Role.HEAD]
    deputies = sorted((p.person for p in positions if p.role == Position.Role.DEPUTY), key=lambda u: u.username)
    secretariat = next(p.person for p in positions if p.role == Position.Role.SECRETARIAT)
    return Cast(unit=heads[0].unit, head=heads[0].person, deputies=deputies, secretariat=secretariat,
                staff={name.split(".")[0]: user for name, user in users.items()})


def _plan(spec: DemoProposal, today: datetime.date) -> dict:
    start = today + datetime.timedelta(days=30)
    return {
        "title": spec.title, "field": spec.field, "necessity": spec.necessity,
        "bottleneck": "Quy định hiện hành chưa có cơ chế cho cách làm mới; các cơ quan chưa chia sẻ dữ liệu.",
        "legal_references": "Nghị định số 73/2023/NĐ-CP; Nghị quyết số 57-NQ/TW về đột phá phát triển khoa học, "
                            "công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia.",
        "content_solutions": spec.content,
        "scope": "Trên địa bàn tỉnh Quảng Ninh.",
        "implementers_targets": "Cơ quan đề xuất chủ trì; các sở, ngành, Ủy ban nhân dân cấp xã phối hợp; người dân, doanh nghiệp.",
        "start_date": start, "end_date": start + datetime.timedelta(days=270),
        "milestones": "Tháng thứ nhất: xây dựng quy trình\nTháng thứ ba: thí điểm\nTháng thứ chín: tổng kết, nhân rộng",
        "resources": "Kinh phí chi thường xuyên 450 triệu đồng; 04 công chức kiêm nhiệm.",
        "feasibility": "Hạ tầng cổng dịch vụ công và trục liên thông của tỉnh đã sẵn sàng.",
        "impact": "", "expected_results": spec.results, "indicators": spec.results,
        "cond_a_bottleneck": True, "cond_b_common_good": True, "cond_c_urgent_no_harm": True, "cond_d_reform": True,
        # Art. 1 (D-2): not a pilot legal normative document; Art. 4(2) (D-5): declared within the unit's authority.
        "pilot_legal_document": False, "competence_declared": True,
    }


def _fresh(proposal: Proposal) -> Proposal:
    return Proposal.objects.get(pk=proposal.pk)


def _vote(proposal: Proposal, cast: Cast, choice: str, today: datetime.date, *, close: bool):
    if proposal.profile.consultation_required and not proposal.consultations.filter(version=proposal.current_version).exists():
        consultation_record(proposal=proposal, by=cast.secretariat, committee=f"Đảng ủy {cast.unit.name}",
                            opinion_date=today, opinion="Thống nhất chủ trương, đề nghị tập thể lãnh đạo xem xét.")
    meeting = meeting_open(proposal=proposal, by=cast.secretariat, held_on=today, starts_at=STARTS_AT,
                           attendees=cast.leaders, secretary_name=cast.secretariat.get_full_name(), location=LOCATION)
    for voter in cast.leaders:
        reason = "Chưa làm rõ nguồn kinh phí và cơ chế phối hợp giữa các cơ quan." if choice == AGAINST else ""
        vote_cast(meeting=meeting, by=voter, choice=choice, reason=reason)
    if close:
        meeting_close(meeting=meeting, by=cast.secretariat)


def _implement(proposal: Proposal, cast: Cast, spec: DemoProposal) -> None:
    """Resources, a lead cadre who accepts, an organisation, then the start (IMP-1, IMP-2)."""
    head = cast.head
    implementation.resource_record(proposal=proposal, by=cast.secretariat, kind=Resource.Kind.FUNDS,
                                   description="Kinh phí triển khai năm đầu", amount=450_000_000,
                                   budget_source="Ngân sách nhà nước chi thường xuyên của đơn vị")
    implementation.resource_record(proposal=proposal, by=cast.secretariat, kind=Resource.Kind.PEOPLE,
                                   description="04 công chức kiêm nhiệm của các phòng chuyên môn")
    lead = implementation.implementer_assign(proposal=proposal, by=head, kind=Assignment.Kind.CADRE,
                                             person=cast.staff[spec.lead], is_lead=True,
                                             task="Chủ trì xây dựng quy trình và tổ chức thực hiện")
    implementation.assignment_answer(assignment=lead, by=cast.staff[spec.lead], accept=True)
    implementation.implementer_assign(proposal=proposal, by=head, kind=Assignment.Kind.ORGANISATION,
                                      name="Công ty Cổ phần Phần mềm Hạ Long", contact_person="Nguyễn Văn Liên",
                                      phone="0203 3835 555", task="Xây dựng, vận hành phần mềm")
    implementation.implementation_start(proposal=proposal, by=head)


def _report(proposal: Proposal, by: User, *, stopped: bool) -> None:
    targets = Target.objects.filter(proposal=proposal, retired_at__isnull=True).order_by(*PLAN_ORDER)
    implementation.report_file(
        proposal=proposal, by=by, attested=True,
        overall=CompletionReport.Overall.PARTLY if stopped else CompletionReport.Overall.COMPLETED,
        results={t.pk: ("partly" if stopped else "met", "Đã thực hiện theo kế hoạch.") for t in targets},
        results_summary="Kết quả đạt được so với mục tiêu đề ra, có số liệu kèm theo.",
        resources_used="Sử dụng 420 triệu đồng và 04 công chức như được bố trí.",
        causes="Sự phối hợp chặt chẽ giữa các cơ quan; hạ tầng dữ liệu sẵn sàng.",
        damage=False, funds_used=420_000_000,
    )


def _evaluation_meeting(proposal: Proposal, cast: Cast, today: datetime.date, *, close: bool):
    if not proposal.evaluation_consultations.exists():
        evaluation.evaluation_consultation_record(
            proposal=proposal, by=cast.secretariat, committee=f"Đảng ủy {cast.unit.name}", opinion_date=today,
            opinion="Nhất trí với kết quả thực hiện; đề nghị nhân rộng.",
        )
    meeting = evaluation.evaluation_meeting_open(
        proposal=proposal, by=cast.secretariat, held_on=today, starts_at=STARTS_AT, attendees=cast.leaders,
        secretary_name=cast.secretariat.get_full_name(), location=LOCATION, proposed_outcome=Outcome.COMPLETED,
        proposed_damage=False, proposed_right_policy=True, proposed_pure_motive=True, proposed_common_good=True,
    )
    for voter in cast.leaders:
        evaluation.evaluation_vote_cast(meeting=meeting, by=voter, choice=FOR)
    if close:
        evaluation.evaluation_meeting_close(meeting=meeting, by=cast.secretariat)


def _conclude(proposal: Proposal, cast: Cast) -> None:
    evaluation.conclusion_issue(
        proposal=proposal, by=cast.head, outcome=Outcome.COMPLETED,
        results_assessment="Đạt và vượt các chỉ tiêu của kế hoạch; được người dân đánh giá cao.",
        damage=False, damage_vnd=None, right_policy=True,
        right_policy_reasons="Phù hợp chủ trương của Tỉnh ủy về cải cách hành chính và chuyển đổi số.",
        pure_motive=True, pure_motive_reasons="Không vì lợi ích cá nhân, nhóm.",
        common_good=True, common_good_reasons="Người dân, doanh nghiệp giảm thời gian, chi phí thực hiện thủ tục.",
        objective_causes="Hạ tầng dữ liệu của tỉnh đã sẵn sàng.",
        subjective_causes="Tổ công tác chủ động, phối hợp tốt với các cơ quan liên quan.",
    )


def _close_case(proposal: Proposal, cast: Cast) -> None:
    proposer = next(p for p in parties(proposal) if p.person is not None and p.person.pk == proposal.proposer_id)
    evaluation.protection_record(proposal=proposal, by=cast.head, party=proposer.key, measure=Measure.NO_LIABILITY,
                                 addressee="Hội đồng kỷ luật tỉnh Quảng Ninh")
    evaluation.encouragement_record(proposal=proposal, by=cast.head, party=proposer.key,
                                    form=EncouragementForm.COMMENDATION)
    evaluation.case_close(proposal=proposal, by=cast.head)


# --- Driving one proposal -------------------------------------------------------------------------------------------

def drive(spec: DemoProposal, today: datetime.date) -> Proposal:
    """Create `spec`'s proposal and bring it to `spec.status` through the services."""
    cast = _cast(spec.slug, today)
    proposer = cast.staff[spec.proposer]
    position = Position.objects.held_on(today).get(person=proposer, unit=cast.unit)
    proposal = proposal_create_draft(by=proposer, position=position, data=_plan(spec, today))
    target = spec.status
    if target == Status.DRAFT:
        return proposal
    proposal = proposal_submit(proposal=proposal, by=proposer)
    if target == Status.RETURNED:
        # D-8: a return before the meeting names the plan's contents found incomplete (Art. 7(2)).
        proposal_return(proposal=proposal, by=cast.head, incomplete_items=["impact", "resources"],
                        reasons="Cần bổ sung đánh giá tác động đối với người dân và dự toán kinh phí chi tiết.")
        return _fresh(proposal)
    if target == Status.SUBMITTED:
        return _fresh(proposal)
    if target == Status.REFERRED:
        decision_refer(proposal=proposal, by=cast.head, addressee="Ủy ban nhân dân tỉnh Quảng Ninh",
                       reasons="Mức thu phí trông giữ xe tại bãi đỗ công cộng do Hội đồng nhân dân tỉnh quyết định; "
                               "Ủy ban nhân dân phường không có thẩm quyền miễn, giảm.")
        return _fresh(proposal)
    failed = target in (Status.COLLECTIVE_FAILED, Status.REJECTED)
    _vote(proposal, cast, AGAINST if failed else FOR, today, close=target != Status.IN_REVIEW)
    if target in (Status.IN_REVIEW, Status.COLLECTIVE_PASSED, Status.COLLECTIVE_FAILED):
        return _fresh(proposal)
    if target == Status.REJECTED:
        decision_reject(proposal=proposal, by=cast.head,
                        reasons="Đề xuất trái với quy định về thẩm định thiết kế của Luật Xây dựng, không thuộc "
                                "trường hợp được khuyến khích theo Điều 5 Nghị định số 73/2023/NĐ-CP.")
        return _fresh(proposal)
    decision_approve(proposal=proposal, by=cast.head,
                     text="Cho triển khai thực hiện đề xuất theo kế hoạch đã được tập thể lãnh đạo thông qua.")
    if target == Status.APPROVED:
        return _fresh(proposal)
    _implement(proposal, cast, spec)
    if target in (Status.SUSPENDED, Status.STOPPED, Status.CLOSED):
        direction_suspend(proposal=proposal, by=cast.head, effective_on=today,
                          reasons="Tạm dừng để rà soát lại phương án bảo đảm an toàn dữ liệu cá nhân của người dân.")
    if target == Status.STOPPED:
        direction_stop(proposal=proposal, by=cast.head, effective_on=today,
                       reasons="Dừng thực hiện do doanh nghiệp đối tác rút khỏi liên kết, không còn nguồn lực bảo đảm.")
        return _fresh(proposal)
    if target == Status.CLOSED:
        direction_continue(proposal=proposal, by=cast.head, effective_on=today,
                           reasons="Phương án bảo đảm an toàn dữ liệu cá nhân đã được cơ quan chuyên môn thẩm định.")
    if target in (Status.IN_IMPLEMENTATION, Status.SUSPENDED):
        return _fresh(proposal)
    implementation.implementation_complete(proposal=proposal, by=cast.staff[spec.lead], completed_on=today,
                                           note="Hoàn thành các mốc, chỉ tiêu của kế hoạch.")
    if target == Status.COMPLETED:
        return _fresh(proposal)
    _report(proposal, cast.staff[spec.lead], stopped=False)
    if target == Status.REPORTED:
        return _fresh(proposal)
    _evaluation_meeting(proposal, cast, today, close=target != Status.EVALUATION_MEETING)
    if target in (Status.EVALUATION_MEETING, Status.EVALUATION_HELD):
        return _fresh(proposal)
    _conclude(proposal, cast)
    if target == Status.EVALUATED:
        return _fresh(proposal)
    _close_case(proposal, cast)
    return _fresh(proposal)


# --- The whole demo -------------------------------------------------------------------------------------------------


@dataclasses.dataclass
class LifecycleResult:
    proposals: int = 0
    incidents: int = 0
    publications: int = 0
    quarterly_reports: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.proposals or self.incidents or self.publications or self.quarterly_reports)


def _serialise() -> None:
    """Two seeders at once (two terminals, `make run` twice) take turns: the province's row is locked until the
    transaction ends, so the second one sees what the first created. (SQLite serialises writers by itself.)"""
    OrgUnit.objects.select_for_update().filter(code="QN-UBND").first()


def seed_proposal(spec: DemoProposal, today: datetime.date) -> bool:
    """`spec`'s proposal, in one transaction, unless a proposal with its title exists; True when created."""
    with transaction.atomic():
        _serialise()
        if Proposal.objects.filter(title=spec.title).exists():
            return False
        drive(spec, today)
    return True


def seed_lifecycle() -> LifecycleResult:
    """The demo proposals (one per status), the published proposal and the incident; only what is missing."""
    today = timezone.localdate()
    seed_year(today.year)
    seed_year(today.year + 1)
    result = LifecycleResult()
    existing = set(Proposal.objects.filter(title__in=[s.title for s in PROPOSALS]).values_list("title", flat=True))
    for spec in PROPOSALS:
        if spec.title not in existing and seed_proposal(spec, today):
            result.proposals += 1
    result.publications += _seed_publication(today)
    result.incidents += _seed_incident(today)
    # A new user finds last quarter's internal report (issue 9), as beat would have made it on the quarter's first day.
    year, quarter = previous_quarter(today)
    result.quarterly_reports = produce_quarterly_reports(year=year, quarter=quarter, today=today)
    return result


@transaction.atomic
def _seed_publication(today: datetime.date) -> int:
    """Art. 4(4): the closed demo proposal's summary and outcome, published by the head of the Sở Nội vụ."""
    _serialise()
    published = Proposal.objects.filter(title=PUBLISHED_TITLE).first()
    if published is None or published.publications.exists():
        return 0
    publication_publish(
        proposal=published, by=_cast("snv", today).head, title=published.title, confirmed=True,
        summary="Một hồ sơ điện tử duy nhất cho đăng ký khai sinh, thường trú và cấp thẻ bảo hiểm y tế cho trẻ "
                "dưới 6 tuổi; thời gian giải quyết giảm từ 20 ngày xuống 03 ngày.",
        outcome="Hoàn thành; được biểu dương trước tập thể cơ quan.",
    )
    return 1


@transaction.atomic
def _seed_incident(today: datetime.date) -> int:
    """A public report about an obstruction (Art. 6(2)), taken up by the province's inspector, one step recorded."""
    _serialise()
    if Incident.objects.filter(description=INCIDENT_DESCRIPTION).exists():
        return 0
    cast = _cast("snv", today)
    incident, _receipt = incident_report(
        by=None, kind=Incident.Kind.OBSTRUCTION, unit=cast.unit, description=INCIDENT_DESCRIPTION,
        reported_text="Trưởng phòng Hành chính, Sở Nội vụ", reporter_name="Người dân phường Hạ Long",
    )
    inspector = User.objects.get(username="thanhtra")
    incident_take_up(incident=incident, by=inspector)
    incident_step_record(incident=incident, by=inspector, happened_on=today,
                         note="Đã làm việc với Sở Nội vụ, yêu cầu báo cáo giải trình bằng văn bản.")
    return 1
