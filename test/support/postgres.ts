import { type PostgresServer, type StartPostgresOptions, startPostgres as startServer } from "../../scripts/lib/postgres-server";
import { closeAtEnd } from "./cleanup";

export { findPostgresBin, freePort, type PostgresServer, type StartPostgresOptions } from "../../scripts/lib/postgres-server";

/** A real PostgreSQL for one test file (scripts/lib/postgres-server.ts), closed at its end even when a test or an afterAll failed. */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const server = await startServer(options);
  const destroy = closeAtEnd(`PostgreSQL on port ${server.port}`, server.destroy);
  return { ...server, destroy };
}
