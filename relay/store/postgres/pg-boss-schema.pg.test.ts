import * as fs from "node:fs";
import * as path from "node:path";
import { PgBoss } from "pg-boss";
import { openPool, type PgPool } from "../../../lib/postgres";
import { type PostgresServer, startPostgres } from "../../../test/support/postgres";
import { JOBS_SCHEMA } from "./schema";

// Real PostgreSQL on a shared, loaded machine: generous per-test time.
jest.setTimeout(60_000);

/**
 * outbox.ts reads and writes pg-boss's `job` table with its own SQL where pg-boss has no public
 * API for it (enqueue de-duplication inside the caller's transaction, listing and stats for the
 * status page, dead-letter retry, pruning, the next run-at). That table is pg-boss's private
 * schema: this test pins what outbox.ts relies on, so upgrading pg-boss fails here, loudly and by
 * name, instead of in production.
 */
const COLUMNS: Record<string, string> = {
  id: "uuid",
  name: "text",
  state: "USER-DEFINED",
  singleton_key: "text",
  data: "jsonb",
  output: "jsonb",
  retry_count: "integer",
  expire_seconds: "integer",
  start_after: "timestamp with time zone",
  created_on: "timestamp with time zone",
  started_on: "timestamp with time zone",
  completed_on: "timestamp with time zone",
};
const STATES = ["active", "cancelled", "completed", "created", "failed", "retry"];

let server: PostgresServer;
let pool: PgPool;
let boss: PgBoss;
const version = JSON.parse(fs.readFileSync(path.join(path.dirname(require.resolve("pg-boss")), "..", "package.json"), "utf8")).version as string;
const hint = `pg-boss ${version} changed the job table that relay/store/postgres/outbox.ts queries directly; review every query on ${JOBS_SCHEMA}.job there (and in test/pg) before upgrading`;

beforeAll(async () => {
  server = await startPostgres();
  boss = new PgBoss({ connectionString: server.url, schema: JOBS_SCHEMA, max: 2, supervise: false, schedule: false });
  boss.on("error", () => undefined);
  await boss.start();
  pool = openPool(server.url, { max: 1 });
}, 120_000);

afterAll(async () => {
  await boss?.stop({ graceful: false, close: true, timeout: 1_000 }).catch(() => undefined);
  await pool?.end();
  await server?.destroy();
});

it("pg-boss is the pinned version (package.json), the one whose job table outbox.ts is written against", () => {
  const pinned = JSON.parse(fs.readFileSync(path.join(__dirname, "../../../package.json"), "utf8")).dependencies["pg-boss"];
  expect(pinned).toMatch(/^\d+\.\d+\.\d+$/); // exact: a range could install a schema nobody tested
  expect(version).toBe(pinned);
});

it("the job table has the columns and types outbox.ts reads and writes", async () => {
  const { rows } = await pool.query<{ column_name: string; data_type: string }>(
    "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'job'",
    [JOBS_SCHEMA],
  );
  const actual = Object.fromEntries(rows.map((r) => [r.column_name, r.data_type]));
  const wrong = Object.entries(COLUMNS)
    .filter(([c, t]) => actual[c] !== t)
    .map(([c, t]) => `${c}: expected ${t}, found ${actual[c] ?? "nothing"}`);
  if (wrong.length) throw new Error(`${hint}:\n  ${wrong.join("\n  ")}`);
});

it("job states are the ones outbox.ts maps to pending, running, done and dead", async () => {
  const { rows } = await pool.query<{ label: string }>(
    `SELECT e.enumlabel AS label FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE n.nspname = $1 AND t.typname = 'job_state' ORDER BY e.enumlabel`,
    [JOBS_SCHEMA],
  );
  if (rows.map((r) => r.label).join() !== STATES.join())
    throw new Error(`${hint}: job_state is (${rows.map((r) => r.label).join(", ")}), expected (${STATES.join(", ")})`);
});
