/**
 * One durable job table (graphile-worker's shape): a job waits until `runAt`, is claimed under a
 * lease (owner + until) so a crashed worker's jobs come back, is retried with the one backoff, and
 * ends `done` or `dead` (a dead letter a person can send back with `retryDead`).
 *
 * Async so it can live on PostgreSQL (issue 13) as well as SQLite.
 */
import type { BackoffSchedule } from "../backoff";

export type JobState = "pending" | "running" | "done" | "dead";

export interface Job<P = unknown> {
  id: number;
  /** Which handler runs it (`relay.deliver`, `relay.pd-webhook`, ...). */
  queue: string;
  /** Jobs sharing a queue key run one at a time, in enqueue order (one alert's transitions). */
  queueKey: string;
  /** At most one pending job per dedupe key: enqueuing it again is a no-op. */
  dedupeKey: string | null;
  payload: P;
  state: JobState;
  /** Claims so far (the running one included). */
  attempts: number;
  runAt: number;
  leaseOwner: string | null;
  leaseUntil: number | null;
  lastError: string | null;
  /** Status code of the last attempt (an HTTP status for deliveries), kept after it finished; null when none. */
  lastStatus: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface EnqueueInput<P = unknown> {
  queue: string;
  queueKey: string;
  dedupeKey?: string;
  payload: P;
  /** Default now. */
  runAt?: number;
  /** Recorded as a dead letter with this error straight away: a job refused before its first attempt, kept for people to see. */
  deadLetter?: string;
}

export interface ClaimOptions {
  queues: readonly string[];
  owner: string;
  leaseMs: number;
  limit: number;
  now: number;
  /** Claim pending jobs due up to this time (default `now`): later ones run ahead of their backoff (a sandbox's drain). */
  dueBy?: number;
}

export interface FailOptions {
  /** Backoff applied to the job's attempts; ignored when `runAt` is given. */
  schedule: BackoffSchedule;
  /** Exact next run (a Retry-After, a rate-limit block). */
  runAt?: number;
  /** Attempts after which the job is dead-lettered; undefined = retry forever. */
  maxAttempts?: number;
  random?: () => number;
  /** Status code of the failed attempt (see Job.lastStatus). */
  status?: number;
}

export interface ListOptions {
  states?: readonly JobState[];
  queue?: string;
  queueKeyPrefix?: string;
  /** Default 100. */
  limit?: number;
}

export interface OutboxStats {
  /** Pending plus running jobs. */
  depth: number;
  /** Age of the oldest pending or running job, ms (0 when none). */
  oldestAgeMs: number;
  dead: number;
  byQueue: Record<string, { depth: number; dead: number }>;
}

export interface Outbox {
  /** Inserts a pending job, or returns the pending job that already has its dedupe key. */
  enqueue<P>(input: EnqueueInput<P>, now: number): Promise<Job<P>>;
  /** Due jobs (or ones whose lease expired) whose queue key has no earlier live job, leased to `owner`. */
  claim(opts: ClaimOptions): Promise<Job[]>;
  /** Finished. False when the lease was lost (another worker owns the job now). */
  complete(id: number, owner: string, now: number, status?: number): Promise<boolean>;
  /** Failed: back to pending after the backoff, or dead after maxAttempts. Returns the new state. */
  fail(id: number, owner: string, error: string, now: number, opts: FailOptions): Promise<JobState | undefined>;
  /** Not run (waiting for a rate-limit token, shutting down): back to pending at `runAt`, the attempt not counted. */
  release(id: number, owner: string, runAt: number, now: number): Promise<boolean>;
  /** Permanent failure: kept as a dead letter, never retried automatically. */
  deadLetter(id: number, owner: string, error: string, now: number, status?: number): Promise<boolean>;
  /** A person sends a dead letter again: pending now, attempts reset. False when it is not dead. */
  retryDead(id: number, now: number): Promise<boolean>;
  get<P = unknown>(id: number): Promise<Job<P> | undefined>;
  /** Newest first. `queueKeyPrefix` selects a family of queue keys (`<project>/...`). */
  list(opts: ListOptions): Promise<Job[]>;
  stats(now: number): Promise<OutboxStats>;
  /** Earliest runAt among pending jobs (undefined: none), so a worker can sleep until then. */
  nextRunAt(): Promise<number | undefined>;
  /** Deletes done jobs finished before `before`. Returns how many. */
  prune(before: number): Promise<number>;
}
