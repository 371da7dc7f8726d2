// What the package's own tests reach of the Sandbox's insides: the fault seam and the slot count.

package sandbox

// SetFaults makes every fault point ask f; a non-nil answer is the failure of that step. Set it
// before any run starts.
func (s *Sandbox) SetFaults(f func(point string) error) { s.faults = f }

// FreeSlots is the number of slots no run holds.
func (s *Sandbox) FreeSlots() int { return len(s.slots) }

// DropWarm discards every prepared jail, as Close does, without closing.
func (s *Sandbox) DropWarm() error { return s.dropWarm(false) }

// WarmJails is the number of slots holding a prepared jail.
func (s *Sandbox) WarmJails() int {
	s.warm.mu.Lock()
	defer s.warm.mu.Unlock()
	n := 0
	for _, p := range s.warm.slots {
		if p != nil {
			n++
		}
	}
	return n
}
