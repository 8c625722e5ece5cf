export type { ClaimOptions, EnqueueInput, FailOptions, Job, ListOptions, JobState, Outbox, OutboxStats } from "./types";
export { SqliteOutbox } from "./sqlite";
