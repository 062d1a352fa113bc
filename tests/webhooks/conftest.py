"""A real HTTP receiver on loopback (http.server in a thread) and a subscription pointing at it."""

import dataclasses
import http.server
import threading
import time

import pytest

from webhooks.models import EventType, Subscription


@dataclasses.dataclass
class Received:
    headers: dict[str, str]
    body: bytes


class Receiver:
    """Answers each POST with the next planned answer (then 200): a status code, or ("slow", seconds, code) to
    answer only after `seconds` (a timeout for the sender, while the receiver does process the request)."""

    def __init__(self):
        self.received: list[Received] = []
        self.plan: list = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver._lock:
                    receiver.received.append(Received(dict(self.headers), body))
                    answer = receiver.plan.pop(0) if receiver.plan else 200
                if isinstance(answer, tuple):
                    _slow, seconds, answer = answer
                    time.sleep(seconds)
                try:
                    self.send_response(answer)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except (BrokenPipeError, ConnectionResetError):  # the sender gave up waiting
                    pass

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/decree73"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def keys(self) -> list[str]:
        return [request.headers["Idempotency-Key"] for request in self.received]


@pytest.fixture
def receiver():
    receiver = Receiver()
    receiver.thread.start()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


def make_subscription(*, url: str, types=(EventType.SUBMITTED,), unit=None, **fields) -> Subscription:
    return Subscription.objects.create(name=f"E-office {url}", url=url, event_types=[str(t) for t in types],
                                       unit=unit, **fields)


@pytest.fixture
def subscription(db, receiver) -> Subscription:
    return make_subscription(url=receiver.url)


@pytest.fixture(autouse=True)
def _fast_retries(settings):
    """Short timeouts and backoff (bounded at 30 s) so a retry is one clock shift away."""
    settings.WEBHOOK_CONNECT_TIMEOUT_SECONDS = 2
    settings.WEBHOOK_READ_TIMEOUT_SECONDS = 2
    settings.WEBHOOK_BACKOFF_BASE_SECONDS = 30
    settings.WEBHOOK_BACKOFF_MAX_SECONDS = 30
    settings.WEBHOOK_MAX_ATTEMPTS = 3
