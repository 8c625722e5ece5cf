/**
 * The provider plugin's front door: Pulumi's ResourceProvider gRPC service,
 * served directly with @grpc/grpc-js and the protocol stubs @pulumi/pulumi
 * ships (its own provider server cannot carry configuration, secrets or
 * detailed diffs). Each call goes to the same provider objects the dynamic
 * stub loads (provider/registry.ts), so both front doors share one
 * implementation; this file only adds what the plugin protocol needs:
 *
 * - configure: the stack config of `pagerduty-as-code:*` (secret config
 *   included) and the environment, through the same SETTINGS table;
 * - secrets: inputs arrive unwrapped; the registry's secret fields go back
 *   marked secret in checked inputs, outputs and read results;
 * - diffs: the changed properties as a detailed diff (replacements marked),
 *   so previews name exactly what `up` changes;
 * - the schema (GetSchema), from the registry.
 */
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as plugproto from "@pulumi/pulumi/proto/plugin_pb";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { CONFIG_NAMESPACES, readProviderConfig } from "../config";
import { messageOf } from "../errors";
import { RESOURCES, type ResourceRegistration } from "../registry";
import { PACKAGE_NAME, PACKAGE_VERSION, packageSchema, secretFields } from "../schema/schema";
import { defined, unwrapSecrets, wrapSecrets } from "./values";

type Props = Record<string, any>;
type Callback<T> = (err: grpc.ServiceError | null, value?: T) => void;
type Call<Req> = { request: Req };

const NAMESPACE = CONFIG_NAMESPACES.plugin;

/** The registration a URN's type names (`pagerduty-as-code:index:<Kind>`, possibly after parent types). */
export function registrationOfUrn(urn: string): ResourceRegistration {
  const type = urn.split("::")[2] ?? "";
  const token = type.split("$").pop() ?? "";
  const [pkg, , kind] = token.split(":");
  const r = pkg === PACKAGE_NAME ? RESOURCES.find((x) => x.kind === kind) : undefined;
  if (!r) throw new Error(`the ${PACKAGE_NAME} plugin has no resource type ${JSON.stringify(token)}: upgrade the plugin (pulumi plugin install)`);
  return r;
}

function toJs(s: Struct | undefined): Props {
  return unwrapSecrets((s?.toJavaScript() ?? {}) as Props);
}

function toStruct(props: Props): Struct {
  return Struct.fromJavaScript(defined(props) as any);
}

/** The stack config the engine sends in Configure (`args`, secrets included) and CheckConfig, as the `get` readProviderConfig reads. */
function configSource(args: Props, variables?: Map<string, string>): { get(key: string): string | undefined } {
  return {
    get(key: string) {
      const name = key.startsWith(`${NAMESPACE}:`) ? key.slice(NAMESPACE.length + 1) : undefined;
      if (name === undefined) return undefined;
      const v = args[name] ?? variables?.get(`${NAMESPACE}:config:${name}`) ?? variables?.get(`${NAMESPACE}:${name}`);
      if (v === undefined || v === null) return undefined;
      return typeof v === "string" ? v : typeof v === "object" ? JSON.stringify(v) : String(v);
    },
  };
}

function failure(property: string, reason: string): provproto.CheckFailure {
  const f = new provproto.CheckFailure();
  f.setProperty(property);
  f.setReason(reason);
  return f;
}

function unimplemented(name: string) {
  return (_call: unknown, callback: Callback<never>) =>
    callback({ code: grpc.status.UNIMPLEMENTED, details: `${name} is not implemented by the ${PACKAGE_NAME} plugin` } as grpc.ServiceError);
}

/** Runs `fn` and answers the call with its result, or with its error's message (never a secret: the HTTP layer scrubs them). */
function answer<T>(callback: Callback<T>, fn: () => Promise<T>): void {
  fn().then(
    (v) => callback(null, v),
    (err: unknown) => callback({ code: grpc.status.UNKNOWN, details: messageOf(err), message: messageOf(err) } as grpc.ServiceError),
  );
}

