// Command validate checks Kubernetes manifests without a cluster: every document is decoded
// strictly into its typed API object, so a misspelt or misplaced field is an error.
//
//	go run . ../*.yaml
package main

import (
	"bytes"
	"fmt"
	"os"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

func main() {
	n := 0
	for _, path := range os.Args[1:] {
		b, err := os.ReadFile(path)
		if err != nil {
			fail(err)
		}
		for i, doc := range bytes.Split(b, []byte("\n---\n")) {
			if err := check(doc); err != nil {
				fail(fmt.Errorf("%s: document %d: %w", path, i+1, err))
			}
			n++
		}
	}
	fmt.Printf("%d objects valid\n", n)
}

func check(doc []byte) error {
	var head struct{ APIVersion, Kind string }
	if err := yaml.Unmarshal(doc, &head); err != nil {
		return err
	}
	var obj any
	switch head.APIVersion + " " + head.Kind {
	case "v1 Secret":
		obj = &corev1.Secret{}
	case "v1 Service":
		obj = &corev1.Service{}
	case "apps/v1 Deployment":
		obj = &appsv1.Deployment{}
	default:
		return fmt.Errorf("unknown kind %s %s", head.APIVersion, head.Kind)
	}
	return yaml.UnmarshalStrict(doc, obj)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "validate:", err)
	os.Exit(1)
}
