// Fault injection: the seam through which tests make each step of a run fail in turn.

package sandbox

// fault returns the error injected at point, or nil. Only tests set s.faults; the points are
// named where they are checked (step.go, launch.go, run.go).
func (s *Sandbox) fault(point string) error {
	if s.faults == nil {
		return nil
	}
	return s.faults(point)
}
