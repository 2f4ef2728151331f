// A deliberately hostile or broken OpenAI-compatible endpoint for llmload's integration tests
// (tests/integration/hostile_endpoint_test.cc). Node 20 built-ins only. It binds 127.0.0.1 on
// an ephemeral port, prints "hostile server listening on port N" on stdout, then one line per
// request ("request METHOD PATH"), and picks its misbehaviour from the first path segment:
//
//   /ok/...                     a normal SSE stream (or JSON body) with a valid usage
//   /endless/...                200 SSE of tiny content chunks that never ends
//   /huge-body/N/...            non-streamed 200 JSON of N bytes, with Content-Length
//   /huge-body-chunked/N/...    the same without Content-Length (chunked)
//   /huge-event/...             200 SSE whose one data line never ends
//   /huge-error/...             500 with an endless body
//   /usage-negative/...         usage.completion_tokens -1000 (stream or body)
//   /usage-huge/...             usage.completion_tokens 10^12
//   /usage-float/... /usage-string/... /usage-bool/...   1.5, "12", true
//   /usage-more-than-bytes/...  usage.completion_tokens 100000 in a reply of a few hundred bytes
//   /wrong-content-type/...     a good SSE stream sent as application/json
//   /no-content-type/...        a good SSE stream without Content-Type
//   /gzip/...                   a good SSE stream, gzip-compressed, Content-Encoding: gzip
//   /reset-mid-stream/...       some chunks, then a TCP RST
//   /close-mid-stream/...       some chunks, then a clean close (FIN)
//   /429-retry-after/...        429 with Retry-After: 2
//   /control-chars/v1/models    a model id full of escape codes and line breaks
//   /hang-models/v1/models      never answers
//   /huge-models/v1/models      a 2 MiB model list
//   /stats                      {"connections": N, "requests": N}
//
// Any other /v1/models answers {"data":[{"id":"hostile-model"}]}. Stop it with SIGTERM.
import http from 'node:http';
import zlib from 'node:zlib';

let connections = 0;
let requests = 0;

const chunk = (text) =>
  `data: ${JSON.stringify({choices: [{index: 0, delta: {content: text}, finish_reason: null}]})}\n\n`;
const finalChunk = (usage) =>
  `data: ${JSON.stringify({choices: [{index: 0, delta: {}, finish_reason: 'stop'}], usage})}\n\n` +
  'data: [DONE]\n\n';
const goodUsage = {prompt_tokens: 5, completion_tokens: 8, total_tokens: 13};

function sseBody(usage = goodUsage) {
  let body = '';
  for (let i = 0; i < 8; ++i) body += chunk('tok');
  return body + finalChunk(usage);
}

function jsonBody(usage = goodUsage) {
  return JSON.stringify({
    object: 'chat.completion',
    choices: [{index: 0, message: {role: 'assistant', content: 'hello there'}, finish_reason: 'stop'}],
    usage,
  });
}

const badUsages = {
  'usage-negative': {prompt_tokens: 5, completion_tokens: -1000},
  'usage-huge': {prompt_tokens: 5, completion_tokens: 1e12},
  'usage-float': {prompt_tokens: 5, completion_tokens: 1.5},
  'usage-string': {prompt_tokens: 5, completion_tokens: '12'},
  'usage-bool': {prompt_tokens: 5, completion_tokens: true},
  'usage-more-than-bytes': {prompt_tokens: 5, completion_tokens: 100000},
};

// Writes `next()` pieces for as long as the client reads them, until next() returns null.
function pump(res, next) {
  const step = () => {
    for (;;) {
      const piece = next();
      if (piece === null) {
        res.end();
        return;
      }
      if (!res.write(piece)) {
        res.once('drain', step);
        return;
      }
    }
  };
  res.on('error', () => {});
  step();
}

function endless(res) {
  res.writeHead(200, {'Content-Type': 'text/event-stream'});
  const batch = chunk('x').repeat(256);
  let stopped = false;
  res.on('close', () => { stopped = true; });
  // A macrotask between batches keeps the server responsive to other connections.
  const step = () => {
    if (stopped) return;
    if (res.write(batch)) setImmediate(step);
    else res.once('drain', step);
  };
  step();
}

