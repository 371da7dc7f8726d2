// A topic's bounded, append-only event log and the broadcast signal its readers wait on.

package memstream

import (
	"time"

	"livecode/internal/stream"
)

// eventOverhead is what an event costs beyond its Type and Data, for the byte bound.
const eventOverhead = 64

func eventSize(e stream.Event) int { return len(e.Type) + len(e.Data) + eventOverhead }

// topic is one log. Readers keep their own cursor and wait on signal, which is closed and
// replaced at every change, so a reader costs the log nothing while it waits.
type topic struct {
	name    string
	events  []stream.Event // retained; events[i].Seq == next-len(events)+i
	bytes   int            // eventSize sum of events
	next    int64          // Seq of the next event
	final   bool           // the final event was appended
	finalAt time.Time
	lastAt  time.Time // last append, or creation
	subs    int       // open subscriptions
	deleted bool
	signal  chan struct{}
}

func newTopic(name string, now time.Time) *topic {
	return &topic{name: name, next: 1, lastAt: now, signal: make(chan struct{})}
}

// appendLocked appends events, assigning Seq and Time, then drops the oldest events while the
// log is over maxBytes, always keeping the newest one.
func (t *topic) appendLocked(events []stream.Event, now time.Time, maxBytes int) {
	for _, e := range events {
		e.Seq = t.next
		t.next++
		if e.Time.IsZero() {
			e.Time = now
		}
		t.events = append(t.events, e)
		t.bytes += eventSize(e)
		if stream.IsFinal(t.name, e) {
			t.final, t.finalAt = true, now
		}
	}
	drop := 0
	for t.bytes > maxBytes && drop < len(t.events)-1 {
		t.bytes -= eventSize(t.events[drop])
		t.events[drop] = stream.Event{} // release its strings before the array is reallocated
		drop++
	}
	t.events = t.events[drop:]
	t.lastAt = now
	t.broadcastLocked()
}

func (t *topic) broadcastLocked() {
	close(t.signal)
	t.signal = make(chan struct{})
}

// readLocked returns up to max events after cursor, preceded by a gap event when the oldest
// retained event is past cursor+1.
func (t *topic) readLocked(cursor int64, max int, now time.Time) []stream.Event {
	if cursor >= t.next-1 || len(t.events) == 0 {
		return nil
	}
	first := t.next - int64(len(t.events))
	var out []stream.Event
	if cursor+1 < first {
		out = append(out, stream.Gap(cursor+1, first-1, now))
		cursor = first - 1
	}
	from := int(cursor + 1 - first)
	to := min(len(t.events), from+max)
	return append(out, t.events[from:to]...)
}

// expiredLocked reports whether the topic should be dropped at now.
func (t *topic) expiredLocked(now time.Time, finalTTL, idleTTL time.Duration) bool {
	if t.final {
		return now.Sub(t.finalAt) >= finalTTL
	}
	return t.subs == 0 && (t.next == 1 || now.Sub(t.lastAt) >= idleTTL) // an empty topic only served waiting subscribers
}
