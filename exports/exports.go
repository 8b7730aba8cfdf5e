// Package exports builds the tables the HR office and the approvers
// download from a round: its proposals with their score breakdown, its
// exclusions with their rule, and transfers with their stage and dates.
// Each is a sheet.Table, written as CSV or an Excel workbook; the API and
// the pages download the same tables.
package exports

import (
	"context"
	"maps"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/i18n"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/rounds"
	"github.com/bkpsdm/mutasi/sheet"
	"github.com/bkpsdm/mutasi/transfers"
)

// MaxRows bounds a download: a filter that matches more transfers is
// refused, with a word to narrow it.
const MaxRows = 100_000

// batch is how many rows are described (names, decisions, decrees) per
// query, well under PostgreSQL's limit on a query's parameters.
const batch = 1000

// Service reads what the tables show.
type Service struct {
	DB      *gorm.DB
	Rounds  *rounds.Service
	Records *transfers.Service
}

func col(key, id, en string, width float64) sheet.Column {
	return sheet.Column{Key: key, Label: i18n.Text{ID: id, EN: en}, Width: width}
}

// moverColumns are the columns that say who moves where, first in the
// proposals and the transfers.
var moverColumns = []sheet.Column{
	col("transfer_id", "ID mutasi", "Transfer ID", 24), col("nip", "NIP", "NIP", 20), col("name", "Nama", "Name", 28),
	col("from_position", "Jabatan lama", "Current position", 30), col("from_unit", "Unit kerja lama", "Current unit", 28),
	col("to_position", "Jabatan baru", "New position", 30), col("to_unit", "Unit kerja baru", "New unit", 28),
}

// proposalColumns follow the movers' in the proposals.
var proposalColumns = []sheet.Column{
	col("stage", "Tahap", "Stage", 18), col("score", "Skor", "Score", 8), col("skp", "Skor SKP", "SKP score", 8),
	col("talent", "Skor talenta", "Talent score", 8), col("competence", "Skor kompetensi", "Competence score", 8),
	col("tenure", "Skor masa jabatan", "Tenure score", 8), col("career", "Skor karier", "Career score", 8),
	col("competence_gap", "Kesenjangan kompetensi", "Competence gap", 10),
	col("training_proposed", "Usul pelatihan", "Training proposed", 10),
	col("after", "Menunggu kepindahan (NIP)", "After the move of (NIP)", 24), col("plan", "Rencana ke", "Plan", 6),
}

// transferColumns follow the movers' in the transfers.
var transferColumns = []sheet.Column{
	col("round_id", "Putaran", "Round", 14), col("stage", "Tahap", "Stage", 18),
	col("proposed_at", "Diusulkan", "Proposed", 12), col("tpk_decision", "Keputusan TPK", "TPK decision", 12),
	col("tpk_decided_at", "Tanggal keputusan TPK", "TPK decided", 12), col("ppk_decision", "Keputusan PPK", "PPK decision", 12),
	col("ppk_decided_at", "Tanggal keputusan PPK", "PPK decided", 12), col("tmt", "TMT", "Effective date (TMT)", 12),
	col("decree_number", "Nomor SK", "Decree number", 26), col("decree_issued_at", "Tanggal SK", "Decree date", 12),
	col("updated_at", "Terakhir berubah", "Last changed", 12),
}

// exclusionColumns are the exclusions' columns.
var exclusionColumns = []sheet.Column{
	col("nip", "NIP", "NIP", 20), col("name", "Nama", "Name", 28), col("rule", "Aturan", "Rule", 16),
	col("message", "Alasan", "Reason", 60), col("must_move", "Wajib pindah", "Must move", 10),
}

