// Signs one request with the AWS SDK's own SigV4 signer (@smithy/signature-v4), so a test can
// check that llmload's signer (api/aws_sigv4_signer.h) gives the same Authorization header.
// Usage: node sigv4_sign.mjs HOST PATH BODY UNIX_SECONDS ACCESS_KEY SECRET [SESSION_TOKEN]
// Prints the Authorization header's value.
import { SignatureV4 } from "@smithy/signature-v4";
import { HttpRequest } from "@smithy/protocol-http";
import { Sha256 } from "@aws-crypto/sha256-js";

const [, , host, path, body, seconds, accessKeyId, secretAccessKey, sessionToken] = process.argv;
if (!secretAccessKey) {
  console.error("usage: node sigv4_sign.mjs HOST PATH BODY UNIX_SECONDS ACCESS_KEY SECRET [TOKEN]");
  process.exit(2);
}
const signer = new SignatureV4({
  service: "bedrock",
  region: "us-east-1",
  sha256: Sha256,
  credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
});
const [hostname, port] = host.split(":");
const request = new HttpRequest({
  method: "POST",
  protocol: "http:",
  hostname,
  port: port ? Number(port) : undefined,
  path,
  headers: { host },
  body,
});
const signed = await signer.sign(request, { signingDate: new Date(Number(seconds) * 1000) });
console.log(signed.headers["authorization"]);
