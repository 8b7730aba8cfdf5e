package importer

import (
	"errors"
	"strconv"
	"strings"
	"testing"
)

// rowsOf reads n rows (endless for n < 0), numbered from 1, each with one
// column "v" holding its number, then fails with end (nil: none).
func rowsOf(n int, end error) func(each func(row) error) error {
	return func(each func(row) error) error {
		for i := 1; n < 0 || i <= n; i++ {
			if err := each(row{n: i, cols: map[string]int{"v": 0}, values: []string{strconv.Itoa(i)}}); err != nil {
				return err
			}
		}
		return end
	}
}

// keyOfRow checks a row by taking its value as its key.
func keyOfRow(r row) checked {
	return checked{r: r, key: r.field("v")}
}

// TestCheckInParallel: the checked rows reach take in the file's order,
// however many checkers ran; take's error stops an endless file's reading
// and is returned; a read error is returned after the rows before it; a
// checker's panic is an error, not the end of the process.
func TestCheckInParallel(t *testing.T) {
	var got []string
	take := func(c checked) error {
		got = append(got, c.key)
		return nil
	}
	if err := checkInParallel(rowsOf(10*checkBatch+7, nil), keyOfRow, take); err != nil {
		t.Fatal(err)
	}
	if len(got) != 10*checkBatch+7 {
		t.Fatalf("took %d rows", len(got))
	}
	for i, k := range got {
		if k != strconv.Itoa(i+1) {
			t.Fatalf("row %d was taken as the %d-th", i+1, i+1)
		}
	}

	full := errors.New("full")
	taken := 0
	err := checkInParallel(rowsOf(-1, nil), keyOfRow, func(checked) error {
		if taken++; taken == 3*checkBatch+1 {
			return full
		}
		return nil
	})
	if !errors.Is(err, full) || taken != 3*checkBatch+1 {
		t.Fatalf("an endless file: %v after %d rows", err, taken)
	}

	broken := errors.New("broken")
	got = nil
	if err := checkInParallel(rowsOf(10, broken), keyOfRow, take); !errors.Is(err, broken) || len(got) != 10 {
		t.Fatalf("a broken file: %v after %d rows", err, len(got))
	}

	err = checkInParallel(rowsOf(2*checkBatch, nil), func(r row) checked {
		if r.n == checkBatch+5 {
			panic("a bug")
		}
		return keyOfRow(r)
	}, func(checked) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "a bug") {
		t.Fatalf("a checker's panic: %v", err)
	}
}
