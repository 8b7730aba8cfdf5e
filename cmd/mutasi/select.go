package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/bkpsdm/mutasi/selection"
)

func init() {
	commands["select"] = command{
		summary: "assign employees to seats: --pairs pairs.csv [--seats seats.csv]",
		run:     runSelect,
	}
}

// runSelect reads eligible pairs with scores and seat counts, solves the
// assignment with selection.Assign (most seats filled, then the highest
// total), prints the chosen pairs as CSV on stdout, sorted by position then
// employee, and "total=<sum> assigned=<count>" as the last line on stderr.
// Any malformed input is an error naming the file and line, and nothing is
// printed on stdout.
func runSelect(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("select", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: mutasi select --pairs pairs.csv [--seats seats.csv] [--timing] [--prune]")
		fmt.Fprintln(stderr, "\npairs.csv has the header position,employee,score, one row per eligible pair,")
		fmt.Fprintln(stderr, "a higher score is better; seats.csv has the header position,seats, and a")
		fmt.Fprintln(stderr, "position it does not list has one seat.")
		fs.PrintDefaults()
	}
	pairsPath := fs.String("pairs", "", "CSV of eligible pairs: position,employee,score (required)")
	seatsPath := fs.String("seats", "", "CSV of seats per position: position,seats")
	timing := fs.Bool("timing", false, "print the read and solve times on stderr, before the total")
	prune := fs.Bool("prune", false, "prune candidate lists first (same result; see selection.AssignOptions)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *pairsPath == "" {
		fs.Usage()
		return errors.New("--pairs is required")
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}

	start := time.Now()
	pairs, lines, err := readPairs(*pairsPath)
	if err != nil {
		return err
	}
	seats := map[string]int{}
	if *seatsPath != "" {
		if seats, err = readSeats(*seatsPath); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	read := time.Since(start)

	start = time.Now()
	a, err := selection.AssignWith(pairs, seats, selection.AssignOptions{Prune: *prune})
	if pe, ok := errors.AsType[*selection.InputError](err); ok {
		if pe.First >= 0 {
			return fmt.Errorf("%s line %d: %s (first on line %d)", *pairsPath, lines[pe.Index], pe.Msg, lines[pe.First])
		}
		return fmt.Errorf("%s line %d: %s", *pairsPath, lines[pe.Index], pe.Msg)
	}
	if err != nil {
		return err
	}
	solve := time.Since(start)

	out := bufio.NewWriterSize(stdout, 1<<16)
	w := csv.NewWriter(out)
	if err := w.Write([]string{"position", "employee", "score"}); err != nil {
		return err
	}
	for _, p := range a.Pairs {
		if err := w.Write([]string{p.Position, p.Employee, formatScore(p.Score)}); err != nil {
			return err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	if err := out.Flush(); err != nil {
		return err
	}
	if *timing {
		st := a.Stats
		fmt.Fprintf(stderr, "read=%.3fs solve=%.3fs pairs=%d kept=%d seats=%d searches=%d\n",
			read.Seconds(), solve.Seconds(), st.PairsIn, st.PairsKept, st.Seats, st.Searches)
	}
	fmt.Fprintf(stderr, "total=%s assigned=%d\n", formatScore(a.Total), len(a.Pairs))
	return nil
}

// formatScore writes a score in the fewest digits that read back to the
// same float64, without an exponent.
func formatScore(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// csvFile opens a CSV file and checks its header.
type csvFile struct {
	path string
	f    *os.File
	r    *csv.Reader
}

func openCSV(path string, header ...string) (*csvFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	c := &csvFile{path: path, f: f, r: csv.NewReader(bufio.NewReaderSize(f, 1<<16))}
	c.r.FieldsPerRecord = len(header)
	c.r.ReuseRecord = true
	rec, err := c.r.Read()
	if err == io.EOF {
		f.Close()
		return nil, fmt.Errorf("%s line 1: empty file, want the header %s", path, strings.Join(header, ","))
	}
	if err != nil {
		f.Close()
		return nil, c.wrap(err)
	}
	for i, h := range header {
		got := strings.TrimSpace(rec[i])
		if i == 0 {
			got = strings.TrimPrefix(got, "\ufeff")
		}
		if !strings.EqualFold(got, h) {
			f.Close()
			return nil, fmt.Errorf("%s line 1: header %q, want %s", path, strings.Join(rec, ","), strings.Join(header, ","))
		}
	}
	return c, nil
}

// read returns the next record and its line, or io.EOF.
func (c *csvFile) read() ([]string, int, error) {
	rec, err := c.r.Read()
	if err != nil {
		if err == io.EOF {
			return nil, 0, err
		}
		return nil, 0, c.wrap(err)
	}
	line, _ := c.r.FieldPos(0)
	return rec, line, nil
}

// wrap names the file in a CSV syntax error, which already names the line.
func (c *csvFile) wrap(err error) error {
	if pe, ok := errors.AsType[*csv.ParseError](err); ok {
		return fmt.Errorf("%s line %d: %v", c.path, pe.Line, pe.Err)
	}
	return fmt.Errorf("%s: %v", c.path, err)
}

// readPairs reads pairs.csv; lines[k] is the line of pairs[k].
func readPairs(path string) ([]selection.Pair, []int32, error) {
	c, err := openCSV(path, "position", "employee", "score")
	if err != nil {
		return nil, nil, err
	}
	defer c.f.Close()
	intern := map[string]string{}
	name := func(s string) string {
		if v, ok := intern[s]; ok {
			return v
		}
		s = strings.Clone(s)
		intern[s] = s
		return s
	}
	var (
		pairs []selection.Pair
		lines []int32
	)
	for {
		rec, line, err := c.read()
		if err == io.EOF {
			return pairs, lines, nil
		}
		if err != nil {
			return nil, nil, err
		}
		pos, emp := strings.TrimSpace(rec[0]), strings.TrimSpace(rec[1])
		if pos == "" || emp == "" {
			return nil, nil, fmt.Errorf("%s line %d: empty position or employee", path, line)
		}
		s, err := strconv.ParseFloat(strings.TrimSpace(rec[2]), 64)
		if err != nil || math.IsNaN(s) || math.IsInf(s, 0) {
			return nil, nil, fmt.Errorf("%s line %d: score %q is not a finite number", path, line, rec[2])
		}
		pairs = append(pairs, selection.Pair{Position: name(pos), Employee: name(emp), Score: s})
		lines = append(lines, int32(line))
	}
}

// readSeats reads seats.csv.
func readSeats(path string) (map[string]int, error) {
	c, err := openCSV(path, "position", "seats")
	if err != nil {
		return nil, err
	}
	defer c.f.Close()
	seats := map[string]int{}
	first := map[string]int{}
	for {
		rec, line, err := c.read()
		if err == io.EOF {
			return seats, nil
		}
		if err != nil {
			return nil, err
		}
		pos := strings.TrimSpace(rec[0])
		if pos == "" {
			return nil, fmt.Errorf("%s line %d: empty position", path, line)
		}
		n, err := strconv.Atoi(strings.TrimSpace(rec[1]))
		if err != nil || n < 0 {
			return nil, fmt.Errorf("%s line %d: seats %q is not a whole number of 0 or more", path, line, rec[1])
		}
		if l, ok := first[pos]; ok {
			return nil, fmt.Errorf("%s line %d: position %s is listed again (first on line %d)", path, line, pos, l)
		}
		first[pos] = line
		seats[strings.Clone(pos)] = n
	}
}
