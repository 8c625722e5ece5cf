//go:build tools

// Package tools pins the Pulumi CLI for scripts/setup-pulumi.sh, which builds
// it with `go build -o ... github.com/pulumi/pulumi/pkg/v3/cmd/pulumi`.
package tools

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
)
