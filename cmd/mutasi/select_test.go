package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/bkpsdm/mutasi/bench/instances"
	"github.com/bkpsdm/mutasi/selection"
)

// runSelectCLI writes the files into a temporary folder, runs
// "mutasi select" with args (where "pairs.csv" and "seats.csv" name those
// files) and returns the exit code, stdout and stderr.
func runSelectCLI(t *testing.T, files map[string]string, args ...string) (int, string, string) {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	full := []string{"select"}
	for _, a := range args {
		if strings.HasSuffix(a, ".csv") {
			a = filepath.Join(dir, a)
		}
		full = append(full, a)
	}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), full, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// lastLine returns the last non-empty line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

func TestSelectCommand(t *testing.T) {
	pairs := `position,employee,score
B,x,1
A,x,10
A,y,1
C,z,0.25
C,w,0.5
A,w,2
`
	// A has two seats, C none. Most seats first: A takes y and w, B takes
	// x (3 seats, total 4) rather than A taking x and w (2 seats, 12).
	code, out, errOut := runSelectCLI(t, map[string]string{"pairs.csv": pairs, "seats.csv": "position,seats\nA,2\nC,0\n"},
		"--pairs", "pairs.csv", "--seats", "seats.csv")
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	want := "position,employee,score\nA,w,2\nA,y,1\nB,x,1\n"
	if out != want {
		t.Fatalf("stdout\n%s\nwant\n%s", out, want)
	}
	if got := lastLine(errOut); got != "total=4 assigned=3" {
		t.Fatalf("last stderr line %q, want %q", got, "total=4 assigned=3")
	}

	// Without seats.csv every position has one seat.
	code, out, errOut = runSelectCLI(t, map[string]string{"pairs.csv": pairs}, "--pairs", "pairs.csv", "--timing")
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	want = "position,employee,score\nA,w,2\nB,x,1\nC,z,0.25\n"
	if out != want {
		t.Fatalf("stdout\n%s\nwant\n%s", out, want)
	}
	if got := lastLine(errOut); got != "total=3.25 assigned=3" {
		t.Fatalf("last stderr line %q", got)
	}
	if !strings.Contains(errOut, "solve=") {
		t.Fatalf("--timing printed no times: %q", errOut)
	}

	// An empty list of pairs assigns nobody.
	code, out, errOut = runSelectCLI(t, map[string]string{"pairs.csv": "position,employee,score\n"}, "--pairs", "pairs.csv")
	if code != 0 || out != "position,employee,score\n" || lastLine(errOut) != "total=0 assigned=0" {
		t.Fatalf("empty input: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestSelectCommandQuotedNames(t *testing.T) {
	pairs := "position,employee,score\n\"Kepala Seksi, Umum\",198001012005011001,0.75\n"
	code, out, errOut := runSelectCLI(t, map[string]string{"pairs.csv": pairs}, "--pairs", "pairs.csv")
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	if want := "position,employee,score\n\"Kepala Seksi, Umum\",198001012005011001,0.75\n"; out != want {
		t.Fatalf("stdout %q, want %q", out, want)
	}
}

func TestSelectCommandErrors(t *testing.T) {
	good := "position,employee,score\nA,x,1\n"
	cases := []struct {
		name  string
		files map[string]string
		args  []string
		want  string
	}{
		{"no pairs flag", nil, nil, "--pairs is required"},
		{"missing file", nil, []string{"--pairs", "pairs.csv"}, "no such file"},
		{"empty file", map[string]string{"pairs.csv": ""}, []string{"--pairs", "pairs.csv"},
			"pairs.csv line 1: empty file, want the header position,employee,score"},
		{"bad header", map[string]string{"pairs.csv": "pos,emp,score\nA,x,1\n"}, []string{"--pairs", "pairs.csv"},
			"pairs.csv line 1: header"},
		{"bad score", map[string]string{"pairs.csv": "position,employee,score\nA,x,1\nA,y,abc\n"}, []string{"--pairs", "pairs.csv"},
			`pairs.csv line 3: score "abc" is not a finite number`},
		{"infinite score", map[string]string{"pairs.csv": "position,employee,score\nA,x,Inf\n"}, []string{"--pairs", "pairs.csv"},
			`pairs.csv line 2: score "Inf" is not a finite number`},
		{"missing field", map[string]string{"pairs.csv": "position,employee,score\nA,x,1\nA,y\n"}, []string{"--pairs", "pairs.csv"},
			"pairs.csv line 3: wrong number of fields"},
		{"empty employee", map[string]string{"pairs.csv": "position,employee,score\nA,,1\n"}, []string{"--pairs", "pairs.csv"},
			"pairs.csv line 2: empty position or employee"},
		{"duplicate pair", map[string]string{"pairs.csv": "position,employee,score\nA,x,1\nB,x,2\nA,x,3\n"}, []string{"--pairs", "pairs.csv"},
			"pairs.csv line 4: (A, x) is given twice (first on line 2)"},
		{"bad seats", map[string]string{"pairs.csv": good, "seats.csv": "position,seats\nA,1\nB,-2\n"},
			[]string{"--pairs", "pairs.csv", "--seats", "seats.csv"}, `seats.csv line 3: seats "-2" is not a whole number of 0 or more`},
		{"seats twice", map[string]string{"pairs.csv": good, "seats.csv": "position,seats\nA,1\nB,1\nA,2\n"},
			[]string{"--pairs", "pairs.csv", "--seats", "seats.csv"}, "seats.csv line 4: position A is listed again (first on line 2)"},
		{"seats header", map[string]string{"pairs.csv": good, "seats.csv": "position,count\nA,1\n"},
			[]string{"--pairs", "pairs.csv", "--seats", "seats.csv"}, "seats.csv line 1: header"},
		{"extra argument", map[string]string{"pairs.csv": good}, []string{"--pairs", "pairs.csv", "more"}, `unexpected argument "more"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { expectFailure(t, tc.files, tc.args, tc.want, "total=") })
	}
}

// reassignFiles is a small reassignment with a vacancy chain and a swap:
// x must leave A for B, which y frees by filling the needed post D (z
// would score more in D, but then x could not move); p and q must leave
// S1 and S2 and can only swap. C has no seats but a holder, so its
// capacity is 1.
var reassignFiles = map[string]string{
	"employees.csv": "employee,position,must_move\nx,A,1\ny,B,0\nz,C,0\np,S1,1\nq,S2,1\n",
	"positions.csv": "position,seats,needed\nA,1,0\nB,1,0\nC,0,0\nD,1,1\nS1,1,0\nS2,1,0\n",
	"pairs.csv":     "position,employee,score\nB,x,0.25\nD,y,0.5\nD,z,0.9\nS2,p,0.125\nS1,q,0.0625\n",
}

// reassignArgs are the arguments of a reassignment on reassignFiles.
var reassignArgs = []string{"--reassign", "--employees", "employees.csv", "--positions", "positions.csv", "--pairs", "pairs.csv"}

func TestSelectReassign(t *testing.T) {
	code, out, errOut := runSelectCLI(t, reassignFiles, append(reassignArgs, "--timing")...)
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	want := "employee,from,to\np,S1,S2\nq,S2,S1\nx,A,B\ny,B,D\n"
	if out != want {
		t.Fatalf("stdout\n%s\nwant\n%s", out, want)
	}
	if got, want := lastLine(errOut), "must_moved=3 filled=1 score=0.937500 moves=4"; got != want {
		t.Fatalf("last stderr line %q, want %q", got, want)
	}
	if !strings.Contains(errOut, "read=") || !strings.Contains(errOut, "solve=") {
		t.Fatalf("--timing printed no times: %q", errOut)
	}

	// Nobody has to move and no post is needed: nobody moves.
	calm := map[string]string{
		"employees.csv": "employee,position,must_move\nx,A,0\n",
		"positions.csv": "position,seats,needed\nA,1,0\nB,1,0\n",
		"pairs.csv":     "position,employee,score\nB,x,1\n",
	}
	code, out, errOut = runSelectCLI(t, calm, reassignArgs...)
	if code != 0 || out != "employee,from,to\n" || lastLine(errOut) != "must_moved=0 filled=0 score=0.000000 moves=0" {
		t.Fatalf("nobody moves: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestSelectReassignErrors(t *testing.T) {
	// with returns reassignFiles with one file replaced.
	with := func(name, body string) map[string]string {
		files := maps.Clone(reassignFiles)
		files[name] = body
		return files
	}
	cases := []struct {
		name  string
		files map[string]string
		args  []string
		want  string
	}{
		{"no employees flag", reassignFiles, []string{"--reassign", "--pairs", "pairs.csv", "--positions", "positions.csv"},
			"--reassign needs --employees and --positions"},
		{"seats with reassign", reassignFiles, append(slices.Clone(reassignArgs), "--seats", "positions.csv"),
			"--seats and --prune do not apply to --reassign"},
		{"employees without reassign", reassignFiles, []string{"--pairs", "pairs.csv", "--employees", "employees.csv"},
			"--employees and --positions need --reassign"},
		{"employees header", with("employees.csv", "employee,post,must_move\nx,A,1\n"), reassignArgs,
			"employees.csv line 1: header"},
		{"positions header", with("positions.csv", "position,seats\nA,1\n"), reassignArgs,
			"positions.csv line 1: wrong number of fields"},
		{"missing field", with("employees.csv", "employee,position,must_move\nx,A,1\ny,B\n"), reassignArgs,
			"employees.csv line 3: wrong number of fields"},
		{"must_move not 0/1", with("employees.csv", "employee,position,must_move\nx,A,1\ny,B,yes\n"), reassignArgs,
			`employees.csv line 3: must_move "yes" is not 0 or 1`},
		{"needed not 0/1", with("positions.csv", "position,seats,needed\nA,1,2\n"), reassignArgs,
			`positions.csv line 2: needed "2" is not 0 or 1`},
		{"bad seats", with("positions.csv", "position,seats,needed\nA,1,0\nB,-1,0\n"), reassignArgs,
			`positions.csv line 3: seats "-1" is not a whole number of 0 or more`},
		{"bad score", with("pairs.csv", "position,employee,score\nB,x,0.25\nD,y,NaN\n"), reassignArgs,
			`pairs.csv line 3: score "NaN" is not a finite number`},
		{"unknown post of a holder", with("employees.csv", "employee,position,must_move\nx,A,1\ny,Q,0\n"), reassignArgs,
			`employees.csv line 3: y holds "Q", which is not a post`},
		{"unknown post of a pair", with("pairs.csv", "position,employee,score\nB,x,0.25\nQ,y,0.5\n"), reassignArgs,
			`pairs.csv line 3: names "Q", which is not a post`},
		{"unknown employee", with("pairs.csv", "position,employee,score\nB,x,0.25\n\nD,w,0.5\n"), reassignArgs,
			`pairs.csv line 4: names "w", who is not a holder`},
		{"own post", with("pairs.csv", "position,employee,score\nB,x,0.25\nB,y,0.5\n"), reassignArgs,
			"pairs.csv line 3: (B, y) names the post y already holds"},
		{"employee twice", with("employees.csv", "employee,position,must_move\nx,A,1\ny,B,0\nz,C,0\nx,S1,0\n"), reassignArgs,
			"employees.csv line 5: x is listed twice (first on line 2)"},
		{"post twice", with("positions.csv", "position,seats,needed\nA,1,0\nB,1,0\nC,1,0\nD,1,1\nS1,1,0\nS2,1,0\nB,2,0\n"), reassignArgs,
			"positions.csv line 8: B is listed twice (first on line 3)"},
		{"pair twice", with("pairs.csv", "position,employee,score\nB,x,0.25\nD,y,0.5\nB,x,1\n"), reassignArgs,
			"pairs.csv line 4: (B, x) is given twice (first on line 2)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { expectFailure(t, tc.files, tc.args, tc.want, "moves=") })
	}
}

func TestCSVReader(t *testing.T) {
	cases := []struct {
		name, text string
		want       []string // "line:field|field", then the error if any
	}{
		{"plain", "a,b\n1,2\n3,4\n", []string{"2:1|2", "3:3|4"}},
		{"CRLF", "a,b\r\n1,2\r\n3,4\r\n", []string{"2:1|2", "3:3|4"}},
		{"no final line end", "a,b\n1,2\n3,4", []string{"2:1|2", "3:3|4"}},
		{"empty lines", "a,b\n\n1,2\r\n\r\n\n3,4\n\n", []string{"3:1|2", "6:3|4"}},
		{"header only", "a,b\n", nil},
		{"byte order mark, case and spaces in the header", "\ufeffA , b\n1,2\n", []string{"2:1|2"}},
		{"spaces around fields", "a,b\n 1 ,\t2 \n", []string{"2:1|2"}},
		{"empty fields", "a,b\n,\n", []string{"2:|"}},
		{"quoted fields", "a,b\n\"x, y\",\"say \"\"hi\"\"\"\n\"\",\"\"\"\"\n", []string{`2:x, y|say "hi"`, `3:|"`}},
		{"spaces inside quotes", "a,b\n\" x \",\"\"\"y \"\n", []string{`2:x|"y`}},
		{"quote inside a field", "a,b\nx\"y,2\n", []string{`2:x"y|2`}},
		{"too few fields", "a,b\n1,2\n3\n", []string{"2:1|2", "f.csv line 3: wrong number of fields"}},
		{"too many fields", "a,b\n1,2,\n", []string{"f.csv line 2: wrong number of fields"}},
		{"quote not closed", "a,b\n\"x,2\n3\",4\n", []string{"f.csv line 2: quoted field does not end on its line"}},
		{"text after a quote", "a,b\n\"x\"y,2\n", []string{"f.csv line 2: text after the closing quote of a field"}},
		{"wrong header", "a,c\n1,2\n", []string{`f.csv line 1: header "a,c", want a,b`}},
		{"empty file", "\r\n\n", []string{"f.csv line 1: empty file, want the header a,b"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "f.csv")
			if err := os.WriteFile(path, []byte(tc.text), 0o600); err != nil {
				t.Fatal(err)
			}
			var got []string
			r, err := openCSV(path, "a", "b")
			if err == nil {
				defer r.close()
			}
			for err == nil {
				var ok bool
				if ok, err = r.next(); ok && err == nil {
					got = append(got, fmt.Sprintf("%d:%s|%s", r.line, r.fields[0], r.fields[1]))
				} else if !ok {
					break
				}
			}
			if err != nil {
				got = append(got, strings.TrimPrefix(err.Error(), filepath.Dir(path)+string(filepath.Separator)))
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestCSVReaderBlocks reads a file of several blocks with a line longer
// than a block, so that lines cross the ends of blocks and the buffer
// grows.
func TestCSVReaderBlocks(t *testing.T) {
	long := strings.Repeat("y", 3*csvBlock/2)
	var text strings.Builder
	text.WriteString("a,b\r\n")
	for k := range 200000 {
		if k == 100000 {
			fmt.Fprintf(&text, "%d,%s\r\n", k, long)
			continue
		}
		fmt.Fprintf(&text, "%d,x%d\r\n", k, k)
	}
	path := filepath.Join(t.TempDir(), "f.csv")
	if err := os.WriteFile(path, []byte(text.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := openCSV(path, "a", "b")
	if err != nil {
		t.Fatal(err)
	}
	defer r.close()
	for k := 0; ; k++ {
		ok, err := r.next()
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			if k != 200000 {
				t.Fatalf("%d records, want 200000", k)
			}
			break
		}
		want := fmt.Sprintf("x%d", k)
		if k == 100000 {
			want = long
		}
		if r.line != k+2 || string(r.fields[0]) != strconv.Itoa(k) || string(r.fields[1]) != want {
			t.Fatalf("record %d: line %d, fields %.20q %.20q", k, r.line, r.fields[0], r.fields[1])
		}
	}
}

func TestParseDecimal(t *testing.T) {
	inputs := []string{"0", "-0", "1", "0.5", ".5", "1.", "-12.25", "0.1", "0.3", "123456789012345", "0.000000000000001",
		"9007199254740993", "1234567890123456", "1e3", "+1", "1.2.3", "", "-", ".", "1,5", "0x10", "Inf"}
	r := rand.New(rand.NewPCG(1, 2))
	for range 10000 {
		digits := 1 + r.IntN(17)
		s := strconv.FormatUint(r.Uint64()%uint64(math.Pow10(digits)), 10)
		point := r.IntN(len(s) + 1)
		inputs = append(inputs, s[:point]+"."+s[point:])
	}
	for _, s := range inputs {
		got, ok := parseDecimal([]byte(s))
		want, err := strconv.ParseFloat(s, 64)
		if ok && (err != nil || math.Float64bits(got) != math.Float64bits(want)) {
			t.Fatalf("parseDecimal(%q) = %v, strconv.ParseFloat says %v, %v", s, got, want, err)
		}
		digits := len(s) - strings.Count(s, "-") - strings.Count(s, ".")
		if !ok && err == nil && strings.Trim(s, "-.0123456789") == "" && digits < len(pow10) {
			t.Fatalf("parseDecimal(%q) declined a short decimal", s)
		}
	}
}

// TestSelectPlainUnchanged checks that the plain mode prints what it
// printed before it had its own reader: the pairs read with encoding/csv
// and solved by selection.AssignWith. It runs on a generated instance and
// on the same instance with CRLF line ends, empty lines, spaces and quoted
// position names holding commas and quotes.
func TestSelectPlainUnchanged(t *testing.T) {
	dir := t.TempDir()
	c := instances.Config{Name: "small", Positions: 40, Seats: 70, Employees: 400, Bands: 2, Density: 0.3, Seed: 9}
	if _, err := instances.WriteAssign(dir, c); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, name := range []string{"pairs.csv", "seats.csv"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = string(b)
	}
	quote := regexp.MustCompile(`(?m)^(P\d+),`)
	odd := map[string]string{}
	for name, text := range files {
		text = quote.ReplaceAllString(text, `" $1, ""q"" ",`)
		odd[name] = strings.ReplaceAll(strings.ReplaceAll(text, ",E", ", E"), "\n", "\r\n\r\n")
	}
	for _, in := range []map[string]string{files, odd} {
		code, out, errOut := runSelectCLI(t, in, "--pairs", "pairs.csv", "--seats", "seats.csv")
		if code != 0 {
			t.Fatalf("exit %d, stderr %s", code, errOut)
		}
		wantOut, wantSummary := referenceSelect(t, in["pairs.csv"], in["seats.csv"])
		if out != wantOut {
			t.Fatalf("stdout\n%s\nwant\n%s", out, wantOut)
		}
		if got := lastLine(errOut); got != wantSummary {
			t.Fatalf("last stderr line %q, want %q", got, wantSummary)
		}
	}
}

// referenceSelect is the plain mode as it was: encoding/csv reads the
// pairs and seats, selection.AssignWith solves, encoding/csv writes. It
// returns stdout and the summary line.
func referenceSelect(t *testing.T, pairsCSV, seatsCSV string) (string, string) {
	t.Helper()
	records := func(text string) [][]string {
		rs, err := csv.NewReader(strings.NewReader(text)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range rs {
			for i := range rec {
				rec[i] = strings.TrimSpace(rec[i])
			}
		}
		return rs[1:]
	}
	var pairs []selection.Pair
	for _, rec := range records(pairsCSV) {
		s, err := strconv.ParseFloat(rec[2], 64)
		if err != nil {
			t.Fatal(err)
		}
		pairs = append(pairs, selection.Pair{Position: rec[0], Employee: rec[1], Score: s})
	}
	seats := map[string]int{}
	for _, rec := range records(seatsCSV) {
		n, err := strconv.Atoi(rec[1])
		if err != nil {
			t.Fatal(err)
		}
		seats[rec[0]] = n
	}
	a, err := selection.AssignWith(pairs, seats, selection.AssignOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"position", "employee", "score"})
	for _, p := range a.Pairs {
		w.Write([]string{p.Position, p.Employee, strconv.FormatFloat(p.Score, 'f', -1, 64)})
	}
	w.Flush()
	return b.String(), fmt.Sprintf("total=%s assigned=%d", strconv.FormatFloat(a.Total, 'f', -1, 64), len(a.Pairs))
}

// BenchmarkSelectCommand runs the whole "mutasi select" command (reading
// the CSV files, solving, writing the result to io.Discard) on the
// province assignment instance with independent scores and on the two
// reassignment instances, written once as CSV files. MB/s counts the input
// files. The last sub-benchmark only reads the largest file, the province
// reassignment's pairs.csv (3 million pairs), for the reader's throughput.
func BenchmarkSelectCommand(b *testing.B) {
	dir := b.TempDir()
	type job struct {
		name string
		args []string
	}
	plain := instances.Province(false)
	p := filepath.Join(dir, plain.Name)
	if _, err := instances.WriteAssign(p, plain); err != nil {
		b.Fatal(err)
	}
	jobs := []job{{plain.Name, []string{"--pairs", filepath.Join(p, "pairs.csv"), "--seats", filepath.Join(p, "seats.csv")}}}
	for _, c := range instances.AllReassign() {
		r := filepath.Join(dir, c.Name)
		if _, err := instances.WriteReassign(r, c); err != nil {
			b.Fatal(err)
		}
		jobs = append(jobs, job{c.Name, []string{"--reassign", "--employees", filepath.Join(r, "employees.csv"),
			"--positions", filepath.Join(r, "positions.csv"), "--pairs", filepath.Join(r, "pairs.csv")}})
	}
	for _, j := range jobs {
		b.Run(j.name, func(b *testing.B) {
			var size int64
			for _, a := range j.args {
				if st, err := os.Stat(a); err == nil {
					size += st.Size()
				}
			}
			b.SetBytes(size)
			var stderr bytes.Buffer
			for b.Loop() {
				stderr.Reset()
				if code := run(context.Background(), append([]string{"select"}, j.args...), io.Discard, &stderr); code != 0 {
					b.Fatalf("exit %d: %s", code, stderr.String())
				}
			}
		})
	}
	pairs := filepath.Join(dir, instances.ReassignProvince().Name, "pairs.csv")
	b.Run("read-pairs", func(b *testing.B) {
		st, err := os.Stat(pairs)
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(st.Size())
		for b.Loop() {
			if _, _, err := readPairs(pairs); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// expectFailure runs mutasi select on files with args and checks that it
// fails with want on stderr, nothing on stdout and no summary (the text
// summary starts the last line of a success).
func expectFailure(t *testing.T, files map[string]string, args []string, want, summary string) {
	t.Helper()
	code, out, errOut := runSelectCLI(t, files, args...)
	if code == 0 {
		t.Fatalf("exit 0, want an error")
	}
	if out != "" {
		t.Fatalf("stdout %q, want nothing", out)
	}
	if !strings.Contains(errOut, want) {
		t.Fatalf("stderr %q, want it to contain %q", errOut, want)
	}
	if strings.Contains(errOut, summary) {
		t.Fatalf("stderr has a summary after an error: %q", errOut)
	}
}
