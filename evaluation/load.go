package evaluation

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/selection"
)

// ErrNoRounds says the scope holds no round.
var ErrNoRounds = errors.New("no round in this scope")

// ForRound reads what the report of one round needs.
func ForRound(ctx context.Context, gdb *gorm.DB, roundID string) (Data, error) {
	return load(ctx, gdb, Scope{RoundID: roundID}, []string{roundID})
}

// ForPeriod reads what the report over the rounds created in [from, to)
// needs.
func ForPeriod(ctx context.Context, gdb *gorm.DB, from, to time.Time) (Data, error) {
	var ids []string
	if err := gdb.WithContext(ctx).Model(&models.Round{}).Where("created_at >= ? AND created_at < ?", from.UTC(), to.UTC()).
		Order("id").Pluck("id", &ids).Error; err != nil {
		return Data{}, err
	}
	if len(ids) == 0 {
		return Data{}, ErrNoRounds
	}
	return load(ctx, gdb, Scope{From: &from, To: &to}, ids)
}

func load(ctx context.Context, gdb *gorm.DB, scope Scope, rounds []string) (Data, error) {
	gdb = gdb.WithContext(ctx)
	d := Data{Scope: scope, Rounds: rounds, Positions: map[string]models.Position{}, Units: map[string]string{},
		RoundStarts: map[string]time.Time{}}
	var rs []models.Round
	if err := gdb.Select("id", "created_at", "settings").Where("id IN ?", rounds).Find(&rs).Error; err != nil {
		return d, err
	}
	for _, r := range rs {
		d.RoundStarts[r.ID] = roundStart(r)
	}
	// The columns the report reads: not the score's breakdown, whose JSON
	// would be decoded for each transfer.
	if err := gdb.Select("id", "round_id", "nip", "from_position_id", "from_unit_id", "to_position_id", "to_unit_id", "stage",
		"effective_date", "depends_on").Where("round_id IN ?", rounds).Order("id").Find(&d.Transfers).Error; err != nil {
		return d, err
	}
	inRounds := "transfer_id IN (SELECT id FROM transfers WHERE round_id IN ?)"
	// Each with the columns the report reads, or all (none named).
	for _, q := range []struct {
		dest  any
		where string
		cols  []string
	}{
		{&d.Decisions, inRounds, []string{"transfer_id", "step", "approve", "decided_at"}}, {&d.Objections, inRounds, nil},
		{&d.Training, inRounds, nil}, {&d.Decrees, inRounds, nil},
		{&d.Surveys, "round_id IN ?", []string{"transfer_id", "round_id", "status"}}, {&d.Responses, "round_id IN ?", nil},
		{&d.Needs, "round_id IN ?", nil},
	} {
		sel := gdb
		if q.cols != nil {
			sel = gdb.Select(q.cols)
		}
		if err := sel.Where(q.where, rounds).Find(q.dest).Error; err != nil {
			return d, err
		}
	}
	if err := gdb.Model(&models.Employee{}).Where("nip IN (SELECT nip FROM transfers WHERE round_id IN ?)", rounds).
		Order("nip").Pluck("name", &d.Names).Error; err != nil {
		return d, err
	}
	var actors []string
	if err := gdb.Model(&models.Account{}).Where("username IN (SELECT actor_id FROM decisions WHERE "+inRounds+
		") OR username IN (SELECT resolved_by FROM objections WHERE "+inRounds+")", rounds, rounds).
		Order("username").Pluck("name", &actors).Error; err != nil {
		return d, err
	}
	d.Names = append(d.Names, actors...)
	if err := gdb.Where("round_id IN ? AND rule = ?", rounds, selection.RuleNotSelected).Order("round_id, nip").
		Find(&d.Stayers).Error; err != nil {
		return d, err
	}
	var skp []models.Employee
	if err := gdb.Select("nip", "skp").Where("nip IN (SELECT nip FROM transfers WHERE round_id IN ?) OR nip IN (SELECT nip FROM exclusions WHERE round_id IN ? AND rule = ?)",
		rounds, rounds, selection.RuleNotSelected).Find(&skp).Error; err != nil {
		return d, err
	}
	for _, e := range skp {
		for _, s := range e.SKP {
			s.NIP = e.NIP
			d.SKP = append(d.SKP, s)
		}
	}
	if err := gdb.Select("id", "round_id", "movers", "revoked_at").Where("round_id IN ? AND revoked_at IS NOT NULL", rounds).
		Find(&d.RevokedDecrees).Error; err != nil {
		return d, err
	}
	var positions []models.Position
	if err := gdb.Select("id", "unit_id", "name", "kind", "class").Find(&positions).Error; err != nil {
		return d, err
	}
	for _, p := range positions {
		d.Positions[p.ID] = p
	}
	var units []models.Unit
	if err := gdb.Find(&units).Error; err != nil {
		return d, err
	}
	for _, u := range units {
		d.Units[u.ID] = u.Name
	}
	return d, nil
}
