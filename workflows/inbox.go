package workflows

import (
	"fmt"

	"go.temporal.io/sdk/workflow"

	"github.com/sellmigrate/sellmigrate/contract"
)

// pending is an accepted input the main loop has not settled yet: one reply slot per
// input, which an update's handler waits on to answer with what the input led to.
type pending struct {
	name    string
	payload contract.Payload
	// seq is the input's number in the inputs log over the migration's life.
	seq     int
	settled bool
	// screened is set once the sender of an input given on behalf of the customer was
	// checked (or needed no check): see screenSenders.
	screened bool
	// refusal says why the input did not take effect; empty when it did.
	refusal string
}

// inbox holds at most one pending input per name, in the order they arrived, so two
// inputs that arrive together can never leave one unanswered or counted twice. A slice,
// not a map: the workflow walks it, and must walk it in the same order on every replay.
type inbox struct {
	slots []*pending
	// seq numbers inputs as they are recorded.
	seq int
}

func newInbox() inbox { return inbox{} }

// get returns the pending input of that name, or nil.
func (b *inbox) get(name string) *pending {
	for _, p := range b.slots {
		if p.name == name {
			return p
		}
	}
	return nil
}

func (b *inbox) has(name string) bool { return b.get(name) != nil }

func (b *inbox) empty() bool { return len(b.slots) == 0 }

// names lists the pending inputs in the order they arrived.
func (b *inbox) names() []string {
	out := make([]string, len(b.slots))
	for i, p := range b.slots {
		out[i] = p.name
	}
	return out
}

func (b *inbox) remove(p *pending) {
	for i, q := range b.slots {
		if q == p {
			b.slots = append(b.slots[:i:i], b.slots[i+1:]...)
			return
		}
	}
}

// queue records an accepted input and gives it a reply slot.
func (m *migration) queue(ctx workflow.Context, name string, payload contract.Payload) *pending {
	p := &pending{name: name, payload: payload, seq: m.recordInput(ctx, name, payload, nil)}
	m.inbox.slots = append(m.inbox.slots, p)
	return p
}

// settle answers a pending input: it took effect (refusal empty) or not, and why. A
// refusal is written into the input's record, so the log says what became of it.
func (m *migration) settle(p *pending, refusal string) {
	if p == nil || p.settled {
		return
	}
	p.settled, p.refusal = true, refusal
	m.inbox.remove(p)
	if refusal != "" {
		m.refuseRecord(p.seq, refusal)
	}
}

// settleAll answers every pending input with the reason it did not take effect.
func (m *migration) settleAll(reason func(name string) string) {
	for _, name := range m.inbox.names() {
		m.settle(m.inbox.get(name), reason(name))
	}
}

// close stops taking inputs and answers those still pending: the migration ended
// (as endedAs) before they took effect.
func (m *migration) close(endedAs contract.Status) {
	m.closing, m.endedAs = true, endedAs
	m.settleAll(func(name string) string {
		if endedAs == "" {
			return fmt.Sprintf("the migration finished before %s took effect", name)
		}
		return fmt.Sprintf("the migration ended (%s) before %s took effect; see its status for why", endedAs, name)
	})
}

// recordInput appends an input to the log, keeping the last MaxInputRecords and
// counting every one, and returns its number.
func (m *migration) recordInput(ctx workflow.Context, name string, payload contract.Payload, rejection error) int {
	m.inbox.seq++
	rec := contract.InputRecord{Name: name, By: payload.Sender(), Detail: payload.Detail(), At: workflow.Now(ctx), Accepted: rejection == nil,
		Principal: payload.SentBy()}
	if rejection != nil {
		rec.Reason = rejection.Error()
	}
	m.progress.Inputs = append(m.progress.Inputs, rec)
	if over := len(m.progress.Inputs) - contract.MaxInputRecords; over > 0 {
		m.progress.Inputs = append([]contract.InputRecord{}, m.progress.Inputs[over:]...)
		m.progress.InputsDropped += over
	}
	m.count(name, rec.Accepted, 1)
	m.progress.UpdatedAt = rec.At
	return m.inbox.seq
}

// refuseRecord marks the input numbered seq as refused after the fact (an owner login
// refused by verification, a license that still is not there, a subdomain taken).
func (m *migration) refuseRecord(seq int, refusal string) {
	i := seq - m.progress.InputsDropped - 1
	if i < 0 || i >= len(m.progress.Inputs) {
		return
	}
	rec := &m.progress.Inputs[i]
	if rec.Accepted {
		m.count(rec.Name, true, -1)
		m.count(rec.Name, false, 1)
	}
	rec.Accepted, rec.Reason = false, refusal
}

func (m *migration) count(name string, accepted bool, n int) {
	if m.progress.InputCounts == nil {
		m.progress.InputCounts = map[string]contract.InputCount{}
	}
	c := m.progress.InputCounts[name]
	if accepted {
		c.Accepted += n
	} else {
		c.Rejected += n
	}
	m.progress.InputCounts[name] = c
}
