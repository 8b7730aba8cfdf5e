package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/bkpsdm/mutasi/selection"
)

func init() {
	commands["select"] = command{
		summary: "assign employees to seats: --pairs pairs.csv [--seats seats.csv], or reassign a workforce: --reassign",
		run:     runSelect,
	}
}

// selectOptions are the flags of "mutasi select".
type selectOptions struct {
	pairs, seats, employees, positions string
	reassign, timing, prune            bool
}

// runSelect solves one of two problems and prints the result as CSV on
// stdout and a summary as the last line on stderr:
//
//   - by default, the assignment of employees to seats (selection.Assign:
//     most seats filled, then the highest total) from eligible pairs with
//     scores and seat counts; stdout has the chosen pairs sorted by position
//     then employee, and stderr ends with "total=<sum> assigned=<count>";
//   - with --reassign, the reassignment of a whole workforce
//     (selection.Reassign) from the employees with their posts, the posts
//     and the eligible moves; stdout has the movers sorted by employee, and
//     stderr ends with "must_moved=M filled=F score=S moves=N".
//
// Any malformed input is an error naming the file and line, and nothing is
// printed on stdout.
func runSelect(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("select", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: mutasi select --pairs pairs.csv [--seats seats.csv] [--timing] [--prune]")
		fmt.Fprintln(stderr, "       mutasi select --reassign --employees employees.csv --positions positions.csv --pairs pairs.csv [--timing]")
		fmt.Fprintln(stderr, "\npairs.csv has the header position,employee,score, one row per eligible pair,")
		fmt.Fprintln(stderr, "a higher score is better; seats.csv has the header position,seats, and a")
		fmt.Fprintln(stderr, "position it does not list has one seat. With --reassign, employees.csv has the")
		fmt.Fprintln(stderr, "header employee,position,must_move (0 or 1) and positions.csv the header")
		fmt.Fprintln(stderr, "position,seats,needed (0 or 1); a pair is an eligible move.")
		fs.PrintDefaults()
	}
	var o selectOptions
	fs.StringVar(&o.pairs, "pairs", "", "CSV of eligible pairs: position,employee,score (required)")
	fs.StringVar(&o.seats, "seats", "", "CSV of seats per position: position,seats")
	fs.BoolVar(&o.reassign, "reassign", false, "reassign the employees of --employees among --positions")
	fs.StringVar(&o.employees, "employees", "", "with --reassign: CSV of employees: employee,position,must_move")
	fs.StringVar(&o.positions, "positions", "", "with --reassign: CSV of posts: position,seats,needed")
	fs.BoolVar(&o.timing, "timing", false, "print the read and solve times on stderr, before the summary")
	fs.BoolVar(&o.prune, "prune", false, "prune candidate lists first (same result; see selection.AssignOptions)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case o.pairs == "":
		fs.Usage()
		return errors.New("--pairs is required")
	case fs.NArg() > 0:
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case o.reassign && (o.employees == "" || o.positions == ""):
		return errors.New("--reassign needs --employees and --positions")
	case o.reassign && (o.seats != "" || o.prune):
		return errors.New("--seats and --prune do not apply to --reassign")
	case !o.reassign && (o.employees != "" || o.positions != ""):
		return errors.New("--employees and --positions need --reassign")
	}
	solve := selectAssign
	if o.reassign {
		solve = selectReassign
	}
	out, summary, err := solve(ctx, o)
	if err != nil {
		return err
	}
	if _, err := stdout.Write(out); err != nil {
		return err
	}
	_, err = io.WriteString(stderr, summary)
	return err
}

