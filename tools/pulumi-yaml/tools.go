//go:build tools

// Package tools pins the Pulumi YAML language host for scripts/setup-pulumi.sh,
// which builds it with `go build -o ... github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml`.
// It is a module of its own because pulumi-yaml pins its own github.com/pulumi/pulumi/pkg/v3.
package tools

import (
	_ "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"
)
