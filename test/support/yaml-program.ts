import * as fs from "node:fs";
import * as path from "node:path";
import type { Sandbox } from "../../sandbox";
import { PulumiWorkspace } from "../../scripts/lib/pulumi-cli";
import { FAST_RETRY } from "./harness";
import { repoRoot } from "./provider-host";

/**
 * YAML programs through the provider plugin for the end-to-end tests: the
 * plugin's package folder as the build stages it (its launcher runs
 * dist/provider/plugin/main.js), named in Pulumi.yaml's plugins.providers.
 */
export const PLUGIN_DIR = path.join(repoRoot, "packages/pulumi-resource-pagerduty-as-code");

/** A YAML interpolation (`${expr}`), for code that edits generated programs. */
export function yamlRef(expr: string): string {
  return `\${${expr}}`;
}

/** A YAML program finding the plugin in `pluginDir`, or (`"installed"`) only where `pulumi plugin install` put it. */
export function yamlProgram(name: string, resources: string, pluginDir: string | "installed" = PLUGIN_DIR): string {
  const plugins = pluginDir === "installed" ? "" : `plugins:\n  providers:\n    - name: pagerduty-as-code\n      path: ${pluginDir}\n`;
  return `name: ${name}
runtime: yaml
${plugins}config:
  projectId:
    type: string
  integrationKey:
    type: string
    secret: true
${resources}`;
}

/** A stack of a YAML program in its own directory, configured with the sandbox's settings under pagerduty-as-code: (credentials and tokens as secrets); `env` is added to the CLI's environment. */
export async function yamlStack(
  sandbox: Sandbox,
  dir: string,
  program: string,
  config: Record<string, { value: string; secret?: boolean }>,
  env: NodeJS.ProcessEnv = {},
): Promise<PulumiWorkspace> {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), program);
  const blank = Object.fromEntries(Object.keys(sandbox.providerEnv()).map((k) => [k, ""]));
  const ws = new PulumiWorkspace({
    programDir: dir,
    stateDir: path.join(dir, ".state"),
    stack: "dev",
    passphrase: "e2e-passphrase",
    env: { ...blank, ...env },
  });
  await ws.initStack();
  const settings = Object.entries({ ...sandbox.providerConfig(), ...FAST_RETRY }).map(([k, v]) => [
    k.replace(/^pdac:/, "pagerduty-as-code:"),
    { value: v, secret: /Secret|Token/.test(k) },
  ]);
  await ws.setConfig({ ...Object.fromEntries(settings), ...config });
  return ws;
}
