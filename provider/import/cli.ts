/**
 * `pagerduty-as-code-import`: brings a whole project under code in one
 * command. It lists the project's PagerDuty integration and alert
 * configurations through the project API (reads only) and writes the file
 * `pulumi import --file` takes; `pulumi import --file <it>` then adopts them
 * all and generates the program. Configurations no resource can own are listed
 * as skipped, with the reason.
 *
 *   pagerduty-as-code-import --project <projectId> [--out import.json] [--<setting> <value>]...
 *
 * Provider settings as for the plugin: the same environment variables
 * (MONGODB_ATLAS_CLIENT_ID, MONGODB_ATLAS_CLIENT_SECRET...) or, for settings
 * that are not secret, flags named as their stack config keys
 * (`--atlasBaseUrl https://...`). Secrets are refused as flags: process
 * arguments are visible to every user of the machine.
 *
 * Ships with the plugin (packages/pulumi-resource-pagerduty-as-code: the
 * `pagerduty-as-code-import` launcher beside the plugin's, in its tarball and
 * its installed folder).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { makeClients } from "../clients";
import { CONFIG_NAMESPACES, readProviderConfig, SETTINGS } from "../config";
import { messageOf } from "../errors";
import { PROJECT_ID } from "../inputs";
import { discoverProject } from "./bulk";

const COMMAND = "pagerduty-as-code-import";
const NAMESPACE = CONFIG_NAMESPACES.plugin;

const USAGE = `usage: ${COMMAND} --project <projectId> [--out <file>] [--<setting> <value>]...

Lists the project's PagerDuty integration and alert configurations (reads only) and writes the
file \`pulumi import --file\` takes (default import.json). Then, in the program's directory:
  pulumi import --file import.json --out generated.yaml

Settings: the provider's environment variables, or flags for those that are not secret:
${Object.values(SETTINGS)
  .map((s) => `  ${"secret" in s && s.secret ? `${s.env} (environment only: a secret)` : `--${s.key}, or ${s.env}`}`)
  .join("\n")}`;

export interface Io {
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Runs the command; resolves with its exit code (0: the file is written). */
export async function runImportCommand(argv: string[], io: Io): Promise<number> {
  const fail = (message: string) => {
    io.stderr(`${COMMAND}: ${message}\n`);
    return 2;
  };
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        project: { type: "string" },
        out: { type: "string" },
        help: { type: "boolean", short: "h" },
        ...Object.fromEntries(Object.values(SETTINGS).map((s) => [s.key, { type: "string" as const }])),
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    return fail(`${messageOf(err)}\n\n${USAGE}`);
  }
  if (values.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const projectId = values.project;
  if (typeof projectId !== "string") return fail(`--project is required\n\n${USAGE}`);
  if (!PROJECT_ID.test(projectId)) return fail(`--project ${JSON.stringify(projectId)} is not a project id: 24 lowercase hexadecimal characters`);
  const secretFlags = Object.values(SETTINGS).filter((s) => "secret" in s && s.secret && values[s.key] !== undefined);
  if (secretFlags.length > 0) {
    return fail(
      secretFlags
        .map((s) => `--${s.key} is a secret: set the environment variable ${s.env} instead (process arguments are visible to every user of the machine)`)
        .join("\n"),
    );
  }

  const out = path.resolve(io.cwd, typeof values.out === "string" ? values.out : "import.json");
  try {
    const flags = { get: (key: string) => (key.startsWith(`${NAMESPACE}:`) ? (values[key.slice(NAMESPACE.length + 1)] as string | undefined) : undefined) };
    const clients = makeClients(readProviderConfig(flags, io.env, NAMESPACE));
    const found = await discoverProject(projectId, clients);
    fs.writeFileSync(out, `${JSON.stringify(found.file, null, 2)}\n`);
    io.stdout(report(projectId, path.relative(io.cwd, out) || out, found));
    return 0;
  } catch (err) {
    io.stderr(`${COMMAND}: ${messageOf(err)}\n`);
    return 1;
  }
}

function report(projectId: string, file: string, found: Awaited<ReturnType<typeof discoverProject>>): string {
  const lines = [`${COMMAND}: project ${projectId}: ${found.file.resources.length} resources to import, ${found.skipped.length} skipped`];
  for (const r of found.file.resources) lines.push(`  import ${r.type.split(":").pop()} ${r.name} ${r.id}`);
  for (const s of found.skipped) lines.push(`  skip   ${s.description}: ${s.reason}`);
  lines.push(`wrote ${file}; next, in the program's directory: pulumi import --file ${file}`);
  for (const n of found.notes) lines.push(`then, in the generated code of ${n.name}: ${n.note}`);
  return `${lines.join("\n")}\n`;
}

if (require.main === module) {
  runImportCommand(process.argv.slice(2), {
    env: process.env,
    cwd: process.cwd(),
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
  }).then((code) => {
    process.exitCode = code;
  });
}
