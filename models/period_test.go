package models

import (
	"testing"
	"time"
)

func TestReportPeriods(t *testing.T) {
	wita, err := time.LoadLocation("Asia/Makassar")
	if err != nil {
		t.Fatal(err)
	}
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, wita) }
	for _, c := range []struct {
		every    ReportEvery
		at       time.Time
		from, to time.Time
		label    string
	}{
		// The schedule fires at 07:00 on the first day of a quarter.
		{EveryQuarter, day(2027, 4, 1).Add(7 * time.Hour), day(2027, 1, 1), day(2027, 4, 1), "2027-Q1"},
		{EveryQuarter, day(2027, 1, 1).Add(7 * time.Hour), day(2026, 10, 1), day(2027, 1, 1), "2026-Q4"},
		// 23:30 UTC on 31 March is already 1 April in Banjarbaru.
		{EveryQuarter, time.Date(2027, 3, 31, 23, 30, 0, 0, time.UTC), day(2027, 1, 1), day(2027, 4, 1), "2027-Q1"},
		{EveryQuarter, day(2027, 5, 20), day(2027, 1, 1), day(2027, 4, 1), "2027-Q1"},
		{EveryMonth, day(2027, 1, 1).Add(7 * time.Hour), day(2026, 12, 1), day(2027, 1, 1), "2026-12"},
		{EveryMonth, day(2027, 3, 15), day(2027, 2, 1), day(2027, 3, 1), "2027-02"},
	} {
		from, to := c.every.Previous(c.at, wita)
		if !from.Equal(c.from) || !to.Equal(c.to) || c.every.Label(from) != c.label {
			t.Errorf("%s before %v: [%v, %v) %s, want [%v, %v) %s", c.every, c.at, from, to, c.every.Label(from), c.from, c.to, c.label)
		}
	}
	for in, want := range map[string]ReportEvery{"": EveryQuarter, "Quarter": EveryQuarter, "month": EveryMonth, "OFF": EveryOff} {
		if got, err := ParseReportEvery(in); err != nil || got != want {
			t.Errorf("ParseReportEvery(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseReportEvery("weekly"); err != ErrReportEvery {
		t.Errorf("weekly: %v", err)
	}
}
