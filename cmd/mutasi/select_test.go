package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runSelectCLI(t, tc.files, tc.args...)
			if code == 0 {
				t.Fatalf("exit 0, want an error")
			}
			if out != "" {
				t.Fatalf("stdout %q, want nothing", out)
			}
			if !strings.Contains(errOut, tc.want) {
				t.Fatalf("stderr %q, want it to contain %q", errOut, tc.want)
			}
			if strings.Contains(errOut, "total=") {
				t.Fatalf("stderr has a total after an error: %q", errOut)
			}
		})
	}
}
