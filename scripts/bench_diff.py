"""The version comparison's time (`make bench SECTIONS=diff`, issue 11 §5; before: difflib, 1.9 s at 2,000 words,
16 s at 8,000, 164 s at 24,000).

Two figures: `proposals.diff.diff_words` alone on one field of 2,000, 8,000 and 24,000 words, for a revision (one
word in fifty changed) and for two unrelated texts; then the comparison page through Django's test client for the
largest plan the form accepts (every free-text field at PLAN_TEXT_MAX_LENGTH characters), revised and rewritten.
Each line says how the fields were shown: word by word, or side by side (past the word limit or the time budget).
"""

import datetime
import random

WORDS = (
    "kế hoạch đổi mới sáng tạo cán bộ công chức viên chức đơn vị cơ quan thí điểm giải pháp thủ tục hành chính "
    "hồ sơ điện tử liên thông tỉnh huyện xã phường nguồn lực kinh phí nhân lực quy định pháp luật chỉ tiêu kết quả "
    "tiến độ quý năm tháng người dân doanh nghiệp dịch vụ công trực tuyến số hóa dữ liệu báo cáo đánh giá"
).split()


def text(words: int, seed: int) -> str:
    """`words` words of administrative Vietnamese in sentences, the same for the same seed."""
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) + ("." if rng.random() < 0.08 else "") for _ in range(words))


def revised(original: str, seed: int) -> str:
    """`original` with one word in fifty replaced, as a proposer revising a returned plan would."""
    rng = random.Random(seed)
    words = original.split(" ")
    for _ in range(len(words) // 50):
        words[rng.randrange(len(words))] = rng.choice(WORDS)
    return " ".join(words)


def of_length(characters: int, seed: int) -> str:
    """Text of exactly `characters` characters."""
    words = text(characters // 3, seed)
    while len(words) < characters:
        words += " " + text(characters // 3, seed + 1)
    return words[:characters]


def run(bench, small_org) -> None:
    from django.conf import settings
    from django.db import transaction
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from proposals.diff import compare_plans, diff_words
    from proposals.models import PlanContent, PlanVersion, Proposal
    from proposals.services import proposal_create_draft, proposal_submit

    bench.row("limits", f"{settings.PLAN_DIFF_MAX_WORDS:,} words, {settings.PLAN_DIFF_TIME_BUDGET_SECONDS} s budget")
    for words in (2_000, 8_000, 24_000):
        old = text(words, 1)
        for label, new in (("revised", revised(old, 2)), ("rewritten", text(words, 3))):
            seconds, html = bench.timed(lambda old=old, new=new: diff_words(old, new), repeat=3)
            shown = "unmarked" if html is None else "word by word"
            bench.row(f"diff_words, one field of {words:,} words, {label}", f"{bench.ms(seconds)}  ({shown})")

    limit = settings.PLAN_TEXT_MAX_LENGTH
    text_fields = [name for name in PlanContent.CONTENT_FIELDS
                   if Proposal._meta.get_field(name).get_internal_type() == "TextField"]
    with transaction.atomic():
        org = small_org(2026)
        proposer, position, _unit, u, _route = org.author(0)
        head = org.heads[u]
        day = datetime.timedelta(days=1)
        plan = {"title": "Kế hoạch lớn nhất biểu mẫu nhận", "field": "admin_reform", "pilot_legal_document": False,
                "competence_declared": True, "cond_a_bottleneck": True, "cond_b_common_good": True,
                "cond_c_urgent_no_harm": True, "cond_d_reform": True, "start_date": timezone.localdate() + day * 30,
                "end_date": timezone.localdate() + day * 365, **{name: "Nội dung." for name in text_fields}}
        proposal = proposal_submit(proposal=proposal_create_draft(by=proposer, position=position, data=plan), by=proposer)
        # Versions 2, 3 and 4 inserted as they would be frozen (their PDFs, hundreds of pages, are not the point).
        largest = {name: of_length(limit, 10 + i) for i, name in enumerate(text_fields)}
        contents = [largest, {name: revised(value, 20)[:limit] for name, value in largest.items()},
                    {name: of_length(limit, 100 + i) for i, name in enumerate(text_fields)}]
        frozen = {name: getattr(proposal.versions.get(number=1), name) for name in PlanContent.CONTENT_FIELDS}
        PlanVersion.objects.bulk_create(
            PlanVersion(proposal=proposal, number=number, submitted_at=timezone.now(), submitted_by=proposer,
                        **{**frozen, **texts})
            for number, texts in enumerate(contents, start=2)
        )
    client = Client()
    client.force_login(head)
    page = reverse("proposals:compare", args=[proposal.pk])
    bench.row("largest plan the form accepts", f"{len(text_fields)} text fields × {limit:,} characters")
    for label, (old, new) in (("revised", (2, 3)), ("rewritten", (3, 4))):
        seconds, response = bench.timed(lambda old=old, new=new: client.get(page, {"old": old, "new": new}), repeat=3)
        assert response.status_code == 200, response.status_code
        plans = proposal.versions.get(number=old), proposal.versions.get(number=new)
        diff_s, rows = bench.timed(lambda plans=plans: compare_plans(*plans), repeat=3)
        apart = sum(row.changed and not row.marked for row in rows)
        bench.row(f"comparison page, largest plan, {label}",
                  f"{bench.ms(seconds)}  ({len(text_fields) - apart} text fields word by word, {apart} unmarked)")
        bench.row("  of which compare_plans", bench.ms(diff_s))
