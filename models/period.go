package models

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ReportEvery is how often the period evaluation is built and sent to
// the PPK and the HR office, on a Temporal schedule.
type ReportEvery string

// The report periods.
const (
	EveryQuarter ReportEvery = "quarter"
	EveryMonth   ReportEvery = "month"
	EveryOff     ReportEvery = "off" // no periodic report
)

// ReportEveries lists the report periods.
var ReportEveries = []ReportEvery{EveryQuarter, EveryMonth, EveryOff}

// ErrReportEvery is returned for an unknown report period.
var ErrReportEvery = errors.New("the evaluation period must be quarter, month or off")

// ParseReportEvery reads a report period; empty is EveryQuarter.
func ParseReportEvery(s string) (ReportEvery, error) {
	if strings.TrimSpace(s) == "" {
		return EveryQuarter, nil
	}
	if e, ok := ParseChoice(s, ReportEveries); ok {
		return e, nil
	}
	return "", ErrReportEvery
}

// Months is how many months one period spans (0 when off).
func (e ReportEvery) Months() int {
	switch e {
	case EveryQuarter:
		return 3
	case EveryMonth:
		return 1
	}
	return 0
}

// Previous is the last whole period before at, in loc: [from, to), from
// the first day of its first month to the first day of the next period.
func (e ReportEvery) Previous(at time.Time, loc *time.Location) (from, to time.Time) {
	n := e.Months()
	if n == 0 {
		n = 1
	}
	at = at.In(loc)
	m := (int(at.Month())-1)/n*n + 1 // the first month of at's period
	to = time.Date(at.Year(), time.Month(m), 1, 0, 0, 0, 0, loc)
	return to.AddDate(0, -n, 0), to
}

// Label names the period that starts at from, for keys and file names:
// "2027-Q1" for a quarter, "2027-01" for a month.
func (e ReportEvery) Label(from time.Time) string {
	if e == EveryQuarter {
		return fmt.Sprintf("%d-Q%d", from.Year(), (int(from.Month())-1)/3+1)
	}
	return from.Format("2006-01")
}
