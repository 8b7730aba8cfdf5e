// Command gen writes the benchmark instances of bench/instances as CSV
// files for "mutasi select" and bench/scipy_solve.py:
//
//	go run ./bench/gen -out bench/data [-only city-independent,reassign-city]
//
// Each assignment instance goes to <out>/<name>/pairs.csv
// (position,employee,score) and <out>/<name>/seats.csv (position,seats);
// each reassignment instance (reassign-city, reassign-province) to
// <out>/<name>/employees.csv (employee,position,must_move),
// positions.csv (position,seats,needed) and pairs.csv, for
// "mutasi select --reassign". The instances are the same as those of
// go test -bench ./selection/.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/bkpsdm/mutasi/bench/instances"
)

func main() {
	out := flag.String("out", "bench/data", "folder to write the instances into")
	only := flag.String("only", "", "comma-separated instance names (default: all)")
	flag.Parse()
	wanted := func(name string) bool { return *only == "" || slices.Contains(strings.Split(*only, ","), name) }
	var jobs []func() (string, error)
	for _, c := range instances.All() {
		if wanted(c.Name) {
			jobs = append(jobs, func() (string, error) { return instances.WriteAssign(filepath.Join(*out, c.Name), c) })
		}
	}
	for _, c := range instances.AllReassign() {
		if wanted(c.Name) {
			jobs = append(jobs, func() (string, error) { return instances.WriteReassign(filepath.Join(*out, c.Name), c) })
		}
	}
	for _, job := range jobs {
		summary, err := job()
		if err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
		fmt.Println(summary)
	}
}
