// Secrets: what signs a delivery, the owner's API key secret or the shared WEBHOOK_SECRET.

package webhook

import "livecode/internal/config"

// Secrets picks the secret that signs an owner's deliveries. With API keys, each key's own
// secret signs its deliveries, so that a client verifies with what it already holds and no
// client can forge another's; without, WEBHOOK_SECRET signs them all.
type Secrets struct {
	shared string
	keys   map[string]string
}

// NewSecrets returns the Secrets of a configuration's WEBHOOK_SECRET and API keys.
func NewSecrets(shared string, keys []config.APIKey) Secrets {
	s := Secrets{shared: shared}
	if len(keys) > 0 {
		s.keys = map[string]string{}
		for _, k := range keys {
			s.keys[k.Name] = k.Secret
		}
	}
	return s
}

// For returns the secret of owner's deliveries; false when there is none to sign with
// (authentication off and no WEBHOOK_SECRET, or a key no longer configured).
func (s Secrets) For(owner string) ([]byte, bool) {
	if s.keys != nil {
		k, ok := s.keys[owner]
		return []byte(k), ok
	}
	return []byte(s.shared), s.shared != ""
}

// Enabled reports whether any delivery can be signed: API keys are on, or WEBHOOK_SECRET is set.
func (s Secrets) Enabled() bool { return s.keys != nil || s.shared != "" }

// FromConfig is the policy and secrets a configuration describes. Errors: those of
// config.WebhookTargets (Load has checked it).
func FromConfig(c config.Config) (*Policy, Secrets, error) {
	prefixes, hosts, err := c.WebhookTargets()
	if err != nil {
		return nil, Secrets{}, err
	}
	return NewPolicy(prefixes, hosts), NewSecrets(c.WebhookSecret, c.Keys), nil
}
