// Package decrees is what people do with the collective decrees (SK) the
// rounds issue, for the API and the pages alike: list a round's, download
// one, download an employee's petikan, revoke one (pembatalan), and check
// one on its public verification page.
package decrees

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/auditchain"
	"github.com/bkpsdm/mutasi/decree"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/transfers"
)

// Service reads and revokes decrees.
type Service struct {
	DB *gorm.DB
}

// summary are a document's columns other than its PDF and content.
var summary = []string{"id", "number", "round_id", "effective_date", "issued_at", "movers", "sha256",
	"revoked_at", "revoked_by", "revocation_reason"}

// List lists a round's decrees, the oldest first, without their files.
func (s *Service) List(ctx context.Context, roundID string) ([]models.DecreeDocument, error) {
	out := []models.DecreeDocument{}
	err := s.DB.WithContext(ctx).Select(summary).Where("round_id = ?", roundID).Order("issued_at, number").Find(&out).Error
	return out, err
}

// Get reads a decree by its id, without its file.
func (s *Service) Get(ctx context.Context, id string) (models.DecreeDocument, error) {
	return find(s.DB.WithContext(ctx).Select(summary), id)
}

func find(q *gorm.DB, id string) (models.DecreeDocument, error) {
	var d models.DecreeDocument
	err := q.First(&d, "id = ?", id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return d, apperr.NotFound("keputusan", id)
	}
	return d, err
}

// PDF reads a decree's file as issued: the same bytes each time. An
// approver limited to some units may not: a decree's lampiran names the
// movers of every unit.
func (s *Service) PDF(ctx context.Context, a models.Actor, id string) (models.DecreeDocument, error) {
	if len(a.Units) > 0 {
		return models.DecreeDocument{}, apperr.Forbidden("lampiran keputusan memuat semua unit; minta salinan kepada BKPSDM",
			"a decree's lampiran names every unit's movers; ask the HR office for a copy")
	}
	return find(s.DB.WithContext(ctx), id)
}

// Petikan makes the petikan of a transfer the actor may see, from what
// its collective decree says: the same bytes each time. It also returns
// the decree.
func (s *Service) Petikan(ctx context.Context, a models.Actor, transferID string) ([]byte, models.DecreeDocument, error) {
	gdb := s.DB.WithContext(ctx)
	var t models.Transfer
	err := transfers.Visible(gdb, a).Select("id", "nip", "decree_number").First(&t, "id = ?", transferID).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, models.DecreeDocument{}, apperr.NotFound("mutasi", transferID)
	}
	if err != nil {
		return nil, models.DecreeDocument{}, err
	}
	var doc models.DecreeDocument
	if t.DecreeNumber != "" {
		err = gdb.Select("id", "number", "content", "revoked_at").First(&doc, "number = ?", t.DecreeNumber).Error
	}
	if t.DecreeNumber == "" || errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, doc, apperr.NotFound("petikan keputusan", transferID)
	}
	if err != nil {
		return nil, doc, err
	}
	var d decree.Decree
	if err := json.Unmarshal(doc.Content, &d); err != nil {
		return nil, doc, err
	}
	i := slices.IndexFunc(d.Movers, func(m decree.Mover) bool { return m.NIP == t.NIP })
	if i < 0 {
		return nil, doc, apperr.NotFound("petikan keputusan", transferID)
	}
	var b bytes.Buffer
	if err := d.Petikan(&b, i); err != nil {
		return nil, doc, err
	}
	return b.Bytes(), doc, nil
}

// RevokeRequest is the HR office's revocation of a decree.
type RevokeRequest struct {
	Reason string `json:"reason"`
}

// Revoke records that the HR office revoked the decree (pembatalan), with
// its reason, and the audit line. The same revocation again returns the
// first; another reason for a revoked decree is a conflict.
func (s *Service) Revoke(ctx context.Context, a models.Actor, id string, req RevokeRequest, at time.Time) (models.DecreeDocument, error) {
	reason := strings.TrimSpace(req.Reason)
	if reason == "" {
		return models.DecreeDocument{}, apperr.Invalid("reason", "alasan pembatalan wajib diisi", "a reason is required")
	}
	if err := models.TooLong("reason", reason, models.MaxText); err != nil {
		return models.DecreeDocument{}, err
	}
	var doc models.DecreeDocument
	err := s.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		doc, err = find(tx.Clauses(clause.Locking{Strength: "UPDATE"}).Select(summary), id)
		switch {
		case err != nil:
			return err
		case doc.RevokedAt != nil && doc.RevocationReason == reason:
			return nil
		case doc.RevokedAt != nil:
			return apperr.Conflict("reason", "keputusan ini sudah dibatalkan dengan alasan lain",
				"this decree was revoked already, for another reason")
		}
		doc.RevokedAt, doc.RevokedBy, doc.RevocationReason = &at, a.ID, reason
		if err := tx.Model(&models.DecreeDocument{}).Where("id = ?", doc.ID).
			Updates(map[string]any{"revoked_at": at, "revoked_by": a.ID, "revocation_reason": reason}).Error; err != nil {
			return err
		}
		_, err = auditchain.Append(tx, &models.AuditEntry{Key: "decree:" + doc.Number + ":revoked", RoundID: doc.RoundID,
			ActorID: a.ID, Role: a.Role, Action: models.ActionDecreeRevoked, Detail: doc.Number + ": " + reason, At: at})
		return err
	})
	return doc, err
}

// Verification is what the public verification page shows of a decree:
// what its own first page shows, its hash, and whether it stands.
type Verification struct {
	Number        string
	IssuedAt      time.Time
	EffectiveDate time.Time
	Movers        int
	SHA256        string
	RevokedAt     *time.Time
}

// Verify reads the decree a QR code's token names, for anybody.
func (s *Service) Verify(ctx context.Context, token string) (Verification, error) {
	if len(token) > 64 {
		return Verification{}, apperr.NotFound("keputusan", token[:64])
	}
	d, err := s.Get(ctx, token)
	if err != nil {
		return Verification{}, err
	}
	return Verification{Number: d.Number, IssuedAt: d.IssuedAt, EffectiveDate: d.EffectiveDate, Movers: d.Movers,
		SHA256: d.SHA256, RevokedAt: d.RevokedAt}, nil
}
