package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/links"
	"github.com/bkpsdm/mutasi/models"
	"github.com/bkpsdm/mutasi/survey"
	"github.com/bkpsdm/mutasi/transfers"
)

// The employee's pages: my transfer (what, where, when, why, support),
// acknowledging or objecting, my training, and the survey form, which the
// survey link opens without signing in.

// myTransfer is everything the employee's page says about one transfer.
type myTransfer struct {
	transferRow
	Needs     []models.NeedReason
	Contact   string
	Objection *models.Objection
	Training  *models.TrainingAssignment
	// Answered: the employee has acknowledged or objected.
	Answered bool
	// SurveyLink is the survey page while the survey is open.
	SurveyLink string
}

func (s *Server) myTransferPage(c *gin.Context, v *view) error {
	gdb := s.DB.WithContext(c)
	var ts []models.Transfer
	if err := transfers.Visible(gdb, v.Account.Actor()).Order("created_at DESC").Limit(10).Find(&ts).Error; err != nil {
		return err
	}
	rows, err := s.describe(c, ts)
	if err != nil {
		return err
	}
	out := make([]myTransfer, len(rows))
	for i, r := range rows {
		m := myTransfer{transferRow: r}
		m.Live = s.transfers.Live(c, r.Transfer)
		if m.Live != nil {
			m.Stage = m.Live.Stage
		}
		var needs []models.Need
		if err := gdb.Where("round_id = ? AND position_id = ?", r.RoundID, r.ToPositionID).Order("priority").Find(&needs).Error; err != nil {
			return err
		}
		for _, n := range needs {
			m.Needs = append(m.Needs, n.Reason)
		}
		var round models.Round
		if gdb.Select("id", "settings").First(&round, "id = ?", r.RoundID).Error == nil {
			m.Contact = round.Settings.Contacts.HR
		}
		var o models.Objection
		if gdb.First(&o, "transfer_id = ?", r.ID).Error == nil {
			m.Objection, m.Answered = &o, true
		}
		var ta models.TrainingAssignment
		if gdb.First(&ta, "transfer_id = ?", r.ID).Error == nil {
			m.Training = &ta
		}
		var acks int64
		if err := gdb.Model(&models.AuditEntry{}).Where("transfer_id = ? AND action IN ?", r.ID,
			[]string{models.ActionAcknowledged, models.ActionDeemedAcknowledged}).Count(&acks).Error; err != nil {
			return err
		}
		m.Answered = m.Answered || acks > 0
		var sv models.Survey
		if gdb.First(&sv, "transfer_id = ? AND status = ?", r.ID, models.SurveyOpen).Error == nil {
			// The same inputs sign the same token as the emailed link.
			m.SurveyLink = surveyPagePath + links.Sign(s.LinkSecret, sv.TransferID, sv.ExpiresAt)
		}
		out[i] = m
	}
	data := gin.H{"Items": out, "Categories": objectionCategories}
	// The record of an account whose NIP names no employee is left out.
	if rec, err := s.employeeView(c, v.Account.Actor(), v.Account.NIP); err == nil {
		data["Record"] = rec
	} else if !apperr.Is(err, apperr.KindNotFound) {
		return err
	}
	return s.render(c, v, "me", "title.me", data)
}

// objectionCategories are the objection form's choices, in order.
var objectionCategories = []models.ObjectionCategory{models.ObjectCompetence, models.ObjectFamily, models.ObjectWorkload,
	models.ObjectHealth, models.ObjectOther}

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
	var training []models.TrainingAssignment
	if err := s.DB.WithContext(c).Where("nip = ?", v.Account.NIP).Order("assigned_at DESC").Find(&training).Error; err != nil {
		return err
	}
	items, err := s.queue(c, len(training), func(i int) string { return training[i].TransferID })
	if err != nil {
		return err
	}
	for i := range items {
		items[i].Training = training[i]
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
	sv, err := s.transfers.OpenSurvey(c, c.Param("token"))
	if err != nil {
		return err
	}
	questions := transfers.Instrument(sv).Items
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
		"Action": surveyPagePath + c.Param("token")})
}

// surveyForm reads the survey form into answers and submits them as the
// API does: a number where one was chosen, the text as written.
func (s *Server) surveyForm(c *gin.Context, v *view) error {
	sv, err := s.transfers.OpenSurvey(c, c.Param("token"))
	if err != nil {
		return s.formFailed(c, v, "survey", err, s.surveyPage)
	}
	answers := map[string]any{}
	for _, it := range transfers.Instrument(sv).Items {
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
	if _, err := s.transfers.AnswerSurvey(c, c.Param("token"), answers); err != nil {
		return s.formFailed(c, v, "survey", err, s.surveyPage)
	}
	v.status = http.StatusOK
	return s.render(c, v, "survey_done", "title.survey", nil)
}
