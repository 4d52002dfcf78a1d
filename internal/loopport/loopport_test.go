package loopport

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
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

// childPickEnv makes the test binary act as another process that picks ports: it
// prints them and holds them until killed.
const childPickEnv = "LOOPPORT_TEST_CHILD_PICK"

func TestMain(m *testing.M) {
	if spec := os.Getenv(childPickEnv); spec != "" {
		var n, lo, hi int
		if _, err := fmt.Sscanf(spec, "%d %d %d", &n, &lo, &hi); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		ports, err := pick(n, lo, hi)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println(strings.Trim(fmt.Sprint(ports), "[]"))
		time.Sleep(time.Minute) // the test kills it long before
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// startPicker runs another process that picks n ports in lo-hi and holds them.
func startPicker(t *testing.T, n, lo, hi int) (*exec.Cmd, map[int]bool) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d %d %d", childPickEnv, n, lo, hi))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("picker process printed no ports: %v", err)
	}
	ports := map[int]bool{}
	for _, f := range strings.Fields(line) {
		p, err := strconv.Atoi(f)
		if err != nil {
			t.Fatalf("picker process printed %q", line)
		}
		ports[p] = true
	}
	if len(ports) != n {
		t.Fatalf("picker process gave %d ports, want %d: %q", len(ports), n, line)
	}
	return cmd, ports
}

// Two processes picking from one narrow window at once (two dev stacks starting side by
// side) never get the same port, although each probe finds the other's ports free: the
// first holds them until it binds them, or exits. Every picker here is a process of its
// own, so the test repeats (-count) without this process's memory of ports.
func TestPickersInTwoProcessesNeverShareAPort(t *testing.T) {
	_, hi := candidates()
	lo := hi - 39 // 40 ports, of which each side takes 15
	first, theirs := startPicker(t, 15, lo, hi)
	_, mine := startPicker(t, 15, lo, hi)
	for p := range mine {
		if theirs[p] {
			t.Errorf("port %d was given to both processes", p)
		}
	}

	// Once the first process dies (SIGKILL, as the chaos tests do), its ports are free to
	// claim again: a third process gets them.
	if err := first.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = first.Wait()
	_, third := startPicker(t, 15, lo, hi)
	reused := 0
	for p := range third {
		if theirs[p] {
			reused++
		}
		if mine[p] {
			t.Errorf("port %d was given to the third process while the second held it", p)
		}
	}
	if reused == 0 {
		t.Errorf("none of a killed process's %d ports was claimable again (third process got %v)", len(theirs), third)
	}
}