export function resourceProviderService() {
  const secrets = new Map(RESOURCES.map((r) => [r.kind, secretFields(r)]));
  const out = (r: ResourceRegistration, props: Props) => toStruct(wrapSecrets(props, secrets.get(r.kind) ?? []));

  return {
    getPluginInfo(_call: unknown, callback: Callback<plugproto.PluginInfo>) {
      const info = new plugproto.PluginInfo();
      info.setVersion(PACKAGE_VERSION);
      callback(null, info);
    },

    getSchema(_call: unknown, callback: Callback<provproto.GetSchemaResponse>) {
      const res = new provproto.GetSchemaResponse();
      res.setSchema(JSON.stringify(packageSchema()));
      callback(null, res);
    },

    checkConfig(call: Call<provproto.CheckRequest>, callback: Callback<provproto.CheckResponse>) {
      answer(callback, async () => {
        const res = new provproto.CheckResponse();
        res.setInputs(call.request.getNews());
        try {
          readProviderConfig(configSource(toJs(call.request.getNews())), process.env, NAMESPACE);
        } catch (err) {
          const property = String((err as { property?: string }).property ?? NAMESPACE).replace(`${NAMESPACE}:`, "");
          res.setFailuresList([failure(property, messageOf(err))]);
        }
        return res;
      });
    },

    diffConfig(call: Call<provproto.DiffRequest>, callback: Callback<provproto.DiffResponse>) {
      answer(callback, async () => {
        const olds = toJs(call.request.getOlds());
        const news = toJs(call.request.getNews());
        const changed = [...new Set([...Object.keys(olds), ...Object.keys(news)])].filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
        const res = new provproto.DiffResponse();
        // New settings reach the next calls; the resources stay (never a replacement).
        res.setChanges(changed.length > 0 ? provproto.DiffResponse.DiffChanges.DIFF_SOME : provproto.DiffResponse.DiffChanges.DIFF_NONE);
        res.setDiffsList(changed);
        return res;
      });
    },

    configure(call: Call<provproto.ConfigureRequest>, callback: Callback<provproto.ConfigureResponse>) {
      answer(callback, async () => {
        const variables = new Map<string, string>(call.request.getVariablesMap().toArray() as Array<[string, string]>);
        const config = configSource(toJs(call.request.getArgs()), variables);
        for (const r of RESOURCES) await r.provider.configure?.({ config, namespace: NAMESPACE } as any);
        const res = new provproto.ConfigureResponse();
        res.setAcceptsecrets(true);
        res.setSupportspreview(false);
        res.setAcceptresources(false);
        res.setAcceptoutputs(false);
        return res;
      });
    },

    check(call: Call<provproto.CheckRequest>, callback: Callback<provproto.CheckResponse>) {
      answer(callback, async () => {
        const r = registrationOfUrn(call.request.getUrn());
        const result = await r.provider.check!(toJs(call.request.getOlds()), toJs(call.request.getNews()));
        const res = new provproto.CheckResponse();
        if (result.failures?.length) res.setFailuresList(result.failures.map((f) => failure(f.property, f.reason)));
        else res.setInputs(out(r, result.inputs ?? {}));
        return res;
      });
    },

    diff(call: Call<provproto.DiffRequest>, callback: Callback<provproto.DiffResponse>) {
      answer(callback, async () => {
        const r = registrationOfUrn(call.request.getUrn());
        const olds = toJs(call.request.getOlds());
        const news = toJs(call.request.getNews());
        const result = (await r.provider.diff!(call.request.getId(), olds, news)) as {
          changes?: boolean;
          replaces?: string[];
          deleteBeforeReplace?: boolean;
          diffs?: string[];
        };
        return diffResponse(result, olds, news);
      });
    },

    create(call: Call<provproto.CreateRequest>, callback: Callback<provproto.CreateResponse>) {
      answer(callback, async () => {
        const r = registrationOfUrn(call.request.getUrn());
        const result = await r.provider.create(toJs(call.request.getProperties()));
        const res = new provproto.CreateResponse();
        res.setId(result.id);
        res.setProperties(out(r, result.outs ?? {}));
        return res;
      });
    },

    read(call: Call<provproto.ReadRequest>, callback: Callback<provproto.ReadResponse>) {
      answer(callback, async () => {
        const r = registrationOfUrn(call.request.getUrn());
        // `pulumi import` sends the id alone; a refresh sends the state.
        const result = await r.provider.read!(call.request.getId(), toJs(call.request.getProperties()));
        const res = new provproto.ReadResponse();
        if (!result.id) return res; // gone
        res.setId(result.id);
        res.setProperties(out(r, result.props ?? {}));
        if (result.inputs) res.setInputs(out(r, result.inputs));
        return res;
      });
    },

    update(call: Call<provproto.UpdateRequest>, callback: Callback<provproto.UpdateResponse>) {
      answer(callback, async () => {
        const r = registrationOfUrn(call.request.getUrn());
        const result = await r.provider.update!(call.request.getId(), toJs(call.request.getOlds()), toJs(call.request.getNews()));
        const res = new provproto.UpdateResponse();
        res.setProperties(out(r, result.outs ?? {}));
        return res;
      });
    },

    delete(call: Call<provproto.DeleteRequest>, callback: Callback<Empty>) {
      answer(callback, async () => {
        const r = registrationOfUrn(call.request.getUrn());
        await r.provider.delete?.(call.request.getId(), toJs(call.request.getProperties()));
        return new Empty();
      });
    },

    cancel(_call: unknown, callback: Callback<Empty>) {
      callback(null, new Empty());
    },

    handshake: unimplemented("Handshake"),
    parameterize: unimplemented("Parameterize"),
    invoke: unimplemented("Invoke"),
    call: unimplemented("Call"),
    construct: unimplemented("Construct"),
    attach: unimplemented("Attach"),
    getMapping: unimplemented("GetMapping"),
    getMappings: unimplemented("GetMappings"),
    list(call: { emit(event: string, err: unknown): void }) {
      call.emit("error", { code: grpc.status.UNIMPLEMENTED, details: `List is not implemented by the ${PACKAGE_NAME} plugin` });
    },
  };
}

