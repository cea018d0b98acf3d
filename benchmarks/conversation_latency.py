"""End-to-end latency through Rasa's REST channel at 1 and 10 concurrent conversations.

    .venv/bin/python benchmarks/conversation_latency.py [--rounds 5]

Starts the assistant as `make run` does (`tthc serve`: the app, and the Rasa server beside
it, each in its own process) over the default deployment's seed knowledge base, warms it
up, then times each message from POST to reply while 1 and then 10 citizens hold
four-turn conversations (a question, then follow-ups; a new conversation each round).
Prints medians and 95th percentiles; the machine is shared, so compare runs by ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge_base.retrieval.evaluation import percentile  # noqa: E402

CONVERSATIONS = [
    ["làm hộ chiếu cần giấy tờ gì", "mất bao lâu", "lệ phí bao nhiêu", "nộp ở đâu"],
    ["dang ky ket hon can giay to gi", "le phi bao nhieu", "mat bao lau", "cam on"],
    ["đăng ký khai sinh cho con thế nào", "cần giấy tờ gì", "có nộp online được không", "ok"],
    ["cấp lại giấy phép lái xe mất bao lâu", "lệ phí?", "nộp ở đâu ạ", "cảm ơn bạn"],
    ["tra cứu hồ sơ 000.00.04.H51-250221-0001", "đăng ký tạm trú cần gì", "mất mấy ngày", "ok"],
]


async def citizen(client: httpx.AsyncClient, name: str, rounds: int, out: list[float]) -> None:
    for round_ in range(rounds):
        for turn in CONVERSATIONS[(hash(name) + round_) % len(CONVERSATIONS)]:
            started = time.perf_counter()
            response = await client.post(
                "/webhooks/rest/webhook",
                json={"sender": f"{name}-{round_}", "message": turn},
            )
            response.raise_for_status()
            out.append((time.perf_counter() - started) * 1000)


async def load(url: str, concurrency: int, rounds: int) -> dict[str, float]:
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:
        started = time.perf_counter()
        await asyncio.gather(
            *(citizen(client, f"c{concurrency}-{i}", rounds, latencies) for i in range(concurrency))
        )
        elapsed = time.perf_counter() - started
    return {
        "concurrency": concurrency,
        "messages": len(latencies),
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "max_ms": round(max(latencies), 1),
        "messages_per_s": round(len(latencies) / elapsed, 1),
    }


@contextmanager
def serving(environment: dict[str, str] | None = None) -> Iterator[tuple[str, str]]:
    """The assistant as `make run` runs it: `tthc serve` (the app, and Rasa beside it) in
    processes of its own, on free ports, with ``environment`` added to this one's; yields
    the app's and the Rasa server's URLs."""
    from tthc.rasa_server import free_port, wait_until_answering

    app_port, rasa_port = free_port(), free_port()
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "tthc"), "serve", "--port", str(app_port)],
        env={
            **os.environ,
            "TTHC_RASA_PORT": str(rasa_port),
            "TTHC_ACTION_PORT": str(free_port()),
            **(environment or {}),
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    app, rasa = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{rasa_port}"
    try:
        wait_until_answering(f"{app}/healthz", process=server)
        wait_until_answering(f"{rasa}/", process=server)
        yield app, rasa
    finally:
        os.killpg(server.pid, signal.SIGINT)  # Ctrl-C, as a person stops `make run`
        server.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="conversations per citizen")
    args = parser.parse_args()

    with serving() as (_, url):
        asyncio.run(load(url, 1, 1))  # warm-up: first TensorFlow and ONNX calls are slow
        results = [asyncio.run(load(url, c, args.rounds)) for c in (1, 10)]
    for result in results:
        print(json.dumps(result))
    print(f"p95 ratio 10/1: {results[1]['p95_ms'] / results[0]['p95_ms']:.2f}")


if __name__ == "__main__":
    main()
