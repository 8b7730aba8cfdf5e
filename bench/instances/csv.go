package instances

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
)

// WriteAssign generates the instance c and writes it into dir, for
// "mutasi select --pairs pairs.csv --seats seats.csv": pairs.csv
// (position,employee,score) and seats.csv (position,seats). It returns a
// one-line summary of the instance.
func WriteAssign(dir string, c Config) (string, error) {
	pairs, seats := Generate(c)
	err := writeCSV(filepath.Join(dir, "pairs.csv"), []string{"position", "employee", "score"}, func(row func(...string) error) error {
		for _, p := range pairs {
			if err := row(p.Position, p.Employee, formatScore(p.Score)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	ids := make([]string, 0, len(seats))
	total := 0
	for id, n := range seats {
		ids = append(ids, id)
		total += n
	}
	slices.Sort(ids)
	err = writeCSV(filepath.Join(dir, "seats.csv"), []string{"position", "seats"}, func(row func(...string) error) error {
		for _, id := range ids {
			if err := row(id, strconv.Itoa(seats[id])); err != nil {
				return err
			}
		}
		return nil
	})
	return fmt.Sprintf("%s: %d pairs, %d positions, %d seats, %d employees",
		c.Name, len(pairs), len(seats), total, c.Employees), err
}

// WriteReassign generates the reassignment c and writes it into dir, for
// "mutasi select --reassign": employees.csv (employee,position,must_move),
// positions.csv (position,seats,needed; seats is the post's Capacity) and
// pairs.csv (position,employee,score). It returns a one-line summary of the
// instance.
func WriteReassign(dir string, c ReassignConfig) (string, error) {
	p := GenerateReassign(c)
	err := writeCSV(filepath.Join(dir, "employees.csv"), []string{"employee", "position", "must_move"}, func(row func(...string) error) error {
		for _, h := range p.Holders {
			if err := row(h.Employee, h.Position, flag(h.MustMove)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	err = writeCSV(filepath.Join(dir, "positions.csv"), []string{"position", "seats", "needed"}, func(row func(...string) error) error {
		for _, post := range p.Posts {
			if err := row(post.ID, strconv.Itoa(post.Capacity), flag(post.Needed)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	err = writeCSV(filepath.Join(dir, "pairs.csv"), []string{"position", "employee", "score"}, func(row func(...string) error) error {
		for k := range p.Pairs.Len() {
			pr := p.Pairs.At(k)
			if err := row(pr.Position, pr.Employee, formatScore(pr.Score)); err != nil {
				return err
			}
		}
		return nil
	})
	return fmt.Sprintf("%s: %d pairs, %d posts, %d employees", c.Name, p.Pairs.Len(), len(p.Posts), len(p.Holders)), err
}

// formatScore writes a score in the fewest digits that read back exactly.
func formatScore(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// flag writes a boolean as 0 or 1.
func flag(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// writeCSV creates the folder and the file at path and writes a header
// and the rows that body gives to row.
func writeCSV(path string, header []string, body func(row func(...string) error) error) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	b := bufio.NewWriterSize(f, 1<<16)
	w := csv.NewWriter(b)
	row := func(fields ...string) error { return w.Write(fields) }
	err = row(header...)
	if err == nil {
		err = body(row)
	}
	if w.Flush(); err == nil {
		err = w.Error()
	}
	if err == nil {
		err = b.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
