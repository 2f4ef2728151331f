"""Locust's side of `benchmarks/engine_bench.sh locust`: the same streaming chat completion
that `llmload run` sends, against the same `llmload mock`, so throughput and TTFT error can be
compared (docs/benchmarks.md, "Load engine").

Each user is closed loop like an llmload virtual user (no wait between requests): it POSTs a
streaming chat completion, reads the SSE stream line by line, and fires two request events of
its own besides Locust's usual one for the POST (whose time is only "headers received"):

  SSE ttft       time from just before the POST to the first chunk with non-empty content
  SSE completed  time to `data: [DONE]` (end to end); response_length = content chunks

So "SSE completed" counts completed streams in the --csv stats. Locust rounds response times
(to whole milliseconds below 100 ms) before computing percentiles, so when LOCUST_TTFT_FILE
is set every TTFT is also written there, in seconds, one per line, at exit: the bench script
takes exact percentiles from it.

Needs Debian's python3-locust (Locust 2.12): apt-get install -y python3-locust.
"""

import json
import os
import time

from locust import HttpUser, constant, events, task

PROMPT = os.environ.get(
    "LOCUST_PROMPT",
    "Explain in two sentences why the sky looks blue during the day and red at sunset.",
)
# What llmload sends by default: stream with usage, no max_tokens (the mock's
# --output-tokens sets the length).
BODY = json.dumps(
    {
        "model": os.environ.get("LOCUST_MODEL", "mock-llm"),
        "messages": [{"role": "user", "content": PROMPT}],
        "stream": True,
        "stream_options": {"include_usage": True},
    }
)
HEADERS = {"Content-Type": "application/json", "Accept": "text/event-stream"}

_ttfts = []  # seconds; kept in memory so the hot path does no file I/O


class StreamingChatUser(HttpUser):
    wait_time = constant(0)

    @task
    def chat(self):
        start = time.perf_counter()
        ttft = None
        chunks = 0
        done = False
        with self.client.post(
            "/v1/chat/completions",
            data=BODY,
            headers=HEADERS,
            stream=True,
            catch_response=True,
            name="chat_completions",
        ) as resp:
            if resp.status_code != 200:
                resp.failure(f"HTTP {resp.status_code}")
                return
            # Read to the end of the body even after [DONE]: leaving the generator early keeps
            # urllib3 from reusing the connection (a new TCP connection per request), and a
            # half-read generator swallows the GreenletExit of Locust's --run-time stop.
            for line in resp.iter_lines():
                if not line.startswith(b"data: "):
                    continue
                payload = line[6:]
                if payload == b"[DONE]":
                    done = True
                    continue
                chunk = json.loads(payload)
                choices = chunk.get("choices") or []
                if choices and (choices[0].get("delta") or {}).get("content"):
                    if ttft is None:
                        ttft = time.perf_counter() - start
                    chunks += 1
            if not done or ttft is None:
                resp.failure("stream ended without content or [DONE]")
                return
            resp.success()
        e2e = time.perf_counter() - start
        fire = events.request.fire
        fire(request_type="SSE", name="ttft", response_time=ttft * 1000.0, response_length=0,
             exception=None, context={})
        fire(request_type="SSE", name="completed", response_time=e2e * 1000.0,
             response_length=chunks, exception=None, context={})
        _ttfts.append(ttft)


@events.quitting.add_listener
def _write_ttfts(environment, **_kwargs):
    path = os.environ.get("LOCUST_TTFT_FILE")
    if path:
        with open(path, "w", encoding="ascii") as f:
            f.write("".join(f"{t:.9f}\n" for t in _ttfts))
