"""The English catalog: complete, compiled, used when the user picks English; documents stay Vietnamese.

Vietnamese is the source language (msgid). locale/en/LC_MESSAGES/django.po holds the English text and
django.mo its compiled form; both are committed. polib is not a project dependency, so the .po file is read
here by a small parser, and `msgfmt` (GNU gettext) is used when it is installed.
"""

import ast
import datetime
import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from approvals import documents
from approvals.models import Vote
from approvals.services import decision_approve
from core.documents import read_issued
from tests.lifecycle import APPROVAL_TEXT, meeting_with_votes, pdf_text, submitted_proposal

# `real_pdf` on the tests that read an issued document (tests/conftest.py).

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
PO_FILE = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"
MO_FILE = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.mo"
LOGIN_PATH = reverse("accounts:login")
HOME_PATH = reverse("core:home")


# --- A minimal .po reader --------------------------------------------------------------------------------


def _po_entries(text: str) -> list[dict]:
    """Each entry as {"flags": set, "msgctxt": str | None, "msgid": str, "msgid_plural": str | None,
    "msgstr": {index: str}} ("msgstr" alone is index 0). Obsolete (#~) entries are kept apart as "obsolete"."""
    entries: list[dict] = []
    current: dict | None = None
    key: tuple | None = None

    def start() -> dict:
        entry = {"flags": set(), "msgctxt": None, "msgid": None, "msgid_plural": None, "msgstr": {}, "obsolete": False}
        entries.append(entry)
        return entry

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            current, key = None, None
            continue
        if line.startswith("#~"):
            (current or (current := start()))["obsolete"] = True
            continue
        if line.startswith("#,"):
            current = current or start()
            current["flags"].update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):
            current = current or start()
            continue
        current = current or start()
        if line.startswith('"'):
            value = ast.literal_eval(line)
            if key[0] == "msgstr":
                current["msgstr"][key[1]] += value
            else:
                current[key[0]] += value
            continue
        match = re.fullmatch(r"(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")", line)
        assert match, f"unexpected line in the .po file: {raw!r}"
        word, index, value = match.group(1), match.group(2), ast.literal_eval(match.group(3))
        if word == "msgstr":
            key = ("msgstr", int(index or 0))
            current["msgstr"][key[1]] = value
        else:
            key = (word, None)
            current[word] = value
    return [entry for entry in entries if entry["msgid"] is not None]


