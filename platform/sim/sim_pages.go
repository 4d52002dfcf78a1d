package sim

import (
	"net/http"
	"strconv"
	"sync"
)

// sellPageCounter counts, per Sell account, how often each page of the unfiltered user
// list GET /v2/users was served (look-ups by email, role or status are not counted;
// faulted requests never reach the handler, so they are not counted either). A test
// reads it to prove that a contributor conversion resumed after a crash from its
// heartbeat cursor instead of starting again at page 1. In memory: a restarted
// simulator counts from zero.
type sellPageCounter struct {
	mu    sync.Mutex
	pages map[int64]map[int]int64
}

func newSellPageCounter() *sellPageCounter {
	return &sellPageCounter{pages: map[int64]map[int]int64{}}
}

func (c *sellPageCounter) served(accountID int64, page int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pages[accountID] == nil {
		c.pages[accountID] = map[int]int64{}
	}
	c.pages[accountID][page]++
}

// SellUserPagesServed returns how often each page of the account's Sell users was
// served, by page number.
func (s *Sim) SellUserPagesServed(accountID int64) map[int]int64 {
	s.sellPages.mu.Lock()
	defer s.sellPages.mu.Unlock()
	out := make(map[int]int64, len(s.sellPages.pages[accountID]))
	for p, n := range s.sellPages.pages[accountID] {
		out[p] = n
	}
	return out
}

// handleSellUserPages serves GET /_sim/sell/{accountID}/user_pages →
// {"sellAccountId":1005,"pagesServed":{"1":1,"2":1,...}}.
func (s *Sim) handleSellUserPages(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("accountID"), 10, 64)
	if err != nil {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "Sell account id must be a number"})
		return
	}
	served := s.SellUserPagesServed(id)
	pages := make(map[string]int64, len(served))
	for p, n := range served {
		pages[strconv.Itoa(p)] = n
	}
	writeJSON(w, http.StatusOK, map[string]any{"sellAccountId": id, "pagesServed": pages})
}