// Proposals is the round's plan as the actor may see it: who moves where,
// in the order of the target unit and position, with the score and its
// parts.
func (s *Service) Proposals(ctx context.Context, a models.Actor, roundID, lang string) (sheet.Table, error) {
	ts, err := s.transfers(ctx, a, transfers.Filter{Round: roundID}, "to_unit_id, to_position_id, nip")
	if err != nil {
		return sheet.Table{}, err
	}
	nips := make(map[string]string, len(ts))
	for _, t := range ts {
		nips[t.ID] = t.NIP
	}
	return sheet.Table{
		Name:    i18n.Text{ID: "Usulan", EN: "Proposals"},
		Columns: slices.Concat(moverColumns, proposalColumns),
		Rows: s.describe(ctx, ts, func(add func(...any) error, r transfers.Row, _ dates) error {
			after := make([]string, len(r.DependsOn))
			for i, d := range r.DependsOn {
				after[i] = nips[d]
			}
			b := r.Breakdown
			return add(slices.Concat(mover(r), []any{stage(r.Stage, lang), r.Score, b.SKP, b.Talent, b.Competence, b.Tenure,
				b.Career, r.CompetenceGap, r.TrainingProposed, strings.Join(after, "; "), r.Plan})...)
		}),
	}, nil
}

// Transfers is the transfers the actor may see that match f, with their
// stage and the dates of their steps: decisions, TMT and decree.
func (s *Service) Transfers(ctx context.Context, a models.Actor, f transfers.Filter, lang string) (sheet.Table, error) {
	ts, err := s.transfers(ctx, a, f, "round_id, to_unit_id, to_position_id, nip")
	if err != nil {
		return sheet.Table{}, err
	}
	return sheet.Table{
		Name:    i18n.Text{ID: "Mutasi", EN: "Transfers"},
		Columns: slices.Concat(moverColumns, transferColumns),
		Rows: s.describe(ctx, ts, func(add func(...any) error, r transfers.Row, d dates) error {
			tpk, ppk, dec := d.decisions[r.ID+"/tpk"], d.decisions[r.ID+"/ppk"], d.decrees[r.ID]
			in := d.zones[r.RoundID]
			return add(slices.Concat(mover(r), []any{r.RoundID, stage(r.Stage, lang), in(&r.CreatedAt), verdict(tpk, lang),
				in(decided(tpk)), verdict(ppk, lang), in(decided(ppk)), in(r.EffectiveDate), dec.Number, in(issued(dec)),
				in(&r.UpdatedAt)})...)
		}),
	}, nil
}

// siasnColumns are the changes the office records in SIASN (BKN's
// civil-service information system) after the TMT, as its position
// history (riwayat jabatan) asks for them.
var siasnColumns = []sheet.Column{
	col("nip", "NIP", "NIP", 20), col("name", "Nama", "Name", 28), col("pns_id", "PNS ID", "SIASN PNS ID", 34),
	col("position_type", "Jenis Jabatan", "Position type", 14),
	col("from_position", "Jabatan Lama", "Former position", 30), col("from_unit", "Unit Organisasi Lama", "Former unit", 28),
	col("to_position", "Jabatan Baru", "New position", 30), col("to_unit", "Unit Organisasi Baru", "New unit", 28),
	col("tmt", "TMT Jabatan", "Effective date (TMT)", 12), col("decree_number", "Nomor SK", "Decree number", 26),
	col("decree_date", "Tanggal SK", "Decree date", 12),
}

// positionTypes are SIASN's types of position (jenis jabatan), by kind.
var positionTypes = map[models.PositionKind]i18n.Text{
	models.KindJPT: {ID: "Struktural", EN: "Structural"}, models.KindAdministrator: {ID: "Struktural", EN: "Structural"},
	models.KindPengawas: {ID: "Struktural", EN: "Structural"}, models.KindFungsional: {ID: "Fungsional", EN: "Functional"},
	models.KindPelaksana: {ID: "Pelaksana", EN: "Executive"},
}

