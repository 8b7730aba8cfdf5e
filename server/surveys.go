package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/links"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/survey"
	"github.com/bkpsdm/mutasi/workflows"
)

// openSurvey checks a survey link and returns its open survey. The link
// is the credential: no bearer token is needed.
func (s *Server) openSurvey(ctx context.Context, token string) (models.Survey, error) {
	var sv models.Survey
	id, err := links.Verify(s.LinkSecret, token, time.Now())
	switch {
	case errors.Is(err, links.ErrExpired):
		return sv, apperr.New(apperr.KindGone, "token", "tautan survei sudah kedaluwarsa", "the survey link has expired")
	case err != nil:
		return sv, apperr.New(apperr.KindNotFound, "token", "tautan survei tidak dikenal", "unknown survey link")
	}
	err = s.DB.WithContext(ctx).First(&sv, "transfer_id = ?", id).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return sv, apperr.New(apperr.KindNotFound, "token", "tautan survei tidak dikenal", "unknown survey link")
	}
	if err != nil {
		return sv, err
	}
	if sv.Status != models.SurveyOpen {
		return sv, apperr.New(apperr.KindGone, "token", "survei ini sudah diisi atau ditutup", "this survey has been answered or closed")
	}
	return sv, nil
}

func (s *Server) getSurvey(c *gin.Context) error {
	sv, err := s.openSurvey(c, c.Param("token"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"transfer_id": sv.TransferID, "expires_at": sv.ExpiresAt,
		"instrument_version": sv.InstrumentVersion, "items": instrumentOf(sv).Items})
	return nil
}

// instrumentOf is the version of the questions a survey was sent with.
func instrumentOf(sv models.Survey) survey.Instrument {
	if in, ok := survey.Lookup(sv.InstrumentVersion); ok {
		return in
	}
	in, _ := survey.Lookup(survey.CurrentVersion)
	return in
}

// SurveyRequest carries the answers, by item code.
type SurveyRequest struct {
	Answers map[string]any `json:"answers"`
}

func (s *Server) answerSurvey(c *gin.Context) error {
	var req SurveyRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	sv, err := s.submitSurvey(c, c.Param("token"), req.Answers)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"transfer_id": sv.TransferID, "status": models.SurveyAnswered,
		"message": "Terima kasih, jawaban Anda tersimpan.", "message_en": "Thank you, your answers are saved."})
	return nil
}

// submitSurvey checks the link and the answers and sends them to the
// transfer's workflow. The API and the survey page both answer through
// it.
func (s *Server) submitSurvey(ctx context.Context, token string, answers map[string]any) (models.Survey, error) {
	sv, err := s.openSurvey(ctx, token)
	if err != nil {
		return sv, err
	}
	if problems := instrumentOf(sv).Check(answers); len(problems) > 0 {
		e := apperr.Invalid("answers", "jawaban survei belum lengkap atau tidak sah", "the survey answers are incomplete or invalid")
		for _, p := range problems {
			e.Errors = append(e.Errors, apperr.FieldError{Field: "answers." + p.Field, Message: p.Message, MessageEN: p.MessageEN})
		}
		return sv, e
	}
	body, _ := json.Marshal(answers)
	sum := sha256.Sum256(append([]byte(sv.TransferID+"\x00"), body...))
	in := workflows.SurveyAnswers{Actor: models.Actor{ID: "survey-link", Role: models.RoleSystem}, Answers: answers}
	var receipt workflows.Receipt
	wid := contract.TransferWorkflowID(sv.TransferID)
	err = s.update(ctx, wid, workflows.UpdateAnswerSurvey, "survey-"+hex.EncodeToString(sum[:16]), in, &receipt)
	return sv, err
}
