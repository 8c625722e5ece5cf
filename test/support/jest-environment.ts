import { TestEnvironment } from "jest-environment-node";
import { closeLeftovers } from "./cleanup";

/**
 * jest's node environment, plus one guarantee: when a test file ends, every server and child process the
 * test support started and nobody closed (a setup step threw, an assertion failed before the close) is
 * closed here, after every afterAll, so `npm test` always ends by itself. What it had to close is reported.
 */
export default class CleanupEnvironment extends TestEnvironment {
  override async teardown(): Promise<void> {
    const { closed, errors } = await closeLeftovers(this.global);
    if (closed.length > 0 || errors.length > 0) {
      process.stderr.write(`test cleanup: closed what the test file left open: ${[...closed, ...errors.map((e) => `(failed) ${e}`)].join("; ")}\n`);
    }
    await super.teardown();
  }
}
