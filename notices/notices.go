// Package notices is the bell of the application: the notices recorded
// with every notification mailed (models.Notice), listed for whom they
// are addressed to, with read state per account. The pages and the API
// both call it; it decides who sees what.
package notices

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/models"
)

// MaxLimit is the most notices one page lists; DefaultLimit is how many
// when the caller does not say.
const (
	MaxLimit     = 100
	DefaultLimit = 20
)

// Item is a notice as its reader sees it: read or not, by them.
type Item struct {
	models.Notice
	ReadAt *time.Time `json:"read_at,omitempty"`
}

// List is a page of an actor's notices, unread first, newest first, with
// how many they have in all and how many unread.
type List struct {
	Items  []Item `json:"items"`
	Total  int64  `json:"total"`
	Unread int64  `json:"unread"`
	Limit  int    `json:"limit"`
	Offset int    `json:"offset"`
}

// Service reads notices and records their reading.
type Service struct {
	DB *gorm.DB
}

// visible narrows a query of notices (aliased n) to those addressed to the
// actor: an employee's to their NIP, an approver's to their role within
// their units, HR's to HR. Anyone else, or an account without a name to
// keep read state by, is refused.
func visible(q *gorm.DB, a models.Actor) (*gorm.DB, error) {
	if a.ID == "" {
		return nil, apperr.New(apperr.KindUnauth, "", "silakan masuk terlebih dahulu", "please sign in first")
	}
	switch a.Role {
	case models.RoleEmployee:
		if a.NIP == "" {
			return nil, forbidden(a)
		}
		return q.Where("n.role = ? AND n.nip = ?", models.RoleEmployee, a.NIP), nil
	case models.RoleTPK, models.RolePPK:
		q = q.Where("n.role = ?", a.Role)
		if len(a.Units) > 0 {
			q = q.Where("n.unit_id IN ?", a.Units)
		}
		return q, nil
	case models.RoleHR:
		return q.Where("n.role = ?", models.RoleHR), nil
	}
	return nil, forbidden(a)
}

// Receivers are the roles that receive notices: an admin and the system
// receive none.
var Receivers = []models.Role{models.RoleEmployee, models.RoleTPK, models.RolePPK, models.RoleHR}

func forbidden(a models.Actor) error {
	return apperr.Forbidden("peran "+string(a.Role)+" tidak menerima pemberitahuan", "the role "+string(a.Role)+" receives no notices")
}

// query is the actor's notices joined to their reading of them.
func (s *Service) query(ctx context.Context, a models.Actor) (*gorm.DB, error) {
	q := s.DB.WithContext(ctx).Table("notices AS n").
		Joins("LEFT JOIN notice_reads r ON r.notice_id = n.id AND r.account_id = ?", a.ID)
	return visible(q, a)
}

// List lists a page of the actor's notices: at most limit (1 to
// MaxLimit) after the first offset, unread first.
func (s *Service) List(ctx context.Context, a models.Actor, limit, offset int) (List, error) {
	if err := CheckPage(limit, offset); err != nil {
		return List{}, err
	}
	out := List{Items: []Item{}, Limit: limit, Offset: offset}
	q, err := s.query(ctx, a)
	if err != nil {
		return out, err
	}
	err = q.Session(&gorm.Session{}).Select("COUNT(*) AS total, COUNT(*) FILTER (WHERE r.read_at IS NULL) AS unread").
		Row().Scan(&out.Total, &out.Unread)
	if err != nil {
		return out, err
	}
	err = q.Select("n.*, r.read_at").Order("r.read_at IS NOT NULL, n.created_at DESC, n.id DESC").
		Limit(limit).Offset(offset).Scan(&out.Items).Error
	return out, err
}

// CheckPage refuses a page of notices of more than MaxLimit, or of none,
// or one before the first, naming the parameter.
func CheckPage(limit, offset int) error {
	if limit < 1 || limit > MaxLimit {
		return apperr.Malformed("limit", fmt.Sprintf("limit harus 1 sampai %d", MaxLimit), fmt.Sprintf("limit must be 1 to %d", MaxLimit))
	}
	if offset < 0 {
		return apperr.Malformed("offset", "offset harus 0 atau lebih", "offset must be 0 or more")
	}
	return nil
}

// Unread counts the actor's unread notices.
func (s *Service) Unread(ctx context.Context, a models.Actor) (int64, error) {
	q, err := s.query(ctx, a)
	if err != nil {
		return 0, err
	}
	var n int64
	err = q.Where("r.read_at IS NULL").Count(&n).Error
	return n, err
}

// MarkRead records that the actor has read the notice id; a notice not
// addressed to them is not found. Reading it again changes nothing.
func (s *Service) MarkRead(ctx context.Context, a models.Actor, id uint, at time.Time) error {
	q, err := s.query(ctx, a)
	if err != nil {
		return err
	}
	var n models.Notice
	err = q.Select("n.id").Where("n.id = ?", id).Take(&n).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return apperr.NotFound("pemberitahuan", itoa(id))
	}
	if err != nil {
		return err
	}
	return s.record(ctx, []models.NoticeRead{{AccountID: a.ID, NoticeID: n.ID, ReadAt: at}})
}

// MarkAllRead records that the actor has read every notice addressed to
// them, and says how many were unread.
func (s *Service) MarkAllRead(ctx context.Context, a models.Actor, at time.Time) (int, error) {
	q, err := s.query(ctx, a)
	if err != nil {
		return 0, err
	}
	var ids []uint
	if err := q.Where("r.read_at IS NULL").Pluck("n.id", &ids).Error; err != nil {
		return 0, err
	}
	reads := make([]models.NoticeRead, len(ids))
	for i, id := range ids {
		reads[i] = models.NoticeRead{AccountID: a.ID, NoticeID: id, ReadAt: at}
	}
	return len(ids), s.record(ctx, reads)
}

// record inserts the reads, keeping the first time of any already read.
func (s *Service) record(ctx context.Context, reads []models.NoticeRead) error {
	if len(reads) == 0 {
		return nil
	}
	return s.DB.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(reads, 500).Error
}

func itoa(id uint) string { return strconv.FormatUint(uint64(id), 10) }
