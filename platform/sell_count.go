package platform

import (
	"context"
	"fmt"
)

// maxCountProbes bounds each phase of CountUsers: 2^40 pages is beyond any account.
const maxCountProbes = 40

// CountUsers returns how many users the Sell account has, active or not. Sell's
// GET /v2/users reports no total (its meta.count is the number of items on the page
// returned), so the count comes from the pages themselves: page 1, and if there are
// more, pages 2, 4, 8… until one lies past the end, then a binary search between the
// last page known to have more and that one. An account of N users costs one call up
// to 100 users and about 2·log2(N/100) calls beyond. Users added or removed while it
// runs may make the count off by those users.
func (s *Sell) CountUsers(ctx context.Context) (int, error) {
	type probe struct {
		n    int
		more bool
	}
	read := func(page int) (probe, error) {
		p, err := s.Users(ctx, page, MaxPageSize)
		if err != nil {
			return probe{}, err
		}
		return probe{n: len(p.Users), more: p.NextPage != ""}, nil
	}
	total := func(page int, p probe) int { return (page-1)*MaxPageSize + p.n }

	first, err := read(1)
	if err != nil || !first.more {
		return first.n, err
	}
	// lo has a page after it; hi (once found) is past the end.
	lo, hi := 1, 0
	for i, page := 0, 2; hi == 0; i, page = i+1, page*2 {
		if i == maxCountProbes {
			return 0, fmt.Errorf("platform: Sell account has more than %d pages of users; refusing to count further", lo)
		}
		p, err := read(page)
		switch {
		case err != nil:
			return 0, err
		case p.n == 0:
			hi = page
		case !p.more:
			return total(page, p), nil
		default:
			lo = page
		}
	}
	for i := 0; hi-lo > 1; i++ {
		if i == maxCountProbes {
			return 0, fmt.Errorf("platform: counting Sell users did not converge between pages %d and %d", lo, hi)
		}
		mid := lo + (hi-lo)/2
		p, err := read(mid)
		switch {
		case err != nil:
			return 0, err
		case p.n == 0:
			hi = mid
		case !p.more:
			return total(mid, p), nil
		default:
			lo = mid
		}
	}
	// Page lo said there was more, yet page lo+1 is empty: users left while counting.
	return lo * MaxPageSize, nil
}
