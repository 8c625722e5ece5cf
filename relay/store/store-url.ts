/**
 * The store URL (`--store`, `RELAY_STORE`) and its password. A password on the command line is
 * refused: every local user reads process arguments (`ps`), npm's own process included, so the
 * relay scrubbing its own argv would not help. It comes from `RELAY_STORE` or from a file
 * (`--store-password-file`), and the URL's whole userinfo is redacted from the logs.
 */
import * as fs from "node:fs";
import { ConfigError } from "../config";

export interface StoreUrlSources {
  /** `--store` as given on the command line. */
  flag?: string;
  /** `RELAY_STORE`. */
  env?: string;
  /** `--store-password-file` (`RELAY_STORE_PASSWORD_FILE`): the password, put into the URL. */
  passwordFile?: string;
}

const isPostgres = (url: string) => /^postgres(ql)?:\/\//i.test(url);

/** The store URL to open (undefined: SQLite) and warnings to log. Throws ConfigError naming the fix. */
export function resolveStoreUrl(s: StoreUrlSources): { url: string | undefined; warnings: string[] } {
  const warnings: string[] = [];
  const url = s.flag ?? s.env;
  if (!url || !isPostgres(url)) {
    if (s.passwordFile) throw new ConfigError(["--store-password-file: only for a postgres:// --store (RELAY_STORE)"]);
    return { url, warnings };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError([`${s.flag !== undefined ? "--store" : "RELAY_STORE"}: not a URL; give postgres://user@host:port/database`]);
  }
  if (s.flag !== undefined && parsed.password) {
    throw new ConfigError([
      "--store: the URL carries a password, which every user of this machine can read in the process list (npm's process too). " +
        "Put the whole URL in RELAY_STORE instead, or give --store postgres://user@host:port/database with the password in a file named by --store-password-file (RELAY_STORE_PASSWORD_FILE).",
    ]);
  }
  if (s.passwordFile) {
    if (parsed.password) throw new ConfigError(["--store-password-file: the store URL already carries a password; give one or the other"]);
    let password: string;
    try {
      password = fs.readFileSync(s.passwordFile, "utf8").trim();
    } catch (e) {
      throw new ConfigError([`--store-password-file: cannot read ${s.passwordFile} (${(e as NodeJS.ErrnoException).code ?? "error"})`]);
    }
    if (!password) throw new ConfigError([`--store-password-file: ${s.passwordFile} is empty (or only whitespace)`]);
    const mode = fs.statSync(s.passwordFile).mode & 0o777;
    if (mode & 0o004) warnings.push(`--store-password-file: ${s.passwordFile} is readable by every user (mode ${mode.toString(8)}); chmod 600 it`);
    parsed.password = encodeURIComponent(password);
    return { url: parsed.toString(), warnings };
  }
  return { url, warnings };
}

/** The values to scrub from logs for a store URL: its userinfo as written and decoded, and the password. */
export function storeUrlSecrets(url: string | undefined): string[] {
  if (!url || !isPostgres(url)) return [];
  const m = /^[a-z]+:\/\/([^@/]*)@/i.exec(url);
  if (!m) return [];
  const out = new Set([m[1], decodeURIComponent(m[1])]);
  const password = new URL(url).password;
  if (password) out.add(decodeURIComponent(password)).add(password);
  return [...out].filter(Boolean);
}