/** The provider's diff as the engine wants it: the changed properties, each an update (or a replacement), as a detailed diff. */
export function diffResponse(
  result: { changes?: boolean; replaces?: string[]; deleteBeforeReplace?: boolean; diffs?: string[] },
  olds: Props,
  news: Props,
): provproto.DiffResponse {
  const kinds = provproto.PropertyDiff.Kind;
  const res = new provproto.DiffResponse();
  const replaces = result.replaces ?? [];
  res.setChanges(
    result.changes === true
      ? provproto.DiffResponse.DiffChanges.DIFF_SOME
      : result.changes === false
        ? provproto.DiffResponse.DiffChanges.DIFF_NONE
        : provproto.DiffResponse.DiffChanges.DIFF_UNKNOWN,
  );
  res.setReplacesList(replaces);
  res.setDeletebeforereplace(result.deleteBeforeReplace === true);
  const diffs = result.changes === false ? [] : (result.diffs ?? []);
  res.setDiffsList(diffs);
  if (result.diffs) {
    res.setHasdetaileddiff(true);
    const map = res.getDetaileddiffMap();
    for (const key of diffs) {
      const replace = replaces.includes(key);
      const kind =
        olds[key] === undefined
          ? replace
            ? kinds.ADD_REPLACE
            : kinds.ADD
          : news[key] === undefined
            ? replace
              ? kinds.DELETE_REPLACE
              : kinds.DELETE
            : replace
              ? kinds.UPDATE_REPLACE
              : kinds.UPDATE;
      const d = new provproto.PropertyDiff();
      d.setKind(kind);
      d.setInputdiff(true);
      map.set(key, d);
    }
  }
  return res;
}

/** Serves the provider on a loopback port and resolves with the port (which the plugin prints for the engine). */
export async function serve(): Promise<{ port: number; server: grpc.Server }> {
  const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  server.addService(provrpc.ResourceProviderService, resourceProviderService() as any);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { port, server };
}
