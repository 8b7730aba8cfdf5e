package server

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/bkpsdm/mutasi/i18n"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/transfers"
)

func (s *Server) getSurvey(c *gin.Context) error {
	sv, err := s.transfers.OpenSurvey(c.Request.Context(), c.Param("token"))
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"transfer_id": sv.TransferID, "expires_at": sv.ExpiresAt,
		"instrument_version": sv.InstrumentVersion, "items": transfers.Questions(sv),
		"confidentiality": i18n.T("id", "survey.confidentiality"), "confidentiality_en": i18n.T("en", "survey.confidentiality")})
	return nil
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
	sv, err := s.transfers.AnswerSurvey(c.Request.Context(), c.Param("token"), req.Answers)
	if err != nil {
		return err
	}
	c.JSON(http.StatusOK, gin.H{"transfer_id": sv.TransferID, "status": models.SurveyAnswered,
		"message": "Terima kasih, jawaban Anda tersimpan.", "message_en": "Thank you, your answers are saved."})
	return nil
}
