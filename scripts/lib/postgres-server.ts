import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { freePort } from "./free-port";

const run = promisify(execFile);

/**
 * A real PostgreSQL server for tests: its own data directory under the temp dir,
 * listening on 127.0.0.1 only (and a Unix socket inside that directory), trust
 * authentication, stopped by `destroy()`. Postgres refuses to run as root, so as
 * root every server command runs as the `postgres` system user (runuser) and the
 * temp directory belongs to it.
 */
export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** URL of another database on this server, created on first use. */
  database(name: string): Promise<string>;
  /** Fast shutdown (`pg_ctl stop -m fast`) or a crash (`-m immediate`): the data directory stays. */
  stop(mode?: "fast" | "immediate"): Promise<void>;
  /** Starts the server again on the same port and data directory. */
  start(): Promise<void>;
  /** Stops the server (immediately) and removes its directory. Safe to call twice. */
  destroy(): Promise<void>;
  /** The server log, for failure messages. */
  log(): string;
}

export interface StartPostgresOptions {
  /** Keep fsync on (benchmarks); tests turn it off, which changes nothing short of an OS crash. */
  durable?: boolean;
  /** Extra `-c name=value` settings. */
  settings?: Record<string, string | number>;
}

const INSTALL_HINT =
  "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found on PATH or under /usr/lib/postgresql/<version>/bin. " +
  "The PostgreSQL tests need PostgreSQL 13 or newer, 15 recommended: on Debian/Ubuntu `apt-get install postgresql-15` " +
  "(or put a PostgreSQL bin directory on PATH).";

/** Finds the directory that holds initdb, pg_ctl and postgres; throws a message saying what to install. */
export function findPostgresBin(): string {
  const dirs = (process.env.PATH ?? "").split(path.delimiter).filter(Boolean);
  const root = "/usr/lib/postgresql";
  if (fs.existsSync(root)) {
    const versions = fs
      .readdirSync(root)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    // Prefer 15 (what CI machines have), then the newest.
    versions.sort((a, b) => (a === "15" ? -1 : b === "15" ? 1 : 0));
    dirs.push(...versions.map((v) => path.join(root, v, "bin")));
  }
  for (const dir of dirs) {
    if (["initdb", "pg_ctl", "postgres"].every((b) => isExecutable(path.join(dir, b)))) return dir;
  }
  throw new Error(INSTALL_HINT);
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

const running = new Set<{ pgCtl: string[]; dataDir: string }>();
let exitHookInstalled = false;

/** Last resort when a test process ends without calling destroy(): never leave a server behind. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const s of running) {
      try {
        execFileSync(s.pgCtl[0], [...s.pgCtl.slice(1), "stop", "-D", s.dataDir, "-m", "immediate", "-w"], { stdio: "ignore" });
      } catch {
        // already gone
      }
    }
  });
}

// start() retries on a lost race for the port.
export { freePort };

export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const bin = findPostgresBin();
  const asRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const wrap = (cmd: string): string[] => (asRoot ? ["runuser", "-u", "postgres", "--", path.join(bin, cmd)] : [path.join(bin, cmd)]);
  if (asRoot) {
    try {
      execFileSync("id", ["-u", "postgres"], { stdio: "ignore" });
    } catch {
      throw new Error(
        "Running as root, PostgreSQL must run as the `postgres` system user, which does not exist: install the postgresql package (it creates the user) or run the tests as a normal user.",
      );
    }
  }
  const exec = async (argv: string[], timeoutMs = 120_000) => {
    try {
      return await run(argv[0], argv.slice(1), { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 });
    } catch (err) {
      const e = err as { stderr?: string; stdout?: string; message: string };
      throw new Error(`${argv.slice(asRoot ? 4 : 0).join(" ")} failed: ${e.stderr || e.stdout || e.message}`);
    }
  };

  const root = fs.mkdtempSync(path.join(os.tmpdir(), "relay-pg-"));
  const dataDir = path.join(root, "data");
  const logFile = path.join(root, "postgres.log");
  if (asRoot) {
    const { uid, gid } = postgresIds();
    fs.chownSync(root, uid, gid);
  }
  try {
    await exec([...wrap("initdb"), "-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "-N"]);
  } catch (err) {
    fs.rmSync(root, { recursive: true, force: true });
    throw err;
  }

  const settings: Record<string, string | number> = {
    listen_addresses: "127.0.0.1",
    unix_socket_directories: root,
    max_connections: 200,
    fsync: options.durable ? "on" : "off",
    full_page_writes: options.durable ? "on" : "off",
    synchronous_commit: "on",
    shared_buffers: "64MB",
    log_min_messages: "warning",
    ...options.settings,
  };
  const entry = { pgCtl: wrap("pg_ctl"), dataDir };
  let port = 0;
  let destroyed = false;

  const startOn = async (p: number) => {
    const conf = Object.entries({ ...settings, port: p })
      .map(([k, v]) => `${k} = '${v}'`)
      .join("\n");
    fs.writeFileSync(path.join(dataDir, "postgresql.auto.conf"), `${conf}\n`);
    if (asRoot) {
      const { uid, gid } = postgresIds();
      fs.chownSync(path.join(dataDir, "postgresql.auto.conf"), uid, gid);
    }
    await exec([...entry.pgCtl, "start", "-D", dataDir, "-l", logFile, "-w", "-t", "120"], 150_000);
    running.add(entry);
    installExitHook();
  };

  const readLog = () => {
    try {
      return fs.readFileSync(logFile, "utf8");
    } catch {
      return "";
    }
  };

  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    try {
      await startOn(port);
      break;
    } catch (err) {
      // Another process may have taken the port between freePort() and the bind.
      if (attempt >= 3 || !/already in use|could not create listen socket/i.test(readLog())) {
        fs.rmSync(root, { recursive: true, force: true });
        throw new Error(`${(err as Error).message}\n${readLog()}`);
      }
    }
  }

  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const created = new Set<string>();
  const server: PostgresServer = {
    url,
    port,
    dataDir,
    async database(name: string) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`database name ${JSON.stringify(name)}: use lowercase letters, digits and _`);
      if (!created.has(name)) {
        const { Client } = await import("pg");
        const client = new Client({ connectionString: url });
        await client.connect();
        try {
          await client.query(`CREATE DATABASE ${name}`);
        } finally {
          await client.end();
        }
        created.add(name);
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    async stop(mode = "fast") {
      await exec([...entry.pgCtl, "stop", "-D", dataDir, "-m", mode, "-w", "-t", "60"]);
      running.delete(entry);
    },
    async start() {
      await startOn(port);
    },
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      if (running.has(entry)) {
        try {
          await exec([...entry.pgCtl, "stop", "-D", dataDir, "-m", "immediate", "-w", "-t", "60"]);
        } catch {
          // not running
        }
        running.delete(entry);
      }
      fs.rmSync(root, { recursive: true, force: true });
    },
    log: readLog,
  };
  return server;
}

function postgresIds(): { uid: number; gid: number } {
  const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
  return { uid, gid };
}
