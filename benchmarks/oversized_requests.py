"""Twenty citizens' conversations while others send what no citizen would: does anyone wait?

    .venv/bin/python benchmarks/oversized_requests.py [--rounds 3]

Starts the assistant as `make run` does (`tthc serve`, the default deployment), then runs 20
concurrent four-turn conversations through REST twice: alone, and with two abusers in the
mix for the whole run — one posting 100,000-character messages, one posting 20 MB bodies,
each again as soon as it is refused. Citizens read and type between turns (``--think``
seconds, jittered; 0 sends back to back, which measures the machine's capacity instead).
Prints the ordinary turns' p50/p95 both times, what the abusers got back, and the ratio.
The issue's bar: p95 under 1 s with the abusers.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.conversation_latency import CONVERSATIONS, serving  # noqa: E402
from knowledge_base.retrieval.evaluation import percentile  # noqa: E402

CITIZENS = 20
LONG_MESSAGE = "tôi muốn hỏi " * 7700  # about 100,000 characters
HUGE_BODY = b'{"sender": "x", "message": "' + b"a" * 20_000_000 + b'"}'


async def citizen(
    client: httpx.AsyncClient, name: str, rounds: int, think: float, out: list[float]
) -> None:
    jitter = random.Random(name)
    for round_ in range(rounds):
        for turn in CONVERSATIONS[(hash(name) + round_) % len(CONVERSATIONS)]:
            await asyncio.sleep(think * jitter.uniform(0.5, 1.5))
            started = time.perf_counter()
            response = await client.post(
                "/webhooks/rest/webhook", json={"sender": f"{name}-{round_}", "message": turn}
            )
            response.raise_for_status()
            out.append((time.perf_counter() - started) * 1000)


async def abuser(client: httpx.AsyncClient, what: str, stop: asyncio.Event, got: Counter) -> None:
    while not stop.is_set():
        try:
            if what == "long":
                body = {"sender": "abuser-long", "message": LONG_MESSAGE}
                response = await client.post("/webhooks/rest/webhook", json=body)
            else:
                response = await client.post(
                    "/webhooks/portal/webhook",
                    content=HUGE_BODY,
                    headers={"Content-Type": "application/json"},
                )
            got[f"{what}: {response.status_code}"] += 1
        except httpx.HTTPError as error:
            got[f"{what}: {type(error).__name__}"] += 1
        await asyncio.sleep(0.05)


async def run(url: str, rounds: int, think: float, with_abusers: bool) -> dict[str, object]:
    latencies: list[float] = []
    got: Counter[str] = Counter()
    stop = asyncio.Event()
    limits = httpx.Limits(max_connections=CITIZENS + 4)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:
        abusers = (
            [asyncio.create_task(abuser(client, w, stop, got)) for w in ("long", "huge")]
            if with_abusers
            else []
        )
        await asyncio.gather(
            *(
                citizen(client, f"c{with_abusers}-{i}", rounds, think, latencies)
                for i in range(CITIZENS)
            )
        )
        stop.set()
        await asyncio.gather(*abusers)
    return {
        "abusers": with_abusers,
        "think_s": think,
        "turns": len(latencies),
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "max_ms": round(max(latencies), 1),
        "abusers_got": dict(got),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="conversations per citizen")
    parser.add_argument("--think", type=float, default=3.0, help="seconds between turns")
    args = parser.parse_args()
    with serving() as (_, url):
        asyncio.run(run(url, 1, 0, False))  # warm-up
        alone = asyncio.run(run(url, args.rounds, args.think, False))
        mixed = asyncio.run(run(url, args.rounds, args.think, True))
    for result in (alone, mixed):
        print(json.dumps(result, ensure_ascii=False))
    print(f"p95 with abusers / alone: {mixed['p95_ms'] / alone['p95_ms']:.2f}")


if __name__ == "__main__":
    main()
