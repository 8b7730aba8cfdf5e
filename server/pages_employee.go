package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/contract"
	"github.com/bkpsdm/mutasi/employees"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/survey"
	"github.com/bkpsdm/mutasi/transfers"
)

// The employee's pages: my transfer (what, where, when, why, support),
// acknowledging or objecting, my training, and the survey form, which the
// survey link opens without signing in.

func (s *Server) myTransferPage(c *gin.Context, v *view) error {
	out, err := s.transfers.MineOf(c.Request.Context(), v.Account.Actor())
	if err != nil {
		return err
	}
	data := gin.H{"Items": out, "Categories": models.ObjectionCategories}
	// The record of an account whose NIP names no employee is left out.
	if rec, err := employees.Get(c.Request.Context(), s.DB, v.Account.Actor(), v.Account.NIP); err == nil {
		data["Record"] = rec
	} else if !apperr.Is(err, apperr.KindNotFound) {
		return err
	}
	return s.render(c, v, "me", "title.me", data)
}

// acknowledgeForm acknowledges the transfer.
func (s *Server) acknowledgeForm(c *gin.Context, v *view) error {
	return s.transferForm(c, v, "answer", transfers.AcknowledgeRequest{}, "acknowledged")
}

// objectionForm objects to the transfer with a category and a text.
func (s *Server) objectionForm(c *gin.Context, v *view) error {
	req := transfers.ObjectionRequest{Category: models.ObjectionCategory(c.PostForm("category")), Text: strings.TrimSpace(c.PostForm("text"))}
	return s.transferForm(c, v, "object", req, "objected")
}

func (s *Server) myTrainingPage(c *gin.Context, v *view) error {
	items, err := s.transfers.TrainingOf(c.Request.Context(), v.Account.NIP)
	if err != nil {
		return err
	}
	return s.render(c, v, "training", "title.training", gin.H{"Items": items})
}

// surveyItem is one question on the survey form with its choices.
type surveyItem struct {
	survey.Item
	Name    string // the form field: answers.<code>
	Choices []int
}

func (s *Server) surveyPage(c *gin.Context, v *view) error {
	sv, err := s.transfers.OpenSurvey(c.Request.Context(), c.Param("token"))
	if err != nil {
		return err
	}
	questions := transfers.Questions(sv)
	items := make([]surveyItem, len(questions))
	for i, it := range questions {
		items[i] = surveyItem{Item: it, Name: "answers." + it.Code}
		switch it.Scale {
		case survey.NPS:
			items[i].Choices = []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
		case survey.Likert5, survey.Change5:
			items[i].Choices = []int{1, 2, 3, 4, 5}
		}
	}
	return s.render(c, v, "survey", "title.survey", gin.H{"Items": items, "ExpiresAt": sv.ExpiresAt,
		"Action": contract.SurveyPath + c.Param("token")})
}

// surveyForm reads the survey form into answers and submits them as the
// API does: a number where one was chosen, the text as written.
func (s *Server) surveyForm(c *gin.Context, v *view) error {
	sv, err := s.transfers.OpenSurvey(c.Request.Context(), c.Param("token"))
	if err != nil {
		return s.formFailed(c, v, "survey", err, s.surveyPage)
	}
	answers := map[string]any{}
	for _, it := range transfers.Questions(sv) {
		raw := strings.TrimSpace(c.PostForm("answers." + it.Code))
		if raw == "" {
			continue
		}
		if n, err := strconv.Atoi(raw); err == nil && it.Scale != survey.Text {
			answers[it.Code] = n
		} else {
			answers[it.Code] = raw
		}
	}
	if _, err := s.transfers.AnswerSurvey(c.Request.Context(), c.Param("token"), answers); err != nil {
		return s.formFailed(c, v, "survey", err, s.surveyPage)
	}
	v.status = http.StatusOK
	return s.render(c, v, "survey_done", "title.survey", nil)
}
