//go:build cluster

package deploy_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"
)

// read is one GET of the API's migration list, as the dashboard makes it.
type read struct {
	at  time.Time
	err error
}

// watchAPI reads the API's migration list every half second until ctx ends, with
// token; the function it returns gives every read so far.
func watchAPI(ctx context.Context, apiURL, token string) func() []read {
	var mu sync.Mutex
	var reads []read
	go func() {
		c := &http.Client{Timeout: 5 * time.Second}
		for ctx.Err() == nil {
			at := time.Now()
			err := getList(c, apiURL, token)
			mu.Lock()
			reads = append(reads, read{at, err})
			mu.Unlock()
			time.Sleep(500 * time.Millisecond)
		}
	}()
	return func() []read {
		mu.Lock()
		defer mu.Unlock()
		return append([]read(nil), reads...)
	}
}

func getList(c *http.Client, apiURL, token string) error {
	req, err := http.NewRequest(http.MethodGet, apiURL+"/api/v1/migrations?page_size=5", nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return nil
}

// pgGrace is how long after PostgreSQL is back (and `up` has seen the namespace served)
// a read may still fail while connection pools reconnect.
const pgGrace = 15 * time.Second

// checkReads: every read answered, but those begun while PostgreSQL was down or within
// pgGrace of its return; and reads answered again after it.
func checkReads(t *testing.T, reads []read, pg *pgWindow) {
	t.Helper()
	start, end := pg.get()
	if start.IsZero() {
		t.Error("PostgreSQL was never restarted")
		return
	}
	var failed, inWindow, after int
	for _, r := range reads {
		during := !r.at.Before(start.Add(-5*time.Second)) && r.at.Before(end.Add(pgGrace))
		switch {
		case r.err != nil && during:
			inWindow++
		case r.err != nil:
			failed++
			if failed <= 5 {
				t.Errorf("the API failed a read at %s, outside PostgreSQL's restart (%s–%s): %v",
					r.at.Format("15:04:05.0"), start.Format("15:04:05"), end.Format("15:04:05"), r.err)
			}
		case r.at.After(end.Add(pgGrace)):
			after++
		}
	}
	if after == 0 {
		t.Error("no read answered after PostgreSQL came back")
	}
	t.Logf("API reads: %d in all, %d failed while PostgreSQL was down or reconnecting, %d failed otherwise, %d answered after its return",
		len(reads), inWindow, failed, after)
}