@pytest.fixture(scope="module")
def po_entries() -> list[dict]:
    return _po_entries(PO_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def catalog() -> gettext.GNUTranslations:
    with MO_FILE.open("rb") as handle:
        return gettext.GNUTranslations(handle)


# --- (a) Complete -------------------------------------------------------------------------------------------


def test_every_message_of_the_english_catalog_is_translated_and_none_is_fuzzy(po_entries):
    header = [e for e in po_entries if e["msgid"] == ""]
    messages = [e for e in po_entries if e["msgid"] != "" and not e["obsolete"]]

    assert len(header) == 1 and "fuzzy" not in header[0]["flags"]
    assert "Language: en\n" in header[0]["msgstr"][0]
    assert len(messages) > 700  # every app and template, not a stub
    assert [e["msgid"] for e in messages if "fuzzy" in e["flags"]] == []
    untranslated = [e["msgid"] for e in messages if not all(e["msgstr"].values()) or not e["msgstr"]]
    assert untranslated == []
    plurals = [e for e in messages if e["msgid_plural"]]
    assert plurals and all(sorted(e["msgstr"]) == [0, 1] for e in plurals)
    assert [e["msgid"] for e in po_entries if e["obsolete"]] == []


def test_placeholders_and_html_tags_are_kept_in_every_translation(po_entries):
    placeholder = re.compile(r"%\([a-z_]+\)[-#0 +]?\d*(?:\.\d+)?[sdf]|%%|%[sd]|\{[a-z_]+\}")
    tag = re.compile(r"</?[a-z]+\b[^>]*>")
    wrong = []
    for entry in po_entries:
        if not entry["msgid"]:
            continue
        sources = {0: entry["msgid"], 1: entry["msgid_plural"] or entry["msgid"]}
        for index, translated in entry["msgstr"].items():
            source = sources[min(index, 1)]
            for pattern in (placeholder, tag):
                if sorted(pattern.findall(source)) != sorted(pattern.findall(translated)):
                    wrong.append((source, translated))
    assert wrong == []


def test_the_catalog_covers_every_app_and_the_templates():
    references = [
        reference
        for line in PO_FILE.read_text(encoding="utf-8").splitlines() if line.startswith("#: ")
        for reference in line[3:].split()
    ]
    folders = {reference.split("/", 1)[0] for reference in references}
    assert {"accounts", "core", "proposals", "approvals", "config", "templates"} <= folders
    assert not any(reference.startswith(("tests/", ".venv/", "var/")) for reference in references)


@pytest.mark.parametrize(("vietnamese", "english"), [
    ("Đăng nhập", "Sign in"),
    ("Đăng xuất", "Sign out"),
    ("Việc cần xử lý", "Work inbox"),
    ("Hạn xử lý", "Due date"),
    ("Quá hạn", "Overdue"),
    ("Cấp phó", "Deputy"),
    ("Cơ quan tham mưu", "Secretariat"),
    ("Trả lại để bổ sung, làm rõ", "Return for clarification"),
    ("bộ quy định áp dụng", "legal profile"),
    ("Lĩnh vực", "Field of work"),
    ("Nội dung bắt buộc theo Điều 7 khoản 2 Nghị định 73/2023/NĐ-CP.",
     "Required content under Article 7(2) of Decree 73/2023/ND-CP."),
])
def test_key_messages_translate_with_the_glossary_wording(catalog, vietnamese, english):
    assert catalog.gettext(vietnamese) == english


def test_plural_messages_choose_the_english_form(catalog):
    singular, plural = "Tìm thấy %(counter)s đề xuất.", "Tìm thấy %(counter)s đề xuất."
    assert catalog.ngettext(singular, plural, 1) % {"counter": 1} == "1 proposal found."
    assert catalog.ngettext(singular, plural, 3) % {"counter": 3} == "3 proposals found."


# --- (b) Compiled from the current .po ----------------------------------------------------------------------


def _messages(mo: Path) -> dict:
    with mo.open("rb") as handle:
        translations = gettext.GNUTranslations(handle)
    return dict(translations._catalog)  # the only way to read every message of a .mo


MSGFMT = shutil.which("msgfmt")


@pytest.mark.skipif(MSGFMT is None, reason="GNU gettext (msgfmt) is not installed")
def test_the_committed_mo_file_is_compiled_from_the_current_po_file(tmp_path):
    fresh = tmp_path / "django.mo"
    subprocess.run(  # noqa: S603 - msgfmt from PATH on our own catalog
        [MSGFMT, "--check-format", "-o", str(fresh), str(PO_FILE)], check=True, capture_output=True
    )

    assert _messages(MO_FILE) == _messages(fresh), "run: manage.py compilemessages --ignore=.venv"


# --- (c) The interface switches to English ------------------------------------------------------------------


def _english_client() -> Client:
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": LOGIN_PATH})
    assert response.status_code == 302 and response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    return client


def test_the_login_page_is_vietnamese_by_default_and_english_once_chosen(db):
    default = Client().get(LOGIN_PATH).content.decode()
    assert '<html lang="vi">' in default
    assert "Đăng nhập" in default and "Sign in" not in default

    english = _english_client().get(LOGIN_PATH).content.decode()
    assert '<html lang="en">' in english
    assert "Sign in" in english and "Username" in english and "Password" in english
    assert "Đăng nhập" not in english and "Tên đăng nhập" not in english
    assert "Implementing Decree 73/2023/ND-CP" in english


def test_the_home_page_of_a_head_is_vietnamese_by_default_and_english_once_chosen(head):
    vietnamese = Client()
    vietnamese.force_login(head)
    default = vietnamese.get(HOME_PATH).content.decode()
    assert '<html lang="vi">' in default
    assert "Việc cần xử lý" in default and "Work inbox" not in default

    english = _english_client()
    english.force_login(head)
    page = english.get(HOME_PATH).content.decode()
    assert '<html lang="en">' in page
    for text in ("Work inbox", "Proposals", "New proposal", "Positions held", "Unit head", "Sign out"):
        assert text in page, text
    for text in ("Việc cần xử lý", "Lập đề xuất mới", "Chức vụ đang giữ", "Đăng xuất"):
        assert text not in page, text


def test_the_work_inbox_of_a_head_is_english_once_chosen(head, deputy, proposer):
    submitted_proposal(proposer=proposer)
    client = _english_client()
    client.force_login(head)

    page = client.get(reverse("proposals:inbox")).content.decode()

    assert '<html lang="en">' in page
    assert "Work inbox" in page and "Due date" in page
    assert "Việc cần xử lý" not in page and "Hạn xử lý" not in page


# --- (d) Dates stay day first -------------------------------------------------------------------------------


def test_dates_stay_day_first_on_an_english_page(head):
    client = _english_client()
    client.force_login(head)

    page = client.get(HOME_PATH).content.decode()

    # The head's position starts on 1 January 2024 (tests/conftest.py).
    assert "since 01/01/2024" in page


@pytest.mark.parametrize("language", ["vi", "en"])
def test_dates_and_times_are_formatted_day_first_in_both_languages(language):
    from django.utils.formats import date_format

    with translation.override(language):
        assert date_format(datetime.date(2026, 4, 5), "SHORT_DATE_FORMAT") == "05/04/2026"
        assert date_format(datetime.date(2026, 4, 5)) == "05/04/2026"
        moment = datetime.datetime(2026, 4, 5, 14, 30)
        assert date_format(moment, "SHORT_DATETIME_FORMAT") == "14:30 05/04/2026"


# --- (e) The official documents stay Vietnamese -------------------------------------------------------------


@pytest.mark.real_pdf
def test_minutes_and_decision_stay_vietnamese_when_the_user_reads_english(head, deputy, proposer):
    """Issued while English is active (a head who chose English): the PDFs are still wholly Vietnamese.

    The proposer's position has no title, so the document prints the role's name: that name, the voting rule
    and the tie rule come from gettext and must be rendered in Vietnamese too.
    """
    proposal = submitted_proposal(proposer=proposer)
    proposal.proposer_position.title = ""
    proposal.proposer_position.save(update_fields=["title"])

    with translation.override("en"):
        meeting = meeting_with_votes(
            proposal=proposal, by=head, votes={head: Vote.Choice.FOR, deputy: Vote.Choice.FOR}, close=True
        )
        decision = decision_approve(proposal=proposal, by=head, text=APPROVAL_TEXT)
        minutes = pdf_text(documents.minutes_pdf(meeting))
        decided = pdf_text(documents.decision_pdf(decision))
        stored = pdf_text(read_issued(documents.DECISION, decision).content)

    assert "BIÊN BẢN" in minutes.upper() and "Thông qua khi số phiếu tán thành trên" in minutes
    assert "Cán bộ, công chức, viên chức" in minutes
    assert "QUYẾT ĐỊNH" in decided.upper() and "Điều 1." in decided
    assert "Cán bộ, công chức, viên chức" in decided
    assert "Cán bộ, công chức, viên chức" in stored
    for english in ("Minutes", "Passed when", "Unit head", "Cadre", "Article", "Decision", "Pursuant", "Voting"):
        assert english not in minutes, english
        assert english not in decided, english
        assert english not in stored, english
    # The interface language is left as it was.
    with translation.override("en"):
        documents.decision_pdf(decision)
        assert translation.get_language() == "en"


def test_text_that_goes_into_the_documents_stays_vietnamese_in_the_english_catalog(catalog):
    """The pre-filled Article 2 of the decision and the stored "(người đề xuất)" note end up in the PDFs."""
    from approvals.forms import approval_text_initial

    with translation.override("en"):
        article_2 = approval_text_initial(proposer_name="Nguyễn Văn A")
    assert article_2.startswith("Giao Nguyễn Văn A chủ trì") and "trong thời hạn 05 ngày làm việc" in article_2
    assert catalog.gettext("%(name)s (người đề xuất)") == "%(name)s (người đề xuất)"


def test_a_notification_is_shown_in_the_language_of_its_reader(client, proposer):
    from core.models import Notification

    Notification.objects.create(
        recipient=proposer, message="Mời biểu quyết đề xuất “%(title)s”.", params={"title": "Cải cách"}
    )
    client.force_login(proposer)
    assert "Mời biểu quyết đề xuất “Cải cách”." in client.get(reverse("core:notifications")).content.decode()
    client.post(reverse("set_language"), {"language": "en"})
    english = client.get(reverse("core:notifications")).content.decode()
    assert "Mời biểu quyết" not in english and "Cải cách" in english
