import { spawn } from "node:child_process";
import * as path from "node:path";
import { providerStub } from "../../sdk/stub";
import { closeAtEnd, endChild } from "./cleanup";

/**
 * Drives the real Pulumi dynamic-provider host (`@pulumi/pulumi/cmd/dynamic-provider`)
 * over gRPC, as the engine does: the provider travels as the serialized
 * `__provider` string and is re-loaded in the host process.
 */

export const repoRoot = path.resolve(__dirname, "../..").replace(/\/dist$/, "");
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export { UNKNOWN };

/** The `__provider` text the SDK gives a resource of this kind (sdk/stub.ts). */
export async function serializedProvider(kind: "integration" | "routing" | "notification"): Promise<string> {
  return providerStub(kind === "integration" ? "PagerDutyIntegration" : kind === "routing" ? "AlertRouting" : "AlertNotification");
}

export interface CheckOutcome {
  inputs: Record<string, any>;
  failures: Array<{ property: string; reason: string }>;
}

export interface DiffOutcome {
  changes: "none" | "some" | "unknown";
  replaces: string[];
  deleteBeforeReplace: boolean;
  /** The detailed diff (the plugin sends one; the dynamic-provider host never does): property to ADD, UPDATE, UPDATE_REPLACE... */
  detailedDiff?: Record<string, string>;
}

export class ProviderHost {
  /** Everything the host wrote to stdout and stderr. */
  output = "";
  /** Every gRPC error message the host returned. */
  readonly errors: string[] = [];

  constructor(
    private readonly client: any,
    private readonly end: () => Promise<void>,
    protected readonly child: import("node:child_process").ChildProcess,
  ) {}

  /** Starts the dynamic-provider host, or (`entry`) another provider process that speaks the same protocol: the plugin. */
  static async start<T extends ProviderHost>(
    this: new (
      client: any,
      end: () => Promise<void>,
      child: import("node:child_process").ChildProcess,
    ) => T,
    env: NodeJS.ProcessEnv = {},
    entry?: string,
  ): Promise<T> {
    const grpc = require("@grpc/grpc-js");
    const services = require("@pulumi/pulumi/proto/provider_grpc_pb");
    const main = entry ?? require.resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: [repoRoot] });
    const child = spawn(process.execPath, [main, "127.0.0.1:1"], {
      cwd: repoRoot,
      env: { ...process.env, PULUMI_PROJECT: "pdac-test", PULUMI_STACK: "test", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const end = closeAtEnd("provider host process", () => endChild(child));
    let out = "";
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`provider host did not start: ${out}`)), 30_000);
      child.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /^(\d+)\s*$/m.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
      child.on("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`provider host exited with ${code}: ${out}`));
      });
    }).catch(async (err) => {
      await end();
      throw err;
    });
    const client = new services.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const host = new this(client, end, child);
    host.output = out;
    child.stdout!.on("data", (d: Buffer) => (host.output += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (host.output += d.toString()));
    return host;
  }

  async stop(): Promise<void> {
    this.client.close();
    await this.end();
  }

  /** Kills the host as a crash would (SIGKILL): calls in flight never answer. */
  async kill(): Promise<void> {
    this.client.close();
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((r) => this.child.once("exit", r));
      this.child.kill("SIGKILL");
      await exited;
    }
    await this.end();
  }

  protected call<T>(method: string, req: any): Promise<T> {
    return new Promise((resolve, reject) => {
      this.client[method](req, (err: any, res: T) => {
        if (err) {
          this.errors.push(String(err.details ?? err.message));
          reject(Object.assign(new Error(String(err.details ?? err.message)), { grpcCode: err.code }));
        } else resolve(res);
      });
    });
  }

  async configure(config: Record<string, string>): Promise<void> {
    const proto = require("@pulumi/pulumi/proto/provider_pb");
    const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
    const req = new proto.ConfigureRequest();
    req.setArgs(Struct.fromJavaScript(config));
    req.setAcceptsecrets(false);
    req.setAcceptresources(true);
    await this.call("configure", req);
  }

  async check(urn: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<CheckOutcome> {
    const proto = require("@pulumi/pulumi/proto/provider_pb");
    const req = new proto.CheckRequest();
    req.setUrn(urn);
    req.setOlds(struct(olds));
    req.setNews(struct(news));
    const res = await this.call<any>("check", req);
    return {
      inputs: res.getInputs()?.toJavaScript() ?? {},
      failures: res.getFailuresList().map((f: any) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  async diff(urn: string, id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<DiffOutcome> {
    const proto = require("@pulumi/pulumi/proto/provider_pb");
    const req = new proto.DiffRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setOlds(struct(olds));
    req.setNews(struct(news));
    const res = await this.call<any>("diff", req);
    const kinds = proto.DiffResponse.DiffChanges;
    const c = res.getChanges();
    const kindNames = Object.fromEntries(Object.entries(proto.PropertyDiff.Kind).map(([k, v]) => [v, k]));
    return {
      changes: c === kinds.DIFF_NONE ? "none" : c === kinds.DIFF_SOME ? "some" : "unknown",
      replaces: res.getReplacesList(),
      deleteBeforeReplace: res.getDeletebeforereplace(),
      ...(res.getHasdetaileddiff()
        ? {
            detailedDiff: (() => {
              const out: Record<string, string> = {};
              res.getDetaileddiffMap().forEach((d: any, k: string) => {
                out[k] = kindNames[d.getKind()];
              });
              return out;
            })(),
          }
        : {}),
    };
  }

  async create(urn: string, props: Record<string, unknown>): Promise<{ id: string; outs: Record<string, any> }> {
    const proto = require("@pulumi/pulumi/proto/provider_pb");
    const req = new proto.CreateRequest();
    req.setUrn(urn);
    req.setProperties(struct(props));
    const res = await this.call<any>("create", req);
    return { id: res.getId(), outs: res.getProperties()?.toJavaScript() ?? {} };
  }

  async read(
    urn: string,
    id: string,
    props: Record<string, unknown>,
    inputs?: Record<string, unknown>,
  ): Promise<{ id: string; props: Record<string, any>; inputs?: Record<string, any> }> {
    const proto = require("@pulumi/pulumi/proto/provider_pb");
    const req = new proto.ReadRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setProperties(struct(props));
    if (inputs) req.setInputs(struct(inputs));
    const res = await this.call<any>("read", req);
    return { id: res.getId(), props: res.getProperties()?.toJavaScript() ?? {}, inputs: res.getInputs()?.toJavaScript() };
  }

  async update(urn: string, id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<Record<string, any>> {
    const proto = require("@pulumi/pulumi/proto/provider_pb");
    const req = new proto.UpdateRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setOlds(struct(olds));
    req.setNews(struct(news));
    const res = await this.call<any>("update", req);
    return res.getProperties()?.toJavaScript() ?? {};
  }

  async delete(urn: string, id: string, props: Record<string, unknown>): Promise<void> {
    const proto = require("@pulumi/pulumi/proto/provider_pb");
    const req = new proto.DeleteRequest();
    req.setUrn(urn);
    req.setId(id);
    req.setProperties(struct(props));
    await this.call("delete", req);
  }
}

function struct(obj: Record<string, unknown>): any {
  const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
  return Struct.fromJavaScript(JSON.parse(JSON.stringify(obj)));
}

export function urnOf(type: "PagerDutyIntegration" | "AlertRouting" | "AlertNotification", name: string): string {
  return `urn:pulumi:test::pdac-test::pulumi-nodejs:dynamic/pdac:${type}::${name}`;
}
