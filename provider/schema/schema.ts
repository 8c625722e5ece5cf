/**
 * The plugin's Pulumi package schema (`schema.json`), made from the resource
 * registry: each resource's zod inputs and outputs with their descriptions and
 * secret marks, its import id, and the provider settings of SETTINGS. The
 * plugin serves it (GetSchema: YAML programs and `pulumi import` read it), and
 * the SDKs of `plugin-sdks/` are generated from the committed copy
 * (`plugin-sdks/schema.json`, `npm run gen:sdks`), which a test keeps equal
 * to this (schema.test.ts); `npm run test:sdks` checks the SDKs are current.
 */
import { z } from "zod";
import { CONFIG_NAMESPACES, SETTINGS } from "../config";
import { RESOURCES } from "../registry";

export const PACKAGE_NAME = CONFIG_NAMESPACES.plugin;
/** The plugin's version: its package's (packages/pulumi-resource-pagerduty-as-code/package.json, a test keeps them equal). */
export const PACKAGE_VERSION = "0.2.0";

export function typeToken(kind: string): string {
  return `${PACKAGE_NAME}:index:${kind}`;
}

type Json = Record<string, any>;

interface PropertySpec {
  type?: string;
  $ref?: string;
  items?: PropertySpec;
  additionalProperties?: PropertySpec;
  description?: string;
  default?: unknown;
  secret?: boolean;
}

/** The JSON Schema zod makes of a schema (`io`: the inputs as written, or the values after defaults). */
function jsonSchema(schema: z.ZodType, io: "input" | "output"): Json {
  return z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Json;
}

/** Converts zod's JSON Schema to Pulumi property specs, collecting object types (named by `meta({ typeName })`) into `types`. */
class Converter {
  readonly types: Record<string, Json> = {};

  property(js: Json, where: string): PropertySpec {
    const out: PropertySpec = {};
    if (typeof js.description === "string") out.description = js.description;
    if (js.secret === true) out.secret = true;
    if (js.type === "object" && js.properties) {
      const name = js.typeName;
      if (typeof name !== "string") throw new Error(`${where}: an object needs .meta({ typeName }) to become a schema type`);
      const token = typeToken(name);
      this.types[token] = {
        type: "object",
        ...(js.description && !out.description ? { description: js.description } : {}),
        properties: this.properties(js, `${where}`),
        ...(Array.isArray(js.required) && js.required.length > 0 ? { required: [...js.required].sort() } : {}),
      };
      out.$ref = `#/types/${token}`;
    } else if (js.type === "array") {
      out.type = "array";
      out.items = this.property(js.items ?? {}, `${where}[]`);
      delete out.items.description;
    } else if (js.type === "integer" || js.type === "number" || js.type === "boolean" || js.type === "string") {
      out.type = js.type;
      if (js.default !== undefined && (typeof js.default !== "object" || js.default === null)) out.default = js.default;
    } else {
      throw new Error(`${where}: no Pulumi type for JSON Schema ${JSON.stringify(js)}`);
    }
    return out;
  }

  properties(js: Json, where: string): Record<string, PropertySpec> {
    const props: Record<string, PropertySpec> = {};
    for (const [name, p] of Object.entries<Json>(js.properties ?? {})) {
      if (p.internal === true) continue;
      props[name] = this.property(p, `${where}.${name}`);
    }
    return props;
  }
}

function required(js: Json, props: Record<string, unknown>): string[] {
  return (Array.isArray(js.required) ? (js.required as string[]) : []).filter((k) => k in props).sort();
}

function importSection(kind: string, importId: string): string {
  return `\n\n## Import\n\n\`\`\`sh\n$ pulumi import ${typeToken(kind)} <name> ${importId}\n\`\`\``;
}

/** The package schema of the registry's resources. */
export function packageSchema(): Json {
  const conv = new Converter();
  const resources: Record<string, Json> = {};
  for (const r of RESOURCES) {
    const inputsIn = jsonSchema(r.inputs, "input");
    const inputsOut = jsonSchema(r.inputs, "output");
    const outputs = jsonSchema(z.object(r.outputs), "output");
    const inputProperties = conv.properties(inputsIn, r.kind);
    // Types from the inputs as written (a transform has no output type); which are always set from the values after defaults.
    const properties = { ...conv.properties(inputsIn, r.kind), ...conv.properties(outputs, r.kind) };
    // Outputs are never marked with defaults: the provider reports them.
    for (const p of Object.values(properties)) delete p.default;
    resources[typeToken(r.kind)] = {
      description: r.description + (r.importId ? importSection(r.kind, r.importId) : ""),
      inputProperties,
      requiredInputs: required(inputsIn, inputProperties),
      properties,
      required: [...new Set([...required(inputsOut, properties), ...required(outputs, properties)])].sort(),
    };
  }
  const variables: Record<string, Json> = {};
  for (const s of Object.values(SETTINGS)) {
    const fallback = "fallback" in s && s.fallback !== undefined ? `; default \`${s.fallback}\`` : "";
    variables[s.key] = {
      type: "string",
      description: `Stack config \`${PACKAGE_NAME}:${s.key}\`, else the environment variable \`${s.env}\`${fallback}. See the README's configuration table.`,
      ...("secret" in s && s.secret ? { secret: true } : {}),
    };
  }
  return {
    name: PACKAGE_NAME,
    displayName: "PagerDuty integration as code",
    version: PACKAGE_VERSION,
    description: "Declare, prove and keep honest how MongoDB Atlas project alerts reach PagerDuty.",
    keywords: ["pulumi", "pagerduty", "mongodb-atlas", "alerts", "category/monitoring", "kind/native"],
    license: "Apache-2.0",
    // Each SDK carries its package's version and manifest (go.mod, pyproject.toml, package.json), as `pulumi package pack-sdk` wants.
    meta: { supportPack: true },
    config: { variables },
    provider: {
      description: "The pagerduty-as-code provider: its settings come from stack config under `pagerduty-as-code:` or from the environment.",
      inputProperties: variables,
    },
    resources,
    types: Object.fromEntries(Object.entries(conv.types).sort(([a], [b]) => a.localeCompare(b))),
    language: {
      nodejs: {
        packageName: "@pagerduty-as-code/pulumi",
        packageDescription: "The pagerduty-as-code provider plugin's Node.js SDK (generated from schema.json).",
        dependencies: { "@pulumi/pulumi": "^3.142.0" },
        respectSchemaVersion: true,
      },
      python: {
        packageName: "pulumi_pagerduty_as_code",
        requires: { pulumi: ">=3.142.0,<4.0.0" },
        pyproject: { enabled: true },
        respectSchemaVersion: true,
      },
      go: {
        importBasePath: "pagerduty-as-code/plugin-sdks/go/pagerdutyascode",
        generateResourceContainerTypes: false,
        respectSchemaVersion: true,
      },
    },
  };
}

/** `schema.json` as committed: two-space indented, a final newline. */
export function schemaText(): string {
  return `${JSON.stringify(packageSchema(), null, 2)}\n`;
}

/** The top-level inputs and outputs of a resource marked `meta({ secret: true })`: the plugin marks them secret. */
export function secretFields(r: (typeof RESOURCES)[number]): string[] {
  const fields = new Set<string>();
  for (const js of [jsonSchema(r.inputs, "input"), jsonSchema(z.object(r.outputs), "output")]) {
    for (const [name, p] of Object.entries<Json>(js.properties ?? {})) if (p.secret === true) fields.add(name);
  }
  return [...fields].sort();
}