// SIASNChanges is what changed for each employee the round moved, once
// the move took effect: the position and unit left and taken, the TMT and
// the decree, for the office to record in SIASN.
func (s *Service) SIASNChanges(ctx context.Context, a models.Actor, roundID, lang string) (sheet.Table, error) {
	all, err := s.transfers(ctx, a, transfers.Filter{Round: roundID}, "to_unit_id, to_position_id, nip")
	if err != nil {
		return sheet.Table{}, err
	}
	ts := slices.DeleteFunc(all, func(t models.Transfer) bool { return !t.Stage.Effective() })
	kinds, pnsIDs := map[string]models.PositionKind{}, map[string]string{}
	var positions []models.Position
	var employees []models.Employee
	for part := range slices.Chunk(ts, batch) {
		ids, nips := make([]string, len(part)), make([]string, len(part))
		for i, t := range part {
			ids[i], nips[i] = t.ToPositionID, t.NIP
		}
		if err := s.DB.WithContext(ctx).Select("id", "kind").Where("id IN ?", ids).Find(&positions).Error; err != nil {
			return sheet.Table{}, err
		}
		for _, p := range positions {
			kinds[p.ID] = p.Kind
		}
		// SIASN's write-back names the employee by the PNS ID the SIASN
		// import stored.
		if err := s.DB.WithContext(ctx).Select("nip", "siasn_pns_id").Where("nip IN ?", nips).Find(&employees).Error; err != nil {
			return sheet.Table{}, err
		}
		for _, e := range employees {
			pnsIDs[e.NIP] = e.SIASNPNSID
		}
	}
	return sheet.Table{
		Name:    i18n.Text{ID: "Perubahan SIASN", EN: "SIASN changes"},
		Columns: siasnColumns,
		Rows: s.describe(ctx, ts, func(add func(...any) error, r transfers.Row, d dates) error {
			dec, in := d.decrees[r.ID], d.zones[r.RoundID]
			return add(r.NIP, r.Employee, pnsIDs[r.NIP], positionTypes[kinds[r.ToPositionID]].In(lang), r.FromPosition, r.FromUnit,
				r.ToPosition, r.ToUnit, in(r.EffectiveDate), dec.Number, in(issued(dec)))
		}),
	}, nil
}

// Exclusions is the employees the round left out, each with its rule and
// the reason in lang; those who must move but cannot be placed come
// first. An approver limited to some units sees none, as on the round's
// page.
func (s *Service) Exclusions(ctx context.Context, a models.Actor, roundID, lang string) (sheet.Table, error) {
	ex, total, err := s.Rounds.Exclusions(ctx, a, roundID, transfers.Page{Limit: MaxRows})
	if err != nil {
		return sheet.Table{}, err
	}
	if total > MaxRows {
		return sheet.Table{}, tooMany
	}
	return sheet.Table{
		Name:    i18n.Text{ID: "Dikecualikan", EN: "Excluded"},
		Columns: exclusionColumns,
		Rows: func(add func(...any) error) error {
			for part := range slices.Chunk(ex, batch) {
				nips := make([]string, len(part))
				for i, e := range part {
					nips[i] = e.NIP
				}
				names, err := s.Records.Names(ctx, nips)
				if err != nil {
					return err
				}
				for _, e := range part {
					if err := add(e.NIP, names[e.NIP], e.Rule, i18n.Pick(lang, e.Message, e.MessageEN), e.MustMove); err != nil {
						return err
					}
				}
			}
			return nil
		},
	}, nil
}

// tooMany refuses a download of more than MaxRows rows.
var tooMany = apperr.New(apperr.KindInvalid, "round",
	"lebih dari 100.000 baris cocok; saring menurut putaran, tahap atau unit",
	"more than 100,000 rows match; filter by round, stage or unit")

// transfers reads the transfers the actor may see that match f, in
// order, refusing more than MaxRows.
func (s *Service) transfers(ctx context.Context, a models.Actor, f transfers.Filter, order string) ([]models.Transfer, error) {
	if f.Round != "" {
		if _, err := s.Rounds.Find(ctx, f.Round); err != nil {
			return nil, err
		}
	}
	q, err := s.Records.Matching(ctx, a, f)
	if err != nil {
		return nil, err
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, err
	}
	if total > MaxRows {
		return nil, tooMany
	}
	var ts []models.Transfer
	return ts, q.Order(order).Find(&ts).Error
}

