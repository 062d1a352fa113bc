"""`make audit`: pip-audit over the pinned requirements (issue 11 §8; README "Dependency audit").

A known vulnerability in a pinned package fails the audit (exit 1). When the vulnerability service cannot be
reached, the audit prints "SKIPPED: ... not reachable" and exits 0: it says it did not run, never that it passed.
Reachable means the service answers a real question (the pinned Django release) within a few seconds; an index
mirror that serves packages but not PyPI's per-release JSON (with its "vulnerabilities") counts as not reachable.
`--strict` makes a package the service cannot look up fail the audit instead of being skipped silently.

Usage: scripts/audit.py [pip-audit arguments]   (default: -r requirements.txt -r requirements-dev.txt)
Environment: AUDIT_SERVICE=pypi|osv (default pypi: PyPI's JSON API), AUDIT_OSV_URL, AUDIT_PROBE_TIMEOUT (5 s).
"""

import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_ARGUMENTS = ["-r", "requirements.txt", "-r", "requirements-dev.txt"]
SERVICE = os.environ.get("AUDIT_SERVICE", "pypi")
OSV_URL = os.environ.get("AUDIT_OSV_URL", "https://api.osv.dev/v1/query")
PROBE_TIMEOUT = float(os.environ.get("AUDIT_PROBE_TIMEOUT", "5"))


def pinned_django() -> str:
    match = re.search(r"^Django==(\S+)", (BASE_DIR / "requirements.txt").read_text(), re.MULTILINE | re.IGNORECASE)
    return match.group(1)


def unreachable_reason() -> str | None:
    """Why the service cannot audit (None when it answered the probe with the data an audit reads)."""
    version = pinned_django()
    if SERVICE == "osv":
        query = json.dumps({"package": {"name": "django", "ecosystem": "PyPI"}, "version": version}).encode()
        request = urllib.request.Request(OSV_URL, data=query, headers={"Content-Type": "application/json"})
        where = OSV_URL
    else:
        where = f"https://pypi.org/pypi/Django/{version}/json"
        request = urllib.request.Request(where)
    try:
        with urllib.request.urlopen(request, timeout=PROBE_TIMEOUT) as response:  # noqa: S310 - fixed https or configured URL
            answer = json.load(response)
    except (OSError, ValueError) as error:
        return f"{where}: {error}"
    if not isinstance(answer, dict) or (SERVICE != "osv" and "vulnerabilities" not in answer):
        return f"{where}: no vulnerability data in the answer"
    return None


def main(arguments: list[str]) -> int:
    reason = unreachable_reason()
    if reason:
        print(f"SKIPPED: dependency audit not run, the vulnerability service ({SERVICE}) is not reachable ({reason}).")
        return 0
    command = [sys.executable, "-m", "pip_audit", "--strict", "--progress-spinner", "off", "-s", SERVICE]
    if SERVICE == "osv":
        command += ["--osv-url", OSV_URL]
    return subprocess.run([*command, *(arguments or DEFAULT_ARGUMENTS)], cwd=BASE_DIR).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
