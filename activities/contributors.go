package activities

import (
	"context"
	"fmt"
	"strings"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"go.uber.org/zap"

	"github.com/sellmigrate/sellmigrate/contract"
	"github.com/sellmigrate/sellmigrate/platform"
)

// sellPageSize is the Sell API's largest page.
const sellPageSize = 100

// ConvertContributorsInput names the accounts and the Zendesk user the calls act as
// (the owner of the Zendesk account).
type ConvertContributorsInput struct {
	SellAccountID string
	Subdomain     string
	ActingEmail   string
}

// ContributorProgress is both the heartbeat cursor and the result. NextPage is the Sell
// page still to do; the counts cover every page before it.
type ContributorProgress struct {
	NextPage          int
	SellUsers         int
	Converted         int
	AlreadyAgents     int
	Inactive          int
	NeedsReactivation []string
}

// ConvertContributors adds every active Sell user to Zendesk Support as a contributor
// agent, a Sell page at a time. After each page it heartbeats the cursor, so a retry on
// another worker resumes from the first page not finished. The Support users are read
// first (one call per hundred, far fewer calls than a search per user, which keeps a
// conversion inside Zendesk's per-minute limit); a user already there is not created
// again, and create_many refuses an email that exists, so a page redone after a crash
// converts nobody twice. A Sell user who is an end-user
// in Support is reported for reactivation (Sell > Settings > Users > Pending actions),
// never silently promoted or skipped.
func (a *Activities) ConvertContributors(ctx context.Context, in ConvertContributorsInput) (ContributorProgress, error) {
	progress := ContributorProgress{NextPage: 1}
	if activity.HasHeartbeatDetails(ctx) {
		if err := activity.GetHeartbeatDetails(ctx, &progress); err != nil {
			return progress, fmt.Errorf("read the contributor cursor from the last heartbeat: %w", err)
		}
		activity.GetLogger(ctx).Info("resuming contributor conversion", "page", progress.NextPage, "converted", progress.Converted)
	}
	support := a.supportAs(in.Subdomain, in.ActingEmail)
	roleID, err := a.contributorRoleID(ctx, support, in.Subdomain)
	if err != nil {
		return progress, err
	}
	known, err := a.supportUsersByEmail(ctx, support)
	if err != nil {
		return progress, err
	}
	sell := a.sell(in.SellAccountID)
	for {
		page, err := sell.Users(ctx, progress.NextPage, sellPageSize)
		if err != nil {
			return progress, classify(fmt.Sprintf("read Sell users page %d", progress.NextPage), err)
		}
		if err := a.convertPage(ctx, support, roleID, known, page.Users, &progress); err != nil {
			return progress, err
		}
		progress.NextPage++
		activity.RecordHeartbeat(ctx, progress)
		if page.NextPage == "" || len(page.Users) == 0 {
			break
		}
	}
	a.logger.Info("contributors converted", zap.String("subdomain", in.Subdomain),
		zap.Int("converted", progress.Converted), zap.Int("already_agents", progress.AlreadyAgents),
		zap.Int("needs_reactivation", len(progress.NeedsReactivation)))
	return progress, nil
}

func (a *Activities) contributorRoleID(ctx context.Context, support *platform.Support, subdomain string) (int64, error) {
	roles, err := support.CustomRoles(ctx)
	if err != nil {
		return 0, classify("read custom roles of "+subdomain, err)
	}
	for _, r := range roles {
		if r.RoleType == platform.RoleTypeContributor || strings.EqualFold(r.Name, "contributor") {
			return r.ID, nil
		}
	}
	return 0, temporal.NewNonRetryableApplicationError(
		fmt.Sprintf("Zendesk account %s has no Contributor role; enable it in Admin Center > Team > Roles and retry the migration", subdomain),
		contract.ErrTypeZendeskClient, nil)
}

// supportUsersByEmail reads every user of the Support account, by lowercase email.
func (a *Activities) supportUsersByEmail(ctx context.Context, support *platform.Support) (map[string]platform.SupportUser, error) {
	users := map[string]platform.SupportUser{}
	opts := platform.ListUsersOptions{PageSize: platform.MaxPageSize}
	for {
		page, err := support.ListUsers(ctx, opts)
		if err != nil {
			return nil, classify("list the users of Zendesk account "+support.Subdomain(), err)
		}
		for _, u := range page.Users {
			users[strings.ToLower(u.Email)] = u
		}
		if !page.HasMore || page.AfterCursor == "" {
			return users, nil
		}
		opts.After = page.AfterCursor
		activity.RecordHeartbeat(ctx)
	}
}

// convertPage classifies each user of one Sell page and creates the missing ones in one job.
func (a *Activities) convertPage(ctx context.Context, support *platform.Support, roleID int64, known map[string]platform.SupportUser, users []platform.SellUser, progress *ContributorProgress) error {
	var create []platform.NewSupportUser
	for _, u := range users {
		progress.SellUsers++
		if u.Status != "active" {
			progress.Inactive++
			continue
		}
		if existing, ok := known[strings.ToLower(u.Email)]; ok {
			a.tally(existing, progress)
			continue
		}
		create = append(create, platform.NewSupportUser{Name: u.Name, Email: u.Email, Role: platform.RoleAgent, CustomRoleID: &roleID, Verified: true})
	}
	if len(create) == 0 {
		return nil
	}
	job, err := support.CreateManyUsers(ctx, create)
	if err != nil {
		return classify(fmt.Sprintf("create %d contributors", len(create)), err)
	}
	job, err = support.WaitJob(ctx, job.ID, a.jobPoll)
	if err != nil {
		return classify("wait for the Zendesk job creating contributors", err)
	}
	if job.Status != "completed" {
		return fmt.Errorf("zendesk job %s creating contributors ended %s: %s", job.ID, job.Status, job.Message)
	}
	for _, r := range job.Results {
		if r.Status == "Created" {
			progress.Converted++
			known[strings.ToLower(r.Email)] = platform.SupportUser{ID: r.ID, Email: r.Email, Role: platform.RoleAgent}
			continue
		}
		// Someone (or an earlier attempt whose response was lost) created this user
		// between our look-up and the job: classify what is there now.
		existing, err := support.SearchUserByEmail(ctx, r.Email)
		if err != nil {
			return classify("look up Zendesk user "+r.Email, err)
		}
		if existing == nil {
			return fmt.Errorf("zendesk could not create contributor %s: %s %s", r.Email, r.Error, r.Details)
		}
		a.tally(*existing, progress)
	}
	return nil
}

// tally counts a Sell user who already has a Zendesk user.
func (a *Activities) tally(u platform.SupportUser, progress *ContributorProgress) {
	switch {
	case u.IsContributor():
		progress.Converted++
	case u.Role == platform.RoleEndUser:
		progress.NeedsReactivation = append(progress.NeedsReactivation, u.Email)
	default:
		progress.AlreadyAgents++
	}
}
