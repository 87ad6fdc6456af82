package apidoc

import (
	"os"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The OpenAPI file is read by tools (generators, viewers, the acceptance
// run's scripts) that parse it as YAML, not line by line as ErrorCodes
// does: a stray quote must fail here, not there.
func TestOpenAPIIsValidYAML(t *testing.T) {
	b, err := os.ReadFile(OpenAPIPath())
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		OpenAPI string         `yaml:"openapi"`
		Paths   map[string]any `yaml:"paths"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("docs/openapi.yaml is not valid YAML: %v", err)
	}
	if doc.OpenAPI == "" || len(doc.Paths) == 0 {
		t.Fatalf("docs/openapi.yaml parsed without openapi version or paths (%q, %d paths)", doc.OpenAPI, len(doc.Paths))
	}
	// Every path ErrorCodes finds line by line is a path of the parsed document.
	for op := range ErrorCodes(t) {
		_, path, _ := strings.Cut(op, " ")
		if _, ok := doc.Paths[path]; !ok {
			t.Errorf("%s: found by ErrorCodes but not a path of the parsed YAML", op)
		}
	}
}
