package server

import (
	"bytes"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/bkpsdm/mutasi/apperr"
	"github.com/bkpsdm/mutasi/evaluation"
	"github.com/bkpsdm/mutasi/i18n"
	"github.com/bkpsdm/mutasi/models"
)

// EvaluationView is a round's or a period's evaluation: the live report
// and, once a round has ended, the summary written at its end.
type EvaluationView struct {
	RoundID     string               `json:"round_id,omitempty"`
	Status      models.RoundStatus   `json:"status,omitempty"`
	Final       bool                 `json:"final"`
	Summary     *models.RoundSummary `json:"summary"`
	CompletedAt *time.Time           `json:"completed_at,omitempty"`
	Report      evaluation.Report    `json:"report"`
}

// xlsxType is the content type of an Excel workbook.
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// reportLang reads ?lang=id|en (default id).
func reportLang(c *gin.Context) (string, error) {
	if lang := c.DefaultQuery("lang", i18n.Default); i18n.Known(lang) {
		return lang, nil
	}
	return "", apperr.New(apperr.KindMalformed, "lang", "bahasa harus id atau en", "lang must be id or en")
}

// writeReport answers with the report as JSON, CSV or an Excel workbook,
// as ?format asks.
func writeReport(c *gin.Context, v EvaluationView, filename string) error {
	lang, err := reportLang(c)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	switch c.DefaultQuery("format", "json") {
	case "json":
		c.JSON(http.StatusOK, v)
		return nil
	case "csv":
		if err := v.Report.CSV(&b); err != nil {
			return err
		}
		c.Header("Content-Disposition", `attachment; filename="`+filename+`.csv"`)
		c.Data(http.StatusOK, "text/csv; charset=utf-8", b.Bytes())
		return nil
	case "xlsx":
		if err := v.Report.Excel(&b, lang); err != nil {
			return err
		}
		c.Header("Content-Disposition", `attachment; filename="`+filename+`.xlsx"`)
		c.Data(http.StatusOK, xlsxType, b.Bytes())
		return nil
	}
	return apperr.New(apperr.KindMalformed, "format", "format harus json, csv atau xlsx", "format must be json, csv or xlsx")
}

// roundReport computes the evaluation of the round in the path.
func (s *Server) roundReport(c *gin.Context) (EvaluationView, error) {
	r, err := s.rounds.Find(c.Request.Context(), c.Param("id"))
	if err != nil {
		return EvaluationView{}, err
	}
	return s.evaluate(c, r)
}

// evaluate computes round r's evaluation.
func (s *Server) evaluate(c *gin.Context, r models.Round) (EvaluationView, error) {
	d, err := evaluation.ForRound(c.Request.Context(), s.DB, r.ID)
	if err != nil {
		return EvaluationView{}, err
	}
	return EvaluationView{RoundID: r.ID, Status: r.Status, Final: r.Status == models.RoundCompleted, Summary: r.Summary,
		CompletedAt: r.CompletedAt, Report: evaluation.Compute(d)}, nil
}

func (s *Server) roundEvaluation(c *gin.Context) error {
	v, err := s.roundReport(c)
	if err != nil {
		return err
	}
	return writeReport(c, v, "evaluasi-"+v.RoundID)
}

func (s *Server) roundEvaluationChart(c *gin.Context) error {
	v, err := s.roundReport(c)
	if err != nil {
		return err
	}
	return writeChart(c, v.Report, evaluation.Charts)
}

// writeChart answers with the report's chart named in the path, one of
// names.
func writeChart(c *gin.Context, r evaluation.Report, names []string) error {
	lang, err := reportLang(c)
	if err != nil {
		return err
	}
	name, _ := strings.CutSuffix(c.Param("chart"), ".svg")
	svg, err := r.Chart(name, lang)
	if errors.Is(err, evaluation.ErrNoChart) || !strings.HasSuffix(c.Param("chart"), ".svg") {
		return apperr.New(apperr.KindNotFound, "chart", "grafik tidak dikenal: "+strings.Join(names, ", "),
			"unknown chart: "+strings.Join(names, ", "))
	}
	if err != nil {
		return err
	}
	c.Data(http.StatusOK, "image/svg+xml", svg)
	return nil
}

// periodReport evaluates the rounds created from the date from to the
// date to (exclusive), as YYYY-MM-DD in the government's time zone.
func (s *Server) periodReport(c *gin.Context, from, to string) (EvaluationView, error) {
	var bounds [2]time.Time
	for i, field := range []string{"from", "to"} {
		t, err := time.ParseInLocation("2006-01-02", []string{from, to}[i], s.zone())
		if err != nil {
			return EvaluationView{}, apperr.New(apperr.KindMalformed, field, field+" wajib, format YYYY-MM-DD", field+" is required, as YYYY-MM-DD")
		}
		bounds[i] = t
	}
	if !bounds[1].After(bounds[0]) {
		return EvaluationView{}, apperr.New(apperr.KindMalformed, "to", "to harus setelah from", "to must be after from")
	}
	d, err := evaluation.ForPeriod(c.Request.Context(), s.DB, bounds[0], bounds[1])
	if errors.Is(err, evaluation.ErrNoRounds) {
		return EvaluationView{}, apperr.New(apperr.KindNotFound, "", "tidak ada putaran pada periode ini", "no round in this period")
	}
	if err != nil {
		return EvaluationView{}, err
	}
	return EvaluationView{Report: evaluation.Compute(d)}, nil
}

// zone is the government's time zone: TimeZone, or the default
// settings' zone.
func (s *Server) zone() *time.Location {
	if s.TimeZone != nil {
		return s.TimeZone
	}
	if loc, err := models.DefaultSettings().Location(); err == nil && loc != nil {
		return loc
	}
	return time.UTC
}

// periodEvaluation answers with the period's evaluation.
func (s *Server) periodEvaluation(c *gin.Context) error {
	v, err := s.periodReport(c, c.Query("from"), c.Query("to"))
	if err != nil {
		return err
	}
	return writeReport(c, v, "evaluasi-"+c.Query("from")+"-"+c.Query("to"))
}

// periodEvaluationChart answers with one of the period's charts: the
// round charts over the period, or a trend.
func (s *Server) periodEvaluationChart(c *gin.Context) error {
	v, err := s.periodReport(c, c.Query("from"), c.Query("to"))
	if err != nil {
		return err
	}
	return writeChart(c, v.Report, append(slices.Clone(evaluation.Charts), evaluation.TrendCharts...))
}
