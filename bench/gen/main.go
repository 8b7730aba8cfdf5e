// Command gen writes the benchmark instances of bench/instances as CSV
// files for "mutasi select" and bench/scipy_solve.py:
//
//	go run ./bench/gen -out bench/data [-only city-independent,province-correlated]
//
// Each instance goes to <out>/<name>/pairs.csv (position,employee,score)
// and <out>/<name>/seats.csv (position,seats). The instances are the same
// as those of go test -bench ./selection/.
package main

import (
	"bufio"
	"encoding/csv"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/bkpsdm/mutasi/bench/instances"
)

func main() {
	out := flag.String("out", "bench/data", "folder to write the instances into")
	only := flag.String("only", "", "comma-separated instance names (default: all)")
	flag.Parse()
	for _, c := range instances.All() {
		if *only != "" && !slices.Contains(strings.Split(*only, ","), c.Name) {
			continue
		}
		if err := write(filepath.Join(*out, c.Name), c); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
	}
}

// write generates one instance and writes its two files.
func write(dir string, c instances.Config) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	pairs, seats := instances.Generate(c)
	err := writeCSV(filepath.Join(dir, "pairs.csv"), []string{"position", "employee", "score"}, func(w *csv.Writer) error {
		for _, p := range pairs {
			if err := w.Write([]string{p.Position, p.Employee, strconv.FormatFloat(p.Score, 'f', -1, 64)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	ids := make([]string, 0, len(seats))
	for id := range seats {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	err = writeCSV(filepath.Join(dir, "seats.csv"), []string{"position", "seats"}, func(w *csv.Writer) error {
		for _, id := range ids {
			if err := w.Write([]string{id, strconv.Itoa(seats[id])}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	total := 0
	for _, n := range seats {
		total += n
	}
	fmt.Printf("%s: %d pairs, %d positions, %d seats, %d employees -> %s\n",
		c.Name, len(pairs), len(seats), total, c.Employees, dir)
	return nil
}

// writeCSV writes a CSV file with a header and the rows that body writes.
func writeCSV(path string, header []string, body func(*csv.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	b := bufio.NewWriterSize(f, 1<<16)
	w := csv.NewWriter(b)
	if err := w.Write(header); err != nil {
		f.Close()
		return err
	}
	if err := body(w); err != nil {
		f.Close()
		return err
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	if err := b.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
