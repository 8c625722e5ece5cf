// The generated Go SDK (plugin-sdks/go) in a Go program under pulumi.WithMocks:
// the resource types, the inputs the engine would receive (names, defaults,
// nested types, one resource's outputs as another's inputs) and the secret
// marking (the key and the relay secret sent as secrets, listed as secret
// outputs, and secret in the resources' outputs).
package sdks

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	pdac "pagerduty-as-code/plugin-sdks/go/pagerdutyascode"
)

const (
	project     = "5f1e2d3c4b5a69788796a5b4"
	key         = "0123456789abcdef0123456789abcdef"
	relaySecret = "relay-secret-at-least-32-characters-long"
	relayURL    = "https://relay.example.com/atlas/webhook"
)

// mocks answers each registration with its inputs plus what the provider would add, and keeps the registrations.
type mocks struct {
	mu      sync.Mutex
	created map[string]pulumi.MockResourceArgs
}

func (m *mocks) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.created[args.Name] = args
	outs := args.Inputs.Copy()
	if args.TypeToken == "pagerduty-as-code:index:PagerDutyIntegration" {
		outs["instanceId"] = resource.NewProperty("instance-1")
		outs["integrationId"] = resource.NewProperty("integration-1")
		outs["keyLast4"] = resource.NewProperty(key[len(key)-4:])
	} else {
		outs["alertConfigId"] = resource.NewProperty("config-" + args.Name)
	}
	return args.Name + "-id", outs, nil
}

func (m *mocks) Call(pulumi.MockCallArgs) (resource.PropertyMap, error) {
	return resource.PropertyMap{}, nil
}

func props(m map[string]any) resource.PropertyMap {
	return resource.NewPropertyMapFromMap(m)
}

func secret(s string) resource.PropertyValue {
	return resource.MakeSecret(resource.NewProperty(s))
}

func expectInputs(t *testing.T, m *mocks, name, typ string, want resource.PropertyMap) {
	t.Helper()
	got, ok := m.created[name]
	if !ok {
		t.Fatalf("%s was not registered", name)
	}
	if got.TypeToken != typ {
		t.Errorf("%s: type %q, want %q", name, got.TypeToken, typ)
	}
	if !got.Inputs.DeepEquals(want) {
		t.Errorf("%s: inputs\n  %v\nwant\n  %v", name, got.Inputs, want)
	}
}

func secretOutputs(m *mocks, name string) []string {
	out := slices.Clone(m.created[name].RegisterRPC.GetAdditionalSecretOutputs())
	slices.Sort(out)
	return out
}