function bytesOfPiece(total, withLength, res) {
  const head = '{"object":"chat.completion","choices":[{"index":0,"message":{"content":"';
  const tail = '"},"finish_reason":"stop"}]}';
  const headers = {'Content-Type': 'application/json'};
  if (withLength) headers['Content-Length'] = String(total);
  res.writeHead(200, headers);
  const piece = 'x'.repeat(64 << 10);
  let left = total - head.length - tail.length;
  let sentHead = false;
  let sentTail = false;
  pump(res, () => {
    if (!sentHead) { sentHead = true; return head; }
    if (left > 0) {
      const n = Math.min(left, piece.length);
      left -= n;
      return n === piece.length ? piece : piece.slice(0, n);
    }
    if (!sentTail) { sentTail = true; return tail; }
    return null;
  });
}

function handle(req, res, body) {
  ++requests;
  process.stdout.write(`request ${req.method} ${req.url}\n`);
  const parts = req.url.split('?')[0].split('/').filter((p) => p.length > 0);
  const kind = parts[0] ?? '';
  if (req.url === '/stats') {
    res.writeHead(200, {'Content-Type': 'application/json'});
    res.end(JSON.stringify({connections, requests}));
    return;
  }
  if (parts[parts.length - 1] === 'models') {
    if (kind === 'hang-models') return;  // never answer
    res.writeHead(200, {'Content-Type': 'application/json'});
    if (kind === 'control-chars') {
      res.end(JSON.stringify({data: [{id: 'evil\u001b[2J\u001b]0;pwned\u0007\r\nmodel\u009b31m'}]}));
    } else if (kind === 'huge-models') {
      res.end(JSON.stringify({data: [{id: 'x'.repeat(2 << 20)}]}));
    } else {
      res.end(JSON.stringify({data: [{id: 'hostile-model'}]}));
    }
    return;
  }
  let stream = true;
  try {
    stream = JSON.parse(body).stream !== false;
  } catch {}
  const sse = {'Content-Type': 'text/event-stream'};
  switch (kind) {
    case 'endless':
      return endless(res);
    case 'huge-body':
    case 'huge-body-chunked':
      return bytesOfPiece(Number(parts[1]), kind === 'huge-body', res);
    case 'huge-event': {
      res.writeHead(200, sse);
      const piece = 'y'.repeat(64 << 10);
      let first = true;
      return pump(res, () => {
        if (first) { first = false; return 'data: {"choices":[{"delta":{"content":"'; }
        return piece;
      });
    }
    case 'huge-error': {
      res.writeHead(500, {'Content-Type': 'text/plain'});
      const piece = 'e'.repeat(64 << 10);
      return pump(res, () => piece);
    }
    case 'wrong-content-type':
      res.writeHead(200, {'Content-Type': 'application/json'});
      return res.end(sseBody());
    case 'no-content-type': {
      // Node adds no Content-Type of its own.
      res.writeHead(200, {});
      return res.end(sseBody());
    }
    case 'gzip': {
      const payload = zlib.gzipSync(stream ? sseBody() : jsonBody());
      res.writeHead(200, {
        'Content-Type': stream ? 'text/event-stream' : 'application/json',
        'Content-Encoding': 'gzip',
      });
      return res.end(payload);
    }
    case 'reset-mid-stream':
    case 'close-mid-stream': {
      res.writeHead(200, sse);
      res.write(chunk('a') + chunk('b') + chunk('c'));
      // Let the chunks reach the client before the connection goes.
      setTimeout(() => {
        if (kind === 'reset-mid-stream') res.socket.resetAndDestroy();
        else res.socket.end();
      }, 50);
      return;
    }
    case '429-retry-after':
      res.writeHead(429, {'Content-Type': 'application/json', 'Retry-After': '2'});
      return res.end(JSON.stringify({error: {message: 'slow down', type: 'rate_limit'}}));
    default:
      break;
  }
  const usage = badUsages[kind] ?? goodUsage;
  if (stream) {
    res.writeHead(200, sse);
    res.end(sseBody(usage));
  } else {
    res.writeHead(200, {'Content-Type': 'application/json'});
    res.end(jsonBody(usage));
  }
}

const server = http.createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (d) => { if (body.length < (1 << 20)) body += d; });
  req.on('end', () => handle(req, res, body));
});
server.on('connection', (socket) => {
  ++connections;
  socket.on('error', () => {});
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`hostile server listening on port ${server.address().port}\n`);
});
// Gone with the test that started it, even if the test could not stop it (a crash).
const parent = process.ppid;
setInterval(() => { if (process.ppid !== parent) process.exit(0); }, 500).unref();
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
