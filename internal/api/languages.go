// Languages: the languages clients may run, and the check that a requested one is runnable.

package api

import (
	"context"

	"livecode/internal/execution"
	"livecode/internal/language"
)

type languagesOutput struct {
	Body struct {
		Languages []languageView `json:"languages"`
	}
}

func (s *server) listLanguages(_ context.Context, _ *struct{}) (*languagesOutput, error) {
	out := &languagesOutput{}
	out.Body.Languages = []languageView{}
	for _, l := range s.deps.Languages.List() {
		v := viewLanguage(l)
		v.Limits = s.defaultLimits(l)
		out.Body.Languages = append(out.Body.Languages, v)
	}
	return out, nil
}

// language returns the language named id; 422 naming field when it is unknown or not installed.
func (s *server) language(field, id string) (language.Language, error) {
	l, ok := s.deps.Languages.Lookup(id)
	if !ok {
		return l, unprocessable(field, "unknown language %q; GET /languages lists them", id)
	}
	if !l.Available {
		return l, unprocessable(field, "language %q is not available on this server", id)
	}
	return l, nil
}

// defaultLimits are a language's run limits: its own where set, the service's elsewhere, and
// never above the operator's maximums.
func (s *server) defaultLimits(l language.Language) execution.Limits {
	return l.Limits.Within(s.cfg.Defaults(), s.cfg.Maximums())
}