// selectAssign reads the pairs and seats, assigns, and returns the output
// CSV and the summary for stderr.
func selectAssign(ctx context.Context, o selectOptions) ([]byte, string, error) {
	start := time.Now()
	pairs, lines, err := readPairs(o.pairs)
	if err != nil {
		return nil, "", err
	}
	seats := map[string]int{}
	if o.seats != "" {
		if seats, err = readSeats(o.seats); err != nil {
			return nil, "", err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	read := time.Since(start)

	start = time.Now()
	a, err := selection.AssignList(pairs, seats, selection.AssignOptions{Prune: o.prune})
	if err != nil {
		return nil, "", locate(err, map[string]lineTable{selection.ListPairs: {o.pairs, lines}})
	}
	solve := time.Since(start)

	out := csvText([]string{"position", "employee", "score"}, len(a.Pairs), func(k int) []string {
		p := a.Pairs[k]
		return []string{p.Position, p.Employee, formatScore(p.Score)}
	})
	var summary string
	if o.timing {
		st := a.Stats
		summary = fmt.Sprintf("read=%.3fs solve=%.3fs pairs=%d kept=%d seats=%d searches=%d\n",
			read.Seconds(), solve.Seconds(), st.PairsIn, st.PairsKept, st.Seats, st.Searches)
	}
	summary += fmt.Sprintf("total=%s assigned=%d\n", formatScore(a.Total), len(a.Pairs))
	return out, summary, nil
}

// selectReassign reads the employees, posts and pairs, reassigns, and
// returns the output CSV and the summary for stderr. A post's capacity is
// the larger of its seats and its holders in the employees file.
func selectReassign(ctx context.Context, o selectOptions) ([]byte, string, error) {
	start := time.Now()
	holders, holderLines, err := readHolders(o.employees)
	if err != nil {
		return nil, "", err
	}
	posts, postLines, err := readPosts(o.positions)
	if err != nil {
		return nil, "", err
	}
	pairs, pairLines, err := readPairs(o.pairs)
	if err != nil {
		return nil, "", err
	}
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	held := map[string]int{}
	for _, h := range holders {
		held[h.Position]++
	}
	for i := range posts {
		posts[i].Capacity = max(posts[i].Capacity, held[posts[i].ID])
	}
	read := time.Since(start)

	start = time.Now()
	plan, err := selection.Reassign(selection.Problem{Holders: holders, Posts: posts, Pairs: pairs})
	if err != nil {
		return nil, "", locate(err, map[string]lineTable{
			selection.ListHolders: {o.employees, holderLines},
			selection.ListPosts:   {o.positions, postLines},
			selection.ListPairs:   {o.pairs, pairLines},
		})
	}
	solve := time.Since(start)

	out := csvText([]string{"employee", "from", "to"}, len(plan.Moves), func(k int) []string {
		m := plan.Moves[k]
		return []string{m.Employee, m.From, m.To}
	})
	var summary string
	if o.timing {
		st := plan.Stats
		summary = fmt.Sprintf("read=%.3fs solve=%.3fs employees=%d posts=%d pairs=%d options=%d searches=%d\n",
			read.Seconds(), solve.Seconds(), len(holders), len(posts), pairs.Len(), st.Options, st.Searches)
	}
	summary += fmt.Sprintf("must_moved=%d filled=%d score=%.6f moves=%d\n", plan.MustMoved, plan.Filled, plan.Score, len(plan.Moves))
	return out, summary, nil
}

// formatScore writes a score in the fewest digits that read back to the
// same float64, without an exponent.
func formatScore(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// csvText returns a CSV text: the header, then rows 0 to n-1. Unlike the
// files the server hands out, its cells are not quoted for spreadsheets
// (package csvsafe): they are numbers and the ids of the input files,
// which scripts join back to those files and which must therefore come
// out exactly as they went in; a cell a spreadsheet would run was already
// in the operator's own input file.
func csvText(header []string, n int, row func(k int) []string) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	// Writing to a bytes.Buffer cannot fail.
	_ = w.Write(header)
	for k := range n {
		_ = w.Write(row(k))
	}
	w.Flush()
	return b.Bytes()
}

// lineTable locates the records of an input file: record k of the list
// read from path is on line lines[k].
type lineTable struct {
	path  string
	lines []int32
}

// locate turns a *selection.InputError into an error naming the file and
// line of the entry, through the table of the list it names; other errors
// are returned as they are.
func locate(err error, tables map[string]lineTable) error {
	ie, ok := errors.AsType[*selection.InputError](err)
	if !ok {
		return err
	}
	t, ok := tables[ie.List]
	if !ok {
		return err
	}
	if ie.First >= 0 {
		return fmt.Errorf("%s line %d: %s (first on line %d)", t.path, t.lines[ie.Index], ie.Msg, t.lines[ie.First])
	}
	return fmt.Errorf("%s line %d: %s", t.path, t.lines[ie.Index], ie.Msg)
}

// readPairs reads pairs.csv into a PairList; lines[k] is the line of pair
// k.
func readPairs(path string) (selection.PairList, []int32, error) {
	var l selection.PairList
	r, err := openCSV(path, "position", "employee", "score")
	if err != nil {
		return l, nil, err
	}
	defer r.close()
	// Lines have about 23 bytes: size the lists once.
	n := int(r.size / 20)
	l.Pos, l.Emp, l.Score = make([]int32, 0, n), make([]int32, 0, n), make([]float64, 0, n)
	lines := make([]int32, 0, n)
	positions, employees := newNames(), newNames()
	for {
		ok, err := r.next()
		if err != nil {
			return l, nil, err
		}
		if !ok {
			break
		}
		if len(r.fields[0]) == 0 || len(r.fields[1]) == 0 {
			return l, nil, r.errorf("empty position or employee")
		}
		s, err := r.score(2)
		if err != nil {
			return l, nil, err
		}
		l.Pos = append(l.Pos, positions.number(r.fields[0]))
		l.Emp = append(l.Emp, employees.number(r.fields[1]))
		l.Score = append(l.Score, s)
		lines = append(lines, int32(r.line))
	}
	l.Positions, l.Employees = positions.list, employees.list
	return l, lines, nil
}

// readSeats reads seats.csv.
func readSeats(path string) (map[string]int, error) {
	r, err := openCSV(path, "position", "seats")
	if err != nil {
		return nil, err
	}
	defer r.close()
	seats := map[string]int{}
	first := map[string]int{}
	for {
		ok, err := r.next()
		if !ok || err != nil {
			return seats, err
		}
		pos := string(r.fields[0])
		if pos == "" {
			return nil, r.errorf("empty position")
		}
		n, err := r.count(1, "seats")
		if err != nil {
			return nil, err
		}
		if l, ok := first[pos]; ok {
			return nil, r.errorf("position %s is listed again (first on line %d)", pos, l)
		}
		first[pos] = r.line
		seats[pos] = n
	}
}

// readHolders reads employees.csv; lines[i] is the line of holders[i].
// Names are checked by selection.Reassign.
func readHolders(path string) ([]selection.Holder, []int32, error) {
	r, err := openCSV(path, "employee", "position", "must_move")
	if err != nil {
		return nil, nil, err
	}
	defer r.close()
	var (
		holders   []selection.Holder
		lines     []int32
		positions = newNames()
	)
	for {
		ok, err := r.next()
		if !ok || err != nil {
			return holders, lines, err
		}
		must, err := r.flag(2, "must_move")
		if err != nil {
			return nil, nil, err
		}
		pos := positions.list[positions.number(r.fields[1])]
		holders = append(holders, selection.Holder{Employee: string(r.fields[0]), Position: pos, MustMove: must})
		lines = append(lines, int32(r.line))
	}
}

// readPosts reads positions.csv, with each post's seats as its Capacity;
// lines[i] is the line of posts[i]. IDs are checked by selection.Reassign.
func readPosts(path string) ([]selection.Post, []int32, error) {
	r, err := openCSV(path, "position", "seats", "needed")
	if err != nil {
		return nil, nil, err
	}
	defer r.close()
	var (
		posts []selection.Post
		lines []int32
	)
	for {
		ok, err := r.next()
		if !ok || err != nil {
			return posts, lines, err
		}
		seats, err := r.count(1, "seats")
		if err != nil {
			return nil, nil, err
		}
		needed, err := r.flag(2, "needed")
		if err != nil {
			return nil, nil, err
		}
		posts = append(posts, selection.Post{ID: string(r.fields[0]), Capacity: seats, Needed: needed})
		lines = append(lines, int32(r.line))
	}
}
