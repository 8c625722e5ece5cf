// Command pulumi-sdkgen writes the Python, Go and Node.js SDKs of a Pulumi
// package schema with Pulumi's own code generators
// (github.com/pulumi/pulumi/pkg/v3/codegen/{python,go,nodejs}), the ones
// `pulumi package gen-sdk` reaches through each language's host. The language
// hosts of Python and Go are not available here, so this calls the generators
// directly, in one process, with no plugin and no network.
//
// Usage: pulumi-sdkgen <schema.json> <out-dir>
//
// It replaces <out-dir>/python, <out-dir>/go and <out-dir>/nodejs with the
// generated files (a file the schema no longer produces disappears), each
// language's generator binding its own copy of the schema, as the generators
// record their language options on the package. The schema must reference no
// other package (binding fails if it does). Built by scripts/setup-sdkgen.sh;
// run by `npm run gen:sdks` and by the check that the committed SDKs are
// current (test/sdks/current.test.ts).
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/blang/semver"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// The name the generated files' headers give as their generator.
const tool = "pulumi-sdkgen"

// noLoader refuses to load other packages: the schema references none.
type noLoader struct{}

func (noLoader) refuse(name string) error {
	return fmt.Errorf("the schema references package %q: pulumi-sdkgen generates SDKs of self-contained schemas only", name)
}

func (l noLoader) LoadPackage(pkg string, _ *semver.Version) (*schema.Package, error) {
	return nil, l.refuse(pkg)
}

func (l noLoader) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, l.refuse(d.Name)
}

func (l noLoader) LoadPackageReference(pkg string, _ *semver.Version) (schema.PackageReference, error) {
	return nil, l.refuse(pkg)
}

func (l noLoader) LoadPackageReferenceV2(_ context.Context, d *schema.PackageDescriptor) (schema.PackageReference, error) {
	return nil, l.refuse(d.Name)
}

var generators = []struct {
	lang string
	gen  func(pkg *schema.Package) (map[string][]byte, error)
}{
	{"python", func(pkg *schema.Package) (map[string][]byte, error) {
		files, err := python.GeneratePackage(tool, pkg, nil, noLoader{})
		if err != nil {
			return nil, err
		}
		// pyproject.toml names README.md beside it; the generator writes it into the module only.
		for name, text := range files {
			if strings.Count(name, "/") == 1 && strings.HasSuffix(name, "/README.md") {
				files["README.md"] = text
			}
		}
		return files, nil
	}},
	{"go", func(pkg *schema.Package) (map[string][]byte, error) {
		return gogen.GeneratePackage(tool, pkg, nil)
	}},
	{"nodejs", func(pkg *schema.Package) (map[string][]byte, error) {
		return nodejs.GeneratePackage(tool, pkg, nil, nil, false, noLoader{})
	}},
}

func bind(raw []byte) (*schema.Package, error) {
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return nil, fmt.Errorf("reading the schema: %w", err)
	}
	pkg, diags, err := schema.BindSpec(spec, noLoader{}, schema.ValidationOptions{})
	if err != nil {
		return nil, err
	}
	if diags.HasErrors() {
		return nil, fmt.Errorf("the schema is not valid: %s", diags.Error())
	}
	return pkg, nil
}

func write(dir string, files map[string][]byte) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}

func run(schemaPath, out string) error {
	raw, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	for _, g := range generators {
		pkg, err := bind(raw)
		if err != nil {
			return err
		}
		files, err := g.gen(pkg)
		if err != nil {
			return fmt.Errorf("generating the %s SDK: %w", g.lang, err)
		}
		if err := write(filepath.Join(out, g.lang), files); err != nil {
			return fmt.Errorf("writing the %s SDK: %w", g.lang, err)
		}
		fmt.Printf("pulumi-sdkgen: %s: %d files in %s\n", g.lang, len(files), filepath.Join(out, g.lang))
	}
	return nil
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: pulumi-sdkgen <schema.json> <out-dir>")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-sdkgen: %v\n", err)
		os.Exit(1)
	}
}
