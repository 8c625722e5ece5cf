/**
 * Prints the serialized provider exactly as `pulumi.dynamic.Resource` stores it
 * in `__provider`: run as a separate Node process on the compiled code (dist/),
 * because Pulumi's closure serializer reads function source through the
 * inspector and must see the shipped JavaScript, not test-instrumented code.
 */
import { integrationStub, routingStub } from "../../sdk/stub";

async function main(): Promise<void> {
  const kind = process.argv[2];
  const provider = kind === "integration" ? integrationStub : kind === "routing" ? routingStub : undefined;
  if (!provider) throw new Error("usage: serialize-provider integration|routing");
  const { serializeFunction } = require("@pulumi/pulumi/runtime/closure/serializeClosure");
  const sf = await serializeFunction(() => provider, { allowSecrets: true });
  process.stdout.write(JSON.stringify({ text: sf.text }));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
