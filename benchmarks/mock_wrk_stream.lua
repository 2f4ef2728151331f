-- wrk script for benchmarks/mock_bench.sh: every request is a streaming chat completion of
-- 16 tokens (`"stream":true`), so wrk's requests/s are whole SSE streams served by the mock.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"model":"bench","messages":[{"role":"user","content":"benchmark"}],' ..
           '"stream":true,"max_tokens":16}'
