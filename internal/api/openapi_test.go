// The served OpenAPI documents give generated clients one name per field.

package api_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"unicode"
)

// designSchemas are the original design's POST /executions shapes, the only camelCase names.
var designSchemas = map[string]bool{"SubmitBody": true, "SubmitOutputBody": true}

func TestOpenAPIOneNamePerField(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, path := range []string{"/openapi.json", "/openapi-3.0.json"} {
		r := b.do(t, "GET", path, nil).want(t, http.StatusOK)
		var doc struct {
			Components struct {
				Schemas map[string]struct {
					Properties map[string]json.RawMessage `json:"properties"`
				} `json:"schemas"`
			} `json:"components"`
			Paths map[string]map[string]json.RawMessage `json:"paths"`
		}
		if err := json.Unmarshal([]byte(r.raw), &doc); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for name, s := range doc.Components.Schemas {
			seen := map[string]string{} // a generator's identifier → the property that took it
			for prop := range s.Properties {
				id := strings.ToLower(strings.NewReplacer("_", "", "-", "").Replace(prop))
				if other, ok := seen[id]; ok {
					t.Errorf("%s: schema %s has %q and %q, one field in a generated type", path, name, other, prop)
				}
				seen[id] = prop
				if !designSchemas[name] && strings.IndexFunc(prop, unicode.IsUpper) >= 0 {
					t.Errorf("%s: native schema %s publishes the camelCase name %q", path, name, prop)
				}
			}
		}
		for name := range designSchemas {
			if _, ok := doc.Components.Schemas[name]; !ok {
				t.Errorf("%s: no schema %s for POST /executions", path, name)
			}
		}
		submit := string(doc.Paths["/executions"]["post"])
		if !strings.Contains(submit, "#/components/schemas/SubmitBody") || !strings.Contains(submit, "#/components/schemas/SubmitOutputBody") {
			t.Errorf("%s: POST /executions does not use its own schemas: %s", path, submit)
		}
	}
}