func TestIntegrationAndRoutings(t *testing.T) {
	m := &mocks{created: map[string]pulumi.MockResourceArgs{}}
	var pd *pdac.PagerDutyIntegration
	var native, relayed *pdac.AlertRouting
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		var err error
		pd, err = pdac.NewPagerDutyIntegration(ctx, "pd", &pdac.PagerDutyIntegrationArgs{
			ProjectId:      pulumi.String(project),
			IntegrationKey: pulumi.String(key),
			InitialAlert:   &pdac.InitialAlertArgs{KeepOpen: pulumi.Bool(true)},
		})
		if err != nil {
			return err
		}
		native, err = pdac.NewAlertRouting(ctx, "no-primary", &pdac.AlertRoutingArgs{
			ProjectId:             pd.ProjectId,
			IntegrationInstanceId: pd.InstanceId,
			Region:                pd.Region,
			EventTypeName:         pulumi.String("NO_PRIMARY"),
			Severity:              pulumi.String("CRITICAL"),
		})
		if err != nil {
			return err
		}
		relayed, err = pdac.NewAlertRouting(ctx, "elections", &pdac.AlertRoutingArgs{
			ProjectId:     pulumi.String(project),
			Delivery:      pulumi.String("relay"),
			RelayUrl:      pulumi.String(relayURL),
			RelaySecret:   pulumi.String(relaySecret),
			EventTypeName: pulumi.String("TOO_MANY_ELECTIONS"),
			Threshold:     &pdac.ThresholdArgs{Operator: pulumi.String(">"), Threshold: pulumi.Int(3), Units: pulumi.String("RAW")},
			Matchers:      pdac.MatcherArray{&pdac.MatcherArgs{FieldName: pulumi.String("REPLICA_SET_NAME"), Operator: pulumi.String("EQUALS"), Value: pulumi.String("rs0")}},
			DelayMin:      pulumi.Int(5),
		})
		return err
	}, pulumi.WithMocks("project", "stack", m))
	if err != nil {
		t.Fatal(err)
	}

	expectInputs(t, m, "pd", "pagerduty-as-code:index:PagerDutyIntegration", props(map[string]any{
		"projectId":      project,
		"integrationKey": secret(key),
		"region":         "US",
		// The type's defaults, from the schema, filled in by the SDK.
		"initialAlert": map[string]any{
			"keepOpen": true,
			"severity": "info",
			"summary":  "Test alert: MongoDB Atlas project is now integrated with PagerDuty (sent by Pulumi)",
		},
	}))
	if got := secretOutputs(m, "pd"); !slices.Equal(got, []string{"integrationKey", "retiredKeys"}) {
		t.Errorf("pd: additional secret outputs %v", got)
	}
	expectInputs(t, m, "no-primary", "pagerduty-as-code:index:AlertRouting", props(map[string]any{
		"projectId":             project,
		"integrationInstanceId": "instance-1",
		"region":                "US",
		"eventTypeName":         "NO_PRIMARY",
		"severity":              "CRITICAL",
		"delayMin":              0,
		"enabled":               true,
		"delivery":              "native",
	}))
	expectInputs(t, m, "elections", "pagerduty-as-code:index:AlertRouting", props(map[string]any{
		"projectId":     project,
		"region":        "US",
		"delivery":      "relay",
		"relayUrl":      relayURL,
		"relaySecret":   secret(relaySecret),
		"eventTypeName": "TOO_MANY_ELECTIONS",
		"threshold":     map[string]any{"operator": ">", "threshold": 3, "units": "RAW"},
		"matchers":      []any{map[string]any{"fieldName": "REPLICA_SET_NAME", "operator": "EQUALS", "value": "rs0"}},
		"delayMin":      5,
		"enabled":       true,
	}))
	if got := secretOutputs(m, "elections"); !slices.Equal(got, []string{"relaySecret"}) {
		t.Errorf("elections: additional secret outputs %v", got)
	}

	if !pulumi.IsSecret(pd.IntegrationKey) {
		t.Error("pd.IntegrationKey is not secret")
	}
	if !pulumi.IsSecret(relayed.RelaySecret) {
		t.Error("elections.RelaySecret is not secret")
	}
	if pulumi.IsSecret(pd.ProjectId) || pulumi.IsSecret(native.IntegrationInstanceId) {
		t.Error("projectId and integrationInstanceId are not secrets")
	}
}

// A kind added to the registry later (issue 19): in the SDK by regenerating it.
func TestAlertNotification(t *testing.T) {
	m := &mocks{created: map[string]pulumi.MockResourceArgs{}}
	var attached *pdac.AlertNotification
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		var err error
		attached, err = pdac.NewAlertNotification(ctx, "defaults", &pdac.AlertNotificationArgs{
			ProjectId:   pulumi.String(project),
			Region:      pulumi.String("US"),
			DelayMin:    pulumi.Float64(0),
			Delivery:    pulumi.String("relay"),
			RelayUrl:    pulumi.String(relayURL),
			RelaySecret: pulumi.String(relaySecret),
			Selector:    &pdac.AlertNotificationSelectorArgs{Defaults: pulumi.Bool(true), EventTypeNames: pulumi.StringArray{pulumi.String("NO_PRIMARY")}},
		})
		return err
	}, pulumi.WithMocks("project", "stack", m))
	if err != nil {
		t.Fatal(err)
	}
	expectInputs(t, m, "defaults", "pagerduty-as-code:index:AlertNotification", props(map[string]any{
		"projectId":   project,
		"region":      "US",
		"delayMin":    0,
		"delivery":    "relay",
		"relayUrl":    relayURL,
		"relaySecret": secret(relaySecret),
		"selector":    map[string]any{"defaults": true, "eventTypeNames": []any{"NO_PRIMARY"}},
	}))
	if got := secretOutputs(m, "defaults"); !slices.Equal(got, []string{"relaySecret"}) {
		t.Errorf("defaults: additional secret outputs %v", got)
	}
	if !pulumi.IsSecret(attached.RelaySecret) {
		t.Error("defaults.RelaySecret is not secret")
	}
}

func TestRequiredInputsAreNamed(t *testing.T) {
	err := pulumi.RunErr(func(ctx *pulumi.Context) error {
		_, err := pdac.NewAlertRouting(ctx, "no-event", &pdac.AlertRoutingArgs{ProjectId: pulumi.String(project)})
		return err
	}, pulumi.WithMocks("project", "stack", &mocks{created: map[string]pulumi.MockResourceArgs{}}))
	if err == nil || !strings.Contains(err.Error(), "'EventTypeName'") {
		t.Fatalf("a routing without eventTypeName: %v, want an error naming EventTypeName", err)
	}
}
