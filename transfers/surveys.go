package transfers

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"time"

	"gorm.io/gorm"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/links"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/survey"
	"github.com/bkpsdm/mutasi/workflows"
)

// OpenSurvey checks a survey link and returns its open survey. The link
// is the credential: no bearer token is needed.
func (s *Service) OpenSurvey(ctx context.Context, token string) (models.Survey, error) {
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

// Instrument is the version of the questions a survey was sent with.
func Instrument(sv models.Survey) survey.Instrument {
	if in, ok := survey.Lookup(sv.InstrumentVersion); ok {
		return in
	}
	in, _ := survey.Lookup(survey.CurrentVersion)
	return in
}

// Questions are the items a survey asks its employee: its version's
// items, less those for trained movers when the employee was not trained
// for the move.
func Questions(sv models.Survey) []survey.Item { return Instrument(sv).For(sv.Trained) }

// AnswerSurvey checks the link and the answers and sends them to the
// transfer's workflow. The API and the survey page both answer through
// it.
func (s *Service) AnswerSurvey(ctx context.Context, token string, answers map[string]any) (models.Survey, error) {
	sv, err := s.OpenSurvey(ctx, token)
	if err != nil {
		return sv, err
	}
	if problems := Instrument(sv).Check(answers, sv.Trained); len(problems) > 0 {
		e := apperr.Invalid("answers", "jawaban survei belum lengkap atau tidak sah", "the survey answers are incomplete or invalid")
		for _, p := range problems {
			e.Errors = append(e.Errors, apperr.FieldError{Field: "answers." + p.Field, Message: p.Message, MessageEN: p.MessageEN})
		}
		return sv, e
	}
	in := workflows.SurveyAnswers{Actor: models.Actor{ID: "survey-link", Role: models.RoleSystem}, Answers: answers}
	var receipt workflows.Receipt
	wid := contract.TransferWorkflowID(sv.TransferID)
	err = s.Update(ctx, wid, workflows.UpdateAnswerSurvey, s.surveyUpdateID(sv.TransferID, answers), in, &receipt)
	return sv, err
}

// surveyUpdateID names the update that answers a survey: the same for an
// identical repeat, so it gets the first answer and no second effect. It
// is keyed with the link secret: the update ID stands in Temporal's
// history unencrypted, and a plain hash of the transfer and answers could
// be reversed there by trying every set of answers (a few times 10^10
// without a comment), reading a named person's answers.
func (s *Service) surveyUpdateID(transferID string, answers map[string]any) string {
	body, _ := json.Marshal(answers)
	mac := hmac.New(sha256.New, s.LinkSecret)
	mac.Write([]byte("survey-update\x00" + transferID + "\x00"))
	mac.Write(body)
	return "survey-" + hex.EncodeToString(mac.Sum(nil)[:16])
}
