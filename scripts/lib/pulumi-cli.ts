import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Drives the real Pulumi CLI on one stack with a local file backend: used by
 * `npm run demo` and by the end-to-end tests. Nothing touches the user's own
 * Pulumi login: the backend URL and PULUMI_HOME are set per workspace.
 */
export interface PulumiRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface WorkspaceOptions {
  /** Directory holding Pulumi.yaml. */
  programDir: string;
  /** Where the file backend keeps state. */
  stateDir: string;
  stack: string;
  passphrase: string;
  env?: NodeJS.ProcessEnv;
  /** Print the CLI's output as it runs (the demo does; tests collect it). */
  echo?: boolean;
}

export class PulumiWorkspace {
  /** Everything every CLI run printed, for tests that search it for secrets. */
  transcript = "";

  constructor(readonly opts: WorkspaceOptions) {}

  get env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      PULUMI_BACKEND_URL: `file://${this.opts.stateDir}`,
      PULUMI_CONFIG_PASSPHRASE: this.opts.passphrase,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
      PULUMI_HOME: process.env.PULUMI_HOME ?? path.join(this.opts.stateDir, ".pulumi-home"),
      NO_COLOR: "1",
      ...this.opts.env,
    };
  }

  /** Runs `pulumi <args>` in the program directory on this stack (`quiet`: never echoed). */
  run(args: string[], input?: string, quiet = false): Promise<PulumiRun> {
    const echo = this.opts.echo && !quiet;
    fs.mkdirSync(this.opts.stateDir, { recursive: true });
    const full = [...args, "--non-interactive", "--color", "never"];
    if (!["stack", "login", "version", "plugin"].includes(args[0]) || (args[0] === "stack" && args[1] !== "init" && args[1] !== "ls"))
      full.push("--stack", this.opts.stack);
    return new Promise((resolve, reject) => {
      const child = spawn("pulumi", full, { cwd: this.opts.programDir, env: this.env, stdio: ["pipe", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => {
        stdout += d.toString();
        if (echo) process.stdout.write(indent(d.toString()));
      });
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
        if (echo) process.stderr.write(indent(d.toString()));
      });
      child.on("error", reject);
      child.on("close", (code) => {
        this.transcript += stdout + stderr;
        resolve({ code: code ?? -1, stdout, stderr });
      });
      child.stdin.end(input ?? "");
    });
  }

  /**
   * Runs a preview or an update with `--json` and returns the resources it
   * changes (every step but "same", "read" and "refresh"): the same list for
   * `preview` and `up` is what an exact preview means. A preview prints one
   * JSON document with `steps`; an update prints its engine events.
   */
  async steps(args: string[]): Promise<{ run: PulumiRun; steps: Array<{ op: string; name: string; type: string }> }> {
    const run = await this.ok([...args, "--json"]);
    const steps: Array<{ op: string; name: string; type: string }> = [];
    const add = (step: string, urn: string) => {
      if (["same", "read", "refresh"].includes(step)) return;
      // A replacement is one step in a preview ("replace") and three engine events in an update
      // (create-replacement, delete-replaced, replace): count it once, as "replace".
      const op = ["create-replacement", "delete-replaced"].includes(step) ? "replace" : step;
      const type = urn.split("::")[2] ?? "";
      steps.push({ op, name: urn.slice(urn.lastIndexOf("::") + 2), type: type.split(":").pop()! });
    };
    for (const doc of jsonValues(run.stdout)) {
      if (Array.isArray(doc.steps)) for (const step of doc.steps) add(String(step.op), String(step.urn));
      const meta = doc.resourcePreEvent?.metadata;
      if (meta) add(String(meta.op), String(meta.urn));
    }
    // `up` without --skip-preview reports each step twice (its preview, then the update): count each once.
    const unique = [...new Map(steps.map((st) => [`${st.name}/${st.op}`, st])).values()];
    unique.sort((x, y) => `${x.name}/${x.op}`.localeCompare(`${y.name}/${y.op}`));
    return { run, steps: unique };
  }

  /** Like run, but throws with the CLI's output when it fails. */
  async ok(args: string[], input?: string, quiet = false): Promise<PulumiRun> {
    const r = await this.run(args, input, quiet);
    if (r.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited with ${r.code}\n${r.stdout}\n${r.stderr}`);
    return r;
  }

  /** Creates the stack afresh (removing an earlier one with its resources forgotten). */
  async initStack(): Promise<void> {
    const ls = await this.run(["stack", "ls", "--json"], undefined, true);
    if (ls.code === 0 && JSON.parse(ls.stdout || "[]").some((s: { name: string }) => s.name === this.opts.stack || s.name.endsWith(`/${this.opts.stack}`))) {
      await this.ok(["stack", "rm", "--yes", "--force"], undefined, true);
    }
    await this.ok(["stack", "init", this.opts.stack, "--secrets-provider", "passphrase"], undefined, true);
  }

  async setConfig(values: Record<string, { value: string; secret?: boolean }>): Promise<void> {
    for (const [key, { value, secret }] of Object.entries(values)) {
      // The value goes through stdin so it never appears in a process listing.
      await this.ok(["config", "set", key, ...(secret ? ["--secret"] : ["--plaintext"])], value, true);
    }
  }

  async outputs(): Promise<Record<string, any>> {
    const r = await this.ok(["stack", "output", "--json", "--show-secrets"], undefined, true);
    return JSON.parse(r.stdout);
  }

  /** The stack's state (`pulumi stack export`), secrets left encrypted. */
  async exportState(): Promise<any> {
    return JSON.parse((await this.ok(["stack", "export"], undefined, true)).stdout);
  }

  /** Every file the backend wrote for this stack: state, history, backups. */
  stateFiles(): string[] {
    const out: string[] = [];
    const walk = (dir: string) => {
      if (!fs.existsSync(dir)) return;
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) {
          if (e.name !== ".pulumi-home") walk(p);
        } else out.push(p);
      }
    };
    walk(this.opts.stateDir);
    return out;
  }
}

/** The top-level JSON values in `text` (one document, or a stream of events, pretty-printed or not). */
function jsonValues(text: string): any[] {
  const out: any[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = depth > 0;
    else if (c === "{") {
      if (depth++ === 0) start = i;
    } else if (c === "}" && depth > 0 && --depth === 0) {
      try {
        out.push(JSON.parse(text.slice(start, i + 1)));
      } catch {
        // not JSON: a line of text that happens to hold braces
      }
    }
  }
  return out;
}

function indent(text: string): string {
  return text.replace(/^(?=.)/gm, "    ");
}
