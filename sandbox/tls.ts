import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

export interface Certificate {
  certPath: string;
  keyPath: string;
  cert: Buffer;
  key: Buffer;
}

/**
 * A self-signed certificate for localhost and 127.0.0.1, made once with
 * openssl into `<dir>/tls/` (key 0600) and reused after, so clients that only
 * speak https (@pagerduty/pdjs) can be pointed at the sandbox by trusting
 * `cert.pem` (NODE_EXTRA_CA_CERTS, curl --cacert).
 */
export function ensureCertificate(dir: string, hosts: string[] = []): Certificate {
  const tlsDir = path.join(dir, "tls");
  const certPath = path.join(tlsDir, "cert.pem");
  const keyPath = path.join(tlsDir, "key.pem");
  if (!fs.existsSync(certPath) || !fs.existsSync(keyPath)) {
    fs.mkdirSync(tlsDir, { recursive: true, mode: 0o700 });
    const names = [...new Set(["localhost", "127.0.0.1", "::1", ...hosts])].map((h) => (/^[\d.]+$|:/.test(h) ? `IP:${h}` : `DNS:${h}`));
    try {
      execFileSync(
        "openssl",
        [
          "req",
          "-x509",
          "-newkey",
          "rsa:2048",
          "-nodes",
          "-sha256",
          "-days",
          "825",
          "-subj",
          "/CN=PagerDuty sandbox",
          "-addext",
          `subjectAltName=${names.join(",")}`,
          "-keyout",
          keyPath,
          "-out",
          certPath,
        ],
        { stdio: "pipe" },
      );
    } catch (err) {
      const why = (err as NodeJS.ErrnoException).code === "ENOENT" ? "openssl is not installed" : String((err as { stderr?: Buffer }).stderr ?? err);
      throw new Error(`cannot create the sandbox's TLS certificate in ${tlsDir}: ${why}`);
    }
    fs.chmodSync(keyPath, 0o600);
  }
  return { certPath, keyPath, cert: fs.readFileSync(certPath), key: fs.readFileSync(keyPath) };
}
