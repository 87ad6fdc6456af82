package identity

import (
	"context"
	"time"

	"backoffice/commands"
	"backoffice/domain"
	"backoffice/domain/account"
	"backoffice/domain/client"
	"backoffice/domain/placement"
	"backoffice/domain/worker"
)

// RegisterWorker is the portal's "nieuwe werknemer inschrijven": a worker
// and their first placement at a client. ClientID defaults to a client
// user's own company; WorkerID and PlacementID are generated when empty.
type RegisterWorker struct {
	ClientID     string
	WorkerID     string
	PlacementID  string
	Name         worker.Name
	Email        string
	Function     string
	Language     string
	PersonalData worker.PersonalData
	Start        time.Time
	End          *time.Time
}

// WorkerRegistered tells what RegisterWorker created.
type WorkerRegistered struct {
	WorkerID    string
	PlacementID string
	AccountID   string
	Placement   placement.Started
}

// RegisterWorker stores the personal data (encrypted), appends the worker
// and placement events (in that order, see placement.RegisterWorker) and
// creates the worker's account, which triggers the activation mail.
//
// Who: a client user for their own company, or the back office. Another
// client's company is not found; other roles are forbidden.
func (s *Registration) RegisterWorker(ctx context.Context, meta commands.Meta, cmd RegisterWorker) (commands.Result, WorkerRegistered, error) {
	var none WorkerRegistered
	if cmd.ClientID == "" && meta.Actor.Role == domain.RoleClient {
		cmd.ClientID = meta.Actor.ClientID
	}
	if !account.IsStaff(meta.Actor) && meta.Actor.Role != domain.RoleClient {
		return commands.Result{}, none, account.Forbidden
	}
	if cmd.ClientID == "" {
		return commands.Result{}, none, domain.Invalid("required", "client_id", "The client is required.", "De opdrachtgever is verplicht.")
	}
	if err := checkID("client_id", cmd.ClientID); err != nil {
		return commands.Result{}, none, domain.ErrNotFound
	}
	if err := ensureID(meta, "worker_id", &cmd.WorkerID); err != nil {
		return commands.Result{}, none, err
	}
	if err := ensureID(meta, "placement_id", &cmd.PlacementID); err != nil {
		return commands.Result{}, none, err
	}
	var c *client.Client
	var err error
	if c, _, err = loadClient(ctx, s.cfg.Store, cmd.ClientID); err != nil {
		return commands.Result{}, none, err
	}
	enr, err := placement.RegisterWorker(meta.Actor, c, placement.RegisterWorkerCmd{
		WorkerID: cmd.WorkerID, PlacementID: cmd.PlacementID, Name: cmd.Name, Email: cmd.Email,
		Function: cmd.Function, PersonalData: cmd.PersonalData, Start: cmd.Start, End: cmd.End,
	}, s.now())
	if err != nil {
		return commands.Result{}, none, err
	}
	_, wst, err := loadWorker(ctx, s.cfg.Store, cmd.WorkerID)
	if err != nil {
		return commands.Result{}, none, err
	}
	_, pst, err := loadPlacement(ctx, s.cfg.Store, cmd.PlacementID)
	if err != nil {
		return commands.Result{}, none, err
	}
	// A retry whose first attempt appended (and lost its answer) finds its
	// events under the key: it appends what that attempt left undone and
	// answers with what it recorded.
	_, workerDone, _, err := commands.Replayed(ctx, s.cfg.Store, wst, worker.Events, meta)
	if err != nil {
		return commands.Result{}, none, err
	}
	placementRes, placementDone, _, err := commands.Replayed(ctx, s.cfg.Store, pst, placement.Events, meta)
	if err != nil {
		return commands.Result{}, none, err
	}
	if (wst.Exists && len(workerDone) == 0) || (pst.Exists && len(placementDone) == 0) {
		return commands.Result{}, none, domain.Conflict("worker_exists", "The worker is already registered.", "De werknemer is al ingeschreven.")
	}
	reg := enr.WorkerEvents[0].(*worker.Registered)
	if first, ok := firstOf[*worker.Registered](workerDone); ok {
		reg = first
	}
	if len(placementDone) > 0 {
		enr.PlacementEvents = placementDone
	}
	subject := workerSubject(cmd.WorkerID)
	claimed, workerSaved := false, len(workerDone) > 0
	res, accountID, err := s.withAccount(ctx, meta, accountSpec{
		Role: domain.RoleWorker, TenantID: cmd.WorkerID, Email: reg.Email, Language: cmd.Language, Field: "email",
	}, func(ctx context.Context) (commands.Result, error) {
		if !workerSaved {
			// One BSN, one worker (bsn_index.go).
			if enr.PersonalData.BSN != "" {
				if err := s.cfg.Vault.ClaimBSN(ctx, subject, enr.PersonalData.BSN); err != nil {
					return commands.Result{}, err
				}
				claimed = true
			}
			if err := s.cfg.Vault.Put(ctx, subject, enr.PersonalData); err != nil {
				return commands.Result{}, err
			}
			if _, err := commands.Save(ctx, s.cfg.Store, wst, meta, s.now(), enr.WorkerEvents...); err != nil {
				return commands.Result{}, err
			}
			workerSaved = true
		}
		if len(placementDone) > 0 {
			return placementRes, nil
		}
		// The first placement is claimed in the worker's roster like
		// every other (roster.go): a placement started for the worker
		// while this one is being appended cannot overlap it.
		started := enr.PlacementEvents[0].(*placement.Started)
		period := placement.Period{Start: started.Start}
		if started.End != nil {
			period.End = *started.End
		}
		return withClaim(ctx, s.cfg.Store, meta, s.now(), claim{workerID: started.WorkerID, id: started.PlacementID,
			clientID: started.ClientID, placement: pst, period: period},
			func(roster commands.Stream) (commands.Result, error) {
				return commands.SaveIf(ctx, s.cfg.Store, pst, []commands.Stream{roster}, meta, s.now(), enr.PlacementEvents...)
			})
	})
	if err != nil {
		if claimed && !workerSaved {
			_ = s.cfg.Vault.ReleaseBSN(context.WithoutCancel(ctx), subject)
		}
		return commands.Result{}, none, err
	}
	out := WorkerRegistered{WorkerID: cmd.WorkerID, PlacementID: cmd.PlacementID, AccountID: accountID}
	if st, ok := enr.PlacementEvents[0].(*placement.Started); ok {
		out.Placement = *st
	}
	return res, out, nil
}
