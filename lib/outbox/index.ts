export type { ClaimOptions, EnqueueInput, FailOptions, Job, JobState, Outbox, OutboxStats } from "./types";
export { SqliteOutbox } from "./sqlite";
