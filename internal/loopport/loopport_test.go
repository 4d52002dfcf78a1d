package loopport

import (
	"net"
	"strconv"
	"testing"
)

func TestPickGivesDistinctBindablePortsBelowTheEphemeralRange(t *testing.T) {
	lo, hi := candidates()
	ports, err := Pick(20)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for _, p := range ports {
		if p < lo || p > hi {
			t.Errorf("port %d outside %d-%d", p, lo, hi)
		}
		if seen[p] {
			t.Errorf("port %d handed out twice", p)
		}
		seen[p] = true
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
		if err != nil {
			t.Errorf("port %d was handed out but cannot be bound: %v", p, err)
			continue
		}
		_ = l.Close()
	}
	more, err := Pick(20)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range more {
		if seen[p] {
			t.Errorf("port %d handed out again by a second Pick", p)
		}
	}
}

func TestPickSkipsAPortSomeoneHolds(t *testing.T) {
	lo, hi := candidates()
	held := 0
	var listeners []net.Listener
	defer func() {
		for _, l := range listeners {
			_ = l.Close()
		}
	}()
	// Hold most of a small window, then check nothing held is ever handed out.
	for p := lo; p <= hi && held < 200; p++ {
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
		if err == nil {
			listeners = append(listeners, l)
			held++
		}
	}
	heldPorts := map[int]bool{}
	for _, l := range listeners {
		heldPorts[l.Addr().(*net.TCPAddr).Port] = true
	}
	ports, err := Pick(50)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ports {
		if heldPorts[p] {
			t.Errorf("port %d is held by this test but was handed out", p)
		}
	}
}

func TestPickAndPickOwnNeverOverlap(t *testing.T) {
	lo, hi := candidates()
	mid := (lo + hi) / 2
	given, err := Pick(50)
	if err != nil {
		t.Fatal(err)
	}
	own, err := PickOwn(50)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range given {
		if p < lo || p > mid {
			t.Errorf("Pick gave %d, outside its half %d-%d", p, lo, mid)
		}
	}
	for _, p := range own {
		if p <= mid || p > hi {
			t.Errorf("PickOwn gave %d, outside its half %d-%d", p, mid+1, hi)
		}
	}
}
