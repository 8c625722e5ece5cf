/**
 * The plugin process: `pulumi-resource-pagerduty-as-code <engine address>`
 * runs this with node. It serves the ResourceProvider service on a loopback
 * port and prints the port, which is how the engine finds it.
 */
import { serve } from "./server";

async function main(): Promise<void> {
  const { port } = await serve();
  process.stdout.write(`${port}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`pulumi-resource-pagerduty-as-code: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
