// Signs one HTTP request with @smithy/signature-v4 (the AWS SDK for JavaScript's signer) and
// prints its Authorization header on stdout. Used by providers/auth/sigv4_smithy_test.cc to
// cross-check skybroker's SigV4 signer. Run from anywhere: node tests/providers/smithy_sign.mjs
//
// Input (JSON on stdin):
//   {"method": "POST", "protocol": "https:", "hostname": "ec2.us-east-1.amazonaws.com",
//    "path": "/", "query": {"k": "v"}, "headers": {"host": "...", ...}, "body": "...",
//    "region": "us-east-1", "service": "ec2", "date": "2026-05-20T12:34:56Z",
//    "applyChecksum": false,
//    "credentials": {"accessKeyId": "...", "secretAccessKey": "...", "sessionToken": "..."}}
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

// Resolve packages from tests/node_modules whatever the working directory is.
const require = createRequire(join(dirname(fileURLToPath(import.meta.url)), "..", "package.json"));
const { SignatureV4 } = require("@smithy/signature-v4");
const { Sha256 } = require("@aws-crypto/sha256-js");

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

async function main() {
  const input = JSON.parse(await readStdin());
  const signer = new SignatureV4({
    credentials: input.credentials,
    region: input.region,
    service: input.service,
    sha256: Sha256,
    applyChecksum: input.applyChecksum ?? false,
    uriEscapePath: true,
  });
  const request = {
    method: input.method,
    protocol: input.protocol ?? "https:",
    hostname: input.hostname,
    port: input.port,
    path: input.path ?? "/",
    query: input.query ?? {},
    headers: { ...input.headers },
    body: input.body ?? "",
  };
  const signed = await signer.sign(request, { signingDate: new Date(input.date) });
  const name = Object.keys(signed.headers).find((h) => h.toLowerCase() === "authorization");
  if (!name) throw new Error("smithy produced no authorization header");
  process.stdout.write(signed.headers[name] + "\n");
}

main().catch((error) => {
  process.stderr.write(`smithy_sign: ${error.stack ?? error}\n`);
  process.exit(1);
});
