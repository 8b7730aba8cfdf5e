package server

import (
	"github.com/bkpsdm/mutasi/models"
)

// stageCount is one stage's count, for tables.
type stageCount struct {
	Stage models.Stage
	N     int
}

// ordered lists the stages with transfers, in lifecycle order.
func ordered(counts map[models.Stage]int) []stageCount {
	var out []stageCount
	for _, st := range models.Stages {
		if counts[st] > 0 {
			out = append(out, stageCount{st, counts[st]})
		}
	}
	return out
}
