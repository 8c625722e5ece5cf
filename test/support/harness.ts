import { startSandbox, type Sandbox, type SandboxOptions } from "../../sandbox";
import { closeAtEnd } from "./cleanup";
import { ConformanceRecorder } from "./openapi";
import { ProviderHost, serializedProvider } from "./provider-host";

/**
 * One sandbox, one real provider host configured against it, and a recorder
 * that validates every exchange against the specs: the setup of every
 * provider integration test.
 */
export interface Harness {
  sandbox: Sandbox;
  host: ProviderHost;
  recorder: ConformanceRecorder;
  provider: { integration: string; routing: string; notification: string };
  close(): Promise<void>;
}

/** Fast retries so failure-injection tests finish quickly; the policy itself is unchanged. */
export const FAST_RETRY = { "pdac:retryMaxAttempts": "3", "pdac:retryBaseDelayMs": "5", "pdac:retryMaxDelayMs": "20", "pdac:httpTimeoutMs": "5000" };

export async function startHarness(opts: SandboxOptions = {}): Promise<Harness> {
  const recorder = new ConformanceRecorder();
  const sandbox = await startSandbox({ retry: { baseDelayMs: 5, maxAttempts: 3, timeoutMs: 2000 }, ...opts, observe: recorder.observe });
  let host: ProviderHost | undefined;
  // Closed once: by the test's afterAll, here when a later step throws, or by the test environment.
  const close = closeAtEnd("provider harness", async () => {
    await host?.stop();
    await sandbox.close();
  });
  try {
    host = await ProviderHost.start();
    await host.configure({ ...sandbox.providerConfig(), ...FAST_RETRY });
    const provider = {
      integration: await serializedProvider("integration"),
      routing: await serializedProvider("routing"),
      notification: await serializedProvider("notification"),
    };
    return { sandbox, host, recorder, provider, close };
  } catch (err) {
    await close();
    throw err;
  }
}
