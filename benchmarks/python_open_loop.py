"""A Python asyncio open-loop client in the style of vLLM's `benchmark_serving.py`, for
`benchmarks/rate_bench.sh`: the peer that llmload's `--rate` is measured against.

Like vLLM's `get_request`, the gaps between requests are gamma draws with shape
`--burstiness` and mean 1/rate (shape 1 is Poisson; `--arrival constant` is exactly 1/rate),
one coroutine creates the requests, sleeping (`asyncio.sleep`) until each one's scheduled
time (the sum of the gaps drawn so far from the start), and every request runs as its own
task: an aiohttp POST of a streaming chat completion whose SSE stream is read to
`data: [DONE]`. What vLLM's client does not report, this one does: each request's scheduled
time and the time its task really began sending, so the same send lateness and achieved
rate as llmload's `schedule` block can be compared.

Sending stops after `--duration` seconds, as `llmload run -t` does: a request whose task has
not begun by then is not sent (vLLM's client would send it later, however late), so a client
that cannot keep up shows it as an achieved rate below the target rather than as a run that
takes longer. achieved_rate is the requests sent divided by `--duration`.

Prints one JSON object: target_rate, achieved_rate, due (requests scheduled within the
duration), sent, not_sent (due but not begun within it), completed, failed,
send_lateness_s {p50, p99, max}, ttft_s {p50, p99}.

Needs Debian's python3-aiohttp: apt-get install -y python3-aiohttp. Loopback only: the URL
is refused unless its host is 127.0.0.1 or localhost.
"""

import argparse
import asyncio
import json
import random
import sys
import time
import urllib.parse

import aiohttp


def quantile(values, q):
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, int(-(-q * len(ordered) // 1)))  # nearest rank, ceil(q * n)
    return ordered[min(rank, len(ordered)) - 1]


async def one_request(session, url, body, scheduled, start, deadline, lateness, ttfts, outcome):
    began = time.perf_counter()
    if began >= deadline:  # the run's time is up: this late request is not sent
        return
    lateness.append(began - (start + scheduled))
    try:
        async with session.post(url, json=body) as response:
            if response.status != 200:
                await response.read()
                outcome["failed"] += 1
                return
            first = None
            async for line in response.content:
                if not line.startswith(b"data: "):
                    continue
                data = line[6:].strip()
                if data == b"[DONE]":
                    break
                if first is None:
                    chunk = json.loads(data)
                    choices = chunk.get("choices") or []
                    if choices and (choices[0].get("delta") or {}).get("content"):
                        first = time.perf_counter()
            if first is not None:
                ttfts.append(first - (start + scheduled))
            outcome["completed"] += 1
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
        outcome["failed"] += 1


async def run(args):
    host = urllib.parse.urlsplit(args.url).hostname
    if host not in ("127.0.0.1", "localhost"):
        sys.exit("python_open_loop.py: loopback only (127.0.0.1 or localhost), got " + str(host))
    body = {
        "model": args.model,
        "messages": [{"role": "user", "content": args.prompt}],
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    rng = random.Random(args.seed)
    connector = aiohttp.TCPConnector(limit=0)  # no cap, as vLLM's client without --max-concurrency
    timeout = aiohttp.ClientTimeout(total=600)
    lateness, ttfts, tasks = [], [], []
    outcome = {"completed": 0, "failed": 0}

    def next_gap():
        if args.arrival == "constant":
            return 1.0 / args.rate
        return rng.gammavariate(args.burstiness, 1.0 / (args.rate * args.burstiness))

    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        start = time.perf_counter()
        deadline = start + args.duration
        scheduled = 0.0
        due = 0
        while scheduled < args.duration:
            now = time.perf_counter()
            if now >= deadline:  # the rest of the schedule is due but will not be sent
                break
            # The request is created when its time has come, as vLLM's loop does.
            delay = start + scheduled - now
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one_request(
                session, args.url, body, scheduled, start, deadline, lateness, ttfts, outcome)))
            due += 1
            scheduled += next_gap()
        while scheduled < args.duration:  # count what the loop had no time to create
            due += 1
            scheduled += next_gap()
        await asyncio.gather(*tasks)
    sent = len(lateness)
    print(json.dumps({
        "target_rate": args.rate,
        "achieved_rate": sent / args.duration,
        "due": due,
        "sent": sent,
        "not_sent": due - sent,
        "completed": outcome["completed"],
        "failed": outcome["failed"],
        "send_lateness_s": {"p50": quantile(lateness, 0.5), "p99": quantile(lateness, 0.99),
                            "max": max(lateness) if lateness else None},
        "ttft_s": {"p50": quantile(ttfts, 0.5), "p99": quantile(ttfts, 0.99)},
    }))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="chat completions URL on loopback")
    parser.add_argument("--model", default="mock-llm")
    parser.add_argument("--prompt", default="Explain in two sentences why the sky is blue.")
    parser.add_argument("--rate", type=float, required=True, help="requests per second")
    parser.add_argument("--arrival", choices=["poisson", "constant"], default="poisson")
    parser.add_argument("--burstiness", type=float, default=1.0)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of sending")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if not args.rate > 0 or not args.duration > 0 or not args.burstiness > 0:
        sys.exit("python_open_loop.py: --rate, --duration and --burstiness must be above 0")
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
