// What the package's own tests reach of the Sandbox's insides: the fault seam and the slot count.

package sandbox

// SetFaults makes every fault point ask f; a non-nil answer is the failure of that step. Set it
// before any run starts.
func (s *Sandbox) SetFaults(f func(point string) error) { s.faults = f }

// FreeSlots is the number of slots no run holds.
func (s *Sandbox) FreeSlots() int { return len(s.slots) }
