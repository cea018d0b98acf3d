"""The Zalo webhook under a burst: acknowledgement time, and no message lost or doubled.

    .venv/bin/python benchmarks/zalo_burst.py [--messages 100] [--retries 20]

Starts the app and the Rasa server over the default deployment with the Zalo channel
pointed at a fake Zalo API on loopback (real HTTP), then sends, all at once, one signed
question from each of ``--messages`` citizens plus ``--retries`` redeliveries of some of
them (Zalo resends what it thinks was not acknowledged). Prints the webhook's
acknowledgement time (p50/p95/max), then waits for the answers and checks that every
citizen got exactly one answer. The machine is shared: compare runs by ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from connectors.zalo import signature  # noqa: E402
from knowledge_base.retrieval.evaluation import percentile  # noqa: E402
from tests.fakes.zalo_api import FakeZaloApi  # noqa: E402

OA_SECRET = "benchmark-oa-secret"
QUESTIONS = [
    "lệ phí làm hộ chiếu bao nhiêu",
    "dang ky khai sinh can giay to gi",
    "đăng ký tạm trú mất bao lâu",
    "cấp đổi giấy phép lái xe nộp ở đâu",
]


def signed_event(zalo: FakeZaloApi, user: str, text: str, msg_id: str) -> tuple[bytes, str]:
    body = {
        "app_id": zalo.app_id,
        "event_name": "user_send_text",
        "sender": {"id": user},
        "recipient": {"id": "579745863508352884"},
        "message": {"text": text, "msg_id": msg_id},
        "timestamp": str(int(time.time() * 1000)),
    }
    raw = json.dumps(body, ensure_ascii=False).encode()
    return raw, signature.header_value(zalo.app_id, raw, body["timestamp"], OA_SECRET)


async def post(
    connection: tuple[asyncio.StreamReader, asyncio.StreamWriter],
    url: httpx.URL,
    raw: bytes,
    mac: str,
) -> tuple[float, str]:
    """One webhook delivery, timed from the request's first byte to the whole response."""
    reader, writer = connection
    head = (
        f"POST {url.raw_path.decode()} HTTP/1.1\r\nHost: {url.host}:{url.port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(raw)}\r\n"
        f"{signature.HEADER}: {mac}\r\nConnection: close\r\n\r\n"
    )
    started = time.perf_counter()
    writer.write(head.encode() + raw)
    await writer.drain()
    response = await reader.read()
    elapsed = (time.perf_counter() - started) * 1000
    writer.close()
    body = response.partition(b"\r\n\r\n")[2]
    try:
        return elapsed, json.loads(body).get("status") or json.loads(body).get("error", "?")
    except ValueError:
        return elapsed, response.split(b" ", 2)[1].decode()


async def burst(url: str, deliveries: list[tuple[bytes, str]]) -> list[tuple[float, str]]:
    """Send every delivery at once, over connections opened beforehand: the times are the
    webhook's, not TCP set-up's or a Python HTTP client's (plain sockets, HTTP/1.1)."""
    target = httpx.URL(url)
    connections = await asyncio.gather(
        *(asyncio.open_connection(target.host, target.port) for _ in deliveries)
    )
    return await asyncio.gather(
        *(post(c, target, raw, mac) for c, (raw, mac) in zip(connections, deliveries, strict=True))
    )


def answers_per_user(zalo: FakeZaloApi) -> dict[str, int]:
    """Answers (turns) each user received: one turn may be several API messages."""
    counts: dict[str, int] = {}
    for sent in zalo.sends():
        user = sent["recipient"].get("user_id", "")
        counts[user] = counts.get(user, 0) + 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100)
    parser.add_argument("--retries", type=int, default=20)
    args = parser.parse_args()

    from tthc.rasa_server import running_assistant
    from tthc.services import build_services
    from tthc.settings import get_settings

    settings = get_settings()
    zalo = FakeZaloApi()
    state = Path(tempfile.mkdtemp(prefix="zalo-burst-"))
    credentials = state / "credentials.yml"
    credentials.write_text(
        yaml.safe_dump(
            {
                "connectors.zalo.channel.ZaloInput": zalo.channel_credentials(
                    OA_SECRET, str(state / "tokens.json")
                )
            }
        )
    )
    with running_assistant(build_services(settings), credentials) as running:
        url = f"{running.rasa_url}/webhooks/zalo/webhook"
        # Warm-up, and how many API messages one answer to each question takes.
        per_question: dict[str, int] = {}
        for i, question in enumerate(QUESTIONS):
            user = f"9{i:018d}"
            asyncio.run(burst(url, [signed_event(zalo, user, question, f"warm-{i}")]))
            zalo.wait_until(lambda u=user: answers_per_user(zalo).get(u, 0) > 0, 120)
            time.sleep(1)
            per_question[question] = answers_per_user(zalo)[user]
        zalo.received.clear()

        users = [f"{2468458835296117922 + i}" for i in range(args.messages)]
        questions = {user: QUESTIONS[i % len(QUESTIONS)] for i, user in enumerate(users)}
        originals = [signed_event(zalo, u, questions[u], f"msg-{u}") for u in users]
        deliveries = originals + random.Random(7).sample(originals, args.retries)
        random.Random(8).shuffle(deliveries)

        # The floor: the same burst with forged signatures, rejected before any work.
        forged = [(raw, "mac=" + "0" * 64) for raw, _ in deliveries]
        floor = sorted(t for t, _ in asyncio.run(burst(url, forged)))

        started = time.perf_counter()
        results = asyncio.run(burst(url, deliveries))
        acked = time.perf_counter() - started
        expected = sum(per_question[questions[u]] for u in users)
        zalo.wait_until(lambda: len(zalo.sends()) >= expected, 600)
        answered = time.perf_counter() - started
        time.sleep(3)  # a doubled answer would arrive by now
        counts = answers_per_user(zalo)

    times = sorted(t for t, _ in results)
    statuses: dict[str, int] = {}
    for _, status in results:
        statuses[status] = statuses.get(status, 0) + 1
    lost = [u for u in users if counts.get(u, 0) < per_question[questions[u]]]
    doubled = [u for u in users if counts.get(u, 0) > per_question[questions[u]]]
    print(f"burst: {args.messages} messages + {args.retries} redeliveries, sent at once")
    print(
        f"acknowledgement: p50 {percentile(times, 0.5):.1f} ms, "
        f"p95 {percentile(times, 0.95):.1f} ms, max {times[-1]:.1f} ms "
        f"(all {len(times)} acknowledged in {acked:.2f} s)"
    )
    print(
        f"floor (forged signatures, rejected at once): p50 {percentile(floor, 0.5):.1f} ms, "
        f"p95 {percentile(floor, 0.95):.1f} ms"
    )
    print(f"webhook answers: {statuses}")
    print(
        "ack ms, fastest/slowest five:",
        [round(t) for t in times[:5]],
        [round(t) for t in times[-5:]],
    )
    print(f"all answers sent after {answered:.1f} s")
    once = args.messages - len(lost) - len(doubled)
    print(f"citizens answered exactly once: {once}/{args.messages}")
    print(f"lost: {len(lost)}, answered twice: {len(doubled)}")
    zalo.close()


if __name__ == "__main__":
    main()