// dates are the decisions and decrees of a batch of transfers, and the
// time zones of their rounds.
type dates struct {
	decisions map[string]*models.Decision // by transfer ID and step: "<id>/tpk"
	decrees   map[string]models.Decree
	zones     map[string]func(*time.Time) *time.Time // by round ID
}

// local returns a function that reads an instant as a day of the round
// whose settings are s: a TMT is a local date, and midnight in Makassar
// is the day before in UTC.
func local(s models.RoundSettings) func(*time.Time) *time.Time {
	loc, err := s.Location()
	if err != nil || loc == nil {
		loc = time.UTC
	}
	return func(t *time.Time) *time.Time {
		if t == nil {
			return nil
		}
		l := t.In(loc)
		return &l
	}
}

// describe returns rows that write the transfers batch by batch, each
// with its names and dates, through write.
func (s *Service) describe(ctx context.Context, ts []models.Transfer,
	write func(add func(...any) error, r transfers.Row, d dates) error) func(func(...any) error) error {
	return func(add func(...any) error) error {
		for part := range slices.Chunk(ts, batch) {
			rows, err := s.Records.Describe(ctx, part)
			if err != nil {
				return err
			}
			d, err := s.dates(ctx, part)
			if err != nil {
				return err
			}
			for _, r := range rows {
				if err := write(add, r, d); err != nil {
					return err
				}
			}
		}
		return nil
	}
}

func (s *Service) dates(ctx context.Context, ts []models.Transfer) (dates, error) {
	ids := make([]string, len(ts))
	for i, t := range ts {
		ids[i] = t.ID
	}
	d := dates{decisions: map[string]*models.Decision{}, decrees: map[string]models.Decree{},
		zones: map[string]func(*time.Time) *time.Time{}}
	gdb := s.DB.WithContext(ctx)
	rounds := map[string]bool{}
	for _, t := range ts {
		rounds[t.RoundID] = true
	}
	var rs []models.Round
	if err := gdb.Select("id", "settings").Where("id IN ?", slices.Collect(maps.Keys(rounds))).Find(&rs).Error; err != nil {
		return d, err
	}
	for _, r := range rs {
		d.zones[r.ID] = local(r.Settings)
	}
	var decisions []models.Decision
	if err := gdb.Where("transfer_id IN ?", ids).Find(&decisions).Error; err != nil {
		return d, err
	}
	for i := range decisions {
		d.decisions[decisions[i].TransferID+"/"+string(decisions[i].Step)] = &decisions[i]
	}
	var decrees []models.Decree
	if err := gdb.Where("transfer_id IN ?", ids).Find(&decrees).Error; err != nil {
		return d, err
	}
	for _, dec := range decrees {
		d.decrees[dec.TransferID] = dec
	}
	return d, nil
}

func mover(r transfers.Row) []any {
	return []any{r.ID, r.NIP, r.Employee, r.FromPosition, r.FromUnit, r.ToPosition, r.ToUnit}
}

// stage is a stage's name in lang, as the pages show it.
func stage(s models.Stage, lang string) string { return i18n.T(lang, "stage."+string(s)) }

// verdict is a decision's outcome in lang, empty while undecided.
func verdict(d *models.Decision, lang string) string {
	switch {
	case d == nil:
		return ""
	case d.Approve:
		return i18n.Pick(lang, "disetujui", "approved")
	}
	return i18n.Pick(lang, "ditolak", "rejected")
}

func decided(d *models.Decision) *time.Time {
	if d == nil {
		return nil
	}
	return &d.DecidedAt
}

func issued(d models.Decree) *time.Time {
	if d.Number == "" {
		return nil
	}
	return &d.IssuedAt
}
